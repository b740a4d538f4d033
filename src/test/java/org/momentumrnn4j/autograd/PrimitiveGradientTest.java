package org.momentumrnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float64 central-difference gradient check of every built-in primitive, on regular and edge shapes
 * (batch 1, feature width 1) and with broadcasting. Tolerance: {@link GradientCheck#DEFAULT_TOLERANCE}
 * (1e-6 relative, absolute below 1e-2; see the derivation in {@link GradientCheck}).
 */
class PrimitiveGradientTest {
    private static final Map<String, Integer> COVERED = new LinkedHashMap<>();

    private record Case(String op, String label, Function<Tensor[], Tensor> f, INDArray[] inputs) {}

    private static INDArray rand(long seed, long... shape) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static INDArray positive(long seed, long... shape) {
        INDArray a = rand(seed, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, 0.5 + Math.abs(a.getDouble(i)));
        }
        return a;
    }

    /** A readout that makes every output element matter with a different weight. */
    private static Tensor weightedSum(Tensor y) {
        INDArray w = rand(99, y.shape());
        return Ops.sum(Ops.mul(y, Tensor.constant(w)));
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        long[][] shapes = {{3, 4}, {1, 4}, {3, 1}, {1, 1}};
        for (long[] s : shapes) {
            String sh = s[0] + "x" + s[1];
            c.add(new Case("add", sh, t -> weightedSum(Ops.add(t[0], t[1])), new INDArray[] {rand(1, s), rand(2, s)}));
            c.add(new Case("sub", sh, t -> weightedSum(Ops.sub(t[0], t[1])), new INDArray[] {rand(1, s), rand(2, s)}));
            c.add(new Case("mul", sh, t -> weightedSum(Ops.mul(t[0], t[1])), new INDArray[] {rand(1, s), rand(2, s)}));
            c.add(new Case("div", sh, t -> weightedSum(Ops.div(t[0], t[1])), new INDArray[] {rand(1, s), positive(2, s)}));
            c.add(new Case("scale", sh, t -> weightedSum(Ops.scale(t[0], -1.7)), new INDArray[] {rand(3, s)}));
            c.add(new Case("shift", sh, t -> weightedSum(Ops.shift(t[0], 0.3)), new INDArray[] {rand(3, s)}));
            c.add(new Case("sqrt", sh, t -> weightedSum(Ops.sqrt(t[0])), new INDArray[] {positive(4, s)}));
            c.add(new Case("sigmoid", sh, t -> weightedSum(Ops.sigmoid(t[0])), new INDArray[] {rand(5, s).muli(3)}));
            c.add(new Case("tanh", sh, t -> weightedSum(Ops.tanh(t[0])), new INDArray[] {rand(6, s).muli(2)}));
            c.add(new Case("transpose", sh, t -> weightedSum(Ops.transpose(t[0])), new INDArray[] {rand(7, s)}));
            c.add(new Case("sum", sh, t -> Ops.sum(Ops.tanh(t[0])), new INDArray[] {rand(8, s)}));
            c.add(new Case("mean", sh, t -> Ops.mean(Ops.tanh(t[0])), new INDArray[] {rand(9, s)}));
            c.add(new Case("mse", sh, t -> Ops.mse(t[0], t[1]), new INDArray[] {rand(10, s), rand(11, s)}));
            c.add(new Case("modrelu", sh, t -> weightedSum(Ops.modReLU(t[0], t[1])),
                    new INDArray[] {awayFromKinks(12, s), rand(13, 1, s[1]).muli(0.1)}));
        }
        // broadcasting: row vectors, column vectors and [1,1] on either side
        long[][][] bshapes = {{{3, 4}, {1, 4}}, {{1, 4}, {3, 4}}, {{3, 4}, {3, 1}}, {{3, 1}, {3, 4}},
                {{3, 4}, {1, 1}}, {{3, 1}, {1, 4}}};
        for (long[][] bs : bshapes) {
            String sh = bs[0][0] + "x" + bs[0][1] + "~" + bs[1][0] + "x" + bs[1][1];
            c.add(new Case("add", sh, t -> weightedSum(Ops.add(t[0], t[1])), new INDArray[] {rand(21, bs[0]), rand(22, bs[1])}));
            c.add(new Case("sub", sh, t -> weightedSum(Ops.sub(t[0], t[1])), new INDArray[] {rand(21, bs[0]), rand(22, bs[1])}));
            c.add(new Case("mul", sh, t -> weightedSum(Ops.mul(t[0], t[1])), new INDArray[] {rand(21, bs[0]), rand(22, bs[1])}));
            c.add(new Case("div", sh, t -> weightedSum(Ops.div(t[0], t[1])), new INDArray[] {rand(21, bs[0]), positive(22, bs[1])}));
        }
        // matrices
        c.add(new Case("matmul", "3x5*5x4", t -> weightedSum(Ops.matmul(t[0], t[1])), new INDArray[] {rand(31, 3, 5), rand(32, 5, 4)}));
        c.add(new Case("matmul", "1x1*1x1", t -> weightedSum(Ops.matmul(t[0], t[1])), new INDArray[] {rand(31, 1, 1), rand(32, 1, 1)}));
        c.add(new Case("matmul", "1x3*3x1", t -> weightedSum(Ops.matmul(t[0], t[1])), new INDArray[] {rand(31, 1, 3), rand(32, 3, 1)}));
        c.add(new Case("linear", "bias", t -> weightedSum(Ops.linear(t[0], t[1], t[2])),
                new INDArray[] {rand(33, 3, 5), rand(34, 4, 5), rand(35, 1, 4)}));
        c.add(new Case("linear", "no-bias", t -> weightedSum(Ops.linear(t[0], t[1], null)),
                new INDArray[] {rand(33, 3, 5), rand(34, 4, 5)}));
        c.add(new Case("linear", "batch1-in1", t -> weightedSum(Ops.linear(t[0], t[1], t[2])),
                new INDArray[] {rand(36, 1, 1), rand(37, 4, 1), rand(38, 1, 4)}));
        // slicing and joining
        c.add(new Case("slice", "middle", t -> weightedSum(Ops.slice(t[0], 1, 3)), new INDArray[] {rand(41, 3, 5)}));
        c.add(new Case("slice", "width1", t -> weightedSum(Ops.slice(t[0], 4, 5)), new INDArray[] {rand(42, 1, 5)}));
        c.add(new Case("concat", "three", t -> weightedSum(Ops.concat(t[0], t[1], t[2])),
                new INDArray[] {rand(43, 2, 3), rand(44, 2, 1), rand(45, 2, 2)}));
        c.add(new Case("concat", "reuse", t -> weightedSum(Ops.concat(t[0], t[0])), new INDArray[] {rand(46, 1, 3)}));
        c.add(new Case("unstack_time", "2x3x4", t -> {
            Tensor[] steps = Ops.unstackTime(t[0]);
            return Ops.add(weightedSum(Ops.tanh(steps[0])), weightedSum(Ops.mul(steps[2], steps[1])));
        }, new INDArray[] {rand(47, 2, 3, 4)}));
        c.add(new Case("stack_time", "3 steps", t -> weightedSum(Ops.stackTime(List.of(t[0], t[1], t[0]))),
                new INDArray[] {rand(48, 2, 4), rand(49, 2, 4)}));
        c.add(new Case("stack_time", "1x1", t -> weightedSum(Ops.stackTime(List.of(t[0]))), new INDArray[] {rand(50, 1, 1)}));
        c.add(new Case("swap_leading_axes", "2x3x4", t -> weightedSum(Ops.swapLeadingAxes(t[0])), new INDArray[] {rand(57, 2, 3, 4)}));
        c.add(new Case("reverse_time", "lengths 3,1,0", t -> weightedSum(Ops.reverseTime(t[0], new int[] {3, 1, 0})),
                new INDArray[] {rand(58, 3, 3, 2)}));
        c.add(new Case("slice", "rank3", t -> weightedSum(Ops.slice(t[0], 1, 3)), new INDArray[] {rand(59, 2, 3, 4)}));
        c.add(new Case("concat", "rank3", t -> weightedSum(Ops.concat(t[0], t[1])),
                new INDArray[] {rand(60, 2, 3, 1), rand(62, 2, 3, 2)}));
        c.add(new Case("reshape", "2x3x4->6x4", t -> weightedSum(Ops.tanh(Ops.reshape(t[0], 6, 4))), new INDArray[] {rand(63, 2, 3, 4)}));
        c.add(new Case("select_steps", "2,0,1", t -> weightedSum(Ops.selectSteps(t[0], new int[] {2, 0, 2})),
                new INDArray[] {rand(64, 3, 3, 2)}));
        // losses
        c.add(new Case("softmax_cross_entropy", "4x3", t -> Ops.softmaxCrossEntropy(t[0], new int[] {0, 2, 1, 2}),
                new INDArray[] {rand(51, 4, 3).muli(3)}));
        c.add(new Case("softmax_cross_entropy", "1x1", t -> Ops.softmaxCrossEntropy(t[0], new int[] {0}),
                new INDArray[] {rand(52, 1, 1)}));
        INDArray mask = Nd4j.create(new double[][] {{1, 0, 1}, {0, 1, 1}});
        c.add(new Case("mse", "masked-same-shape", t -> Ops.mse(t[0], t[1], Tensor.constant(mask)),
                new INDArray[] {rand(53, 2, 3), rand(54, 2, 3)}));
        INDArray stepMask = Nd4j.create(new double[][] {{1, 1, 0}, {1, 0, 0}});
        c.add(new Case("mse", "masked-per-step", t -> Ops.mse(t[0], t[1], Tensor.constant(stepMask)),
                new INDArray[] {rand(55, 2, 3, 2), rand(56, 2, 3, 2)}));
        // gradient accumulation: the same tensor used twice
        c.add(new Case("mul", "x*x", t -> weightedSum(Ops.mul(t[0], t[0])), new INDArray[] {rand(61, 3, 2)}));
        return c.stream().map(k -> Arguments.of(k.op() + " " + k.label(), k));
    }

    private static INDArray awayFromKinks(long seed, long... shape) {
        INDArray z = rand(seed, shape);
        for (long i = 0; i < z.length(); i++) {
            double v = z.getDouble(i);
            z.putScalar(i, Math.signum(v == 0 ? 1 : v) * (0.3 + Math.abs(v)));   // |z| ≥ 0.3 > |b|
        }
        if (z.length() > 1) {
            z.putScalar(0, 0.05);   // a unit switched off by a negative bias is checked too if b < −0.05
        }
        return z;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesCentralDifferences(String label, Case c) {
        GradientCheck.Result r = GradientCheck.create().check(c.f(), c.inputs());
        r.requirePassed(GradientCheck.DEFAULT_TOLERANCE);
        assertTrue(r.elementsChecked() > 0);
        synchronized (COVERED) {
            COVERED.merge(c.op(), 1, Integer::sum);
        }
    }

    @Test
    void everyBuiltinPrimitiveHasACase() {
        List<String> missing = new ArrayList<>();
        cases().forEach(a -> COVERED.putIfAbsent(((Case) a.get()[1]).op(), 0));
        for (String name : OpRegistry.builtinNames()) {
            if (!COVERED.containsKey(name)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "primitives without a gradient check: " + missing);
    }

    @AfterAll
    static void report() {
        System.out.println("gradient-checked primitives: " + COVERED.keySet());
    }
}
