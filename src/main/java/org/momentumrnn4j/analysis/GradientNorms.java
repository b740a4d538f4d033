package org.momentumrnn4j.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StepResult;
import org.momentumrnn4j.sequence.SequenceOutput;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-time-step gradient norms of a loss (spec/vanishing-gradients.md §5.2).
 *
 * <p>The cell is unrolled step by step on a tape (the generic path), so that every intermediate is a tensor of
 * its own: the recorded gradients are total derivatives, {@code ∂L/∂h_t} through every later step (a retained
 * gradient in PyTorch terms), {@code ∂L/∂x_t} of the raw input, and {@code ∂L/∂s_t} for every other state
 * slot s of the cell ({@code c} for LSTMs, {@code v} for momentum-type cells, {@code m} for Adam/RMSProp,
 * {@code p} for SR form A). Norms are L2 per sample over the features ({@code [T][B]}) and are reduced over the
 * batch as a Frobenius norm or a per-sample mean.
 *
 * <p>Gradients are computed in the cell's data type: use float64 where they underflow float32 (LSTM gradients at
 * initialization reach 1e-110).
 */
public final class GradientNorms {
    /** Reduction of per-sample norms over the batch. */
    public enum Reduction {
        /** {@code sqrt(Σ_b ‖g_b‖²)}: the Frobenius norm over batch × features. */
        FROBENIUS_OVER_BATCH,
        /** {@code mean_b ‖g_b‖}. */
        MEAN_PER_SAMPLE
    }

    /**
     * Per-step norms of one measurement.
     *
     * @param perSample name ({@code "h"}, {@code "x"}, {@code "c"}, {@code "v"}, ...) → {@code [T][B]} norms;
     *                  index t − 1 holds step t
     * @param loss      the loss value
     */
    public record Profile(Map<String, double[][]> perSample, double loss) {
        /** Number of steps. */
        public int steps() {
            return perSample.get("h").length;
        }

        /** The quantities measured, {@code h} and {@code x} first. */
        public List<String> names() {
            return new ArrayList<>(perSample.keySet());
        }

        /** Batch-reduced norms of {@code name} per step ({@code [T]}). */
        public double[] norms(String name, Reduction reduction) {
            double[][] ps = perSample.get(name);
            if (ps == null) {
                throw new IllegalArgumentException("no gradient '" + name + "' measured; have " + perSample.keySet());
            }
            double[] out = new double[ps.length];
            for (int t = 0; t < ps.length; t++) {
                if (reduction == Reduction.FROBENIUS_OVER_BATCH) {
                    out[t] = l2(ps[t], 0, ps[t].length);
                } else {
                    double acc = 0;
                    for (double v : ps[t]) {
                        acc += v;
                    }
                    out[t] = acc / ps[t].length;
                }
            }
            return out;
        }

        /** The first step (1-based) whose Frobenius norm of {@code name} is below {@code threshold}, or −1. */
        public int firstStepBelow(String name, double threshold) {
            double[] n = norms(name, Reduction.FROBENIUS_OVER_BATCH);
            for (int t = 0; t < n.length; t++) {
                if (n[t] < threshold) {
                    return t + 1;
                }
            }
            return -1;
        }
    }

    private GradientNorms() {}

    /**
     * Runs {@code cell} over {@code x [B, T, F]} from the zero state, evaluates {@code loss} on the outputs and
     * final state, and returns the per-step gradient norms. Parameters receive their gradients too (as after a
     * normal backward pass).
     */
    public static Profile measure(RecurrentCell cell, INDArray x, Function<SequenceOutput, Tensor> loss) {
        Recording r = record(cell, x, loss);
        Map<String, double[][]> out = new LinkedHashMap<>();
        int batch = (int) x.size(0);
        for (var e : r.gradients().entrySet()) {
            out.put(e.getKey(), norms(e.getValue(), batch));
        }
        return new Profile(out, r.loss());
    }

    /**
     * The raw per-step gradients ({@code name → [T]} arrays {@code [B, width]}, {@code null} where no path
     * reaches the loss) and state values ({@code name → [T]}, the state after each step) of one run.
     */
    public record Recording(Map<String, INDArray[]> gradients, Map<String, INDArray[]> states, double loss) {}

    /** Like {@link #measure} but keeps the gradient and state arrays themselves. */
    public static Recording record(RecurrentCell cell, INDArray x, Function<SequenceOutput, Tensor> loss) {
        if (x.rank() != 3 || x.size(2) != cell.inputSize()) {
            throw new IllegalArgumentException("x must be [batch, time, " + cell.inputSize() + "], got "
                    + Arrays.toString(x.shape()));
        }
        int batch = (int) x.size(0);
        int steps = (int) x.size(1);
        List<Tensor> xs = new ArrayList<>(steps);
        List<CellState> states = new ArrayList<>(steps);
        Map<String, INDArray[]> grads = new LinkedHashMap<>();
        Map<String, INDArray[]> values = new LinkedHashMap<>();
        double lossValue;
        try (Tape tape = Tape.open()) {
            RecurrentCell.Stepper stepper = cell.begin();
            CellState state = cell.initialState(batch);
            List<Tensor> hs = new ArrayList<>(steps);
            for (int t = 0; t < steps; t++) {
                Tensor xt = Tensor.param(x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'));
                xs.add(xt);
                StepResult r = stepper.step(xt, state);
                state = r.state();
                states.add(state);
                hs.add(r.output());
            }
            Tensor l = loss.apply(new SequenceOutput(Ops.stackTime(hs), state));
            lossValue = l.value().getDouble(0);
            tape.backward(l);
            INDArray[] gx = new INDArray[steps];
            for (int t = 0; t < steps; t++) {
                gx[t] = xs.get(t).grad() == null ? null : xs.get(t).grad().dup();
            }
            for (int i = 0; i < cell.stateSpec().size(); i++) {
                INDArray[] g = new INDArray[steps];
                INDArray[] v = new INDArray[steps];
                for (int t = 0; t < steps; t++) {
                    Tensor s = states.get(t).get(i);
                    g[t] = s.grad() == null ? null : s.grad().dup();
                    v[t] = s.value();
                }
                String name = cell.stateSpec().slots().get(i).name();
                grads.put(name, g);
                values.put(name, v);
                if (i == 0) {
                    grads.put("x", gx);
                }
            }
        }
        return new Recording(grads, values, lossValue);
    }

    /** The L2 norm of {@code v[off .. off + n)}, scaled so that values down to 1e-300 neither underflow nor overflow. */
    static double l2(double[] v, int off, int n) {
        double scale = 0;
        for (int i = off; i < off + n; i++) {
            scale = Math.max(scale, Math.abs(v[i]));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double r = v[i] / scale;
            s += r * r;
        }
        return scale * Math.sqrt(s);
    }

    private static double[][] norms(INDArray[] grads, int batch) {
        int steps = grads.length;
        double[][] n = new double[steps][batch];
        for (int t = 0; t < steps; t++) {
            INDArray g = grads[t];
            if (g == null) {
                continue;                                   // no path from this step to the loss: exactly zero
            }
            double[] v = g.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
            int w = v.length / batch;
            for (int b = 0; b < batch; b++) {
                n[t][b] = l2(v, b * w, w);
            }
        }
        return n;
    }
}
