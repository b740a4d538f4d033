package org.momentumrnn4j.orthogonal;

/**
 * Test-only exact oracle for {@code exp(S)}, {@code S} skew-symmetric (dtriv.md §3.3), in real arithmetic.
 *
 * <p>With {@code −S² = SᵀS = V diag(w) Vᵀ} (symmetric eigensolver below, cyclic Jacobi) and
 * {@code θ = √max(w, 0)}:
 * <pre>
 *   exp(S) = V diag(cos θ) Vᵀ + S · V diag(sinc θ) Vᵀ,     sinc θ = sin θ / θ  (1 − w/6 for tiny θ)
 * </pre>
 * For {@code ‖S‖₂ ≤ 1} it is evaluated in the algebraically equal form
 * {@code I + S + V diag(cos θ − 1) Vᵀ + S V diag(sinc θ − 1) Vᵀ}, which keeps the effect of the eigenvector
 * rounding proportional to {@code θ²}.
 * Repeated eigenvalues are harmless because {@code cos √x} and {@code sin √x / √x} are entire in {@code x}.
 * The error is about {@code u·‖S‖²}.
 */
final class ExpSkewOracle {

    private ExpSkewOracle() {
    }

    /** Eigen-decomposition {@code K = V diag(w) Vᵀ} of a symmetric matrix. */
    static final class Eigen {
        final double[] w;      // [n]
        final double[][] v;    // [n][n], eigenvectors in the columns

        Eigen(double[] w, double[][] v) {
            this.w = w;
            this.v = v;
        }
    }

    /**
     * {@code exp(S)} for a skew-symmetric {@code S} (only skew-symmetry is assumed, not checked beyond an
     * assertion on the input).
     */
    static double[][] expSkew(double[][] s) {
        int n = s.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (s[i][j] != -s[j][i]) {
                    throw new IllegalArgumentException("S is not exactly skew at [" + i + ", " + j + "]");
                }
            }
        }
        Eigen e = jacobi(gram(s));
        // exp(S) = V diag(cos θ) Vᵀ + S V diag(sinc θ) Vᵀ. For ‖S‖₂ ≤ 1 it is evaluated in the equal form
        //        = I + S + V diag(cos θ − 1) Vᵀ + S V diag(sinc θ − 1) Vᵀ     (V Vᵀ = I)
        // so that the rounding in V (‖VVᵀ − I‖ ≈ n·u) is multiplied by O(θ²); for larger ‖S‖₂ that form
        // cancels (S against S·V diag(sinc θ − 1) Vᵀ) and the direct form is more accurate.
        double thetaMax = 0.0;
        for (double w : e.w) {
            thetaMax = Math.max(thetaMax, Math.sqrt(Math.max(w, 0.0)));
        }
        boolean small = thetaMax <= 1.0;
        double[] cPart = new double[n];
        double[] sPart = new double[n];
        for (int k = 0; k < n; k++) {
            double w = Math.max(e.w[k], 0.0);
            double theta = Math.sqrt(w);
            double sinc = theta < 1e-4 ? 1.0 - w / 6.0 : Math.sin(theta) / theta;
            if (small) {
                double half = Math.sin(theta / 2.0);
                cPart[k] = -2.0 * half * half;                              // cos θ − 1
                sPart[k] = theta < 1e-4 ? -w / 6.0 : sinc - 1.0;           // sinc θ − 1
            } else {
                cPart[k] = Math.cos(theta);
                sPart[k] = sinc;
            }
        }
        double[][] cosPart = congruence(e.v, cPart);    // V diag(cos θ [− 1]) Vᵀ
        double[][] sincPart = congruence(e.v, sPart);   // V diag(sinc θ [− 1]) Vᵀ
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0.0;
                for (int k = 0; k < n; k++) {
                    acc += s[i][k] * sincPart[k][j];
                }
                double base = small ? (i == j ? 1.0 : 0.0) + s[i][j] : 0.0;
                out[i][j] = base + cosPart[i][j] + acc;
            }
        }
        return out;
    }

    /** Spectral norm {@code ‖S‖₂ = √λ_max(SᵀS)}. */
    static double spectralNorm(double[][] s) {
        double[] w = jacobi(gram(s)).w;
        double max = 0.0;
        for (double x : w) {
            max = Math.max(max, x);
        }
        return Math.sqrt(max);
    }

    /** {@code SᵀS} (= −S² for skew S), exactly symmetric. */
    static double[][] gram(double[][] s) {
        int n = s.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double acc = 0.0;
                for (int r = 0; r < n; r++) {
                    acc += s[r][i] * s[r][j];
                }
                k[i][j] = acc;
                k[j][i] = acc;
            }
        }
        return k;
    }

    /** {@code V diag(d) Vᵀ}. */
    private static double[][] congruence(double[][] v, double[] d) {
        int n = d.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double acc = 0.0;
                for (int k = 0; k < n; k++) {
                    acc += v[i][k] * d[k] * v[j][k];
                }
                out[i][j] = acc;
                out[j][i] = acc;
            }
        }
        return out;
    }

    /**
     * Cyclic Jacobi eigensolver for a symmetric matrix (the argument is not modified). Sweeps over all
     * pairs (p, q), p &lt; q, annihilating {@code a[p][q]} with the stable rotation
     * {@code t = sign(ϑ)/(|ϑ| + √(ϑ² + 1))}, {@code ϑ = (a_qq − a_pp)/(2 a_pq)}, until the off-diagonal
     * mass is negligible.
     */
    static Eigen jacobi(double[][] sym) {
        int n = sym.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = sym[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1.0;
        }
        double total = 0.0;
        for (double[] row : a) {
            for (double x : row) {
                total += x * x;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0.0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off == 0.0 || off <= 1e-40 * total) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0.0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2.0 * apq);
                    double t;
                    if (Math.abs(theta) > 1e150) {
                        t = 0.5 / theta;
                    } else {
                        t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
                        if (theta == 0.0) {
                            t = 1.0;
                        }
                    }
                    double c = 1.0 / Math.sqrt(t * t + 1.0);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {            // columns p, q: A ← A J
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {            // rows p, q: A ← Jᵀ A
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    a[p][q] = 0.0;
                    a[q][p] = 0.0;
                    for (int k = 0; k < n; k++) {            // V ← V J
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = a[i][i];
        }
        return new Eigen(w, v);
    }
}
