package org.momentumrnn4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.io.Json;
import org.momentumrnn4j.io.JsonArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each optimizer equals its PyTorch definition on a fixed quadratic over 10 steps. Expected trajectories:
 * {@code src/test/resources/optim/pytorch-quadratic.json}, made once by
 * {@code /usr/bin/python3 src/test/python/optimizer_reference.py} (torch 1.13, float64). Tolerance 1e-12
 * absolute: both sides evaluate the same float64 formulas; only summation order in the gradient differs.
 */
class OptimizerParityTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> fixture() throws Exception {
        try (InputStream in = OptimizerParityTest.class.getResourceAsStream("/optim/pytorch-quadratic.json")) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws Exception {
        List<Arguments> a = new ArrayList<>();
        for (Object c : (List<Object>) fixture().get("cases")) {
            Map<String, Object> m = (Map<String, Object>) c;
            a.add(Arguments.of(m.get("optimizer") + " " + m.get("options"), m));
        }
        return a.stream();
    }

    private static double num(Map<String, Object> o, String k, double d) {
        return o.containsKey(k) ? ((Number) o.get(k)).doubleValue() : d;
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPytorch(String name, Map<String, Object> c) throws Exception {
        Map<String, Object> f = fixture();
        INDArray q = JsonArrays.toArray(f.get("Q"), DataType.DOUBLE);
        INDArray b = JsonArrays.toArray(f.get("b"), DataType.DOUBLE).reshape(1, 6);
        Tensor p = Tensor.param(JsonArrays.toArray(f.get("p0"), DataType.DOUBLE)).named("p");
        Map<String, Object> o = (Map<String, Object>) c.get("options");
        List<ParamGroup> groups = List.of(new ParamGroup("all", Map.of("p", p), num(o, "lr", 0), num(o, "weight_decay", 0)));
        Optimizer opt = switch ((String) c.get("optimizer")) {
            case "sgd" -> new Sgd(groups, num(o, "momentum", 0), Boolean.TRUE.equals(o.get("nesterov")));
            case "rmsprop" -> new RmsProp(groups, num(o, "alpha", 0.99), num(o, "eps", 1e-8));
            case "adam" -> {
                List<Number> betas = (List<Number>) o.getOrDefault("betas", List.of(0.9, 0.999));
                yield new Adam(groups, betas.get(0).doubleValue(), betas.get(1).doubleValue(), num(o, "eps", 1e-8));
            }
            default -> throw new AssertionError(c.get("optimizer"));
        };
        List<Object> traj = (List<Object>) c.get("trajectory");
        double worst = 0;
        for (int step = 0; step < 10; step++) {
            opt.zeroGrad();
            try (Tape tape = Tape.open()) {
                Tensor v = Ops.reshape(p, 1, 6);
                Tensor loss = Ops.sub(Ops.scale(Ops.sum(Ops.mul(Ops.matmul(v, Tensor.constant(q)), v)), 0.5),
                        Ops.sum(Ops.mul(Tensor.constant(b), v)));
                tape.backward(loss);
            }
            opt.step();
            INDArray expected = JsonArrays.toArray(traj.get(step), DataType.DOUBLE);
            double err = p.value().sub(expected).amaxNumber().doubleValue();
            worst = Math.max(worst, err);
            assertTrue(err <= 1e-12, name + " step " + (step + 1) + ": error " + err);
        }
        System.out.printf("optimizer %-70s max abs error over 10 steps %.2e%n", name, worst);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Tensor p1 = Tensor.param(Nd4j.create(new double[][] {{1, -2}}));
        Tensor p2 = Tensor.param(Nd4j.create(new double[][] {{1, -2}}));
        Adam a1 = new Adam(List.of(new ParamGroup("g", Map.of("p", p1), 0.1)));
        Adam a2 = new Adam(List.of(new ParamGroup("g", Map.of("p", p2), 0.1)));
        for (int i = 0; i < 3; i++) {
            quadraticStep(p1, a1);
        }
        p2.value().assign(p1.value());
        a2.loadState(a1.state());
        for (int i = 0; i < 3; i++) {
            quadraticStep(p1, a1);
            quadraticStep(p2, a2);
        }
        assertEquals(p1.value(), p2.value());
        assertEquals(6, a1.stepCount());
    }

    private static void quadraticStep(Tensor p, Optimizer opt) {
        opt.zeroGrad();
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(Ops.mul(p, p)));
        }
        opt.step();
    }

    @Test
    void clippingAndSchedules() {
        Tensor a = Tensor.param(Nd4j.create(new double[][] {{0, 0}}));
        Tensor b = Tensor.param(Nd4j.create(new double[][] {{0}}));
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.add(Ops.sum(Ops.mul(a, Tensor.constant(Nd4j.create(new double[][] {{3, 0}})))),
                    Ops.sum(Ops.scale(b, 4))));
        }
        double total = Clipping.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, total, 1e-15);
        assertEquals(3.0 / (5 + 1e-6), a.grad().getDouble(0), 1e-15);
        assertEquals(4.0 / (5 + 1e-6), b.grad().getDouble(0), 1e-15);
        Clipping.clipValue(List.of(a, b), 0.7);
        assertEquals(0.7, b.grad().getDouble(0), 0);
        assertEquals(0.0, a.grad().getDouble(1), 0);
        a.grad().putScalar(0, Double.NaN);
        assertThrows(IllegalStateException.class, () -> Clipping.clipGlobalNorm(List.of(a), 1.0));

        assertEquals(0.1 * 0.25, LrSchedule.step(10, 0.5).lrAt(25, 0.1), 1e-18);
        assertEquals(0.1 * Math.pow(0.9, 3), LrSchedule.exponential(0.9).lrAt(3, 0.1), 1e-18);
        assertEquals(0.1, LrSchedule.cosine(10, 0).lrAt(0, 0.1), 1e-18);
        assertEquals(0.0, LrSchedule.cosine(10, 0).lrAt(10, 0.1), 1e-18);
        assertEquals(0.05, LrSchedule.cosine(10, 0).lrAt(5, 0.1), 1e-15);
        LrSchedule plateau = LrSchedule.divideOnPlateau(4, 1);
        double[] metrics = {1.0, 0.9, 0.95, 0.96, 0.97, 0.5};
        double[] lrs = new double[metrics.length];
        for (int e = 0; e < metrics.length; e++) {
            lrs[e] = plateau.lrAt(e, 1.0);
            plateau.observe(metrics[e]);
        }
        // after 0.9, two non-improving epochs (> patience 1) divide once; the counter restarts
        assertEquals(1.0, lrs[3], 0);
        assertEquals(0.25, lrs[4], 0);
        assertEquals(0.25, lrs[5], 0);
    }
}
