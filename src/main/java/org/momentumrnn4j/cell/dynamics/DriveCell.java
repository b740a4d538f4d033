package org.momentumrnn4j.cell.dynamics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.LstmBase;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StateSpec;
import org.momentumrnn4j.cell.StepResult;
import org.momentumrnn4j.cell.Validation;
import org.momentumrnn4j.cell.VanillaBase;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A cell made of a {@link Base} and a drive transform (spec/cells.md §2.4): each step computes the input
 * drive {@code g_t} and the recurrent drive {@code r_t} of the base, lets the subclass combine them with its
 * own state into the pre-activation {@code a_t}, and runs the base's tail on {@code a_t}.
 *
 * <p>State: the base's slots ({@code h} or {@code h, c}) followed by the subclass's ({@code v}, {@code m},
 * {@code p}); cells with a scheduled restart also advance the counter {@code k} (spec/cells.md §4).
 */
public abstract class DriveCell implements RecurrentCell {
    private final Base base;
    private final StateSpec spec;
    private final CellConfig config;
    private final int baseSlots;

    /** A cell over {@code base} whose own state is {@code extra}; {@code counter}: uses the SR counter. */
    protected DriveCell(Base base, CellConfig config, List<StateSpec.Slot> extra, boolean counter) {
        this.base = base;
        this.config = config;
        this.baseSlots = base.slots().size();
        this.spec = new StateSpec(base.slots(), false).plus(extra, counter);
    }

    /** The base. */
    public final Base base() {
        return base;
    }

    /** The options the cell was built with. */
    public final CellConfig config() {
        return config;
    }

    @Override public final int inputSize() { return base.inputSize(); }
    @Override public final int hiddenSize() { return base.hiddenSize(); }
    @Override public final StateSpec stateSpec() { return spec; }
    @Override public final DataType dataType() { return base.dataType(); }
    @Override public final Map<String, Tensor> parameters() { return base.parameters(); }
    @Override public final Map<String, INDArray> buffers() { return base.buffers(); }

    @Override
    public CellState startSegment(CellState carried) {
        if (spec.hasCounter() && config.counterScope() == CellConfig.CounterScope.PER_SEGMENT) {
            return carried.withCounter(1);
        }
        return carried;
    }

    @Override
    public final Stepper begin() {
        Base.Prepared prepared = base.prepare();
        return (x, state) -> stepPrepared(prepared, x, state);
    }

    @Override
    public final StepResult step(Tensor x, CellState state) {
        return begin().step(x, state);
    }

    private StepResult stepPrepared(Base.Prepared prepared, Tensor x, CellState state) {
        checkStep(x, state);
        Tensor g = prepared.inputDrive(x);
        Tensor r = prepared.recurrentDrive(state.h());
        Tensor[] d = drive(g, r, state, state.counter());
        Tensor[] tail = prepared.tail(d[0], state);
        Tensor[] next = new Tensor[spec.size()];
        System.arraycopy(tail, 0, next, 0, baseSlots);
        System.arraycopy(d, 1, next, baseSlots, spec.size() - baseSlots);
        int k = spec.hasCounter() ? nextCounter(state.counter()) : state.counter();
        return new StepResult(next[0], new CellState(spec, next, k));
    }

    private void checkStep(Tensor x, CellState state) {
        if (state.spec() != spec) {
            throw new IllegalArgumentException("state " + state.spec() + " was not made for this cell " + spec);
        }
        if (x.rank() != 2 || x.size(1) != inputSize() || x.size(0) != state.batchSize()) {
            throw new IllegalArgumentException("x_t must be [batch " + state.batchSize() + ", inputSize "
                    + inputSize() + "], got " + Arrays.toString(x.shape()));
        }
        if (x.dataType() != dataType()) {
            throw new IllegalArgumentException("x_t is " + x.dataType() + " but the cell is " + dataType());
        }
    }

    /** The counter after a step that used {@code k}: restart when {@code F > 0 and k mod F == 0}. */
    protected int nextCounter(int k) {
        return k + 1;
    }

    /**
     * Combines the drives and the previous state: returns {@code a_t} followed by the new values of this
     * cell's own slots, in order.
     *
     * @param g     input drive {@code [B, G]}
     * @param r     recurrent drive {@code [B, G]}
     * @param state previous state
     * @param k     restart counter of this step
     */
    protected abstract Tensor[] drive(Tensor g, Tensor r, CellState state, int k);

    /** The drive transform as data. */
    public abstract DriveSpec driveSpec();

    /** Convenience: one slot of width G. */
    protected static List<StateSpec.Slot> slots(int width, String... names) {
        List<StateSpec.Slot> l = new ArrayList<>();
        for (String n : names) {
            l.add(new StateSpec.Slot(n, width));
        }
        return l;
    }

    /**
     * Common builder: the base (kind, sizes), options and data type.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        Base.Kind kind = Base.Kind.LSTM;
        int inputSize;
        int hiddenSize;
        CellConfig config = CellConfig.defaults();
        DataType dataType = DataType.FLOAT;

        @SuppressWarnings("unchecked")
        B self() {
            return (B) this;
        }

        /** Base kind and sizes (required; default kind LSTM). */
        public B base(Base.Kind newKind, int newInputSize, int newHiddenSize) {
            this.kind = newKind;
            this.inputSize = newInputSize;
            this.hiddenSize = newHiddenSize;
            return self();
        }

        /** An LSTM base. */
        public B lstm(int newInputSize, int newHiddenSize) {
            return base(Base.Kind.LSTM, newInputSize, newHiddenSize);
        }

        /** A vanilla RNN base. */
        public B vanilla(int newInputSize, int newHiddenSize) {
            return base(Base.Kind.VANILLA, newInputSize, newHiddenSize);
        }

        /** A DTRIV base. */
        public B dtriv(int newInputSize, int newHiddenSize) {
            return base(Base.Kind.DTRIV, newInputSize, newHiddenSize);
        }

        /** Initialization and quirk options (default {@link CellConfig#defaults()}). */
        public B config(CellConfig newConfig) {
            this.config = newConfig;
            return self();
        }

        /** Seed of every initializer (default {@value CellConfig#DEFAULT_SEED}). */
        public B seed(long seed) {
            this.config = config.withSeed(seed);
            return self();
        }

        /** Parameter data type (default FLOAT). */
        public B dataType(DataType newType) {
            this.dataType = newType;
            return self();
        }

        Base buildBase() {
            if (kind == null) {
                throw new IllegalArgumentException("base kind must be set");
            }
            if (config == null) {
                throw new IllegalArgumentException("config must not be null");
            }
            Validation.size("inputSize", inputSize);
            Validation.size("hiddenSize", hiddenSize);
            return switch (kind) {
                case LSTM -> new LstmBase(inputSize, hiddenSize, config, dataType);
                case VANILLA -> new VanillaBase(inputSize, hiddenSize, config, dataType);
                case DTRIV -> new DtrivBase(inputSize, hiddenSize, config, dataType);
            };
        }
    }
}
