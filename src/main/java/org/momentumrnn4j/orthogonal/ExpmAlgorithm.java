package org.momentumrnn4j.orthogonal;

/**
 * Scaling-and-squaring Padé variants of the matrix exponential used for the orthogonal kernel
 * {@code B = base · exp(S)} (dtriv.md §3).
 *
 * <p>All variants evaluate {@code r_m(X) = (V − U)⁻¹ (V + U)} with the Padé coefficients
 * {@code b_0..b_m} of dtriv.md §3.1 (one LU factorization, {@code n} right-hand sides) and square the
 * result {@code s} times. They differ in the Padé orders they may use, in the thresholds {@code θ_m}, in
 * the matrix norm used for {@code d_p = ‖A^p‖^{1/p}}, and in the backward-error correction
 * {@code ell(A, m)}. The Fréchet derivative {@link MatrixExp#frechet} uses exactly the same order and
 * scaling choice as the forward pass of the same variant.
 *
 * <p>Every variant computes in the data type of its input array; the order/scaling decisions and the
 * {@code ell} mat-vecs are evaluated in double precision.
 */
public enum ExpmAlgorithm {

    /**
     * Al-Mohy–Higham 2009 double-precision algorithm as implemented by SciPy's {@code expm}
     * (dtriv.md §3.2). Recommended for float64.
     * <ul>
     *   <li>Padé orders 3, 5, 7, 9 and 13; unit roundoff {@code u = 2⁻⁵³};</li>
     *   <li>{@code d_p} and {@code ‖A‖} use the induced 1-norm (max column sum), always computed
     *       exactly;</li>
     *   <li>{@code θ3 = 1.495585217958292e-2}, {@code θ5 = 2.539398330063230e-1} (tested against
     *       {@code max(d4, d6)}), {@code θ7 = 9.504178996162932e-1}, {@code θ9 = 2.097847961257068}
     *       (tested against {@code η3 = max(d6, d8)}); each order is accepted only if
     *       {@code ell(A, m) = 0};</li>
     *   <li>order 13: {@code η5 = min(η3, max(d8, d10))},
     *       {@code s = max(0, ⌈log2(η5/4.25)⌉) + ell(2^{−s}A, 13)};</li>
     *   <li>{@code ell} constants {@code c_m = C(2m, m)·(2m+1)!} (SciPy).</li>
     * </ul>
     */
    PADE_F64,

    /**
     * Clean single-precision variant (recommended for float32, dtriv.md §8 D3–D5 "recommended
     * default"): the float32 thresholds and orders of the reference {@code expm32} (dtriv.md §3.1),
     * without its quirks.
     * <ul>
     *   <li>order 3 if {@code max(d4, d6) < θ3 = 0.42587300348979312} and {@code ell(A, 3) = 0};</li>
     *   <li>order 5 if {@code max(d4, d6) < θ5 = 1.8801526985337688} and {@code ell(A, 5) = 0};</li>
     *   <li>otherwise order 7 with {@code η = max(d6, d8)},
     *       {@code s = max(0, ⌈log2(η/θ7)⌉) + ell(2^{−s}A, 7)}, {@code θ7 = 3.9257248464332842};</li>
     *   <li>induced 1-norm for {@code d_p} and {@code ‖A‖}, SciPy {@code ell} constants
     *       {@code C(2m, m)·(2m+1)!}, unit roundoff {@code u = 2⁻²⁴}.</li>
     * </ul>
     */
    PADE_F32,

    /**
     * Bit-for-bit algorithmic port of the reference {@code expm32} of expRNN / MomentumRNN
     * (dtriv.md §3.1), including its quirks; selecting it is the flag {@code expm = REFERENCE_PADE7_F32}
     * of dtriv.md §8 (D3).
     * <ul>
     *   <li>same orders and thresholds as {@link #PADE_F32} ({@code θ3/θ5/θ7 = 0.4259/1.8802/3.9257},
     *       {@code u = 2⁻²⁴}), whatever the data type (quirk D3);</li>
     *   <li><b>quirk D4</b>: {@code d_p} and the {@code ‖A‖} in the denominator of {@code ell} use the
     *       entrywise sum of absolute values instead of the induced 1-norm (the
     *       {@code ‖ |A|^p ‖₁} in the numerator is still the induced norm);</li>
     *   <li><b>quirk D5</b>: the {@code ell} constant is {@code C(2p, p)·(2p+1)!} with {@code p = 2m+1}
     *       (4.487938430976e15, 1.82368398721451e28, 1.27550633939622e42 for m = 3, 5, 7) instead of
     *       {@code C(2m, m)·(2m+1)!}.</li>
     * </ul>
     * Computed on a float64 array it reproduces the reference float64 numbers (the golden loss
     * 0.5406022514541522 of dtriv.md §9); it limits float64 accuracy to about 1e-13..4e-11.
     */
    REFERENCE_PADE7_F32;

    /**
     * Unit roundoff {@code u} used by this variant's backward-error correction {@code ell}.
     *
     * @return {@code 2⁻⁵³} for {@link #PADE_F64}, {@code 2⁻²⁴} otherwise
     */
    public double unitRoundoff() {
        return this == PADE_F64 ? 0x1.0p-53 : 0x1.0p-24;
    }
}
