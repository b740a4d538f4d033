package org.momentumrnn4j.orthogonal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.orthogonal.TestMatrices.fromArray;
import static org.momentumrnn4j.orthogonal.TestMatrices.maxAbs;
import static org.momentumrnn4j.orthogonal.TestMatrices.maxAbsDiff;
import static org.momentumrnn4j.orthogonal.TestMatrices.toArray;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix exponential and Fréchet derivative: golden values of dtriv.md §9, the exact oracle of §3.3, the
 * three-way gradient agreement of §10.2, orthogonality, the float32 path and argument validation.
 */
class MatrixExpTest {

    private static final DataType F64 = DataType.DOUBLE;
    private static final DataType F32 = DataType.FLOAT;

    // ---- dtriv.md §9 inputs -----------------------------------------------------------------------

    /** P with the golden strict upper triangle; the diagonal and lower triangle hold junk that must be ignored. */
    private static double[][] goldenP() {
        return new double[][] {
            {9.0, 0.3, -0.2, 0.5},
            {-7.0, 5.0, 0.7, -0.4},
            {3.0, 2.0, -1.0, 0.1},
            {1.5, -2.5, 8.0, 4.0}};
    }

    private static final double[][] C = {
        {0.1, 0.2, 0.0, -0.1},
        {0.0, 0.1, 0.3, 0.1},
        {0.2, -0.1, 0.1, 0.0},
        {0.1, 0.0, -0.2, 0.1}};

    private static final double[][] Q = {
        {0, 0.25, 0, 0},
        {-0.25, 0, 0, 0},
        {0, 0, 0, -0.6},
        {0, 0, 0.6, 0}};

    private static final double[][] GOLDEN_B = {
        {0.8223298769, 0.4108968361, -0.0746826330, 0.3864710441},
        {-0.0994426406, 0.6574423617, 0.6538536784, -0.3610485694},
        {0.2212493132, -0.5622495033, 0.7490465368, 0.2717600469},
        {-0.5147168893, 0.2877652293, 0.0763358186, 0.8040090419}};

    private static final double LOSS_I_REF = 0.5406022514541522;
    private static final double LOSS_I_EXACT = 0.5406022514556537;
    private static final double LOSS_Q_REF = 0.5347862093243828;
    private static final double LOSS_Q_EXACT = 0.5347862093331198;

    /** g01, g02, g03, g12, g13, g23. */
    private static final double[] GP_I = {0.1617458016, -0.1671208306, -0.2752650952, 0.1654313112, 0.2017422518,
        0.1751014326};
    private static final double[] GP_Q = {0.1040577903, -0.2733052130, -0.1861186051, 0.1846007126, 0.1283739233,
        0.2866780710};

    private static final int[][] UPPER = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};

    private static double loss(INDArray base, double[][] p, ExpmAlgorithm alg) {
        INDArray s = Skew.skew(fromArray(p, F64));
        INDArray b = base.mmul(MatrixExp.expm(s, alg));
        return b.mul(fromArray(C, F64)).sumNumber().doubleValue();
    }

    private static double[] upper(INDArray gP) {
        double[] out = new double[UPPER.length];
        for (int k = 0; k < UPPER.length; k++) {
            out[k] = gP.getDouble(UPPER[k][0], UPPER[k][1]);
        }
        return out;
    }

    /** G_P = triu(G_S − G_Sᵀ, 1), G_S = L(−S, baseᵀ C), with the Fréchet recursion or the block formula. */
    private static INDArray gradP(INDArray base, boolean block, ExpmAlgorithm alg) {
        INDArray s = Skew.skew(fromArray(goldenP(), F64));
        INDArray gE = base.transpose().mmul(fromArray(C, F64));
        INDArray gS = block ? MatrixExp.frechetBlock(s.neg(), gE, alg) : MatrixExp.frechet(s.neg(), gE, alg);
        INDArray gP = Skew.gradP(gS);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(0.0, gP.getDouble(i, j), 0.0, "G_P on/below the diagonal");
            }
        }
        return gP;
    }

    /** Central differences of the loss w.r.t. the 6 upper entries of P (PADE_F64 forward). */
    private static double[] finiteDifferenceGradP(INDArray base) {
        double h = 1e-5;
        double[] g = new double[UPPER.length];
        for (int k = 0; k < UPPER.length; k++) {
            double[][] pp = goldenP();
            double[][] pm = goldenP();
            pp[UPPER[k][0]][UPPER[k][1]] += h;
            pm[UPPER[k][0]][UPPER[k][1]] -= h;
            g[k] = (loss(base, pp, ExpmAlgorithm.PADE_F64) - loss(base, pm, ExpmAlgorithm.PADE_F64)) / (2 * h);
        }
        return g;
    }

    // ---- golden values ----------------------------------------------------------------------------

    @Test
    void goldenForwardBaseIdentityPadeF64() {
        INDArray s = Skew.skew(fromArray(goldenP(), F64));
        double[][] b = toArray(MatrixExp.expm(s, ExpmAlgorithm.PADE_F64));
        double errGolden = maxAbsDiff(b, GOLDEN_B);
        double errOracle = maxAbsDiff(b, ExpSkewOracle.expSkew(toArray(s)));
        double loss = loss(Nd4j.eye(4).castTo(F64), goldenP(), ExpmAlgorithm.PADE_F64);
        System.out.printf("golden base=I PADE_F64: |B-golden|max=%.3e |B-oracle|max=%.3e loss-exact=%.3e "
                + "loss-ref=%.3e%n", errGolden, errOracle, loss - LOSS_I_EXACT, loss - LOSS_I_REF);
        assertTrue(errGolden <= 1e-9, "B vs golden: " + errGolden);
        assertTrue(errOracle <= 1e-15, "B vs oracle: " + errOracle);
        assertEquals(LOSS_I_EXACT, loss, 1e-12);
        assertEquals(LOSS_I_REF, loss, 1e-9);
    }

    @Test
    void goldenReferencePade7F32InDoubleReproducesReferenceLoss() {
        INDArray s = Skew.skew(fromArray(goldenP(), F64));
        assertArrayEquals(new int[] {5, 0}, MatrixExp.orderAndScaling(s, ExpmAlgorithm.REFERENCE_PADE7_F32),
                "the golden S takes the order-5 branch of expm32");
        double[][] b = toArray(MatrixExp.expm(s, ExpmAlgorithm.REFERENCE_PADE7_F32));
        double errOracle = maxAbsDiff(b, ExpSkewOracle.expSkew(toArray(s)));
        double loss = loss(Nd4j.eye(4).castTo(F64), goldenP(), ExpmAlgorithm.REFERENCE_PADE7_F32);
        System.out.printf("golden base=I REFERENCE_PADE7_F32 (double): loss-ref=%.3e |B-oracle|max=%.3e "
                + "|B-golden|max=%.3e%n", loss - LOSS_I_REF, errOracle, maxAbsDiff(b, GOLDEN_B));
        assertEquals(LOSS_I_REF, loss, 4e-15);
        assertTrue(errOracle > 1e-11 && errOracle < 1e-10, "reference is off by ~4.5e-11: " + errOracle);
        assertTrue(maxAbsDiff(b, GOLDEN_B) <= 1e-9);
    }

    @Test
    void goldenForwardBaseExpQ() {
        INDArray base = MatrixExp.expm(fromArray(Q, F64), ExpmAlgorithm.PADE_F64);
        double loss = loss(base, goldenP(), ExpmAlgorithm.PADE_F64);
        // The printed reference loss for this case used a double-precision base = exp(Q) and the reference
        // exponential for exp(S): that combination reproduces it to ~2e-16 (an all-reference computation,
        // with base = expm32(Q), is 3.1e-14 away).
        double lossRef = loss(base, goldenP(), ExpmAlgorithm.REFERENCE_PADE7_F32);
        INDArray baseRef = MatrixExp.expm(fromArray(Q, F64), ExpmAlgorithm.REFERENCE_PADE7_F32);
        double lossAllRef = loss(baseRef, goldenP(), ExpmAlgorithm.REFERENCE_PADE7_F32);
        System.out.printf("golden base=exp(Q): PADE_F64 loss-exact=%.3e loss-ref=%.3e; base F64 + S REFERENCE "
                + "loss-ref=%.3e; all REFERENCE loss-ref=%.3e%n", loss - LOSS_Q_EXACT, loss - LOSS_Q_REF,
                lossRef - LOSS_Q_REF, lossAllRef - LOSS_Q_REF);
        assertEquals(LOSS_Q_EXACT, loss, 1e-12);
        assertEquals(LOSS_Q_REF, loss, 1e-9);
        assertEquals(LOSS_Q_REF, lossRef, 1e-15);
        assertEquals(LOSS_Q_REF, lossAllRef, 1e-13);
    }

    @Test
    void goldenGradPBothBasesThreeWays() {
        INDArray[] bases = {Nd4j.eye(4).castTo(F64), MatrixExp.expm(fromArray(Q, F64), ExpmAlgorithm.PADE_F64)};
        double[][] golden = {GP_I, GP_Q};
        String[] names = {"I", "exp(Q)"};
        for (int c = 0; c < 2; c++) {
            double[] fr = upper(gradP(bases[c], false, ExpmAlgorithm.PADE_F64));
            double[] bl = upper(gradP(bases[c], true, ExpmAlgorithm.PADE_F64));
            double[] frRef = upper(gradP(bases[c], false, ExpmAlgorithm.REFERENCE_PADE7_F32));
            double[] blRef = upper(gradP(bases[c], true, ExpmAlgorithm.REFERENCE_PADE7_F32));
            double[] fd = finiteDifferenceGradP(bases[c]);
            double eFr = maxDiff(fr, golden[c]);
            double eBl = maxDiff(bl, golden[c]);
            double eFd = maxDiff(fd, golden[c]);
            double eFrRef = maxDiff(frRef, golden[c]);
            double eBlRef = maxDiff(blRef, golden[c]);
            System.out.printf("G_P base=%s vs golden: frechet=%.3e block=%.3e fd=%.3e frechet(ref)=%.3e "
                    + "block(ref)=%.3e | frechet-block=%.3e frechet-fd=%.3e%n", names[c], eFr, eBl, eFd, eFrRef,
                    eBlRef, maxDiff(fr, bl), maxDiff(fr, fd));
            for (double e : new double[] {eFr, eBl, eFd, eFrRef, eBlRef}) {
                assertTrue(e <= 1e-9, "G_P vs golden (base " + names[c] + "): " + e);
            }
            assertTrue(maxDiff(fr, bl) <= 1e-14, "frechet vs block");
            assertTrue(maxDiff(fr, fd) <= 1e-9, "frechet vs finite differences");
        }
    }

    @Test
    void zeroSkewGradientIsProjectedBaseGradient() {
        // At P = 0: G_S = G_E, so G_P = triu(baseᵀG_B − G_Bᵀbase, 1) (dtriv.md §2 notes).
        INDArray base = MatrixExp.expm(fromArray(Q, F64), ExpmAlgorithm.PADE_F64);
        INDArray gE = base.transpose().mmul(fromArray(C, F64));
        INDArray zero = Nd4j.zeros(F64, 4, 4);
        INDArray viaFrechet = Skew.gradP(MatrixExp.frechet(zero, gE, ExpmAlgorithm.PADE_F64));
        assertTrue(maxAbsDiff(viaFrechet, Skew.gradP(gE)) <= 1e-15);
        assertTrue(maxAbsDiff(MatrixExp.expm(zero, ExpmAlgorithm.PADE_F64), Nd4j.eye(4).castTo(F64)) == 0.0);
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0.0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    // ---- oracle agreement and orthogonality -------------------------------------------------------

    /**
     * PADE_F64 vs the exact oracle (dtriv.md §10.1). Both have errors of order u·‖S‖² (the oracle through the
     * eigenvalues of −S², the Padé approximant through the s squarings and the conditioning of exp), so the
     * tolerance is 1e-14·max(1, ‖S‖₂²), with a factor max(1, √n/4) (= 2 at n = 64) of headroom for the
     * length-n inner products of both computations. Measured (seed 2024): at most 1.4e-14 absolute for all
     * sizes and norms up to ‖S‖₂ = 10, i.e. at most 0.42 of 1e-14·max(1, ‖S‖₂²).
     */
    @Test
    void padeF64MatchesExactOracleOnRandomSkew() {
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] sizes = {1, 2, 5, 16, 64};
        double[] norms = {1e-3, 0.1, 1.0, 3.0, 10.0};
        double worstRatio = 0.0;
        for (int n : sizes) {
            StringBuilder line = new StringBuilder("oracle n=" + n + ":");
            for (double nrm : norms) {
                double[][] s = TestMatrices.randomSkew(n, nrm, rnd);
                double[][] oracle = ExpSkewOracle.expSkew(s);
                double[][] pade = toArray(MatrixExp.expm(fromArray(s, F64), ExpmAlgorithm.PADE_F64));
                double err = maxAbsDiff(pade, oracle);
                double tol = 1e-14 * Math.max(1.0, nrm * nrm) * Math.max(1.0, Math.sqrt(n) / 4.0);
                worstRatio = Math.max(worstRatio, err / (1e-14 * Math.max(1.0, nrm * nrm)));
                int[] plan = MatrixExp.orderAndScaling(fromArray(s, F64), ExpmAlgorithm.PADE_F64);
                line.append(String.format(" |S|=%g:%.2e(m=%d,s=%d)", nrm, err, plan[0], plan[1]));
                assertTrue(err <= tol, "n=" + n + " |S|2=" + nrm + " err=" + err + " tol=" + tol);
            }
            System.out.println(line);
        }
        System.out.printf("oracle: worst err / (1e-14·max(1,|S|²)) = %.3f%n", worstRatio);
    }

    @Test
    void oracleIsItselfConsistent() {
        // exp of a 2×2 block is a rotation; the Jacobi solver diagonalizes a random SᵀS.
        double t = 0.7;
        double[][] e = ExpSkewOracle.expSkew(new double[][] {{0, t}, {-t, 0}});
        assertTrue(maxAbsDiff(e, new double[][] {{Math.cos(t), Math.sin(t)}, {-Math.sin(t), Math.cos(t)}}) <= 2.3e-16);
        double[][] s = TestMatrices.randomSkew(12, 5.0, new SplittableRandom(3));
        double[][] k = ExpSkewOracle.gram(s);
        ExpSkewOracle.Eigen eig = ExpSkewOracle.jacobi(k);
        double[][] kv = TestMatrices.matmul(k, eig.v);
        double res = 0.0;
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                res = Math.max(res, Math.abs(kv[i][j] - eig.v[i][j] * eig.w[j]));
            }
        }
        assertTrue(res < 1e-13, "Jacobi residual " + res);
        assertTrue(TestMatrices.orthogonalityDefect(eig.v) < 1e-14);
        assertTrue(TestMatrices.orthogonalityDefect(ExpSkewOracle.expSkew(s)) < 1e-13);
    }

    @Test
    void orthogonalityFloat64() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (double nrm : new double[] {0.5, 3.0, 10.0}) {
            for (int n : new int[] {16, 64}) {
                INDArray b = MatrixExp.expm(fromArray(TestMatrices.randomSkew(n, nrm, rnd), F64),
                        ExpmAlgorithm.PADE_F64);
                double def = Polar.orthogonalityError(b);
                System.out.printf("orthogonality f64 n=%d |S|=%g: %.3e%n", n, nrm, def);
                assertTrue(def <= 1e-12, "‖BᵀB − I‖max = " + def);
            }
        }
    }

    // ---- Fréchet derivative -----------------------------------------------------------------------

    /** frechet vs frechetBlock vs central differences on random non-symmetric A, all Padé branches. */
    @Test
    void frechetMatchesBlockAndFiniteDifferencesOnNonSymmetricA() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (ExpmAlgorithm alg : ExpmAlgorithm.values()) {
            Set<Integer> orders = new TreeSet<>();
            for (double scale : new double[] {1e-4, 3e-3, 0.05, 0.3, 1.0, 2.5, 8.0, 40.0}) {
                int n = 6;
                double[][] a0 = TestMatrices.gaussian(n, n, rnd);
                double f = scale / MatrixExp.inducedOneNorm(fromArray(a0, F64));
                INDArray a = fromArray(a0, F64).muli(f);
                INDArray e = fromArray(TestMatrices.gaussian(n, n, rnd), F64);
                int[] plan = MatrixExp.orderAndScaling(a, alg);
                orders.add(plan[0]);
                INDArray fr = MatrixExp.frechet(a, e, alg);
                INDArray bl = MatrixExp.frechetBlock(a, e, alg);
                double h = 1e-6;
                INDArray fd = MatrixExp.expm(a.add(e.mul(h)), ExpmAlgorithm.PADE_F64)
                        .sub(MatrixExp.expm(a.sub(e.mul(h)), ExpmAlgorithm.PADE_F64)).divi(2 * h);
                double ref = maxAbs(toArray(fr));
                double rBl = maxAbsDiff(fr, bl) / ref;
                double rFd = maxAbsDiff(fr, fd) / ref;
                System.out.printf("frechet %s ‖A‖1=%g m=%d s=%d: rel |fr-block|=%.2e |fr-fd|=%.2e%n", alg, scale,
                        plan[0], plan[1], rBl, rFd);
                double tolBlock = alg == ExpmAlgorithm.PADE_F64 ? 1e-13 : 1e-6;
                assertTrue(rBl <= tolBlock, alg + " frechet vs block " + rBl);
                if (alg == ExpmAlgorithm.PADE_F64) {
                    assertTrue(rFd <= 1e-8, alg + " frechet vs fd " + rFd);
                }
                // consistency: the value carried by the recursion is expm
                INDArray forward = MatrixExp.expm(a, alg);
                assertTrue(Double.isFinite(forward.sumNumber().doubleValue()));
            }
            Set<Integer> expected = alg == ExpmAlgorithm.PADE_F64 ? Set.of(3, 5, 7, 9, 13) : Set.of(3, 5, 7);
            assertEquals(new TreeSet<>(expected), orders, alg + " must exercise all its Padé orders");
        }
    }

    @Test
    void frechetAdjointIdentity() {
        // ⟨G, L(A, E)⟩ = ⟨L(Aᵀ, G), E⟩ (dtriv.md §2 step 2)
        SplittableRandom rnd = new SplittableRandom(5);
        for (double scale : new double[] {0.2, 1.5, 6.0}) {
            INDArray a = fromArray(TestMatrices.gaussian(8, 8, rnd), F64).muli(scale / 8);
            INDArray e = fromArray(TestMatrices.gaussian(8, 8, rnd), F64);
            INDArray g = fromArray(TestMatrices.gaussian(8, 8, rnd), F64);
            double lhs = g.mul(MatrixExp.frechet(a, e, ExpmAlgorithm.PADE_F64)).sumNumber().doubleValue();
            double rhs = MatrixExp.frechet(a.transpose().dup(), g, ExpmAlgorithm.PADE_F64).mul(e).sumNumber()
                    .doubleValue();
            assertEquals(lhs, rhs, 1e-13 * Math.max(1.0, Math.abs(lhs)), "adjoint identity, scale " + scale);
        }
    }

    @Test
    void frechetBlockNormalizationIsScaleInvariant() {
        SplittableRandom rnd = new SplittableRandom(9);
        INDArray a = fromArray(TestMatrices.randomSkew(5, 2.0, rnd), F64);
        INDArray e = fromArray(TestMatrices.gaussian(5, 5, rnd), F64);
        INDArray l1 = MatrixExp.frechetBlock(a, e, ExpmAlgorithm.PADE_F64);
        INDArray l2 = MatrixExp.frechetBlock(a, e.mul(1e6), ExpmAlgorithm.PADE_F64).divi(1e6);
        assertTrue(maxAbsDiff(l1, l2) <= 1e-14 * maxAbs(toArray(l1)));
        assertTrue(maxAbs(toArray(MatrixExp.frechetBlock(a, Nd4j.zeros(F64, 5, 5), ExpmAlgorithm.PADE_F64))) == 0);
    }

    /**
     * dtriv.md §3.1 "accuracy of the reference algorithm": with the entrywise norms of quirk D4, Henaff init
     * lands in the order-7 branch with s = 1, Cayley init with s = 0, a dense skew matrix with ‖S‖₂ = 3 with
     * s = 2 (n = 256, float32).
     */
    @Test
    void referenceBranchesForTheInitsMatchTheSpec() {
        int n = 256;
        ExpmAlgorithm ref = ExpmAlgorithm.REFERENCE_PADE7_F32;
        assertArrayEquals(new int[] {7, 1}, MatrixExp.orderAndScaling(SkewInit.henaff(n, F32), ref), "Henaff");
        assertArrayEquals(new int[] {7, 0}, MatrixExp.orderAndScaling(SkewInit.cayley(n, F32), ref), "Cayley");
        INDArray dense = fromArray(TestMatrices.randomSkew(n, 3.0, new SplittableRandom(1)), F32);
        assertArrayEquals(new int[] {7, 2}, MatrixExp.orderAndScaling(dense, ref), "dense ‖S‖₂ = 3");
    }

    // ---- float32 path ------------------------------------------------------------------------------

    @Test
    void float32PathOrthogonalAndCloseToFloat64() {
        SplittableRandom rnd = new SplittableRandom(13);
        double[][][] cases = {TestMatrices.randomSkew(64, 3.0, rnd), TestMatrices.randomSkew(64, 0.3, rnd),
            toArray(SkewInit.henaff(64, 1L, F64)), toArray(SkewInit.cayley(64, 1L, F64))};
        String[] names = {"dense |S|=3", "dense |S|=0.3", "henaff", "cayley"};
        for (int c = 0; c < cases.length; c++) {
            double[][] exact = ExpSkewOracle.expSkew(cases[c]);
            INDArray s32 = fromArray(cases[c], F32);
            for (ExpmAlgorithm alg : EnumSet.of(ExpmAlgorithm.PADE_F32, ExpmAlgorithm.REFERENCE_PADE7_F32)) {
                INDArray b32 = MatrixExp.expm(s32, alg);
                assertEquals(F32, b32.dataType());
                double orth = Polar.orthogonalityError(b32);
                double err = maxAbsDiff(toArray(b32), exact);
                int[] plan = MatrixExp.orderAndScaling(s32, alg);
                System.out.printf("float32 %s %s (m=%d,s=%d): orth=%.2e |B32-B64|=%.2e%n", names[c], alg, plan[0],
                        plan[1], orth, err);
                assertTrue(orth <= 1e-5, "float32 orthogonality " + orth);
                assertTrue(err <= 1e-5, "float32 vs float64 " + err);
            }
            // Fréchet in float32 vs float64
            INDArray g = fromArray(TestMatrices.gaussian(64, 64, rnd), F64);
            INDArray l64 = MatrixExp.frechet(fromArray(cases[c], F64).neg(), g, ExpmAlgorithm.PADE_F64);
            INDArray l32 = MatrixExp.frechet(s32.neg(), g.castTo(F32), ExpmAlgorithm.PADE_F32);
            double rel = maxAbsDiff(l32, l64) / maxAbs(toArray(l64));
            System.out.printf("float32 frechet %s: rel err %.2e%n", names[c], rel);
            assertTrue(rel <= 1e-5, "float32 frechet " + rel);
        }
    }

    // ---- small and unusual inputs -------------------------------------------------------------------

    @Test
    void oneByOneUsesScalarExp() {
        for (DataType dt : new DataType[] {F64, F32}) {
            INDArray a = Nd4j.create(dt, 1, 1).assign(0.75);
            for (ExpmAlgorithm alg : ExpmAlgorithm.values()) {
                assertEquals(Math.exp(0.75), MatrixExp.expm(a, alg).getDouble(0, 0), dt == F64 ? 0 : 1e-6);
                INDArray e = Nd4j.create(dt, 1, 1).assign(-2.0);
                assertEquals(-2.0 * Math.exp(0.75), MatrixExp.frechet(a, e, alg).getDouble(0, 0), dt == F64 ? 0 : 1e-6);
                // the 2×2 block exponential: PADE_F64 is exact to rounding; the float32-tuned variants are
                // accurate to their design roundoff even when run in double
                double tol = dt == F32 ? 1e-6 : alg == ExpmAlgorithm.PADE_F64 ? 1e-15 : 1e-8;
                assertEquals(-2.0 * Math.exp(0.75), MatrixExp.frechetBlock(a, e, alg).getDouble(0, 0), tol);
            }
        }
    }

    @Test
    void viewsAndFortranOrderGiveTheSameResult() {
        SplittableRandom rnd = new SplittableRandom(21);
        INDArray s = fromArray(TestMatrices.randomSkew(7, 4.0, rnd), F64);
        INDArray ref = MatrixExp.expm(s, ExpmAlgorithm.PADE_F64);
        assertEquals(0.0, maxAbsDiff(ref, MatrixExp.expm(s.dup('f'), ExpmAlgorithm.PADE_F64)), 1e-15);
        INDArray big = Nd4j.zeros(F64, 9, 9);
        big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 8),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 9)).assign(s);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 8),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 9));
        assertEquals(0.0, maxAbsDiff(ref, MatrixExp.expm(view, ExpmAlgorithm.PADE_F64)), 1e-15);
        INDArray e = fromArray(TestMatrices.gaussian(7, 7, rnd), F64);
        assertEquals(0.0, maxAbsDiff(MatrixExp.frechet(s, e, ExpmAlgorithm.PADE_F64),
                MatrixExp.frechet(view, e.dup('f'), ExpmAlgorithm.PADE_F64)), 1e-14);
        assertEquals('c', ref.ordering());
    }

    @Test
    void defaultForMatchesDataType() {
        assertEquals(ExpmAlgorithm.PADE_F64, MatrixExp.defaultFor(F64));
        assertEquals(ExpmAlgorithm.PADE_F32, MatrixExp.defaultFor(F32));
        assertThrows(IllegalArgumentException.class, () -> MatrixExp.defaultFor(DataType.HALF));
        assertEquals(0x1.0p-53, ExpmAlgorithm.PADE_F64.unitRoundoff());
        assertEquals(0x1.0p-24, ExpmAlgorithm.PADE_F32.unitRoundoff());
    }

    // ---- validation ---------------------------------------------------------------------------------

    @Test
    void badInputThrowsWithShapeInMessage() {
        ExpmAlgorithm alg = ExpmAlgorithm.PADE_F64;
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> MatrixExp.expm(Nd4j.zeros(F64, 2, 3), alg));
        assertTrue(ex.getMessage().contains("a") && ex.getMessage().contains("[2, 3]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> MatrixExp.expm(Nd4j.zeros(F64, 2, 2, 2), alg));
        assertTrue(ex.getMessage().contains("rank 3") && ex.getMessage().contains("[2, 2, 2]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> MatrixExp.expm(Nd4j.zeros(F64, 4), alg));
        assertTrue(ex.getMessage().contains("[4]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> MatrixExp.expm(Nd4j.zeros(DataType.INT32, 3, 3), alg));
        assertTrue(ex.getMessage().contains("INT") && ex.getMessage().contains("[3, 3]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> MatrixExp.frechet(Nd4j.zeros(F64, 3, 3), Nd4j.zeros(F64, 4, 4), alg));
        assertTrue(ex.getMessage().startsWith("e ") && ex.getMessage().contains("[3, 3]")
                && ex.getMessage().contains("[4, 4]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> MatrixExp.frechetBlock(Nd4j.zeros(F64, 3, 3), Nd4j.zeros(F32, 3, 3), alg));
        assertTrue(ex.getMessage().contains("FLOAT") && ex.getMessage().contains("DOUBLE"), ex.getMessage());
        INDArray nan = Nd4j.zeros(F64, 3, 3);
        nan.putScalar(1, 2, Double.NaN);
        ex = assertThrows(IllegalArgumentException.class, () -> MatrixExp.expm(nan, alg));
        assertTrue(ex.getMessage().contains("NaN") && ex.getMessage().contains("[1, 2]")
                && ex.getMessage().contains("[3, 3]"), ex.getMessage());
        INDArray inf = Nd4j.zeros(F32, 3, 3);
        inf.putScalar(0, 0, Double.NEGATIVE_INFINITY);
        ex = assertThrows(IllegalArgumentException.class,
                () -> MatrixExp.frechet(Nd4j.zeros(F32, 3, 3), inf, ExpmAlgorithm.PADE_F32));
        assertTrue(ex.getMessage().startsWith("e ") && ex.getMessage().contains("Infinity"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> MatrixExp.expm(Nd4j.zeros(F64, 0, 0), alg));
        assertTrue(ex.getMessage().contains("[0, 0]"), ex.getMessage());
        assertThrows(NullPointerException.class, () -> MatrixExp.expm(null, alg));
        assertThrows(NullPointerException.class, () -> MatrixExp.expm(Nd4j.eye(2), null));
        ex = assertThrows(IllegalArgumentException.class, () -> Skew.skew(Nd4j.zeros(F64, 3, 2)));
        assertTrue(ex.getMessage().startsWith("p ") && ex.getMessage().contains("[3, 2]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> Skew.gradP(Nd4j.zeros(F64, 1, 2)));
        assertTrue(ex.getMessage().startsWith("gS ") && ex.getMessage().contains("[1, 2]"), ex.getMessage());
    }

    @Test
    void skewAndGradPAreExact() {
        INDArray p = fromArray(goldenP(), F64);
        INDArray s = Skew.skew(p);
        double[][] sa = toArray(s);
        double[][] expected = TestMatrices.antisym(goldenP());
        assertEquals(0.0, maxAbsDiff(sa, expected));
        assertEquals(0.0, maxAbsDiff(Skew.skew(p.castTo(F32)), s.castTo(F32)));
        INDArray tri = Skew.triuStrict(p);
        assertEquals(0L, Double.doubleToRawLongBits(tri.getDouble(1, 0)), "+0.0, not -0.0");
        assertEquals(0.0, tri.getDouble(2, 2));
        assertEquals(0.7, tri.getDouble(1, 2));
        // G_S not skew: gradP keeps the antisymmetric part, not 2·triu(G_S, 1)
        INDArray gs = fromArray(new double[][] {{1, 2}, {5, 3}}, F64);
        INDArray gp = Skew.gradP(gs);
        assertEquals(-3.0, gp.getDouble(0, 1));
        assertEquals(0.0, gp.getDouble(1, 0));
        assertEquals(0.0, gp.getDouble(0, 0));
    }

    // ---- ExpmFunction: the forward's evaluation reused by the backward for a skew S ---------

    /**
     * For a skew-symmetric S the autograd backward reuses the forward's evaluation (MatrixExp.Trace: order and
     * scaling, even powers, W, the LU of V − U for the transposed denominator, R_iᵀ for the values at −X). It must
     * agree with the Fréchet derivative at Sᵀ evaluated afresh up to rounding: the two differ only in the order of
     * roundings (transposes in place of recomputed products), so the bound is a few unit roundoffs per inner
     * product of length n plus the doubling of the direction's error in each of the s squarings:
     * {@code 4 (n + 2^s) u max|L|} (measured: at most 18 u max|L|, at s = 4). The value must be the very bits of
     * {@code expm}. Norms from 0.01 to 40 cover orders 3..13 and several squarings; a non-skew S takes the general
     * path, bit for bit.
     */
    @Test
    void skewBackwardFromTheForwardTraceMatchesFrechet() {
        SplittableRandom rnd = new SplittableRandom(11);
        Set<String> plans = new TreeSet<>();
        for (DataType dt : new DataType[] {F64, F32}) {
            for (double nrm : new double[] {0.01, 0.2, 1.0, 3.0, 8.0, 40.0}) {
                INDArray s = fromArray(TestMatrices.randomSkew(9, nrm, rnd), dt);
                INDArray g = fromArray(TestMatrices.gaussian(9, 9, rnd), dt);
                ExpmAlgorithm alg = MatrixExp.defaultFor(dt);
                int[] mS = MatrixExp.orderAndScaling(s.transpose().dup('c'), alg);
                plans.add(dt + " m=" + mS[0] + " s=" + mS[1]);
                INDArray expected = MatrixExp.frechet(s.transpose().dup('c'), g, alg);
                INDArray actual = gradientThroughExpm(s, g);
                double u = dt == F64 ? 0x1p-53 : 0x1p-24;
                double tol = 4 * (9 + Math.scalb(1.0, mS[1])) * u * maxAbs(toArray(expected));
                double diff = maxAbsDiff(expected, actual);
                assertTrue(diff <= tol, dt + " norm " + nrm + " plan " + mS[0] + "/" + mS[1] + ": " + diff + " > " + tol);
                assertEquals(0.0, maxAbsDiff(MatrixExp.expm(s, alg), forwardThroughExpm(s)), dt + " norm " + nrm);
            }
        }
        assertTrue(plans.size() >= 6, "too few distinct plans exercised: " + plans);
        INDArray general = fromArray(TestMatrices.gaussian(7, 7, rnd), F64).muli(0.7);
        INDArray g = fromArray(TestMatrices.gaussian(7, 7, rnd), F64);
        assertEquals(0.0, maxAbsDiff(MatrixExp.frechet(general.transpose().dup('c'), g, ExpmAlgorithm.PADE_F64),
                gradientThroughExpm(general, g)));
        assertEquals(0.0, maxAbs(toArray(gradientThroughExpm(Nd4j.zeros(F64, 5, 5), g.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)))
                .sub(g.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5))))));
    }

    private static INDArray gradientThroughExpm(INDArray s, INDArray g) {
        org.momentumrnn4j.autograd.Tensor p = org.momentumrnn4j.autograd.Tensor.param(s.dup());
        try (org.momentumrnn4j.autograd.Tape tape = org.momentumrnn4j.autograd.Tape.open()) {
            org.momentumrnn4j.autograd.Tensor e = ExpmFunction.expm(p);
            tape.backward(e, g.dup());
        }
        return p.grad();
    }

    private static INDArray forwardThroughExpm(INDArray s) {
        return ExpmFunction.expm(org.momentumrnn4j.autograd.Tensor.constant(s)).value();
    }
}
