package org.momentumrnn4j.orthogonal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The skew-symmetric parametrization of dtriv.md §1 and the gradient projection of §2 step 3.
 *
 * <p>Only the strict <b>upper</b> triangle of the trainable {@code P} is used (quirk D8; GeoTorch uses the
 * lower one). Results are new {@code 'c'}-ordered arrays of the argument's data type; arguments are never
 * modified.
 *
 * <p>Implementation note: {@code Nd4j.triu} of ND4J 1.0.0-M2.1 returns wrong values for {@code DOUBLE}
 * arrays, so the strict upper triangle is taken with an explicit 0/1 mask.
 */
public final class Skew {

    private Skew() {
    }

    /**
     * {@code S = triu(P, 1) − triu(P, 1)ᵀ}: the skew matrix of the trainable {@code P}.
     * Entries of {@code P} on and below the diagonal are ignored.
     *
     * @param p square matrix {@code P} [n, n], FLOAT or DOUBLE, finite
     * @return {@code S} [n, n], exactly skew-symmetric
     * @throws IllegalArgumentException if {@code p} is not a finite non-empty square FLOAT/DOUBLE matrix
     */
    public static INDArray skew(INDArray p) {
        Args.requireSquare("p", p);
        INDArray t = triuStrict(p);             // [n, n]
        return t.sub(t.transpose()).dup('c');   // [n, n]
    }

    /**
     * {@code triu(X, 1)}: the strictly upper triangular part of {@code X}, zeros on and below the diagonal.
     *
     * @param x square matrix [n, n], FLOAT or DOUBLE, finite
     * @return {@code triu(X, 1)} [n, n]
     * @throws IllegalArgumentException if {@code x} is not a finite non-empty square FLOAT/DOUBLE matrix
     */
    public static INDArray triuStrict(INDArray x) {
        Args.requireSquare("x", x);
        int n = (int) x.rows();
        double[][] mask = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                mask[i][j] = 1.0;
            }
        }
        INDArray out = x.mul(Nd4j.create(mask).castTo(x.dataType())).dup('c');   // [n, n]
        return out.addi(0.0);   // −x·0 = −0.0 below the diagonal; −0.0 + 0.0 = +0.0
    }

    /**
     * {@code G_P = triu(G_S − G_Sᵀ, 1)}: gradient w.r.t. {@code P} from the gradient {@code G_S} w.r.t. the
     * skew matrix (dtriv.md §2 step 3). {@code G_S = L(−S, baseᵀ G_B)} is not exactly skew, so this is
     * deliberately not simplified to {@code 2·triu(G_S, 1)}. The diagonal and lower triangle are exactly 0.
     *
     * @param gS gradient {@code G_S} [n, n], FLOAT or DOUBLE, finite
     * @return {@code G_P} [n, n]
     * @throws IllegalArgumentException if {@code gS} is not a finite non-empty square FLOAT/DOUBLE matrix
     */
    public static INDArray gradP(INDArray gS) {
        Args.requireSquare("gS", gS);
        return triuStrict(gS.sub(gS.transpose()));
    }
}
