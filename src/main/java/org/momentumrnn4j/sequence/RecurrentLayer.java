package org.momentumrnn4j.sequence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StepResult;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.StateSpec;

/**
 * A recurrent layer: a {@link RecurrentCell} unrolled over a whole sequence.
 *
 * <p><b>Layout.</b> Input {@code [batch, time, features]}, output {@code [batch, time, hidden]}. Time-major
 * input {@code [time, batch, features]} is accepted only when the layer is built with
 * {@link Builder#timeMajor(boolean) timeMajor(true)}; its output is then time-major too.
 *
 * <p><b>Masks.</b> With a {@link SequenceMask}, a padded step leaves every state tensor of that sample
 * unchanged and outputs zero; no gradient flows through it. The scheduled-restart counter k counts the
 * time steps of the whole batch.
 *
 * <p><b>State.</b> {@code forward(x, mask, initial)} starts from {@code initial} (passed through the cell's
 * {@link RecurrentCell#startSegment}) or from zeros, and returns the final state; {@link CellState#detach()}
 * it to carry state across truncated-BPTT segments.
 *
 * <p><b>Two paths.</b> For the built-in cells ({@link DriveCell} over the vanilla, LSTM or DTRIV base) the
 * default {@link Path#AUTO} runs one fused operation per layer and sequence (input projection as one GEMM,
 * the Momentum/Adam/SR-B filters as linear scans, Java pointwise kernels, one GEMM per weight gradient).
 * Any other cell, or {@link Path#GENERIC}, records the cell's steps op by op; that generic path is the
 * reference and the tests hold both equal.
 */
public final class RecurrentLayer {
    /** Which implementation runs the sequence. */
    public enum Path {
        /** Fused for built-in cells, generic otherwise. */
        AUTO,
        /** The cell's steps recorded op by op (the reference). */
        GENERIC,
        /** The fused sweep; fails for cells that have none. */
        FUSED
    }

    private final RecurrentCell cell;
    private final boolean timeMajor;
    private final Path path;

    private RecurrentLayer(RecurrentCell cell, boolean timeMajor, Path path) {
        this.cell = cell;
        this.timeMajor = timeMajor;
        this.path = path;
    }

    /** A layer over {@code cell} (batch-major, automatic path). */
    public static RecurrentLayer of(RecurrentCell cell) {
        return builder(cell).build();
    }

    /** A builder for a layer over {@code cell}. */
    public static Builder builder(RecurrentCell cell) {
        return new Builder(cell);
    }

    /** Builder of {@link RecurrentLayer}. */
    public static final class Builder {
        private final RecurrentCell cell;
        private boolean timeMajor;
        private Path path = Path.AUTO;

        private Builder(RecurrentCell cell) {
            if (cell == null) {
                throw new IllegalArgumentException("cell must not be null");
            }
            this.cell = cell;
        }

        /** Accept and return {@code [time, batch, features]} (default false). */
        public Builder timeMajor(boolean value) {
            this.timeMajor = value;
            return this;
        }

        /** Implementation choice (default {@link Path#AUTO}). */
        public Builder path(Path value) {
            if (value == null) {
                throw new IllegalArgumentException("path must not be null");
            }
            this.path = value;
            return this;
        }

        /** Builds the layer. */
        public RecurrentLayer build() {
            if (path == Path.FUSED && !fusable(cell)) {
                throw new IllegalArgumentException("Path.FUSED needs a built-in cell, got " + cell);
            }
            return new RecurrentLayer(cell, timeMajor, path);
        }
    }

    /** The cell. */
    public RecurrentCell cell() {
        return cell;
    }

    /** Whether input and output are time-major. */
    public boolean timeMajor() {
        return timeMajor;
    }

    /** The path setting. */
    public Path path() {
        return path;
    }

    /** Runs the whole sequence from the zero state, without mask. */
    public SequenceOutput forward(Tensor x) {
        return forward(x, null, null);
    }

    /**
     * Runs the whole sequence.
     *
     * @param x       {@code [batch, time, features]} ({@code [time, batch, features]} if time-major)
     * @param mask    padding mask {@code [batch, time]}, or {@code null}
     * @param initial the state to start from (carried from a previous segment), or {@code null} for zeros
     */
    public SequenceOutput forward(Tensor x, SequenceMask mask, CellState initial) {
        Tensor xb = x;
        if (x.rank() == 3 && timeMajor) {
            xb = Ops.swapLeadingAxes(x);
        }
        validate(xb, mask, initial);
        int batch = (int) xb.size(0);
        CellState start = initial == null ? cell.initialState(batch) : cell.startSegment(initial);
        SequenceOutput out = useFused() ? fused(xb, mask, start) : generic(xb, mask, start);
        if (timeMajor) {
            return new SequenceOutput(Ops.swapLeadingAxes(out.output()), out.finalState());
        }
        return out;
    }

    private boolean useFused() {
        return path == Path.FUSED || (path == Path.AUTO && fusable(cell));
    }

    static boolean fusable(RecurrentCell cell) {
        return cell instanceof DriveCell;
    }

    private void validate(Tensor x, SequenceMask mask, CellState initial) {
        String layout = timeMajor ? "[time, batch, features]" : "[batch, time, features]";
        if (x.rank() != 3) {
            throw new IllegalArgumentException("input must be " + layout + ", got " + Arrays.toString(x.shape()));
        }
        long b = x.size(0);
        long t = x.size(1);
        long f = x.size(2);
        String got = Arrays.toString(timeMajor ? new long[] {t, b, f} : x.shape());
        if (f != cell.inputSize()) {
            throw new IllegalArgumentException("input " + layout + " must have " + cell.inputSize()
                    + " features, got shape " + got);
        }
        if (x.dataType() != cell.dataType()) {
            throw new IllegalArgumentException("input is " + x.dataType() + " but the cell is " + cell.dataType());
        }
        if (t < 1 || b < 1) {
            throw new IllegalArgumentException("input must have at least one sample and one step, got " + got);
        }
        String hint = timeMajor ? "" : " — time-major input? build the layer with timeMajor(true)";
        if (mask != null && (mask.batchSize() != b || mask.steps() != t)) {
            boolean swapped = mask.batchSize() == t && mask.steps() == b;
            throw new IllegalArgumentException("mask must be [batch " + b + ", time " + t + "] for input "
                    + got + ", got [" + mask.batchSize() + ", " + mask.steps() + "]" + (swapped ? hint : ""));
        }
        if (initial != null) {
            if (initial.spec() != cell.stateSpec()) {
                throw new IllegalArgumentException("initial state " + initial.spec() + " does not belong to "
                        + cell + " whose state is " + cell.stateSpec());
            }
            if (initial.batchSize() != b) {
                boolean swapped = initial.batchSize() == t;
                throw new IllegalArgumentException("initial state has batch " + initial.batchSize()
                        + " (h " + Arrays.toString(initial.h().shape()) + ") but input " + got + " has batch " + b
                        + (swapped ? hint : ""));
            }
            if (initial.dataType() != cell.dataType()) {
                throw new IllegalArgumentException("initial state is " + initial.dataType() + " but the cell is "
                        + cell.dataType());
            }
        }
    }

    private SequenceOutput generic(Tensor x, SequenceMask mask, CellState start) {
        Tensor[] xs = Ops.unstackTime(x);
        RecurrentCell.Stepper stepper = cell.begin();
        CellState state = start;
        List<Tensor> outs = new ArrayList<>(xs.length);
        for (int t = 0; t < xs.length; t++) {
            StepResult r = stepper.step(xs[t], state);
            if (mask == null) {
                state = r.state();
                outs.add(r.output());
                continue;
            }
            Tensor keep = Tensor.constant(mask.column(t, x.dataType()));                       // [B, 1]
            Tensor hold = Tensor.constant(mask.column(t, x.dataType()).rsubi(1.0));            // 1 − m
            Tensor[] next = new Tensor[state.spec().size()];
            for (int i = 0; i < next.length; i++) {
                next[i] = Ops.add(Ops.mul(keep, r.state().get(i)), Ops.mul(hold, state.get(i)));
            }
            state = new CellState(state.spec(), next, r.state().counter());
            outs.add(Ops.mul(keep, r.output()));
        }
        return new SequenceOutput(Ops.stackTime(outs), state);
    }

    private SequenceOutput fused(Tensor x, SequenceMask mask, CellState start) {
        DriveCell dc = (DriveCell) cell;
        Base base = dc.base();
        DriveSpec spec = dc.driveSpec();
        StateSpec stateSpec = cell.stateSpec();
        int steps = (int) x.size(1);
        int batch = (int) x.size(0);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x);
        for (int i = 0; i < stateSpec.size(); i++) {
            inputs.add(start.get(i));
        }
        Map<String, Tensor> p = base.parameters();
        if (base.kind() == Base.Kind.DTRIV) {
            inputs.add(p.get("W_in"));
            inputs.add(p.get("b"));
            inputs.add(((DtrivBase) base).orthogonalKernel());
        } else {
            inputs.add(p.get("W"));
            inputs.add(p.get("b_x"));
            inputs.add(p.get("U"));
            inputs.add(p.get("b_h"));
        }
        boolean[] active = null;
        if (mask != null) {
            double[] m = mask.timeMajor();
            active = new boolean[m.length];
            for (int i = 0; i < m.length; i++) {
                active[i] = m[i] != 0.0;
            }
        }
        // float32 layers run the generated float kernel, float64 layers the double one (the same algorithm); the
        // batch is split over the sweep threads (BatchSplitSweep) when there are several
        boolean f32 = x.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT;
        boolean[] mask0 = active;
        int slices = BatchSplitSweep.slices(batch);
        int[] starts = BatchSplitSweep.boundaries(batch, slices);
        java.util.function.IntFunction<org.momentumrnn4j.autograd.Function> part = i -> {
            int b = starts[i + 1] - starts[i];
            boolean[] m = slices == 1 ? mask0 : BatchSplitSweep.sliceMask(mask0, steps, batch, starts[i], starts[i + 1]);
            return f32 ? new FusedSweepFloat(base.kind(), spec, dc.config().vanillaActivation(), steps, b,
                            cell.inputSize(), cell.hiddenSize(), m, start.counter(), stateSpec.size())
                       : new FusedSweep(base.kind(), spec, dc.config().vanillaActivation(), steps, b,
                            cell.inputSize(), cell.hiddenSize(), m, start.counter(), stateSpec.size());
        };
        org.momentumrnn4j.autograd.Function sweep = slices == 1 ? part.apply(0)
                : new BatchSplitSweep(starts, stateSpec.size(), part);
        Tensor[] outs = sweep.apply(inputs.toArray(new Tensor[0]));
        int k = start.counter();
        if (spec instanceof DriveSpec.ScheduledRestart sr) {
            for (int t = 0; t < steps; t++) {
                k = SRCell.nextCounter(k, sr.restartPeriod());
            }
        }
        Tensor[] slots = Arrays.copyOfRange(outs, 1, outs.length);
        return new SequenceOutput(outs[0], new CellState(stateSpec, slots, k));
    }
}
