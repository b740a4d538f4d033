package org.momentumrnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Function#freshGradients()} and {@link Function#constantGradients()}: fresh gradients are adopted without a
 * copy, shared constants are kept unmodified by intermediate tensors and copied for leaves, others are copied.
 */
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
    void secondFreshGradientIsAddedAndPooled() {
        for (int i = 0; i < ArrayPool.PER_SHAPE; i++) {
            ArrayPool.take(DataType.DOUBLE, 1, 2);   // other tests may have filled this shape's slots
        }
        Tensor x = Tensor.param(Nd4j.createFromArray(1.0, 2.0).reshape(1, 2));
        Twice f = new Twice(true);
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.add(f.apply1(x), f.apply1(x))));
        }
        assertEquals(2, f.returned.size());
        INDArray adopted = x.grad();
        assertTrue(adopted == f.returned.get(0) || adopted == f.returned.get(1));
        INDArray other = adopted == f.returned.get(0) ? f.returned.get(1) : f.returned.get(0);
        assertFalse(other.wasClosed());
        assertSame(other, ArrayPool.take(DataType.DOUBLE, 1, 2), "the added array goes back to the pool");
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
            tape.backward(Ops.sum(new Twice(true).apply1(y)));          // y's gradient: the second Twice's array
            yGrad = y.grad();
            assertFalse(yGrad.wasClosed());
        }
        assertTrue(yGrad.wasClosed(), "an intermediate gradient is freed with its tape");
        assertEquals(null, y.grad());
        assertFalse(x.grad().wasClosed(), "a leaf keeps its gradient");
    }

    @Test
    void sumGradientIsASharedConstantThatNothingModifies() {
        INDArray v = Nd4j.createFromArray(1.0, 2.0, 3.0).reshape(1, 3);
        INDArray[] seen = new INDArray[2];
        for (int round = 0; round < 2; round++) {
            Tensor x = Tensor.param(v.dup());
            try (Tape tape = Tape.open()) {
                Tensor y = new Twice(false).apply1(x);
                Tensor loss = Ops.add(Ops.sum(y), Ops.sum(y));          // y's gradient: the constant, then + itself
                tape.backward(loss);
                seen[round] = y.grad();
                assertEquals(2.0, y.grad().getDouble(0, 2), 0.0);
            }
            assertEquals(4.0, x.grad().getDouble(0, 1), 0.0);
        }
        // the second sum made y's gradient a new array; the constant itself stayed all ones
        INDArray ones = Constants.filled(new long[] {1, 3}, 1.0, DataType.DOUBLE);
        assertEquals(3.0, ones.sumNumber().doubleValue(), 0.0);
        assertFalse(ones.wasClosed(), "closing the tape does not free a shared constant");

        // a leaf summed directly gets its own copy: modifying it leaves the constant alone
        Tensor p = Tensor.param(v.dup());
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(p));
        }
        assertNotSame(ones, p.grad());
        p.grad().muli(5);
        assertEquals(3.0, Constants.filled(new long[] {1, 3}, 1.0, DataType.DOUBLE).sumNumber().doubleValue(), 0.0);
    }

    @Test
    void intermediateTensorSharesTheConstant() {
        Tensor x = Tensor.param(Nd4j.ones(DataType.DOUBLE, 2, 2));
        try (Tape tape = Tape.open()) {
            Tensor y = new Twice(false).apply1(x);
            tape.backward(Ops.sum(y));
            assertSame(Constants.filled(new long[] {2, 2}, 1.0, DataType.DOUBLE), y.grad());
        }
    }

    /** An operation whose output is its input's array (allowed: values are never modified in place). */
    private static final Function IDENTITY = new Function.Single() {
        @Override public String name() {
            return "identity";
        }

        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            return in[0];
        }

        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {g};
        }
    };

    @Test
    void freeingTapeFreesProducedValuesAndKeepsWhatItDidNotProduce() {
        Tensor x = Tensor.param(Nd4j.create(new double[][] {{1, 2}, {3, 4}}));      // arrays of their own, which
        Tensor w = Tensor.param(Nd4j.create(new double[][] {{1, 0}, {0, 1}}));      // close() would free
        Tensor c = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 2, 2));
        assertTrue(x.value().closeable() && w.value().closeable() && c.value().closeable());
        Tensor y;
        Tensor r;
        Tensor loss;
        try (Tape tape = Tape.openFreeingValues()) {
            y = Ops.matmul(Ops.add(x, c), w);
            r = IDENTITY.apply1(x);                                      // its value is x's array
            loss = Ops.add(Ops.sum(y), Ops.sum(r));
            tape.backward(loss);
            assertEquals(24.0, loss.value().getDouble(0), 0.0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, y::value, "a produced value is freed");
        assertTrue(e.getMessage().contains("openFreeingValues"), e.getMessage());
        assertThrows(IllegalStateException.class, loss::value);
        assertFalse(x.value().wasClosed(), "parameters are kept");
        assertFalse(w.value().wasClosed());
        assertFalse(c.value().wasClosed(), "constants are kept");
        assertFalse(r.value().wasClosed(), "a value sharing a parameter's memory is kept");
        assertSame(x.value(), r.value());
        assertEquals(10.0, x.value().sumNumber().doubleValue(), 0.0);
        assertEquals(2.0, x.grad().getDouble(0, 0), 0.0);                // d/dx of Σ(x + 1)·I + Σ x
        assertEquals(6.0, w.grad().getDouble(0, 1), 0.0);                // Σ_i (x + 1)_{i0} = 2 + 4
    }

    @Test
    void plainTapeLeavesValuesAlone() {
        Tensor x = Tensor.param(Nd4j.ones(DataType.DOUBLE, 2, 2));
        Tensor y;
        try (Tape tape = Tape.open()) {
            y = Ops.matmul(x, x);
            tape.backward(Ops.sum(y));
        }
        assertFalse(y.value().wasClosed());
        assertEquals(8.0, y.value().sumNumber().doubleValue(), 0.0);
    }

    @Test
    void freedValuesBecomeTheNextStepsOutputs() {
        Tensor x = Tensor.param(Nd4j.create(new double[][] {{1, 2}, {3, 4}}));
        INDArray first = null;
        for (int step = 0; step < 3; step++) {
            INDArray value;
            try (Tape tape = Tape.openFreeingValues()) {
                Tensor y = new Function.Single() {                        // an op whose output comes from the pool
                    @Override public String name() {
                        return "pooled_copies";
                    }

                    @Override protected boolean freshGradients() {
                        return true;
                    }

                    @Override protected INDArray forward1(Context ctx, INDArray[] in) {     // 21 copies of Σ x
                        return ArrayPool.take(DataType.DOUBLE, 7, 3).assign(in[0].sumNumber().doubleValue());
                    }

                    @Override protected INDArray[] backward1(Context ctx, INDArray g) {
                        return new INDArray[] {Nd4j.valueArrayOf(new long[] {2, 2}, g.sumNumber().doubleValue())};
                    }
                }.apply1(x);
                value = y.value();
                assertEquals(10.0 * 21, value.sumNumber().doubleValue(), 0.0);
                tape.backward(Ops.sum(y));
            }
            if (first == null) {
                first = value;
            } else {
                assertSame(first, value, "step " + step + " reuses the array the previous step freed");
            }
            assertFalse(value.wasClosed());
            assertEquals(21.0 * (step + 1), x.grad().getDouble(1, 1), 0.0);   // leaves accumulate across steps
        }
    }

    @Test
    void releasedGradientIsTheNextPoolArray() {
        Tensor x = Tensor.param(Nd4j.create(new double[][] {{1, 2, 3}}));
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(new Twice(true).apply1(x)));
        }
        INDArray g = x.grad();
        x.releaseGrad();
        assertEquals(null, x.grad());
        assertSame(g, ArrayPool.take(DataType.DOUBLE, 1, 3));
        Tensor y = Tensor.param(Nd4j.create(new double[][] {{1, 2, 3}}));
        y.zeroGrad();                                                   // no gradient: nothing to hand back
        y.releaseGrad();
        assertEquals(null, y.grad());
    }

    @Test
    void anArrayGivenTwiceIsPooledOnce() {
        INDArray a = Nd4j.create(DataType.DOUBLE, 3, 7);
        int before = ArrayPool.pooled();
        ArrayPool.give(a);
        ArrayPool.give(a);
        assertEquals(before + 1, ArrayPool.pooled());
        assertSame(a, ArrayPool.take(DataType.DOUBLE, 3, 7));
        assertNotSame(a, ArrayPool.take(DataType.DOUBLE, 3, 7), "handed out once only");
    }
}
