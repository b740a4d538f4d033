package org.momentumrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.Init;
import org.momentumrnn4j.cell.ReferenceCompat;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.nn.Linear;
import org.momentumrnn4j.sequence.SequenceOutput;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The vanishing-gradient claims, measured (spec/vanishing-gradients.md §2, §3, §5). All float64: the LSTM
 * gradients at initialization (1e-46 to 1e-110) underflow float32.
 */
class VanishingGradientTest {
    static final GradientNorms.Reduction F = GradientNorms.Reduction.FROBENIUS_OVER_BATCH;

    /**
     * A pixel-MNIST-like batch (spec §3): {@code [16, 784, 1]}, about 20 % of pixels non-zero, i.i.d. over all
     * positions, values in (0, 1]; steps 1 and 2 are non-zero for every sample so that the measured gradients are
     * not structural zeros (spec §2.5).
     */
    static INDArray pixelBatch(long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 16, 784, 1);
        for (int b = 0; b < 16; b++) {
            for (int t = 0; t < 784; t++) {
                if (t < 2 || r.nextDouble() < 0.2) {
                    x.putScalar(new long[] {b, t, 0}, 1.0 - r.nextDouble());
                }
            }
        }
        return x;
    }

    /** Cross-entropy of a seeded {@code Linear(H, 10)} on {@code h_T}, mean over the batch, fixed labels. */
    static java.util.function.Function<SequenceOutput, Tensor> lastStepLoss(int hidden) {
        Linear head = new Linear(hidden, 10, 77, DataType.DOUBLE);
        int[] labels = new Random(5).ints(16, 0, 10).toArray();
        return o -> Ops.softmaxCrossEntropy(head.forward(o.finalState().h()), labels);
    }

    static GradientNorms.Profile atInit(DriveCell cell, INDArray x) {
        return GradientNorms.measure(cell, x, lastStepLoss(cell.hiddenSize()));
    }

    @Test
    void vPathRecursionMatchesAutograd() {
        // vanilla tanh and DTRIV (modReLU) bases: δa_t follows from δh_t and the activation's derivative
        for (String base : new String[] {"vanilla", "dtriv"}) {
            double mu = 0.7;
            double s = 0.6;
            MomentumCell cell = base.equals("vanilla")
                    ? MomentumCell.builder().vanilla(3, 4).mu(mu).stepSize(s).dataType(DataType.DOUBLE).seed(2).build()
                    : MomentumCell.builder().dtriv(3, 4).mu(mu).stepSize(s).dataType(DataType.DOUBLE).seed(2)
                            .config(CellConfig.defaults().withSkewInit(CellConfig.SkewInit.HENAFF)).build();
            INDArray x = Init.normal(2, 21, 1.0, new Random(3), DataType.DOUBLE).reshape(2, 7, 3);
            INDArray w = Init.normal(14, 4, 1.0, new Random(4), DataType.DOUBLE).reshape(2, 7, 4);
            GradientNorms.Recording r = GradientNorms.record(cell, x, o -> Ops.sum(Ops.mul(o.output(), Tensor.constant(w))));
            INDArray[] dv = r.gradients().get("v");
            INDArray[] dh = r.gradients().get("h");
            INDArray[] dx = r.gradients().get("x");
            INDArray[] h = r.states().get("h");
            INDArray wIn = cell.parameters().get(base.equals("vanilla") ? "W" : "W_in").value();
            double worst = 0;
            for (int t = 0; t < 7; t++) {
                // δa_t: tanh' = 1 − h², modReLU' = 1[h ≠ 0] (h = 0 exactly where it is switched off)
                INDArray da = base.equals("vanilla") ? dh[t].mul(h[t].mul(h[t]).rsubi(1.0))
                                                     : dh[t].mul(h[t].neq(0.0).castTo(DataType.DOUBLE));
                INDArray expected = t == 6 ? da : da.add(dv[t + 1].mul(mu));             // δv_t = δa_t + μ δv_{t+1}
                worst = Math.max(worst, rel(dv[t], expected));
                worst = Math.max(worst, rel(dx[t], dv[t].mmul(wIn).muli(s)));         // ∂L/∂x_t = s Wᵀ δv_t
            }
            System.out.printf("v-path recursion (%s base): max relative error %.2e%n", base, worst);
            assertTrue(worst < 1e-12, base + ": " + worst);
        }
    }

    private static double rel(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / Math.max(b.amaxNumber().doubleValue(), 1e-300);
    }

    @Test
    void momentumKeepsEarlyInputGradientsAlive() {
        INDArray x = pixelBatch(11);
        CellConfig ref = ReferenceCompat.config();
        DriveCell lstm = PlainCell.builder().lstm(1, 128).config(ref).dataType(DataType.DOUBLE).build();
        DriveCell mlstm = MomentumCell.builder().lstm(1, 128).config(ref).dataType(DataType.DOUBLE).mu(0.99).stepSize(0.6).build();
        DriveCell dtriv = PlainCell.builder().dtriv(1, 128).config(ref).dataType(DataType.DOUBLE).build();
        DriveCell mdtriv = MomentumCell.builder().dtriv(1, 128).config(ref).dataType(DataType.DOUBLE).mu(0.999).stepSize(0.6).build();
        GradientNorms.Profile pl = atInit(lstm, x);
        GradientNorms.Profile pm = atInit(mlstm, x);
        GradientNorms.Profile pd = atInit(dtriv, x);
        GradientNorms.Profile pmd = atInit(mdtriv, x);
        double lstmX1 = pl.norms("x", F)[0];
        double mlstmX1 = pm.norms("x", F)[0];
        double dtrivX1 = pd.norms("x", F)[0];
        double mdtrivX1 = pmd.norms("x", F)[0];
        System.out.printf("|dL/dx_1| at init, reference init, T 784: LSTM %.2e, MomentumLSTM(0.99, 0.6) %.2e (x%.1e); "
                + "DTRIV %.2e, MomentumDTRIV(0.999, 0.6) %.2e (x%.1f)%n", lstmX1, mlstmX1, mlstmX1 / lstmX1, dtrivX1,
                mdtrivX1, mdtrivX1 / dtrivX1);
        System.out.printf("|dL/dh_1|: LSTM %.2e, MomentumLSTM %.2e, DTRIV %.2e, MomentumDTRIV %.2e; |dL/dh_784|: %.2e %.2e %.2e %.2e%n",
                pl.norms("h", F)[0], pm.norms("h", F)[0], pd.norms("h", F)[0], pmd.norms("h", F)[0],
                pl.norms("h", F)[783], pm.norms("h", F)[783], pd.norms("h", F)[783], pmd.norms("h", F)[783]);
        assertTrue(lstmX1 > 0, "the measured LSTM gradient is not a structural zero");
        assertTrue(mlstmX1 >= 1e30 * lstmX1, "MomentumLSTM gain " + mlstmX1 / lstmX1);
        assertTrue(mdtrivX1 >= 5 * dtrivX1, "MomentumDTRIV gain " + mdtrivX1 / dtrivX1);
        for (GradientNorms.Profile p : new GradientNorms.Profile[] {pl, pm, pd, pmd}) {
            double last = p.norms("h", F)[783];
            assertTrue(last > 5e-2 && last < 5e-1, "|dL/dh_784| = " + last);   // spec G5 band
        }
    }

    /**
     * A tanh RNN with ‖U‖₂ = 0.5 < 1: log ‖∂L/∂h_1‖ falls linearly in T; the momentum RNN's ‖∂L/∂x_1‖ decays no
     * faster than μ^T (the v-path, spec §2.2): {@code ‖∂L/∂x_1‖(T) / μ^T} never drops below half its first value.
     */
    @Test
    void vanillaGradientsVanishExponentiallyWhileTheVPathDecaysLikeMuToTheT() {
        int[] lengths = {5, 10, 20, 40, 60};
        double mu = 0.9;
        double[] logH = new double[lengths.length];
        double[] ratio = new double[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            int t = lengths[i];
            INDArray x = Init.normal(4, t * 2, 1.0, new Random(6), DataType.DOUBLE).reshape(4, t, 2);
            INDArray w = Init.normal(1, 8, 1.0, new Random(7), DataType.DOUBLE);
            PlainCell rnn = PlainCell.builder().vanilla(2, 8).dataType(DataType.DOUBLE).seed(8).build();
            MomentumCell mrnn = MomentumCell.builder().vanilla(2, 8).dataType(DataType.DOUBLE).seed(8).mu(mu).stepSize(1.0).build();
            rnn.parameters().get("U").value().muli(0.5);                     // orthogonal · 0.5: spectral norm 0.5
            mrnn.parameters().get("U").value().muli(0.5);
            java.util.function.Function<SequenceOutput, Tensor> loss =
                    o -> Ops.sum(Ops.mul(o.finalState().h(), Tensor.constant(w)));
            logH[i] = Math.log(GradientNorms.measure(rnn, x, loss).norms("h", F)[0]);
            ratio[i] = GradientNorms.measure(mrnn, x, loss).norms("x", F)[0] / Math.pow(mu, t);
        }
        double slope = slope(lengths, logH);
        System.out.printf("tanh RNN, |U|_2 = 0.5: d log|dL/dh_1| / dT = %.3f; momentum RNN |dL/dx_1| / mu^T = %s%n",
                slope, java.util.Arrays.toString(java.util.Arrays.stream(ratio).mapToObj(v -> String.format("%.3g", v)).toArray()));
        assertTrue(slope < 0, "fitted slope " + slope);
        double r2 = rSquared(lengths, logH, slope);
        assertTrue(r2 > 0.98, "log-norm is linear in T (R² " + r2 + ")");
        for (double v : ratio) {
            assertTrue(v >= 0.5 * ratio[0], "the v-path decays faster than mu^T: " + java.util.Arrays.toString(ratio));
        }
    }

    private static double slope(int[] xs, double[] ys) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < xs.length; i++) {
            mx += xs[i];
            my += ys[i];
        }
        mx /= xs.length;
        my /= xs.length;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < xs.length; i++) {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }
        return sxy / sxx;
    }

    private static double rSquared(int[] xs, double[] ys, double slope) {
        double mx = java.util.Arrays.stream(xs).average().orElse(0);
        double my = java.util.Arrays.stream(ys).average().orElse(0);
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < xs.length; i++) {
            double fit = my + slope * (xs[i] - mx);
            ssRes += (ys[i] - fit) * (ys[i] - fit);
            ssTot += (ys[i] - my) * (ys[i] - my);
        }
        return 1 - ssRes / ssTot;
    }

    /**
     * spec §2.4 / G6: with the forget bias in both bias vectors (reference), MomentumLSTM μ 0.6's ‖∂L/∂h_1‖ gain
     * over the LSTM is huge; placed identically (b_h only) it collapses to a small factor, while μ 0.99 keeps a gain
     * of many orders of magnitude in ‖∂L/∂x_1‖. Matching the LSTM's effective forget bias to the momentum cell's
     * ({@link ForgetBias#matchPlainLstm}) also removes the μ 0.6 gain.
     */
    @Test
    void theForgetBiasConfound() {
        INDArray x = pixelBatch(12);
        CellConfig both = ReferenceCompat.config();
        CellConfig same = ReferenceCompat.config().withForgetBiasPlacement(CellConfig.ForgetBiasPlacement.RECURRENT_ONLY);
        double[] gains = new double[3];
        for (int k = 0; k < 2; k++) {
            CellConfig c = k == 0 ? both : same;
            DriveCell lstm = PlainCell.builder().lstm(1, 128).config(c).dataType(DataType.DOUBLE).build();
            DriveCell m06 = MomentumCell.builder().lstm(1, 128).config(c).dataType(DataType.DOUBLE).mu(0.6).stepSize(0.6).build();
            gains[k] = atInit(m06, x).norms("h", F)[0] / atInit(lstm, x).norms("h", F)[0];
        }
        DriveCell lstmSame = PlainCell.builder().lstm(1, 128).config(same).dataType(DataType.DOUBLE).build();
        DriveCell m099 = MomentumCell.builder().lstm(1, 128).config(same).dataType(DataType.DOUBLE).mu(0.99).stepSize(0.6).build();
        GradientNorms.Profile pLstm = atInit(lstmSame, x);
        double x1Gain = atInit(m099, x).norms("x", F)[0] / pLstm.norms("x", F)[0];
        // matching the plain LSTM's effective forget bias to MomentumLSTM(0.6, 0.6) with the reference placement
        DriveCell lstmBoth = PlainCell.builder().lstm(1, 128).config(both).dataType(DataType.DOUBLE).build();
        DriveCell m06Both = MomentumCell.builder().lstm(1, 128).config(both).dataType(DataType.DOUBLE).mu(0.6).stepSize(0.6).build();
        ForgetBias.matchPlainLstm(lstmBoth, m06Both);
        assertEquals(ForgetBias.effective(m06Both)[0], ForgetBias.effective(lstmBoth)[0], 1e-15);
        assertEquals(2.5, ForgetBias.effective(m06Both)[0], 1e-15);                 // fg + s·fg/(1 − μ) = 1 + 1.5
        gains[2] = atInit(m06Both, x).norms("h", F)[0] / atInit(lstmBoth, x).norms("h", F)[0];
        System.out.printf("|dL/dh_1| gain of MomentumLSTM(0.6, 0.6) over LSTM: forget bias in both %.2e, in b_h only %.2f, "
                + "LSTM matched to the momentum cell's effective bias %.2f; |dL/dx_1| gain of MomentumLSTM(0.99, 0.6) with "
                + "b_h only: %.2e%n", gains[0], gains[1], gains[2], x1Gain);
        assertTrue(gains[0] > 1e10, "with the reference placement the gain is large: " + gains[0]);
        assertTrue(gains[1] < 1e3, "placed identically the gain collapses: " + gains[1]);
        assertTrue(gains[2] < 1e3, "with matched effective forget biases the gain collapses: " + gains[2]);
        assertTrue(x1Gain > 1e50, "μ 0.99 keeps its v-path gain: " + x1Gain);
    }
}
