package org.momentumrnn4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.dynamics.Cells;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.data.Target;
import org.momentumrnn4j.optim.ParamGroup;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.momentumrnn4j.sequence.StackedRecurrent;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Recurrent layers plus a linear readout, built from a {@link ModelConfig}.
 *
 * <p>Heads: {@link ModelConfig.Head#LAST_STEP} reads the top layer's hidden state after the last real
 * step of each sample (its final state: padded steps keep the state); {@link ModelConfig.Head#EVERY_STEP}
 * reads every step. Losses follow the batch's {@link Target}: softmax cross-entropy for labels (mean over
 * the batch, or over all steps and the batch), mean squared error for values (masked per step).
 *
 * <p>Parameter names: {@code layer<i>.<cell parameter>} and {@code head.W}, {@code head.b}; DTRIV bases add
 * the buffer {@code layer<i>.base}.
 */
public final class SequenceModel {
    private final ModelConfig config;
    private final List<DriveCell> cells = new ArrayList<>();
    private final StackedRecurrent stack;
    private final Linear head;

    /** Builds (and initializes) the model the configuration describes. */
    public SequenceModel(ModelConfig config) {
        this.config = config;
        List<RecurrentLayer> layers = new ArrayList<>();
        int in = config.inputSize();
        for (ModelConfig.Layer l : config.layers()) {
            DriveCell c = Cells.create(l.base(), in, l.hidden(), l.drive(), l.cell(), config.dataType());
            cells.add(c);
            layers.add(RecurrentLayer.of(c));
            in = l.hidden();
        }
        this.stack = new StackedRecurrent(layers, config.dropout(), config.seed());
        this.head = new Linear(in, config.outputs(), config.seed(), config.dataType());
    }

    /** The configuration. */
    public ModelConfig config() {
        return config;
    }

    /** The cells, bottom first. */
    public List<DriveCell> cells() {
        return cells;
    }

    /** Trainable parameters by name. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            for (var e : cells.get(i).parameters().entrySet()) {
                m.put("layer" + i + "." + e.getKey(), e.getValue());
            }
        }
        for (var e : head.parameters().entrySet()) {
            m.put("head." + e.getKey(), e.getValue());
        }
        return m;
    }

    /** Non-trainable model arrays by name (DTRIV bases). */
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            for (var e : cells.get(i).buffers().entrySet()) {
                m.put("layer" + i + "." + e.getKey(), e.getValue());
            }
        }
        return m;
    }

    /** The DTRIV bases, for the rebase schedule. */
    public List<DtrivBase> dtrivBases() {
        List<DtrivBase> l = new ArrayList<>();
        for (DriveCell c : cells) {
            if (c.base() instanceof DtrivBase d) {
                l.add(d);
            }
        }
        return l;
    }

    /**
     * The usual two groups: {@code "main"} (everything but DTRIV's skew parameters) with {@code lr}, and,
     * when the model has DTRIV layers, {@code "orthogonal"} (their {@code P}) with {@code lrOrth}.
     */
    public List<ParamGroup> paramGroups(double lr, double lrOrth, double weightDecay) {
        Map<String, Tensor> main = new LinkedHashMap<>();
        Map<String, Tensor> orth = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            boolean dtriv = cells.get(i).base().kind() == Base.Kind.DTRIV;
            for (var e : cells.get(i).parameters().entrySet()) {
                (dtriv && e.getKey().equals("P") ? orth : main).put("layer" + i + "." + e.getKey(), e.getValue());
            }
        }
        for (var e : head.parameters().entrySet()) {
            main.put("head." + e.getKey(), e.getValue());
        }
        List<ParamGroup> g = new ArrayList<>();
        g.add(new ParamGroup("main", main, lr, weightDecay));
        if (!orth.isEmpty()) {
            g.add(new ParamGroup("orthogonal", orth, lrOrth, 0.0));   // weight decay must not touch P (dtriv.md §1)
        }
        return g;
    }

    /** Enables dropout (training) or not. */
    public void setTraining(boolean training) {
        stack.training(training);
    }

    /** Re-seeds dropout (the trainer does this per iteration so that resumed runs repeat exactly). */
    public void reseedDropout(long seed) {
        stack.reseed(seed);
    }

    /** The readout: {@code [B, outputs]} (last step) or {@code [B, T, outputs]} (every step). */
    public Tensor forward(Batch batch) {
        StackedRecurrent.Output o = stack.forward(Tensor.constant(batch.inputs().castTo(config.dataType())),
                batch.mask(), null);
        if (config.head() == ModelConfig.Head.LAST_STEP) {
            List<CellState> finals = o.finalStates();
            return head.forward(finals.get(finals.size() - 1).h());
        }
        Tensor y = o.output();
        long b = y.size(0);
        long t = y.size(1);
        Tensor flat = head.forward(Ops.reshape(y, b * t, y.size(2)));
        return Ops.reshape(flat, b, t, config.outputs());
    }

    /**
     * The loss computed from the top recurrent layer's output (for tools that run a one-layer model's cell
     * themselves, such as the gradient-norm recorder): applies the head, then {@link #loss(Tensor, Batch)}.
     */
    public Tensor lossFromTop(org.momentumrnn4j.sequence.SequenceOutput top, Batch batch) {
        Tensor out;
        if (config.head() == ModelConfig.Head.LAST_STEP) {
            out = head.forward(top.finalState().h());
        } else {
            Tensor y = top.output();
            long b = y.size(0);
            long t = y.size(1);
            out = Ops.reshape(head.forward(Ops.reshape(y, b * t, y.size(2))), b, t, config.outputs());
        }
        return loss(out, batch);
    }

    /** The batch loss for its target kind. */
    public Tensor loss(Batch batch) {
        return loss(forward(batch), batch);
    }

    /** The loss of precomputed outputs. */
    public Tensor loss(Tensor out, Batch batch) {
        Target target = batch.target();
        if (target instanceof Target.Labels l) {
            requireHead(ModelConfig.Head.LAST_STEP, "class labels");
            return Ops.softmaxCrossEntropy(out, l.labels());
        } else if (target instanceof Target.Values v) {
            requireHead(ModelConfig.Head.LAST_STEP, "per-sequence values");
            return Ops.mse(out, Tensor.constant(v.values().castTo(config.dataType())));
        } else if (target instanceof Target.StepLabels sl) {
            requireHead(ModelConfig.Head.EVERY_STEP, "per-step labels");
            if (batch.mask() != null) {
                throw new IllegalArgumentException("per-step labels with a padding mask are not supported; "
                        + "pad the labels with a class of their own instead");
            }
            long b = out.size(0);
            long t = out.size(1);
            int[] flat = new int[(int) (b * t)];
            for (int i = 0; i < b; i++) {
                System.arraycopy(sl.labels()[i], 0, flat, (int) (i * t), (int) t);
            }
            return Ops.softmaxCrossEntropy(Ops.reshape(out, b * t, out.size(2)), flat);
        } else if (target instanceof Target.StepValues sv) {
            requireHead(ModelConfig.Head.EVERY_STEP, "per-step values");
            Tensor mask = batch.mask() == null ? null : Tensor.constant(batch.mask().toArray(config.dataType()));
            return Ops.mse(out, Tensor.constant(sv.values().castTo(config.dataType())), mask);
        }
        throw new IllegalArgumentException("unknown target " + target);
    }

    private void requireHead(ModelConfig.Head h, String what) {
        if (config.head() != h) {
            throw new IllegalArgumentException(what + " need a " + h + " head, the model has " + config.head());
        }
    }

    /** Accuracy of argmax predictions for label targets (per step for step labels). */
    public static double accuracy(INDArray out, Target target) {
        if (target instanceof Target.Labels l) {
            INDArray arg = Nd4j.argMax(out, 1);
            int ok = 0;
            for (int i = 0; i < l.labels().length; i++) {
                ok += arg.getInt(i) == l.labels()[i] ? 1 : 0;
            }
            return ok / (double) l.labels().length;
        } else if (target instanceof Target.StepLabels sl) {
            INDArray arg = Nd4j.argMax(out, 2);
            long ok = 0;
            long n = 0;
            for (int i = 0; i < sl.labels().length; i++) {
                for (int t = 0; t < sl.labels()[i].length; t++) {
                    ok += arg.getInt(i, t) == sl.labels()[i][t] ? 1 : 0;
                    n++;
                }
            }
            return ok / (double) n;
        }
        return Double.NaN;
    }
}
