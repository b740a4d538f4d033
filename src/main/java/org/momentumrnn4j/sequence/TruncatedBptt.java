package org.momentumrnn4j.sequence;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Truncated backpropagation through time: the sequence is cut into windows of {@code window} steps; each
 * window runs forward from the previous window's final state (detached), its loss is backpropagated on its
 * own tape, and {@code afterBackward} runs (typically an optimizer step) before the next window.
 */
public final class TruncatedBptt {
    private TruncatedBptt() {}

    /** The loss of one window. */
    @FunctionalInterface
    public interface WindowLoss {
        /**
         * @param output outputs and final state of the window {@code [from, to)}
         * @param from   first step of the window (inclusive)
         * @param to     last step of the window (exclusive)
         */
        Tensor loss(SequenceOutput output, int from, int to);
    }

    /** Called after each window's backward pass with the window's loss value. */
    @FunctionalInterface
    public interface AfterBackward {
        /** Runs after the window's gradients have accumulated. */
        void accept(int from, int to, double loss);
    }

    /**
     * Runs all windows of a batch-major input {@code x [B, T, F]} and returns the final state (detached).
     *
     * @param initial state before the first window, or {@code null} for zeros
     */
    public static CellState run(RecurrentLayer layer, INDArray x, SequenceMask mask, CellState initial, int window,
                                WindowLoss loss, AfterBackward afterBackward) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (layer.timeMajor()) {
            throw new IllegalArgumentException("TruncatedBptt takes a batch-major layer");
        }
        if (x.rank() != 3) {
            throw new IllegalArgumentException("input must be [batch, time, features], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        int steps = (int) x.size(1);
        CellState state = initial;
        for (int from = 0; from < steps; from += window) {
            int to = Math.min(steps, from + window);
            INDArray xw = x.get(all(), interval(from, to), all()).dup('c');
            SequenceMask mw = mask == null ? null : mask.window(from, to);
            try (Tape tape = Tape.open()) {
                SequenceOutput out = layer.forward(Tensor.constant(xw), mw, state);
                Tensor l = loss.loss(out, from, to);
                tape.backward(l);
                afterBackward.accept(from, to, l.value().getDouble(0));
                state = out.finalState().detach();
            }
        }
        return state;
    }
}
