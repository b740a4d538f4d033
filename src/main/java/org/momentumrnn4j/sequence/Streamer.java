package org.momentumrnn4j.sequence;

import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StepResult;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 */
public final class Streamer {
    private final RecurrentCell cell;
    private final RecurrentCell.Stepper stepper;

    private Streamer(RecurrentCell cell) {
        this.cell = cell;
        this.stepper = Tape.noGrad(cell::begin);
    }

    /** A streamer for {@code cell} with its current parameters. */
    public static Streamer of(RecurrentCell cell) {
        return new Streamer(cell);
    }

    /** The zero state for {@code batch} streams. */
    public CellState initialState(int batch) {
        return cell.initialState(batch);
    }

    /** One step's output {@code h_t [batch, hidden]} and the next state. */
    public record Step(INDArray output, CellState state) {}

    /** Advances every stream by one step; {@code x} is {@code [batch, inputSize]}. */
    public Step step(INDArray x, CellState state) {
        try (Tape.NoGrad ignored = Tape.noGrad()) {
            StepResult r = stepper.step(Tensor.constant(x), state);
            return new Step(r.output().value(), r.state());
        }
    }
}
