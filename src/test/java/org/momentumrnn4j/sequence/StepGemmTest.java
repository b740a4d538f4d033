package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every step-GEMM strategy computes {@code a·op(b)} at the recurrent loops' shapes, including
 * {@link StepGemm.Strategy#CBLAS_SPLIT}'s column blocks (uneven ones too) and its transposition of {@code b} in
 * {@link StepGemm#forLoop}. The reference is the product in float64 of the same (rounded) inputs; each element may
 * differ by the standard bound for a length-K dot product in the kernel's precision, {@code γ_K (|a||b|)_ij} with
 * {@code γ_K = K u / (1 − K u)} (Higham, Accuracy and Stability, §3.5), plus the rounding of the result itself. A
 * kernel that computes a wrong product (a missed block, a bad offset, a wrong transpose) fails it by far.
 */
class StepGemmTest {

    @ParameterizedTest(name = "{0} [{1},{2}]x[{2},{3}] transB={4} {5}")
    @CsvSource({
        "CBLAS_SPLIT, 16, 256, 256, false, FLOAT",     // DTRIV at shape A: two blocks of 128
        "CBLAS_SPLIT, 16, 256, 256, true, FLOAT",
        "CBLAS_SPLIT, 16, 128, 512, true, FLOAT",      // LSTM at shape B, forward (h·Uᵀ)
        "CBLAS_SPLIT, 16, 512, 128, false, FLOAT",     // and backward (δr·U)
        "CBLAS_SPLIT, 5, 1000, 333, false, FLOAT",     // uneven blocks: 167 + 166
        "CBLAS_SPLIT, 16, 256, 1024, true, FLOAT",     // five blocks
        "CBLAS_SPLIT, 3, 4, 16, true, FLOAT",          // one block
        "CBLAS_SPLIT, 5, 1000, 333, false, DOUBLE",
        "CBLAS_SPLIT, 16, 256, 256, true, DOUBLE",
        "CBLAS, 16, 256, 256, true, FLOAT",
        "OP_CONTEXT, 16, 256, 256, true, FLOAT",
        "OP_CONTEXT, 5, 1000, 333, false, DOUBLE",
    })
    void strategyComputesTheProduct(StepGemm.Strategy strategy, int m, int k, int n, boolean transB, DataType type) {
        assumeTrue(strategy == StepGemm.Strategy.OP_CONTEXT || StepGemm.cblasAvailable());
        INDArray a = FusedVsGenericTest.gaussian(1, type, m, k);
        INDArray b = transB ? FusedVsGenericTest.gaussian(2, type, n, k) : FusedVsGenericTest.gaussian(2, type, k, n);
        INDArray c = Nd4j.create(type, m, n).assign(Double.NaN);                  // every element must be written
        StepGemm.Strategy previous = StepGemm.override;
        StepGemm.override = strategy;
        try (StepGemm g = StepGemm.forLoop(a, b, c, transB, 1000)) {
            g.run();
        } finally {
            StepGemm.override = previous;
        }
        INDArray ad = a.castTo(DataType.DOUBLE);
        INDArray bd = b.castTo(DataType.DOUBLE);
        INDArray opB = transB ? bd.transpose() : bd;
        INDArray exact = ad.mmul(opB);
        INDArray magnitude = Transforms.abs(ad).mmul(Transforms.abs(opB));
        double u = type == DataType.FLOAT ? Math.ulp(1.0f) / 2 : Math.ulp(1.0) / 2;
        double gamma = k * u / (1 - k * u);
        INDArray bound = magnitude.mul(gamma).addi(Transforms.abs(exact).mul(u));
        INDArray err = Transforms.abs(c.castTo(DataType.DOUBLE).sub(exact));
        // counted as within the bound only if err ≤ bound holds: a NaN (an element never written) fails
        int within = bound.sub(err).gte(0).castTo(DataType.INT32).sumNumber().intValue();
        assertEquals(m * n, within, strategy + ": " + (m * n - within) + " elements beyond the rounding bound or NaN;"
                + " largest bound " + bound.maxNumber());
    }

    @Test
    void blocksStayWithinTheSmallMatrixLimit() {
        assertEquals(2, StepGemm.blocks(16, 256, 256));                     // 1,048,576 multiply-adds
        assertEquals(1, StepGemm.blocks(16, 128, 256));
        assertEquals(5, StepGemm.blocks(16, 1024, 256));
        assertEquals(3, StepGemm.blocks(1, 3, 1_000_000_000));               // never more blocks than columns
    }

    @Test
    void splitRejectsATransposedB() {
        assumeTrue(StepGemm.cblasAvailable());
        INDArray a = Nd4j.create(DataType.FLOAT, 2, 3);
        INDArray b = Nd4j.create(DataType.FLOAT, 4, 3);
        INDArray c = Nd4j.create(DataType.FLOAT, 2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StepGemm(a, b, c, true, StepGemm.Strategy.CBLAS_SPLIT));
        assertTrue(e.getMessage().contains("CBLAS_SPLIT"), e.getMessage());
    }
}
