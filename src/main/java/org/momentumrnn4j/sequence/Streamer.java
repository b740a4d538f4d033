package org.momentumrnn4j.sequence;

import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StepResult;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference one step at a time: no tape, state kept by the caller.
 *
 * <pre>{@code
 * Streamer s = Streamer.of(cell);
 * CellState state = s.initialState(1);
 * for (INDArray x : frames) { Streamer.Step r = s.step(x, state); state = r.state(); use(r.output()); }
 * }</pre>
 * Per-sequence work of the cell (DTRIV's {@code B}) is done once, when the streamer is created: create a new
 * streamer after the parameters change.
 *
 * <p>For the cells of the grid ({@link DriveCell}) a step is one fused kernel (two direct GEMM calls and the
 * pointwise math on the heap, nothing recorded); other cells run their own step without a tape. Not thread-safe.
 *
 * <p>{@link #step} returns a new state every step (states are values: keep any of them). For the lowest latency,
 * {@link #open(CellState)} starts a {@link Session} that keeps the state in its own buffers and overwrites them:
 * no allocation per step.
 * <pre>{@code
 * try (Streamer.Session live = s.open(s.initialState(1))) {
 *     for (INDArray x : frames) { INDArray h = live.step(x); use(h); }   // h is overwritten by the next step
 * }
 * }</pre>
 *
 * <p>The fused kernel holds native buffers (the copied parameters, one step's inputs and products): {@link #close()}
 * frees them at once, otherwise the garbage collector does. A closed streamer refuses to step.
 */
public final class Streamer implements AutoCloseable {
    private final RecurrentCell cell;
    private final RecurrentCell.Stepper stepper;
    private final boolean fused;
    private StreamKernel kernel;
    private boolean closed;

    private Streamer(RecurrentCell cell, boolean fused) {
        this.cell = cell;
        this.fused = fused && cell instanceof DriveCell;
        this.stepper = this.fused ? null : Tape.noGrad(cell::begin);
        if (this.fused) {
            kernel = new StreamKernel((DriveCell) cell, 1);                   // copies the parameters now
        }
    }

    /** A streamer for {@code cell} with its current parameters. */
    public static Streamer of(RecurrentCell cell) {
        return new Streamer(cell, true);
    }

    /** The cell's own step without a tape, never the fused kernel (for tests). */
    static Streamer generic(RecurrentCell cell) {
        return new Streamer(cell, false);
    }

    /** The zero state for {@code batch} streams. */
    public CellState initialState(int batch) {
        return cell.initialState(batch);
    }

    /** One step's output {@code h_t [batch, hidden]} and the next state. */
    public record Step(INDArray output, CellState state) {}

    /** Advances every stream by one step; {@code x} is {@code [batch, inputSize]}. */
    public Step step(INDArray x, CellState state) {
        if (closed) {
            throw new IllegalStateException("this streamer was closed");
        }
        if (fused) {
            if (x.rank() == 2 && x.size(0) >= 1 && kernel.batch() != x.size(0)) {
                StreamKernel old = kernel;
                kernel = kernel.withBatch((int) x.size(0));                  // same (copied) parameters
                old.close();
            }
            return kernel.step(x, state);
        }
        try (Tape.NoGrad ignored = Tape.noGrad()) {
            StepResult r = stepper.step(Tensor.constant(x), state);
            return new Step(r.output().value(), r.state());
        }
    }

    /**
     * A session that advances the streams from {@code initial} (copied) with its state kept in buffers of its own,
     * overwritten by every step: for the cells of the grid no allocation per step. Close it to free its buffers
     * (it shares the streamer's parameter copies: close sessions before the streamer).
     */
    public Session open(CellState initial) {
        if (closed) {
            throw new IllegalStateException("this streamer was closed");
        }
        return new Session(initial);
    }

    /** An in-place stream from {@link #open}: {@link #step} overwrites the state and the returned output. */
    public final class Session implements AutoCloseable {
        private final StreamKernel own;           // fused: this session's kernel (the streamer's parameters)
        private final INDArray out;               // fused: h_t, overwritten every step
        private CellState state;                  // not fused: the state, replaced every step
        private boolean sessionClosed;

        private Session(CellState initial) {
            if (fused) {
                own = kernel.withBatch(initial.batchSize());
                own.load(initial);
                out = Nd4j.createUninitialized(initial.dataType(), initial.batchSize(), cell.hiddenSize());
            } else {
                own = null;
                out = null;
                state = initial;
            }
        }

        /**
         * Advances every stream by one step; {@code x} is {@code [batch, inputSize]}. Returns {@code h_t}: for the
         * cells of the grid the session's output buffer, overwritten by the next step (copy it to keep it).
         */
        public INDArray step(INDArray x) {
            if (sessionClosed || closed) {
                throw new IllegalStateException("this streaming session was closed");
            }
            if (own != null) {
                own.advance(x);
                return own.output(out);
            }
            Step r = Streamer.this.step(x, state);
            state = r.state();
            return r.output();
        }

        /** The current state, as new arrays (to continue with {@link Streamer#step} or another session). */
        public CellState state() {
            if (sessionClosed) {
                throw new IllegalStateException("this streaming session was closed");
            }
            return own != null ? own.snapshot() : state;
        }

        /** Frees the session's buffers; later steps throw. Idempotent. */
        @Override
        public void close() {
            if (!sessionClosed && own != null) {
                own.close();
                if (!out.wasClosed()) {
                    out.close();
                }
            }
            sessionClosed = true;
        }
    }

    /** Frees the fused kernel's native buffers now; later calls to {@link #step} throw. Idempotent. */
    @Override
    public void close() {
        if (!closed && kernel != null) {
            kernel.close();
            kernel.closeParameters();
        }
        closed = true;
    }
}
