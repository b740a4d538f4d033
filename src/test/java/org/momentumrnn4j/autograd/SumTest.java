package org.momentumrnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The sum reduction's BLAS path (ReduceOps.sum): which layouts take it, and that it adds every element once. The
 * values are small integers, so every partial sum is exact in float32 whatever the order of the additions
 * (totals below 2²⁴): the sums must equal the exact ones bit for bit.
 */
class SumTest {

    /** [a, b, c] of small integers (i·7 mod 8) in {@code type}, c-ordered. */
    private static INDArray integers(DataType type, long a, long b, long c) {
        return Nd4j.arange(a * b * c).fmodi(8).castTo(type).reshape('c', a, b, c);
    }

    private static double exact(INDArray x) {
        double s = 0;
        for (double v : x.castTo(DataType.DOUBLE).dup('c').data().asDouble()) {
            s += v;
        }
        return s;
    }

    @Test
    void denseAndPermutedArraysAreSummedOverTheirBuffer() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = integers(type, 16, 20, 32);                      // 10,240 elements ≥ DOT_MIN_LENGTH
            assertNotNull(ReduceOps.bufferVector(x));
            assertEquals(exact(x), ReduceOps.sum(x), 0.0, type + " dense");
            INDArray swapped = x.permute(1, 0, 2);                         // a swapped-axes output: same buffer
            assertNotNull(ReduceOps.bufferVector(swapped), "a permutation fills its buffer");
            assertEquals(exact(x), ReduceOps.sum(swapped), 0.0, type + " permuted");
        }
    }

    @Test
    void viewsThatDoNotCoverTheirBufferFallBack() {
        INDArray x = integers(DataType.FLOAT, 16, 20, 32);
        INDArray slice = x.get(NDArrayIndex.interval(0, 15), NDArrayIndex.all(), NDArrayIndex.all());
        assertNull(ReduceOps.bufferVector(slice), "a part of the buffer");
        assertEquals(exact(slice), ReduceOps.sum(slice), 0.0);
        INDArray strided = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 32));
        assertNull(ReduceOps.bufferVector(strided), "every other element");
        assertEquals(exact(strided), ReduceOps.sum(strided), 0.0);
        // as many elements as the buffer, but one repeated: stride 0 along the first axis
        INDArray buf = Nd4j.arange(2 * 8192).fmodi(8).castTo(DataType.FLOAT);
        INDArray repeated = Nd4j.create(buf.data(), new long[] {2, 8192}, new long[] {0, 1}, 0, 'c', DataType.FLOAT);
        assertNull(ReduceOps.bufferVector(repeated), "stride 0");
        assertEquals(2 * exact(buf.get(NDArrayIndex.interval(0, 8192))), ReduceOps.sum(repeated), 0.0);
    }

    @Test
    void theSumOperationUsesIt() {
        INDArray x = integers(DataType.FLOAT, 16, 20, 32);
        Tensor t = Tensor.param(x.permute(1, 0, 2));
        try (Tape tape = Tape.open()) {
            Tensor s = Ops.sum(t);
            assertEquals(exact(x), s.value().getDouble(0), 0.0);
            Tensor m = Ops.mean(t);
            assertEquals(exact(x) / x.length(), m.value().getDouble(0), 0x1p-24 * exact(x) / x.length()); // one float rounding
        }
    }
}
