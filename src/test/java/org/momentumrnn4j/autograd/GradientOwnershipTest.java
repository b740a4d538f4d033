package org.momentumrnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Function#freshGradients()}: fresh gradients are adopted without a copy, others are copied. */
class GradientOwnershipTest {

    /** {@code y = 2x}; backward returns {@code returned(g)}, declared fresh or not. */
    private static final class Twice extends Function.Single {
        final boolean fresh;
        final java.util.List<INDArray> returned = new java.util.ArrayList<>();

        Twice(boolean fresh) {
            this.fresh = fresh;
        }

        @Override public String name() {
            return "twice";
        }

        @Override protected boolean freshGradients() {
            return fresh;
        }

        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            return in[0].mul(2);
        }

        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray r = g.mul(2);
            returned.add(r);
            return new INDArray[] {r};
        }
    }

    @Test
    void freshGradientIsAdoptedAndOthersAreCopied() {
        for (boolean fresh : new boolean[] {true, false}) {
            Tensor x = Tensor.param(Nd4j.createFromArray(1.0, 2.0).reshape(1, 2));
            Twice f = new Twice(fresh);
            try (Tape tape = Tape.open()) {
                tape.backward(Ops.sum(f.apply1(x)));
            }
            assertEquals(1, f.returned.size());
            if (fresh) {
                assertSame(f.returned.get(0), x.grad(), "a fresh gradient is the leaf's gradient");
            } else {
                assertNotSame(f.returned.get(0), x.grad(), "another gradient is copied");
            }
            assertEquals(2.0, x.grad().getDouble(0, 0), 0.0);
            assertEquals(2.0, x.grad().getDouble(0, 1), 0.0);
        }
    }

    @Test
    void secondFreshGradientIsAddedAndFreed() {
        Tensor x = Tensor.param(Nd4j.createFromArray(1.0, 2.0).reshape(1, 2));
        Twice f = new Twice(true);
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.add(f.apply1(x), f.apply1(x))));
        }
        assertEquals(2, f.returned.size());
        INDArray adopted = x.grad();
        assertTrue(adopted == f.returned.get(0) || adopted == f.returned.get(1));
        INDArray other = adopted == f.returned.get(0) ? f.returned.get(1) : f.returned.get(0);
        assertTrue(other.wasClosed(), "the added array is freed");
        assertEquals(4.0, adopted.getDouble(0, 0), 0.0);        // d(2x + 2x)/dx
        assertEquals(4.0, adopted.getDouble(0, 1), 0.0);
    }

    @Test
    void sameArrayReturnedTwiceIsCopiedTheSecondTime() {
        // a function declaring fresh gradients that (against the contract) returns one array for two inputs: the
        // tape adopts it once and copies it for the other input, so the two gradients never alias
        Function both = new Function.Single() {
            @Override public String name() {
                return "sum_of_two";
            }

            @Override protected boolean freshGradients() {
                return true;
            }

            @Override protected INDArray forward1(Context ctx, INDArray[] in) {
                return in[0].add(in[1]);
            }

            @Override protected INDArray[] backward1(Context ctx, INDArray g) {
                INDArray r = g.dup();
                return new INDArray[] {r, r};
            }
        };
        Tensor a = Tensor.param(Nd4j.ones(DataType.DOUBLE, 1, 3));
        Tensor b = Tensor.param(Nd4j.ones(DataType.DOUBLE, 1, 3));
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(both.apply1(a, b)));
        }
        assertNotSame(a.grad(), b.grad());
        a.grad().muli(10);
        assertEquals(1.0, b.grad().getDouble(0, 0), 0.0);
    }

    @Test
    void closingTheTapeFreesIntermediateGradients() {
        Tensor x = Tensor.param(Nd4j.createFromArray(1.0, 2.0).reshape(1, 2));
        Tensor y;
        INDArray yGrad;
        try (Tape tape = Tape.open()) {
            y = new Twice(true).apply1(x);
            tape.backward(Ops.sum(y));
            yGrad = y.grad();
            assertFalse(yGrad.wasClosed());
        }
        assertTrue(yGrad.wasClosed(), "an intermediate gradient is freed with its tape");
        assertEquals(null, y.grad());
        assertFalse(x.grad().wasClosed(), "a leaf keeps its gradient");
    }
}
