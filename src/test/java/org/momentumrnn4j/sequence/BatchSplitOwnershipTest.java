package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;

/**
 * A batch split of fused sweeps hands its gradients to the tape as fresh arrays (adopted, not copied) in both
 * precisions; a split whose parts are other functions does not claim it.
 */
class BatchSplitOwnershipTest {

    private static boolean fresh(java.util.function.IntFunction<Function> part) {
        return new BatchSplitSweep(new int[] {0, 2, 4}, 2, part).freshGradients();
    }

    @Test
    void fusedSweepsOfBothPrecisionsAreFresh() {
        assertTrue(fresh(i -> new FusedSweepFloat(Base.Kind.LSTM, new DriveSpec.Plain(), CellConfig.Activation.TANH,
                3, 2, 4, 5, null, 0, 2)), "float32 parts");
        assertTrue(fresh(i -> new FusedSweep(Base.Kind.LSTM, new DriveSpec.Plain(), CellConfig.Activation.TANH,
                3, 2, 4, 5, null, 0, 2)), "float64 parts");
    }

    @Test
    void otherPartsAreNot() {
        assertFalse(fresh(i -> new Function() {
            @Override public String name() {
                return "other";
            }

            @Override protected org.nd4j.linalg.api.ndarray.INDArray[] forward(org.momentumrnn4j.autograd.Context ctx,
                    org.nd4j.linalg.api.ndarray.INDArray[] inputs) {
                throw new UnsupportedOperationException();
            }

            @Override protected org.nd4j.linalg.api.ndarray.INDArray[] backward(org.momentumrnn4j.autograd.Context ctx,
                    org.nd4j.linalg.api.ndarray.INDArray[] gradOutputs) {
                throw new UnsupportedOperationException();
            }
        }));
    }
}
