package org.momentumrnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AutogradBehaviourTest {

    private static INDArray m(double[][] v) {
        return Nd4j.create(v).castTo(DataType.DOUBLE);
    }

    @Test
    void shapeMismatchNamesOpAndBothShapes() {
        Tensor a = Tensor.param(Nd4j.zeros(DataType.DOUBLE, 2, 3));
        Tensor b = Tensor.param(Nd4j.zeros(DataType.DOUBLE, 2, 4));
        String[][] expected = {{"add", "[2, 3]", "[2, 4]"}, {"mul", "[2, 3]", "[2, 4]"}};
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Ops.mul(a, b));
        for (int i = 0; i < 2; i++) {
            String msg = (i == 0 ? e1 : e2).getMessage();
            for (String part : expected[i]) {
                assertTrue(msg.contains(part), msg + " should contain " + part);
            }
        }
        IllegalArgumentException mm = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(a, a));
        assertTrue(mm.getMessage().startsWith("matmul") && mm.getMessage().contains("[2, 3]"), mm.getMessage());
        IllegalArgumentException lin = assertThrows(IllegalArgumentException.class,
                () -> Ops.linear(a, Tensor.param(Nd4j.zeros(DataType.DOUBLE, 5, 4)), null));
        assertTrue(lin.getMessage().contains("[2, 3]") && lin.getMessage().contains("[5, 4]"), lin.getMessage());
        IllegalArgumentException sl = assertThrows(IllegalArgumentException.class, () -> Ops.slice(a, 2, 7));
        assertTrue(sl.getMessage().startsWith("slice") && sl.getMessage().contains("[2, 3]"), sl.getMessage());
        IllegalArgumentException cc = assertThrows(IllegalArgumentException.class,
                () -> Ops.concat(a, Tensor.param(Nd4j.zeros(DataType.DOUBLE, 3, 3))));
        assertTrue(cc.getMessage().contains("[2, 3]") && cc.getMessage().contains("[3, 3]"), cc.getMessage());
        IllegalArgumentException ce = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(a, new int[] {0, 3}));
        assertTrue(ce.getMessage().contains("label 3"), ce.getMessage());
        IllegalArgumentException dt = assertThrows(IllegalArgumentException.class,
                () -> Ops.add(a, Tensor.param(Nd4j.zeros(DataType.FLOAT, 2, 3))));
        assertTrue(dt.getMessage().contains("FLOAT") && dt.getMessage().contains("DOUBLE"), dt.getMessage());
        IllegalArgumentException mask = assertThrows(IllegalArgumentException.class,
                () -> Ops.mse(a, a, Tensor.constant(Nd4j.ones(DataType.DOUBLE, 3, 2))));
        assertTrue(mask.getMessage().contains("[3, 2]") && mask.getMessage().contains("[2, 3]"), mask.getMessage());
    }

    @Test
    void releasedTapeThrowsIllegalState() {
        Tensor x = Tensor.param(m(new double[][] {{1, 2}}));
        Tensor y;
        Tape tape = Tape.open();
        y = Ops.sum(Ops.tanh(x));
        tape.close();
        assertTrue(tape.isReleased());
        assertThrows(IllegalStateException.class, () -> tape.backward(y));
        // a tensor recorded on a released tape cannot feed a new recording ...
        try (Tape t2 = Tape.open()) {
            assertThrows(IllegalStateException.class, () -> Ops.scale(y, 2));
            // ... unless detached
            Tensor z = Ops.add(Ops.scale(y.detach(), 2), Ops.sum(x));
            t2.backward(z);
        }
        assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleVector(), 0);
    }

    @Test
    void gradientsAccumulateAcrossUsesAndBackwardCalls() {
        Tensor x = Tensor.param(m(new double[][] {{3}}));
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.add(Ops.mul(x, x), x)));      // d/dx (x² + x) = 2x + 1 = 7
        }
        assertEquals(7.0, x.grad().getDouble(0), 0);
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.scale(x, 2)));
        }
        assertEquals(9.0, x.grad().getDouble(0), 0);                 // leaf gradients accumulate
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void intermediateGradientsAreRetainedUntilRelease() {
        Tensor x = Tensor.param(m(new double[][] {{0.5, -0.25}}));
        Tensor h;
        try (Tape tape = Tape.open()) {
            h = Ops.tanh(x);
            Tensor loss = Ops.sum(Ops.scale(h, 3));
            tape.backward(loss);
            assertArrayEquals(new double[] {3, 3}, h.grad().toDoubleVector(), 0);
        }
        assertNull(h.grad());
        assertNotNull(x.grad());
    }

    @Test
    void noGradAndDetachRecordNothing() {
        Tensor x = Tensor.param(m(new double[][] {{1, 2}}));
        try (Tape tape = Tape.open()) {
            Tensor y = Tape.noGrad(() -> Ops.tanh(x));
            assertFalse(y.requiresGrad());
            assertEquals(0, tape.size());
            Tensor z = Ops.tanh(x.detach());
            assertFalse(z.requiresGrad());
            assertEquals(0, tape.size());
            Tensor w = Ops.tanh(x);
            assertTrue(w.requiresGrad());
            assertEquals(1, tape.size());
            assertThrows(IllegalArgumentException.class, () -> tape.backward(Ops.sum(y)));
        }
        // without a tape nothing is recorded either
        assertFalse(Ops.tanh(x).requiresGrad());
    }

    @Test
    void float32Works() {
        Tensor w = Tensor.param(Nd4j.rand(DataType.FLOAT, 4, 3));
        Tensor x = Tensor.constant(Nd4j.rand(DataType.FLOAT, 2, 3));
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.tanh(Ops.linear(x, w, null))));
        }
        assertEquals(DataType.FLOAT, w.grad().dataType());
        assertArrayEquals(new long[] {4, 3}, w.grad().shape());
    }

    @Test
    void gradientCheckRefusesFloat32() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.create().check(t -> Ops.sum(t[0]), Nd4j.rand(DataType.FLOAT, 2, 2)));
        assertTrue(e.getMessage().contains("FLOAT"), e.getMessage());
    }

    /** A deliberately wrong custom operation: forward x², backward claims 3x. */
    static final class WrongSquare extends Function.Single {
        @Override public String name() { return "test_wrong_square"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            ctx.save(in[0]);
            return in[0].mul(in[0]);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {g.mul(ctx.saved(0)).muli(3)};
        }
    }

    /** A correct custom operation with a hand-written backward: cube. */
    static final class Cube extends Function.Single {
        @Override public String name() { return "test_cube"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            ctx.save(in[0]);
            return in[0].mul(in[0]).muli(in[0]);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray x = ctx.saved(0);
            return new INDArray[] {g.mul(x).muli(x).muli(3)};
        }
    }

    @Test
    void customOperationsRegisterAndTheCheckCatchesAWrongBackward() {
        OpRegistry.register("test_cube", Cube.class);
        OpRegistry.register("test_cube", Cube.class);   // idempotent
        assertThrows(IllegalArgumentException.class, () -> OpRegistry.register("test_cube", WrongSquare.class));
        assertThrows(IllegalArgumentException.class, () -> OpRegistry.register("add", Cube.class));
        assertTrue(OpRegistry.names().contains("test_cube"));
        INDArray x = Nd4j.create(new double[][] {{0.3, -1.2, 2.0}});
        GradientCheck.create().check(t -> Ops.sum(new Cube().apply1(t[0])), x).requirePassed(1e-6);
        GradientCheck.Result wrong = GradientCheck.create().check(t -> Ops.sum(new WrongSquare().apply1(t[0])), x);
        assertFalse(wrong.passed(1e-6), "a wrong backward must be detected, error " + wrong.maxError());
        assertEquals(1.0 / 3, wrong.maxError(), 1e-6);    // |3x − 2x| / max(|3x|, |2x|) = 1/3
    }

    @Test
    void closingTheTapeFreesOwnedIntermediates() {
        Tensor z = Tensor.param(Nd4j.create(new double[][] {{0.5, -0.7}}));
        Tensor b = Tensor.param(Nd4j.create(new double[][] {{0.1, 0.1}}));
        Tape tape = Tape.open();
        Tensor out = Ops.modReLU(z, b);
        assertEquals(1, tape.size());
        tape.close();
        assertEquals(0, tape.size());
        assertFalse(out.value().wasClosed(), "outputs stay usable after release");
        assertEquals(0.6, out.value().getDouble(0), 1e-15);
    }
}
