package org.momentumrnn4j.orthogonal;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import org.momentumrnn4j.autograd.ArrayPool;
import org.momentumrnn4j.runtime.Gemm;
import org.momentumrnn4j.runtime.HelperThread;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Matrix exponential {@code exp(A)} and its Fréchet derivative
 * {@code L(A, E) = ∫₀¹ e^{τA} E e^{(1−τ)A} dτ} by scaling and squaring with Padé approximants
 * (dtriv.md §3 and §4).
 *
 * <p>For the orthogonal kernel {@code B = base · exp(S)} the forward pass is {@code expm(S, alg)} and the
 * backward pass is {@code G_S = L(Sᵀ, G_E) = L(−S, G_E) = frechet(S.neg(), G_E, alg)} with
 * {@code G_E = baseᵀ G_B} (dtriv.md §2).
 *
 * <p>Inputs are square ND4J matrices of data type {@code DOUBLE} or {@code FLOAT}; the computation runs in
 * the input's data type (order/scaling decisions in double). Matrix products go through
 * {@link org.momentumrnn4j.runtime.Gemm} into outputs in a per-thread workspace, which hands out the same addresses
 * every call, so the products' native contexts are prepared once; large products split their rows over
 * {@link HelperThread}, which every entry point wakes at its start and lets rest at its end. The Padé denominator
 * {@code V − U} is factored once by LAPACK {@code getrf2} and reused for every solve (two {@code trsm}, in two
 * column halves). A 1×1 input uses the scalar {@code exp}. Results are new {@code 'c'}-ordered arrays; arguments are
 * never modified.
 *
 * <p>All methods are stateless and thread-safe.
 */
public final class MatrixExp {

    // Padé coefficients b_0..b_m of r_m (dtriv.md §3.1 table).
    private static final double[] B3 = {120., 60., 12., 1.};
    private static final double[] B5 = {30240., 15120., 3360., 420., 30., 1.};
    private static final double[] B7 = {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.};
    private static final double[] B9 = {17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160.,
            110880., 3960., 90., 1.};
    private static final double[] B13 = {64764752532480000., 32382376266240000., 7771770303897600.,
            1187353796428800., 129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
            40840800., 960960., 16380., 182., 1.};

    // Double-precision thresholds (Al-Mohy–Higham 2009, SciPy expm; dtriv.md §3.2).
    private static final double THETA3_F64 = 1.495585217958292e-2;
    private static final double THETA5_F64 = 2.539398330063230e-1;
    private static final double THETA7_F64 = 9.504178996162932e-1;
    private static final double THETA9_F64 = 2.097847961257068;
    private static final double THETA13_F64 = 4.25;

    // Single-precision thresholds of the reference expm32 (dtriv.md §3.1).
    private static final double THETA3_F32 = 0.42587300348979312;
    private static final double THETA5_F32 = 1.8801526985337688;
    private static final double THETA7_F32 = 3.9257248464332842;

    /*
     * Every temporary of one evaluation (about 20-40 arrays of n×n) lives in a per-thread ND4J workspace that is
     * reused by the next call, and only the results are copied out. Freshly allocated native buffers cost more
     * than the products themselves here: measured on the 2-vCPU VM, n = 256 float32, 66 % of expm + Fréchet
     * time was spent in allocateDataBuffer (memset of newly faulted pages).
     */
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();
    private static final String WORKSPACE_VALUE = "momentumrnn4j-expm";
    private static final String WORKSPACE_FRECHET = "momentumrnn4j-expm-frechet";

    private MatrixExp() {
    }

    /**
     * The recommended algorithm for a data type (dtriv.md §8 D3, "dtype-matched").
     *
     * @param dataType {@code DOUBLE} or {@code FLOAT}
     * @return {@link ExpmAlgorithm#PADE_F64} for {@code DOUBLE}, {@link ExpmAlgorithm#PADE_F32} for
     *         {@code FLOAT}
     * @throws IllegalArgumentException for any other data type
     */
    public static ExpmAlgorithm defaultFor(DataType dataType) {
        Objects.requireNonNull(dataType, "dataType must not be null");
        switch (dataType) {
            case DOUBLE:
                return ExpmAlgorithm.PADE_F64;
            case FLOAT:
                return ExpmAlgorithm.PADE_F32;
            default:
                throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
    }

    /**
     * Matrix exponential {@code exp(A)}.
     *
     * @param a   square matrix {@code A} [n, n], FLOAT or DOUBLE, finite
     * @param alg scaling-and-squaring variant (see {@link ExpmAlgorithm})
     * @return {@code exp(A)} [n, n], same data type as {@code a}
     * @throws IllegalArgumentException if {@code a} is not a finite non-empty square FLOAT/DOUBLE matrix
     */
    public static INDArray expm(INDArray a, ExpmAlgorithm alg) {
        Args.requireSquare("a", a);
        Objects.requireNonNull(alg, "alg must not be null");
        if (a.rows() == 1) {
            return Nd4j.create(a.dataType(), 1, 1).assign(Math.exp(a.getDouble(0, 0)));
        }
        return evaluate(a, null, alg).value;
    }

    /**
     * Fréchet derivative {@code L(A, E)} of the exponential at {@code A} in direction {@code E}, by the
     * Fréchet recursion of dtriv.md §4.2: the pairs (value, direction) are carried through the same Padé
     * evaluation and squarings as {@link #expm(INDArray, ExpmAlgorithm)}, with {@code X = A/2^s},
     * {@code D = E/2^s}, and the Padé order {@code m} and scaling {@code s} chosen from {@code A} alone exactly
     * as the forward pass of {@code alg} does. {@code (V − U)} is factored once and the LU is reused for
     * {@code R = (V − U)⁻¹(V + U)} and {@code DR = (V − U)⁻¹[(DV + DU) − (DV − DU)R]}; the squarings are
     * {@code (R, DR) ← (R R, R DR + DR R)}.
     *
     * <p>For the orthogonal kernel, {@code G_S = frechet(Sᵀ, G_E, alg)} (dtriv.md §2 step 2). Cost: about
     * {@code 12 + 3s} n-sized products and one LU.
     *
     * <p>Note: the θ thresholds of the forward pass are slightly larger than SciPy {@code expm_frechet}'s
     * ℓ thresholds (dtriv.md §4.2); the derivative stays accurate to a small multiple of the unit roundoff
     * (measured in the tests), and value and derivative are consistent.
     *
     * @param a   square matrix {@code A} [n, n], FLOAT or DOUBLE, finite
     * @param e   direction {@code E} [n, n], same shape and data type as {@code a}, finite
     * @param alg variant whose order/scaling choice is differentiated
     * @return {@code L(A, E)} [n, n]
     * @throws IllegalArgumentException on invalid, mismatched or non-finite arguments
     */
    public static INDArray frechet(INDArray a, INDArray e, ExpmAlgorithm alg) {
        Args.requireSquare("a", a);
        Args.requireLike("e", e, "a", a);
        Objects.requireNonNull(alg, "alg must not be null");
        if (a.rows() == 1) {
            return Nd4j.create(a.dataType(), 1, 1).assign(Math.exp(a.getDouble(0, 0)) * e.getDouble(0, 0));
        }
        return evaluate(a, e, alg).derivative;
    }

    /**
     * Fréchet derivative {@code L(A, E)} by the block formula of dtriv.md §4.1 (Mathias' identity): the
     * top-right {@code n×n} block of {@code exp([[A, E], [0, A]])}, computed with {@code alg} on the
     * {@code 2n×2n} matrix.
     *
     * <p>For {@link ExpmAlgorithm#PADE_F64} and {@link ExpmAlgorithm#PADE_F32}, {@code E} is first divided by
     * its induced 1-norm and the block is rescaled afterwards ({@code L(A, cE) = c·L(A, E)}), so that a large
     * direction does not add squarings. {@link ExpmAlgorithm#REFERENCE_PADE7_F32} uses {@code E} unchanged, as
     * the reference {@code differential} does. About 8× the cost of the forward pass; kept as the reference
     * implementation and as a cross-check of {@link #frechet}.
     *
     * @param a   square matrix {@code A} [n, n], FLOAT or DOUBLE, finite
     * @param e   direction {@code E} [n, n], same shape and data type as {@code a}, finite
     * @param alg variant used for the {@code 2n×2n} exponential
     * @return {@code L(A, E)} [n, n]
     * @throws IllegalArgumentException on invalid, mismatched or non-finite arguments
     */
    public static INDArray frechetBlock(INDArray a, INDArray e, ExpmAlgorithm alg) {
        Args.requireSquare("a", a);
        Args.requireLike("e", e, "a", a);
        Objects.requireNonNull(alg, "alg must not be null");
        long n = a.rows();
        double c = 1.0;
        if (alg != ExpmAlgorithm.REFERENCE_PADE7_F32) {
            c = inducedOneNorm(e);
            if (c == 0.0) {
                return Nd4j.create(a.dataType(), n, n);
            }
        }
        INDArrayIndex top = NDArrayIndex.interval(0, n);
        INDArrayIndex bottom = NDArrayIndex.interval(n, 2 * n);
        INDArray m = Nd4j.create(a.dataType(), 2 * n, 2 * n);   // [2n, 2n] = [[A, E/c], [0, A]]
        m.put(new INDArrayIndex[] {top, top}, a);
        m.put(new INDArrayIndex[] {bottom, bottom}, a);
        m.put(new INDArrayIndex[] {top, bottom}, c == 1.0 ? e : e.div(c));
        INDArray expM = evaluate(m, null, alg).value;     // [2n, 2n]
        INDArray block = expM.get(top, bottom).dup('c');         // [n, n]
        return c == 1.0 ? block : block.muli(c);
    }

    /**
     * The Padé order {@code m} and scaling exponent {@code s} that {@code alg} selects for {@code a}
     * (package-private, for tests). A 1×1 input reports {@code {1, 0}} (scalar exp).
     */
    static int[] orderAndScaling(INDArray a, ExpmAlgorithm alg) {
        Args.requireSquare("a", a);
        if (a.rows() == 1) {
            return new int[] {1, 0};
        }
        Powers h = new Powers(cOrdered(a), alg);
        Plan p = choose(h, alg);
        return new int[] {p.m, p.s};
    }

    // ---------------------------------------------------------------------------------------------
    // Order and scaling choice
    // ---------------------------------------------------------------------------------------------

    /** Padé order m ∈ {3, 5, 7, 9, 13} and scaling exponent s (X = 2^{−s} A). */
    private static final class Plan {
        final int m;
        final int s;

        Plan(int m, int s) {
            this.m = m;
            this.s = s;
        }
    }

    private static Plan choose(Powers h, ExpmAlgorithm alg) {
        double eta1 = Math.max(h.d(4), h.d(6));
        if (alg == ExpmAlgorithm.PADE_F64) {
            if (eta1 < THETA3_F64 && ell(h, 3, 0, alg) == 0) {
                return new Plan(3, 0);
            }
            if (eta1 < THETA5_F64 && ell(h, 5, 0, alg) == 0) {
                return new Plan(5, 0);
            }
            double eta3 = eta3(h);
            if (eta3 < THETA7_F64 && ell(h, 7, 0, alg) == 0) {
                return new Plan(7, 0);
            }
            if (eta3 < THETA9_F64 && ell(h, 9, 0, alg) == 0) {
                return new Plan(9, 0);
            }
            // η5 = min(η3, max(d8, d10)); when d8 ≥ d6 it equals η3 and A10 is not needed.
            double eta5 = h.d(8) >= eta3 ? eta3 : Math.min(eta3, Math.max(h.d(8), h.d(10)));
            int s = scalingFor(eta5, THETA13_F64, h);
            s += ell(h, 13, s, alg);
            return new Plan(13, s);
        }
        // PADE_F32 and REFERENCE_PADE7_F32 (expm32): orders 3, 5, then 7 with scaling.
        if (eta1 < THETA3_F32 && ell(h, 3, 0, alg) == 0) {
            return new Plan(3, 0);
        }
        if (eta1 < THETA5_F32 && ell(h, 5, 0, alg) == 0) {
            return new Plan(5, 0);
        }
        double eta3 = eta3(h);
        int s = scalingFor(eta3, THETA7_F32, h);
        s += ell(h, 7, s, alg);
        return new Plan(7, s);
    }

    /**
     * {@code η3 = max(d6, d8)}, without forming {@code A⁸} when {@code d4 ≤ d6}: then {@code ‖A⁸‖ ≤ ‖A⁴‖²} gives
     * {@code d8 ≤ d4 ≤ d6} and {@code η3 = d6} (exactly so in exact arithmetic; the computed {@code d8} could
     * exceed {@code d6} by rounding only, which moves no decision except at a boundary that rounding decides
     * anyway). Saves one n-sized product and its norm, for example for every Henaff-initialized kernel
     * ({@code d4 = d6 = d8}).
     */
    private static double eta3(Powers h) {
        double d6 = h.d(6);
        return h.d(4) <= d6 ? d6 : Math.max(d6, h.d(8));
    }

    /** {@code s = max(0, ⌈log2(η/θ)⌉)}; {@code η = 0} gives 0; a non-finite η (overflowed powers) uses ‖A‖. */
    private static int scalingFor(double eta, double theta, Powers h) {
        if (!Double.isFinite(eta)) {
            eta = h.norm(h.a);
        }
        if (eta == 0.0) {
            return 0;
        }
        return Math.max(0, (int) Math.ceil(log2(eta / theta)));
    }

    /**
     * Backward-error correction {@code ell(2^{−s}A, m)} (dtriv.md §3.1 step 6, §3.2):
     * {@code α = ‖ |X|^p ‖₁ / (‖X‖ · c_m)}, {@code ell = max(0, ⌈log2(α/u) / (2m)⌉)}, {@code p = 2m + 1}.
     * The numerator is the induced 1-norm of {@code |X|^p}, from {@code p} mat-vecs of {@code |X|ᵀ} on the
     * all-ones vector (in double).
     */
    private static int ell(Powers h, int m, int s, ExpmAlgorithm alg) {
        int p = 2 * m + 1;
        double absPowNorm = h.absPowerNorm(p, s);
        if (absPowNorm == 0.0) {
            return 0;
        }
        double scale = Math.scalb(1.0, -s);
        double c = ellConstant(m, alg);
        double alpha = absPowNorm / (h.norm(h.a) * scale * c);
        int value = (int) Math.ceil(log2(alpha / alg.unitRoundoff()) / (2 * m));
        return Math.max(value, 0);
    }

    /** {@code c_m = C(2m, m)·(2m+1)!} (SciPy), or the reference's {@code C(2p, p)·(2p+1)!}, p = 2m+1 (D5). */
    private static double ellConstant(int m, ExpmAlgorithm alg) {
        if (alg == ExpmAlgorithm.REFERENCE_PADE7_F32) {
            return referenceEllConstant(2 * m + 1);
        }
        switch (m) {
            case 3:
                return 100800.;
            case 5:
                return 10059033600.;
            case 7:
                return 4487938430976000.;
            case 9:
                return 5914384781877411840000.;
            case 13:
                return 113250775606021113483283660800000000.;
            default:
                throw new IllegalStateException("no ell constant for m = " + m);
        }
    }

    /** {@code C(2p, p)·(2p+1)!} as an exact integer, rounded once to double (as Python's {@code float(int)}). */
    private static double referenceEllConstant(int p) {
        BigInteger binom = BigInteger.ONE;                  // C(2p, p)
        for (int i = 1; i <= p; i++) {
            binom = binom.multiply(BigInteger.valueOf(p + i)).divide(BigInteger.valueOf(i));
        }
        BigInteger fact = BigInteger.ONE;                   // (2p+1)!
        for (int i = 2; i <= 2 * p + 1; i++) {
            fact = fact.multiply(BigInteger.valueOf(i));
        }
        return binom.multiply(fact).doubleValue();
    }

    /** log2 that is exact on powers of two. */
    private static double log2(double x) {
        if (x > 0 && Double.isFinite(x) && x == Math.scalb(1.0, Math.getExponent(x))) {
            return Math.getExponent(x);
        }
        return Math.log(x) / Math.log(2.0);
    }

    // ---------------------------------------------------------------------------------------------
    // Padé evaluation, optional Fréchet direction, squaring
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code exp(A)} for a skew-symmetric {@code A}, and what {@link #frechetNegated(INDArray, INDArray, Trace)}
     * needs of this evaluation for the Fréchet derivative at {@code Aᵀ = −A} (package-private: {@link ExpmFunction}
     * keeps the trace from its forward for its backward).
     */
    static Traced expmTraced(INDArray a, ExpmAlgorithm alg) {
        Args.requireSquare("a", a);
        Objects.requireNonNull(alg, "alg must not be null");
        if (a.rows() == 1) {
            return new Traced(Nd4j.create(a.dataType(), 1, 1).assign(Math.exp(a.getDouble(0, 0))), null);
        }
        HelperThread.wake();                                              // its products split over two threads (Gemm)
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_VALUE)) {
            Trace[] trace = {null};
            INDArray[] out = evaluateIn(a, null, alg, trace);
            return new Traced(result(out[0]), trace[0]);
        } finally {
            HelperThread.rest();                                          // no more products for a while
        }
    }

    /** The value of {@link #expmTraced} and its trace ({@code null} for a 1×1 matrix). */
    record Traced(INDArray value, Trace trace) {}

    /**
     * What the evaluation of {@code exp(A)} at a skew-symmetric {@code A} leaves for the Fréchet derivative at
     * {@code −A}: the Padé order and scaling, the even powers of {@code X = 2^{−s} A} and the Padé factors
     * {@code W} (and {@code W1}, {@code Z1} for m = 13), all even in {@code X} and therefore the same at
     * {@code −X}; the LU factors of {@code Q = V − U} (at {@code −X} the denominator is {@code V + U = Qᵀ}, as
     * {@code V} is symmetric and {@code U} skew); and {@code R_i = r_m(X)^{2^i}}, i &lt; max(s, 1), whose transposes are
     * the values at {@code −X} ({@code r_m(−X) = r_m(X)⁻¹ = r_m(X)ᵀ}: {@code Q} and {@code Qᵀ} commute). The
     * matrices live in one array taken from {@link ArrayPool}, handed back by {@link #close()}.
     */
    static final class Trace implements AutoCloseable {
        final int m;
        final int s;
        final int powers;        // even powers kept: X², …, X^{2·powers}
        final int factors;       // W, or W, W1, Z1 (m = 13)
        final int[] pivots;      // LAPACK pivots of the LU of Qᵀ (LuSolver)
        private INDArray store;  // [powers + factors + 1 + max(s, 1), n, n]: even powers, W (W1, Z1), LU, R_0 … R_{s−1}

        private Trace(int m, int s, int powers, int factors, int[] pivots, INDArray store) {
            this.m = m;
            this.s = s;
            this.powers = powers;
            this.factors = factors;
            this.pivots = pivots;
            this.store = store;
        }

        /** The {@code i}-th kept matrix: a view of the store, read-only (Gemm reads views in place). */
        INDArray get(int i) {
            if (store == null) {
                throw new IllegalStateException("the trace of the matrix exponential was closed");
            }
            return store.slice(i);
        }

        /** The LU factors, copied into the active workspace (LAPACK/CBLAS get the buffer's start address). */
        INDArray lu() {
            return get(powers + factors).dup('c');
        }

        INDArray r(int i) {
            return get(powers + factors + 1 + i);
        }

        @Override
        public void close() {
            if (store != null) {
                ArrayPool.give(store);
                store = null;
            }
        }
    }

    /**
     * {@code L(−A, E)}, the Fréchet derivative at the negated skew-symmetric {@code A} (that is, at {@code Aᵀ}),
     * from the trace of {@link #expmTraced}: the derivative recursion of {@link #frechet} with the trace's
     * powers, factors, LU and values in place of a second evaluation (about {@code 9 + 2s} n-sized products and
     * one solve instead of {@code 13 + 3s}, an LU and two solves).
     */
    static INDArray frechetNegated(INDArray a, INDArray e, Trace trace) {
        Args.requireSquare("a", a);
        Args.requireLike("e", e, "a", a);
        if (a.rows() == 1) {
            return Nd4j.create(a.dataType(), 1, 1).assign(Math.exp(-a.getDouble(0, 0)) * e.getDouble(0, 0));
        }
        HelperThread.wake();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_FRECHET)) {
            int m = trace.m;
            int s = trace.s;
            INDArray[] x = new INDArray[5];                                  // {−X, X2, X4, X6, X8}
            x[0] = cOrdered(a).mul(-Math.scalb(1.0, -s));
            for (int k = 1; k <= trace.powers; k++) {
                x[k] = trace.get(k - 1);
            }
            int f = trace.powers;
            Parts parts = new Parts(trace.get(f), null, null, m == 13 ? trace.get(f + 1) : null,
                    m == 13 ? trace.get(f + 2) : null);
            INDArray d = e.dup('c');                                          // [n, n] D = E / 2^s
            if (s > 0) {
                d.muli(Math.scalb(1.0, -s));
            }
            INDArray[] duv = padeDerivative(x, d, m, parts);
            LuSolver lu = LuSolver.of(trace.lu(), trace.pivots);            // of Qᵀ, the denominator at −X
            INDArray r0 = trace.r(0);
            INDArray rhs = duv[1].add(duv[0]);                               // DP = DV + DU
            INDArray dq = duv[1].sub(duv[0]);                                // DQ = DV − DU
            Gemm.gemm(dq, r0, rhs, false, true, -1.0, 1.0);                  // DP − DQ R, R = R_0ᵀ
            INDArray dr = lu.solveTransposed(rhs);                           // DR = Q'⁻¹ (DP − DQ R), Q' = Qᵀ
            INDArray drNext = s > 0 ? Nd4j.create(dr.dataType(), dr.rows(), dr.columns()) : null;
            for (int i = 0; i < s; i++) {                                    // DR ← R_iᵀ DR + DR R_iᵀ
                INDArray ri = i == 0 ? r0 : trace.r(i);
                Gemm.gemm(ri, dr, drNext, true, false, 1.0, 0.0);
                Gemm.gemm(dr, ri, drNext, false, true, 1.0, 1.0);
                INDArray t = dr;
                dr = drNext;
                drNext = t;
            }
            return result(dr);
        } finally {
            HelperThread.rest();
        }
    }

    /**
     * A workspace result copied out to an {@link ArrayPool} array (the tape hands such arrays back when it frees its
     * values, so a training step reuses one buffer instead of allocating a fresh one, whose pages fault in).
     */
    private static INDArray result(INDArray x) {
        INDArray out;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = ArrayPool.take(x.dataType(), x.shape());
        }
        return out.assign(x);
    }

    /** {@code R = exp(A)} (null when only the derivative was asked for) and {@code DR = L(A, E)}. */
    private record Evaluation(INDArray value, INDArray derivative) {}

    /**
     * Core of {@link #expm} and {@link #frechet}: {@code R = exp(A)} and {@code DR = L(A, E)} ({@code DR = null}
     * when {@code e == null}; {@code R} is not returned when {@code e != null}).
     */
    private static Evaluation evaluate(INDArray aIn, INDArray eIn, ExpmAlgorithm alg) {
        String id = eIn == null ? WORKSPACE_VALUE : WORKSPACE_FRECHET;
        HelperThread.wake();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, id)) {
            INDArray[] out = evaluateIn(aIn, eIn, alg, null);
            return eIn == null ? new Evaluation(result(out[0]), null) : new Evaluation(null, result(out[1]));
        } finally {
            HelperThread.rest();
        }
    }

    /** The Padé factors at X: {@code U = X W}, {@code V}, and for m = 13 the partial sums {@code W1}, {@code Z1}. */
    private record Parts(INDArray w, INDArray u, INDArray v, INDArray w1, INDArray z1) {}

    /**
     * {@code traceOut}: when non-null (e == null, A skew-symmetric), receives the {@link Trace} of this
     * evaluation.
     */
    private static INDArray[] evaluateIn(INDArray aIn, INDArray eIn, ExpmAlgorithm alg, Trace[] traceOut) {
        INDArray a = aIn.dup('c');       // in the workspace: the same address every call, so Gemm's prepared products apply
        Powers h = new Powers(a, alg);
        Plan plan = choose(h, alg);
        int m = plan.m;
        int s = plan.s;
        long n = h.n;
        DataType dt = a.dataType();
        INDArray[] x = h.scaledPowers(s, maxEvenPower(m)); // {X, X2, X4, X6, X8}
        INDArray d = null;                                                // [n, n] D = E / 2^s
        if (eIn != null) {
            d = eIn.dup('c');
            if (s > 0) {
                d.muli(Math.scalb(1.0, -s));
            }
        }
        Parts parts = padeParts(x, m, n, dt);
        INDArray[] duv = d == null ? null : padeDerivative(x, d, m, parts);
        // r_m = (V − U)⁻¹ (V + U), one LU of V − U.
        INDArray pNum = parts.v.add(parts.u);                              // [n, n] P = V + U
        INDArray qDen = parts.v.sub(parts.u);                              // [n, n] Q = V − U
        LuSolver lu = LuSolver.factor(qDen);
        INDArray r = lu.solve(pNum);                                       // [n, n] R
        INDArray dr = null;
        if (duv != null) {
            INDArray rhs = duv[1].add(duv[0]);                             // DP = DV + DU
            INDArray dq = duv[1].sub(duv[0]);                              // DQ = DV − DU
            Gemm.gemm(dq, r, rhs, false, false, -1.0, 1.0);                // DP − DQ R
            dr = lu.solve(rhs);                                            // DR = Q⁻¹ (DP − DQ R)
        }
        INDArray store = null;
        int powers = maxEvenPower(m) / 2;
        int factors = m == 13 ? 3 : 1;
        if (traceOut != null) {
            try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                store = ArrayPool.take(dt, powers + factors + 1 + Math.max(s, 1), n, n);
            }
            for (int k = 1; k <= powers; k++) {
                store.slice(k - 1).assign(x[k]);
            }
            store.slice(powers).assign(parts.w);
            if (m == 13) {
                store.slice(powers + 1).assign(parts.w1);
                store.slice(powers + 2).assign(parts.z1);
            }
            store.slice(powers + factors).assign(lu.factors());
            store.slice(powers + factors + 1).assign(r);                   // R_0
            traceOut[0] = new Trace(m, s, powers, factors, lu.pivots(), store);
        }
        // Squaring: (R, DR) ← (R R, R DR + DR R), s times, into ping-pong buffers.
        if (s > 0) {
            INDArray rNext = Nd4j.create(dt, n, n);
            INDArray drNext = dr == null ? null : Nd4j.create(dt, n, n);
            for (int i = 0; i < s; i++) {
                if (store != null && i > 0) {
                    store.slice(powers + factors + 1 + i).assign(r);          // R_i
                }
                Gemm.gemm(r, r, rNext, false, false, 1.0, 0.0);
                if (dr != null) {
                    Gemm.gemm(r, dr, drNext, false, false, 1.0, 0.0);
                    Gemm.gemm(dr, r, drNext, false, false, 1.0, 1.0);
                    INDArray t = dr;
                    dr = drNext;
                    drNext = t;
                }
                INDArray t = r;
                r = rNext;
                rNext = t;
            }
        }
        return new INDArray[] {r, dr};
    }

    private static final java.util.Map<String, INDArray> IDENTITIES = new java.util.concurrent.ConcurrentHashMap<>();

    /** A shared n×n identity of {@code dt}, outside any workspace; callers only read it (a few sizes are kept). */
    private static INDArray identity(DataType dt, long n) {
        if (IDENTITIES.size() > 8) {
            IDENTITIES.clear();
        }
        return IDENTITIES.computeIfAbsent(dt + "/" + n, k -> {
            try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.eye(n).castTo(dt);
            }
        });
    }

    /** The highest even power of X the Padé approximant of order {@code m} uses. */
    private static int maxEvenPower(int m) {
        return m == 3 ? 2 : m == 5 ? 4 : m == 9 ? 8 : 6;
    }

    /** {@code W}, {@code U = X W} and {@code V} of the Padé approximant of order {@code m} at {@code X = x[0]}. */
    private static Parts padeParts(INDArray[] x, int m, long n, DataType dt) {
        INDArray ident = identity(dt, n);                                 // [n, n], shared, read-only
        if (m <= 9) {
            double[] b = m == 3 ? B3 : m == 5 ? B5 : m == 7 ? B7 : B9;
            int half = (m - 1) / 2;                    // even powers X^{2k}, k = 0..half
            INDArray[] xe = new INDArray[half + 1];
            xe[0] = ident;
            for (int k = 1; k <= half; k++) {
                xe[k] = x[k];                         // X2, X4, X6, X8
            }
            // W = Σ_k b_{2k+1} X^{2k},  U = X W,  V = Σ_k b_{2k} X^{2k}  (summed from the highest power)
            INDArray w = lincomb(b, 1, xe, 0);
            return new Parts(w, mm(x[0], w), lincomb(b, 0, xe, 0), null, null);
        }
        double[] b = B13;
        INDArray x2 = x[1];
        INDArray x4 = x[2];
        INDArray x6 = x[3];
        INDArray[] xe = {ident, x2, x4, x6};
        INDArray w1 = comb3(b[13], x6, b[11], x4, b[9], x2);          // b13 X6 + b11 X4 + b9 X2
        INDArray w2 = lincomb(new double[] {b[1], b[3], b[5], b[7]}, xe); // b7 X6 + b5 X4 + b3 X2 + b1 I
        INDArray z1 = comb3(b[12], x6, b[10], x4, b[8], x2);          // b12 X6 + b10 X4 + b8 X2
        INDArray z2 = lincomb(new double[] {b[0], b[2], b[4], b[6]}, xe); // b6 X6 + b4 X4 + b2 X2 + b0 I
        INDArray w = w2.dup();
        Gemm.gemm(x6, w1, w, false, false, 1.0, 1.0);                  // W = X6 W1 + W2
        INDArray v = z2.dup();
        Gemm.gemm(x6, z1, v, false, false, 1.0, 1.0);                  // V = X6 Z1 + Z2
        return new Parts(w, mm(x[0], w), v, w1, z1);                   // U = X W
    }

    /**
     * {@code {DU, DV}}: the derivatives of the Padé factors at {@code X = x[0]} in the direction {@code D}
     * (the even powers' derivatives {@code D_{2k}} by the product rule), from the factors {@code W} (and
     * {@code W1}, {@code Z1} for m = 13) of {@link #padeParts}.
     */
    private static INDArray[] padeDerivative(INDArray[] x, INDArray d, int m, Parts parts) {
        if (m <= 9) {
            double[] b = m == 3 ? B3 : m == 5 ? B5 : m == 7 ? B7 : B9;
            int half = (m - 1) / 2;
            INDArray[] de = new INDArray[half + 1];  // de[k] = D_{2k} = d(X^{2k})
            de[1] = mm2(x[0], d, d, x[0]);           // D2 = X D + D X
            if (half >= 2) {
                de[2] = mm2(x[1], de[1], de[1], x[1]); // D4 = X2 D2 + D2 X2
            }
            if (half >= 3) {
                de[3] = mm2(x[2], de[1], de[2], x[1]); // D6 = X4 D2 + D4 X2
            }
            if (half >= 4) {
                de[4] = mm2(x[3], de[1], de[3], x[1]); // D8 = X6 D2 + D6 X2
            }
            INDArray dw = lincomb(b, 1, de, 1);       // DW = Σ_{k≥1} b_{2k+1} D_{2k}
            INDArray du = mm2(d, parts.w, x[0], dw);  // DU = D W + X DW
            INDArray dv = lincomb(b, 0, de, 1);       // DV = Σ_{k≥1} b_{2k} D_{2k}
            return new INDArray[] {du, dv};
        }
        double[] b = B13;
        INDArray x2 = x[1];
        INDArray x4 = x[2];
        INDArray x6 = x[3];
        INDArray d2 = mm2(x[0], d, d, x[0]);                        // D2 = X D + D X
        INDArray d4 = mm2(x2, d2, d2, x2);                          // D4 = X2 D2 + D2 X2
        INDArray d6 = mm2(x4, d2, d4, x2);                          // D6 = X4 D2 + D4 X2
        INDArray dw1 = comb3(b[13], d6, b[11], d4, b[9], d2);
        INDArray dw2 = comb3(b[7], d6, b[5], d4, b[3], d2);
        INDArray dz1 = comb3(b[12], d6, b[10], d4, b[8], d2);
        INDArray dz2 = comb3(b[6], d6, b[4], d4, b[2], d2);
        INDArray dw = dw2;
        Gemm.gemm(x6, dw1, dw, false, false, 1.0, 1.0);             // DW = X6 DW1 + D6 W1 + DW2
        Gemm.gemm(d6, parts.w1, dw, false, false, 1.0, 1.0);
        INDArray du = mm2(x[0], dw, d, parts.w);                    // DU = X DW + D W
        INDArray dv = dz2;
        Gemm.gemm(x6, dz1, dv, false, false, 1.0, 1.0);             // DV = X6 DZ1 + D6 Z1 + DZ2
        Gemm.gemm(d6, parts.z1, dv, false, false, 1.0, 1.0);
        return new INDArray[] {du, dv};
    }

    /** Powers of A and their norms, computed lazily: A2 = A A, A4 = A2 A2, A6 = A4 A2, A8 = A6 A2, A10 = A4 A6. */
    private static final class Powers {
        final INDArray a;           // [n, n] 'c'
        final long n;
        final boolean entrywise;    // quirk D4
        private final INDArray[] pow = new INDArray[11];
        private final double[] dCache = new double[11];
        private double[] absA;                                   // |A| row-major, double
        private final java.util.List<double[]> chain = new java.util.ArrayList<>(); // (|A|ᵀ)^k 1

        Powers(INDArray a, ExpmAlgorithm alg) {
            this.a = a;
            this.n = a.rows();
            this.entrywise = alg == ExpmAlgorithm.REFERENCE_PADE7_F32;
            pow[1] = a;
            Arrays.fill(dCache, Double.NaN);
        }

        INDArray power(int p) {
            if (pow[p] == null) {
                switch (p) {
                    case 2:
                        pow[2] = mm(a, a);
                        break;
                    case 4:
                        pow[4] = mm(power(2), power(2));
                        break;
                    case 6:
                        pow[6] = mm(power(4), power(2));
                        break;
                    case 8:
                        pow[8] = mm(power(6), power(2));
                        break;
                    case 10:
                        pow[10] = mm(power(4), power(6));
                        break;
                    default:
                        throw new IllegalStateException("power " + p);
                }
            }
            return pow[p];
        }

        /** {@code d_p = ‖A^p‖^{1/p}}. */
        double d(int p) {
            if (Double.isNaN(dCache[p])) {
                dCache[p] = Math.pow(norm(power(p)), 1.0 / p);
            }
            return dCache[p];
        }

        /** Induced 1-norm, or the entrywise L1 sum for the reference variant (quirk D4). */
        double norm(INDArray x) {
            return entrywise ? x.norm1Number().doubleValue() : inducedOneNorm(x);
        }

        /**
         * {@code ‖ |X|^p ‖₁} for {@code X = 2^{−s} A}: the largest entry of {@code (|A|ᵀ)^p 1} times
         * {@code 2^{−sp}} (exact: a power of two), from mat-vecs on a heap copy of {@code |A|} in double that
         * are cached and shared by the orders tried. Falls back to the scaled chain if the unscaled one
         * overflows.
         */
        double absPowerNorm(int p, int s) {
            if (absA == null) {
                absA = Scratch.readDouble(a, Scratch.ABS);
                for (int i = 0; i < n * n; i++) {
                    absA[i] = Math.abs(absA[i]);
                }
                chain.add(ones((int) n));
            }
            while (chain.size() <= p) {
                chain.add(transposedMatVec(absA, chain.get(chain.size() - 1), 1.0, (int) n));
            }
            double max = max(chain.get(p));
            double scaled = Math.scalb(max, -s * p);
            if (Double.isFinite(max) && (scaled >= Double.MIN_NORMAL || max == 0.0)) {
                return scaled;
            }
            double[] v = ones((int) n);                          // overflow or underflow: scale every step
            double scale = Math.scalb(1.0, -s);
            for (int i = 0; i < p; i++) {
                v = transposedMatVec(absA, v, scale, (int) n);
            }
            return max(v);
        }

        /**
         * {@code {X, X2, X4, X6, X8}} with {@code X = 2^{−s} A}, up to the power {@code maxPow}; scaled
         * copies of the cached powers (exact), or fresh products of X if a cached power overflowed.
         */
        INDArray[] scaledPowers(int s, int maxPow) {
            INDArray[] out = new INDArray[5];
            boolean finite = true;
            for (int p = 2; p <= maxPow; p += 2) {
                finite &= Double.isFinite(d(p));                // d(p) = ‖A^p‖^{1/p}, cached by the order choice
            }
            if (s == 0) {
                out[0] = a;
                for (int p = 2; p <= maxPow; p += 2) {
                    out[p / 2] = power(p);
                }
                return out;
            }
            if (finite) {
                out[0] = a.mul(Math.scalb(1.0, -s));
                for (int p = 2; p <= maxPow; p += 2) {
                    out[p / 2] = power(p).mul(Math.scalb(1.0, -p * s));
                }
                return out;
            }
            Powers hx = new Powers(a.mul(Math.scalb(1.0, -s)), ExpmAlgorithm.PADE_F64);
            out[0] = hx.a;
            for (int p = 2; p <= maxPow; p += 2) {
                out[p / 2] = hx.power(p);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Small kernels
    // ---------------------------------------------------------------------------------------------

    /** Induced 1-norm (maximum absolute column sum), in double, from one row at a time of the native buffer. */
    static double inducedOneNorm(INDArray x) {
        INDArray c = x.ordering() == 'c' && !x.isView() && x.offset() == 0 ? x : x.dup('c');
        int rows = (int) c.rows();
        int cols = (int) c.columns();
        double[] sums = new double[cols];
        java.nio.ByteBuffer bytes = c.data().asNio().order(java.nio.ByteOrder.nativeOrder());
        if (c.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer f = bytes.asFloatBuffer();
            float[] row = new float[cols];
            for (int i = 0; i < rows; i++) {
                f.get(i * cols, row, 0, cols);
                for (int j = 0; j < cols; j++) {
                    sums[j] += Math.abs(row[j]);
                }
            }
        } else if (c.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer d = bytes.asDoubleBuffer();
            double[] row = new double[cols];
            for (int i = 0; i < rows; i++) {
                d.get(i * cols, row, 0, cols);
                for (int j = 0; j < cols; j++) {
                    sums[j] += Math.abs(row[j]);
                }
            }
        } else {
            throw new IllegalArgumentException("expected FLOAT or DOUBLE, got " + c.dataType());
        }
        return max(sums);
    }

    /** {@code w = scale · Mᵀ v} for a row-major n×n {@code m}. */
    private static double[] transposedMatVec(double[] m, double[] v, double scale, int n) {
        double[] w = new double[n];
        double[] row = new double[n];     // a row copied to offset 0: C2 vectorizes loops whose arrays are indexed alike
        for (int i = 0; i < n; i++) {
            double vi = v[i] * scale;
            System.arraycopy(m, i * n, row, 0, n);
            for (int j = 0; j < n; j++) {
                w[j] += row[j] * vi;
            }
        }
        return w;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }

    /** The largest element (NaN if any is NaN). */
    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (!(x <= m)) {
                m = x;
            }
        }
        return m;
    }

    /** {@code x} itself if it is a contiguous 'c'-ordered array, else a 'c' copy. */
    static INDArray cOrdered(INDArray x) {
        return x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
    }

    /** {@code A B} into a new [n, n] array. */
    private static INDArray mm(INDArray a, INDArray b) {
        INDArray out = Nd4j.create(a.dataType(), a.rows(), b.columns());
        Gemm.gemm(a, b, out, false, false, 1.0, 0.0);
        return out;
    }

    /** {@code A B + C D} into a new array. */
    private static INDArray mm2(INDArray a, INDArray b, INDArray c, INDArray d) {
        INDArray out = mm(a, b);
        Gemm.gemm(c, d, out, false, false, 1.0, 1.0);
        return out;
    }

    /** {@code c1 M1 + c2 M2 + c3 M3} (left to right). */
    private static INDArray comb3(double c1, INDArray m1, double c2, INDArray m2, double c3, INDArray m3) {
        INDArray out = m1.mul(c1);
        axpy(c2, m2, out);
        axpy(c3, m3, out);
        return out;
    }

    /**
     * {@code Σ_{k=half..from} b[2k+parity] mats[k]}, summed from the highest index down (SciPy's order);
     * {@code half = mats.length − 1}.
     */
    private static INDArray lincomb(double[] b, int parity, INDArray[] mats, int from) {
        int half = mats.length - 1;
        INDArray out = mats[half].mul(b[2 * half + parity]);
        for (int k = half - 1; k >= from; k--) {
            axpy(b[2 * k + parity], mats[k], out);
        }
        return out;
    }

    /** {@code Σ_k coeffs[k] mats[k]}, summed from the highest index down. */
    private static INDArray lincomb(double[] coeffs, INDArray[] mats) {
        int last = mats.length - 1;
        INDArray out = mats[last].mul(coeffs[last]);
        for (int k = last - 1; k >= 0; k--) {
            axpy(coeffs[k], mats[k], out);
        }
        return out;
    }

    /** {@code y ← y + α x} (BLAS axpy on equally ordered contiguous arrays). */
    private static void axpy(double alpha, INDArray x, INDArray y) {
        if (x.ordering() == y.ordering() && !x.isView() && !y.isView()) {
            Nd4j.getBlasWrapper().level1().axpy(y.length(), alpha, x, y);
        } else {
            y.addi(x.mul(alpha));
        }
    }
}
