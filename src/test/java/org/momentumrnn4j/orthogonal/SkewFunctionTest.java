package org.momentumrnn4j.orthogonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.orthogonal.TestMatrices.fromArray;
import static org.momentumrnn4j.orthogonal.TestMatrices.maxAbsDiff;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused skew operation against the reference functions {@link Skew#skew} and {@link Skew#gradP}: same values. */
class SkewFunctionTest {

    @Test
    void forwardAndGradientMatchTheComposition() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (int n : new int[] {1, 2, 5, 33}) {
                INDArray p = fromArray(TestMatrices.gaussian(n, n, rnd), dt);
                INDArray g = fromArray(TestMatrices.gaussian(n, n, rnd), dt);
                Tensor param = Tensor.param(p.dup());
                try (Tape tape = Tape.open()) {
                    Tensor s = SkewFunction.skew(param);
                    assertEquals(dt, s.value().dataType());
                    assertEquals(0.0, maxAbsDiff(Skew.skew(p), s.value()), dt + " n " + n);
                    assertEquals(0.0, maxAbsDiff(s.value(), s.value().transpose().neg()), "exactly skew");
                    tape.backward(s, g.dup());
                }
                assertEquals(0.0, maxAbsDiff(Skew.gradP(g), param.grad()), dt + " n " + n);
                if (n > 1) {
                    assertTrue(param.grad().getDouble(0, 1) != 0.0, "the upper triangle receives a gradient");
                    assertEquals(0.0, param.grad().getDouble(1, 0), "the lower triangle receives none");
                }
            }
        }
    }

    @Test
    void rejectsANonSquareMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SkewFunction.skew(Tensor.param(Nd4j.rand(DataType.FLOAT, 3, 4))));
        assertTrue(e.getMessage().contains("p") && e.getMessage().contains("[3, 4]"), e.getMessage());
    }
}
