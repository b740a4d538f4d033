package org.momentumrnn4j.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.momentumrnn4j.autograd.GradientCheck;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.dynamics.AdamCell;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.cell.dynamics.RMSPropCell;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The 4 dynamics × 3 bases grid (SR in both forms, plus the plain cells): gradients, identities, validation. */
class CellGridTest {

    /** Every dynamics over every base, small sizes. */
    static List<DriveCell> grid(int d, int h, DataType type, long seed) {
        return org.momentumrnn4j.testing.CellGrid.of(d, h, type, seed, 3);
    }

    static Stream<Arguments> gridCells() {
        return grid(3, 4, DataType.DOUBLE, 7).stream().map(c -> Arguments.of(c.toString(), c));
    }

    static INDArray randomInputs(long seed, int t, int b, int d, DataType type) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, t, b, d);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextGaussian());
        }
        return x.castTo(type);
    }

    /** Σ_t Σ h_t ⊙ R_t with a fixed random readout: every output matters with a different weight. */
    static Supplier<Tensor> sequenceLoss(RecurrentCell cell, INDArray x) {
        int steps = (int) x.size(0);
        int batch = (int) x.size(1);
        INDArray readout = randomInputs(5, steps, batch, cell.hiddenSize(), cell.dataType());
        return () -> {
            CellState s = cell.initialState(batch);
            RecurrentCell.Stepper st = cell.begin();
            Tensor loss = null;
            for (int t = 0; t < steps; t++) {
                StepResult r = st.step(Tensor.constant(x.slice(t).dup()), s);
                s = r.state();
                Tensor term = Ops.sum(Ops.mul(r.output(), Tensor.constant(readout.slice(t).dup())));
                loss = loss == null ? term : Ops.add(loss, term);
            }
            return loss;
        };
    }

    /**
     * Float64 central differences of every parameter of every grid cell (T 5, batch 3, d 3, H 4). The DTRIV
     * cells are checked at a non-zero skew matrix (Henaff init), so the exp backward is exercised; inputs are
     * Gaussian, which keeps modReLU pre-activations away from its kinks with probability one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gridCells")
    void gradientCheckOfTheGrid(String name, DriveCell cell) {
        INDArray x = randomInputs(11, 5, 3, cell.inputSize(), DataType.DOUBLE);
        List<Tensor> params = new ArrayList<>(cell.parameters().values());
        GradientCheck.Result r = GradientCheck.create().check(sequenceLoss(cell, x), params);
        System.out.printf("gradcheck %-70s max rel error %.2e over %d elements%n", name, r.maxError(),
                r.elementsChecked());
        r.requirePassed(GradientCheck.DEFAULT_TOLERANCE);
    }

    private static INDArray[] run(RecurrentCell cell, INDArray x) {
        int steps = (int) x.size(0);
        CellState s = cell.initialState((int) x.size(1));
        RecurrentCell.Stepper st = cell.begin();
        INDArray[] hs = new INDArray[steps];
        for (int t = 0; t < steps; t++) {
            StepResult r = st.step(Tensor.constant(x.slice(t).dup()), s);
            s = r.state();
            hs[t] = r.output().value();
        }
        return hs;
    }

    @Test
    void momentumWithMuZeroAndUnitStepIsItsBaseBitForBit() {
        for (Base.Kind k : Base.Kind.values()) {
            PlainCell plain = PlainCell.builder().base(k, 3, 4).dataType(DataType.DOUBLE).seed(3).build();
            MomentumCell mom = MomentumCell.builder().base(k, 3, 4).dataType(DataType.DOUBLE).seed(3).mu(0).stepSize(1).build();
            INDArray x = randomInputs(1, 6, 2, 3, DataType.DOUBLE);
            INDArray[] a = run(plain, x);
            INDArray[] b = run(mom, x);
            for (int t = 0; t < a.length; t++) {
                assertArrayEquals(a[t].data().asDouble(), b[t].data().asDouble(), 0.0, k + " step " + t);
            }
        }
    }

    @Test
    void adamWithMuZeroIsRmspropBitForBit() {
        for (Base.Kind k : Base.Kind.values()) {
            AdamCell adam = AdamCell.builder().base(k, 3, 4).dataType(DataType.DOUBLE).seed(3).mu(0).stepSize(0.6).beta(0.9).build();
            RMSPropCell rms = RMSPropCell.builder().base(k, 3, 4).dataType(DataType.DOUBLE).seed(3).stepSize(0.6).beta(0.9).build();
            INDArray x = randomInputs(2, 6, 2, 3, DataType.DOUBLE);
            INDArray[] a = run(adam, x);
            INDArray[] b = run(rms, x);
            for (int t = 0; t < a.length; t++) {
                assertArrayEquals(a[t].data().asDouble(), b[t].data().asDouble(), 0.0, k + " step " + t);
            }
        }
    }

    @Test
    void kappaSequenceForRestartPeriods() {
        Map<Integer, int[]> expectedK = Map.of(
                0, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                1, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                2, new int[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2},
                3, new int[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1});
        for (var e : expectedK.entrySet()) {
            int k = 1;
            for (int t = 0; t < 10; t++) {
                assertEquals(e.getValue()[t], k, "F=" + e.getKey() + " step " + (t + 1));
                k = SRCell.nextCounter(k, e.getKey());
            }
        }
        // F = 40: k runs 1..40 and restarts; κ climbs from 0 to 39/42
        int k = 1;
        for (int t = 0; t < 85; t++) {
            assertEquals(t % 40 + 1, k);
            k = SRCell.nextCounter(k, 40);
        }
        double[] kappa = {0, 1.0 / 4, 2.0 / 5, 1.0 / 2, 4.0 / 7, 5.0 / 8, 2.0 / 3, 7.0 / 10};
        for (int i = 0; i < kappa.length; i++) {
            assertEquals(kappa[i], SRCell.kappa(i + 1), 1e-16);
        }
        assertEquals(39.0 / 42, SRCell.kappa(40), 1e-16);
        assertEquals(0.99618, SRCell.kappa(784), 1e-5);
        // and the cell advances its state's counter the same way
        SRCell cell = SRCell.builder().lstm(2, 3).form(SrForm.B_TIME_VARYING_MOMENTUM).restartPeriod(3).build();
        CellState s = cell.initialState(1);
        int[] used = new int[7];
        for (int t = 0; t < 7; t++) {
            used[t] = s.counter();
            s = cell.step(Tensor.constant(Nd4j.ones(DataType.FLOAT, 1, 2)), s).state();
        }
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3, 1}, used);
    }

    @Test
    void invalidHyperParametersNameTheParameterAndValue() {
        assertMessage(() -> MomentumCell.builder().lstm(2, 3).mu(1.5).build(), "mu", "1.5");
        assertMessage(() -> MomentumCell.builder().lstm(2, 3).mu(-0.1).build(), "mu", "-0.1");
        assertMessage(() -> MomentumCell.builder().lstm(2, 3).stepSize(0).build(), "stepSize", "0.0");
        assertMessage(() -> AdamCell.builder().lstm(2, 3).beta(1.0).build(), "beta", "1.0");
        assertMessage(() -> RMSPropCell.builder().lstm(2, 3).beta(-0.5).build(), "beta", "-0.5");
        assertMessage(() -> SRCell.builder().lstm(2, 3).form(SrForm.A_PREACTIVATION_NAG).restartPeriod(-1).build(),
                "restartPeriod", "-1");
        assertMessage(() -> SRCell.builder().lstm(2, 3).build(), "form", "A_PREACTIVATION_NAG");
        assertMessage(() -> PlainCell.builder().lstm(2, 0).build(), "hiddenSize", "0");
        assertMessage(() -> PlainCell.builder().dtriv(0, 3).build(), "inputSize", "0");
        assertMessage(() -> MomentumCell.builder().vanilla(2, 3).mu(Double.NaN).build(), "mu", "NaN");
    }

    @Test
    void wrongInputShapeIsRejected() {
        MomentumCell cell = MomentumCell.builder().lstm(3, 4).build();
        CellState s = cell.initialState(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cell.step(Tensor.constant(Nd4j.ones(DataType.FLOAT, 2, 5)), s));
        assertTrue(e.getMessage().contains("[2, 5]") && e.getMessage().contains("inputSize 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cell.step(Tensor.constant(Nd4j.ones(DataType.DOUBLE, 2, 3)), s));
    }

    @Test
    void stateSpecsBelongToTheCells() {
        assertEquals("(h[4], c[4])", PlainCell.builder().lstm(3, 4).build().stateSpec().toString());
        assertEquals("(h[4], c[4], v[16])", MomentumCell.builder().lstm(3, 4).build().stateSpec().toString());
        assertEquals("(h[4], c[4], v[16], m[16])", AdamCell.builder().lstm(3, 4).build().stateSpec().toString());
        assertEquals("(h[4], c[4], p[16], k)", SRCell.builder().lstm(3, 4).form(SrForm.A_PREACTIVATION_NAG).build()
                .stateSpec().toString());
        assertEquals("(h[4], v[4], k)", SRCell.builder().dtriv(3, 4).form(SrForm.B_TIME_VARYING_MOMENTUM).build()
                .stateSpec().toString());
        assertEquals("(h[4], v[4], m[4])", RMSPropCell.builder().vanilla(3, 4).build().stateSpec().toString());
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
        }
    }

    @Test
    void trainingStepRecordsAndReleases() {
        MomentumCell cell = MomentumCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).build();
        INDArray x = randomInputs(3, 4, 2, 2, DataType.DOUBLE);
        try (Tape tape = Tape.open()) {
            Tensor loss = sequenceLoss(cell, x).get();
            tape.backward(loss);
            assertTrue(tape.size() > 0);
        }
        for (Tensor p : cell.parameters().values()) {
            assertTrue(p.grad() != null && p.grad().amaxNumber().doubleValue() > 0, p + " got no gradient");
        }
    }
}
