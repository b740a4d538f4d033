package org.momentumrnn4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.Init;
import org.momentumrnn4j.orthogonal.ExpmAlgorithm;
import org.momentumrnn4j.orthogonal.MatrixExp;
import org.momentumrnn4j.orthogonal.Polar;
import org.momentumrnn4j.orthogonal.Skew;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The DTRIV rebase schedule (spec/dtriv.md §5 and §10.4–10.6). */
class DtrivScheduleTest {
    static final int N = 6;

    static DtrivBase base(DataType type) {
        return new DtrivBase(3, N, CellConfig.defaults().withSkewInit(CellConfig.SkewInit.HENAFF).withSeed(4), type);
    }

    /** A fixed loss of the orthogonal kernel: Σ_t ‖modReLU(x_t W_inᵀ + h_{t−1} B)‖-weighted readout. */
    static Tensor lossOf(DtrivBase d, Tensor kernel) {
        INDArray x = Init.normal(4, 3, 1.0, new Random(9), d.dataType());
        INDArray w = Init.normal(4, N, 1.0, new Random(10), d.dataType());
        Tensor h = Tensor.constant(Nd4j.zeros(d.dataType(), 4, N));
        Tensor loss = null;
        for (int t = 0; t < 3; t++) {
            h = Ops.modReLU(Ops.add(Ops.linear(Tensor.constant(x), d.parameters().get("W_in"), null),
                    Ops.matmul(h, kernel)), d.parameters().get("b"));
            Tensor term = Ops.sum(Ops.mul(h, Tensor.constant(w)));
            loss = loss == null ? term : Ops.add(loss, term);
        }
        return loss;
    }

    /** G_B = ∂L/∂B at the current kernel, with B as a free matrix. */
    static INDArray gradB(DtrivBase d) {
        Tensor b = Tensor.param(d.currentKernel());
        try (Tape tape = Tape.open()) {
            tape.backward(lossOf(d, b));
        }
        return b.grad();
    }

    @Test
    void kOneWithSgdIsRiemannianGradientDescent() {
        DtrivBase d = base(DataType.DOUBLE);
        Tensor p = d.parameters().get("P");
        double lr = 0.05;
        Sgd sgd = new Sgd(List.of(new ParamGroup("orth", Map.of("P", p), lr)));
        DtrivSchedule sched = new DtrivSchedule(List.of(d), 1, 100);
        for (int step = 0; step < 3; step++) {
            sched.beforeForward();
            assertEquals(0.0, p.value().amaxNumber().doubleValue(), 0, "P is zero after the change of base");
            INDArray b = d.currentKernel();
            INDArray g = gradB(d);
            p.zeroGrad();
            try (Tape tape = Tape.open()) {
                Tensor loss = lossOf(d, d.orthogonalKernel());
                sched.afterForward();
                tape.backward(loss);
            }
            sgd.step();
            INDArray a = b.transpose().mmul(g).sub(g.transpose().mmul(b)).muli(-lr);      // −η(BᵀG − GᵀB)
            INDArray expected = b.mmul(MatrixExp.expm(a, ExpmAlgorithm.PADE_F64));
            double err = d.currentKernel().sub(expected).amaxNumber().doubleValue();
            assertTrue(err < 1e-12, "step " + step + ": |B_new − B·exp(−η(BᵀG − GᵀB))| = " + err);
        }
        assertEquals(3, sched.rebaseCount());
    }

    @Test
    void kInfinityRecentresOnceAndCountsFollowTheSchedule() {
        DtrivBase d = base(DataType.DOUBLE);
        INDArray sInit = Skew.skew(d.parameters().get("P").value());
        INDArray expected = MatrixExp.expm(sInit, ExpmAlgorithm.PADE_F64);
        DtrivSchedule inf = new DtrivSchedule(List.of(d), DtrivSchedule.NEVER_AGAIN, 100);
        for (int j = 0; j < 7; j++) {
            inf.beforeForward();
            if (j == 0) {
                assertEquals(0.0, d.parameters().get("P").value().amaxNumber().doubleValue(), 0);
                assertTrue(d.buffers().get("base").sub(expected).amaxNumber().doubleValue() < 1e-14);
            }
            d.parameters().get("P").value().addi(0.01);               // an optimizer would move P
            inf.afterForward();
        }
        assertEquals(1, inf.rebaseCount());

        DtrivBase d2 = base(DataType.DOUBLE);
        DtrivSchedule k3 = new DtrivSchedule(List.of(d2), 3, 2);
        long[] rebasesAfter = new long[10];
        for (int j = 0; j < 10; j++) {
            k3.beforeForward();
            k3.afterForward();
            rebasesAfter[j] = k3.rebaseCount();
        }
        // rebases at j = 0, 3, 6, 9; projections at every 2nd rebase
        assertEquals(List.of(1L, 1L, 1L, 2L, 2L, 2L, 3L, 3L, 3L, 4L), java.util.Arrays.stream(rebasesAfter).boxed().toList());
        assertEquals(2, k3.projectionCount());
    }

    /** spec/dtriv.md §10.5: after 10⁴ rebases with M = 100 in float32 the kernel is orthogonal to 1e-5. */
    @Test
    void orthogonalityHoldsOverTenThousandRebasesInFloat32() {
        DtrivBase d = new DtrivBase(2, 8, CellConfig.defaults().withSkewInit(CellConfig.SkewInit.HENAFF), DataType.FLOAT);
        DtrivSchedule s = new DtrivSchedule(List.of(d), 1, 100);
        Random r = new Random(1);
        INDArray p = d.parameters().get("P").value();
        for (int j = 0; j < 10_000; j++) {
            s.beforeForward();
            for (long i = 0; i < p.length(); i++) {
                p.putScalar(i, 0.05 * r.nextGaussian());             // a step's worth of movement of P
            }
            s.afterForward();
        }
        s.beforeForward();
        double err = Polar.orthogonalityError(d.currentKernel());
        System.out.printf("float32 DTRIV after %d rebases (M = 100): |BᵀB − I|_max = %.2e%n", s.rebaseCount(), err);
        assertEquals(10_001, s.rebaseCount());
        assertTrue(err < 1e-5, "orthogonality error " + err);
    }

    /**
     * Reference mode (D1, D2): K = 2 with an evaluation pass between steps 1 and 2 — the evaluation consumes a
     * tick and rebases; at a rebase step the gradient applied to P = 0 is L(−S_old, base_newᵀ G_B).
     */
    @Test
    void referenceModeRebasesInPlaceAndEvaluationConsumesATick() {
        DtrivBase d = base(DataType.DOUBLE);
        Tensor p = d.parameters().get("P");
        DtrivSchedule s = new DtrivSchedule(List.of(d), 2, 100, DtrivSchedule.Mode.REFERENCE_INPLACE, true);
        // step 0 is a rebase step: check its gradient
        INDArray sOld = Skew.skew(p.value());
        INDArray gB = gradB(d);                                        // at B = base_old·exp(S_old) = base_new
        s.beforeForward();
        p.zeroGrad();
        try (Tape tape = Tape.open()) {
            Tensor loss = lossOf(d, d.orthogonalKernel());
            s.afterForward();                                          // k = 0: base ← B in place, P ← 0
            tape.backward(loss);
        }
        assertEquals(1, s.rebaseCount());
        assertEquals(0.0, p.value().amaxNumber().doubleValue(), 0);
        INDArray baseNew = d.buffers().get("base");
        INDArray hm = MatrixExp.frechet(sOld.neg(), baseNew.transpose().mmul(gB), ExpmAlgorithm.PADE_F64);
        INDArray expected = Skew.gradP(hm);
        assertTrue(p.grad().sub(expected).amaxNumber().doubleValue() < 1e-12,
                "reference gradient at the rebase step: " + p.grad().sub(expected).amaxNumber());
        // tick sequence: step 1 (k = 1: no), evaluation (k = 0: rebase), step 2 (k = 1: no), step 3 (k = 0: rebase)
        s.beforeForward();
        s.afterForward();
        assertEquals(1, s.rebaseCount());
        s.onEvaluation();
        assertEquals(2, s.rebaseCount());
        s.beforeForward();
        s.afterForward();
        assertEquals(2, s.rebaseCount());
        s.beforeForward();
        s.afterForward();
        assertEquals(3, s.rebaseCount());
    }
}
