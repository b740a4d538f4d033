/**
 * Orthogonal parametrization of the DTRIV / expRNN recurrent kernel (dtriv.md §1–§6).
 *
 * <ul>
 *   <li>{@link org.momentumrnn4j.orthogonal.Skew}: {@code S = triu(P, 1) − triu(P, 1)ᵀ} and
 *       {@code G_P = triu(G_S − G_Sᵀ, 1)};</li>
 *   <li>{@link org.momentumrnn4j.orthogonal.MatrixExp}: {@code exp(S)} and the Fréchet derivative
 *       {@code G_S = L(Sᵀ, G_E)} (recursion and block formula), for the variants of
 *       {@link org.momentumrnn4j.orthogonal.ExpmAlgorithm};</li>
 *   <li>{@link org.momentumrnn4j.orthogonal.SkewInit}: Henaff and Cayley torus initializers;</li>
 *   <li>{@link org.momentumrnn4j.orthogonal.Polar}: re-orthogonalization of the base.</li>
 * </ul>
 *
 * <p>Kernel: {@code B = base · exp(S)}, applied as the row-vector product {@code h · B}; gradient chain
 * {@code G_E = baseᵀ G_B}, {@code G_S = L(−S, G_E)}, {@code G_P = triu(G_S − G_Sᵀ, 1)} (dtriv.md §2). The autograd
 * operation {@link org.momentumrnn4j.orthogonal.ExpmFunction} keeps the forward's evaluation of {@code exp(S)} (even
 * powers, Padé factors, LU, values) for {@code L(−S, ·)}, which needs no evaluation of its own for a skew {@code S}.
 */
package org.momentumrnn4j.orthogonal;
