package org.momentumrnn4j.sequence;

import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;

/**
 * Two batch-major layers reading the sequence in both directions. The backward layer sees every sequence
 * reversed within its length (padding stays at the end), and its outputs are reversed back so that step t
 * of both directions lines up. Outputs are concatenated ({@code [B, T, H_f + H_b]}) or summed
 * ({@code [B, T, H]}, equal hidden sizes).
 */
public final class Bidirectional {
    /** How the two directions are merged. */
    public enum Merge { CONCAT, SUM }

    private final RecurrentLayer forwardLayer;
    private final RecurrentLayer backwardLayer;
    private final Merge merge;

    /** Both layers batch-major with the same input width; equal hidden sizes for {@link Merge#SUM}. */
    public Bidirectional(RecurrentLayer forwardLayer, RecurrentLayer backwardLayer, Merge merge) {
        if (forwardLayer.timeMajor() || backwardLayer.timeMajor()) {
            throw new IllegalArgumentException("Bidirectional takes batch-major layers");
        }
        if (forwardLayer.cell().inputSize() != backwardLayer.cell().inputSize()) {
            throw new IllegalArgumentException("input sizes differ: " + forwardLayer.cell().inputSize() + " vs "
                    + backwardLayer.cell().inputSize());
        }
        if (merge == Merge.SUM && forwardLayer.cell().hiddenSize() != backwardLayer.cell().hiddenSize()) {
            throw new IllegalArgumentException("Merge.SUM needs equal hidden sizes, got "
                    + forwardLayer.cell().hiddenSize() + " and " + backwardLayer.cell().hiddenSize());
        }
        this.forwardLayer = forwardLayer;
        this.backwardLayer = backwardLayer;
        this.merge = merge;
    }

    /** Result: merged outputs and each direction's final state. */
    public record Output(Tensor output, CellState forwardState, CellState backwardState) {}

    /** Runs both directions from zero states. */
    public Output forward(Tensor x, SequenceMask mask) {
        int batch = (int) x.size(0);
        int steps = (int) x.size(1);
        int[] lengths;
        if (mask == null) {
            lengths = new int[batch];
            java.util.Arrays.fill(lengths, steps);
        } else {
            lengths = mask.lengths();
            if (lengths == null) {
                throw new IllegalArgumentException("Bidirectional needs a prefix (padding) mask; " + mask
                        + " has gaps");
            }
        }
        SequenceOutput f = forwardLayer.forward(x, mask, null);
        SequenceOutput b = backwardLayer.forward(Ops.reverseTime(x, lengths), mask, null);
        Tensor bOut = Ops.reverseTime(b.output(), lengths);
        Tensor merged = merge == Merge.CONCAT ? Ops.concat(f.output(), bOut) : Ops.add(f.output(), bOut);
        return new Output(merged, f.finalState(), b.finalState());
    }
}
