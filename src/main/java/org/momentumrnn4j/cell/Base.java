package org.momentumrnn4j.cell;

import java.util.List;
import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base of a cell (vanilla RNN, LSTM or DTRIV): its input drive {@code g_t}, its recurrent drive
 * {@code r_t} and its tail from the total pre-activation {@code a_t} to the new hidden state
 * (spec/cells.md §2). A dynamics cell ({@code MomentumCell}, ...) decides how {@code g}, {@code r} and its
 * own state combine into {@code a}.
 */
public interface Base {
    /** The three built-in bases. */
    enum Kind { VANILLA, LSTM, DTRIV }

    /** Which base this is. */
    Kind kind();

    /** Input width d. */
    int inputSize();

    /** Hidden width H. */
    int hiddenSize();

    /** Width G of the pre-activation: 4H for the LSTM, H otherwise. */
    int gateWidth();

    /** Data type of the parameters. */
    DataType dataType();

    /** The base's own state slots, {@code h} first ({@code h, c} for the LSTM). */
    List<StateSpec.Slot> slots();

    /** Trainable parameters by name. */
    Map<String, Tensor> parameters();

    /** Non-trainable arrays (DTRIV's {@code base}). */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /** Per-sequence preparation (DTRIV forms {@code B} here, once per sequence). */
    Prepared prepare();

    /** The step functions of one prepared sequence. */
    interface Prepared {
        /** {@code g_t = W x_t + b_x} (DTRIV: {@code W_in x_t}, no bias); {@code [B, G]}. */
        Tensor inputDrive(Tensor x);

        /** {@code r_t = U h_{t−1} + b_h} (DTRIV: {@code h_{t−1}·B}); {@code [B, G]}. */
        Tensor recurrentDrive(Tensor h);

        /** The new values of {@link #slots()} from the pre-activation {@code a_t} and the previous state. */
        Tensor[] tail(Tensor a, CellState previous);
    }
}
