package org.momentumrnn4j.cell;

import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A recurrent cell: one step {@code (x_t, state) → (h_t, state')} on the autograd layer.
 *
 * <p>The cell owns its state type: {@link #stateSpec()} lists the state tensors, and callers never look at
 * the concrete cell class. Inputs are {@code x_t [batch, inputSize]}; the output is {@code h_t [batch,
 * hiddenSize]}.
 *
 * <p>Per-sequence work (for DTRIV, forming the orthogonal matrix {@code B = base·exp(S)} once) happens in
 * {@link #begin()}, which returns the {@link Stepper} that steps of one sequence share; a user cell without
 * such work simply returns {@code this::step}.
 */
public interface RecurrentCell {

    /** Input width d. */
    int inputSize();

    /** Hidden width H. */
    int hiddenSize();

    /** The state this cell carries. */
    StateSpec stateSpec();

    /** Data type of the parameters. */
    DataType dataType();

    /** Trainable parameters by name, in a fixed order. */
    Map<String, Tensor> parameters();

    /** Non-trainable arrays that are part of the model (for example DTRIV's {@code base}); empty by default. */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /** The zero state of a sequence start. */
    default CellState initialState(int batch) {
        return CellState.zeros(stateSpec(), batch, dataType());
    }

    /**
     * The state a new segment starts from when {@code carried} is handed over from the previous segment.
     * Cells whose counter restarts per segment (reference PTB behaviour) reset k here; the default keeps
     * everything.
     */
    default CellState startSegment(CellState carried) {
        return carried;
    }

    /** Prepares a sequence (computes per-sequence derived tensors on the current tape). */
    default Stepper begin() {
        return this::step;
    }

    /** One step; prefer {@link #begin()} for a whole sequence. */
    StepResult step(Tensor x, CellState state);

    /** One step of a prepared sequence. */
    @FunctionalInterface
    interface Stepper {
        /** Advances one step. */
        StepResult step(Tensor x, CellState state);
    }
}
