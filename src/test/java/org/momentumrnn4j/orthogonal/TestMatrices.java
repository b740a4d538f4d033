package org.momentumrnn4j.orthogonal;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Test-only helpers: conversions between INDArray and double[][], norms, random matrices. */
final class TestMatrices {

    private TestMatrices() {
    }

    static double[][] toArray(INDArray x) {
        int r = (int) x.rows();
        int c = (int) x.columns();
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = x.getDouble(i, j);
            }
        }
        return out;
    }

    static INDArray fromArray(double[][] a, DataType dt) {
        return Nd4j.create(a).castTo(dt);
    }

    static double maxAbsDiff(double[][] a, double[][] b) {
        double m = 0.0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return maxAbsDiff(toArray(a), toArray(b));
    }

    static double maxAbs(double[][] a) {
        double m = 0.0;
        for (double[] row : a) {
            for (double x : row) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    /** Standard-normal [r, c] matrix. */
    static double[][] gaussian(int r, int c, SplittableRandom rnd) {
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = gauss(rnd);
            }
        }
        return out;
    }

    static double gauss(SplittableRandom rnd) {
        double u1;
        do {
            u1 = rnd.nextDouble();
        } while (u1 == 0.0);
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Dense random skew matrix scaled to spectral norm {@code norm2} (exactly skew). */
    static double[][] randomSkew(int n, double norm2, SplittableRandom rnd) {
        double[][] g = gaussian(n, n, rnd);
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s[i][j] = g[i][j] - g[j][i];
            }
        }
        double cur = ExpSkewOracle.spectralNorm(antisym(s));
        double f = cur == 0.0 ? 0.0 : norm2 / cur;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s[i][j] *= f;
            }
        }
        return antisym(s);
    }

    /** Mirrors the strict upper triangle: {@code triu(X,1) − triu(X,1)ᵀ}. */
    static double[][] antisym(double[][] upper) {
        int n = upper.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s[i][j] = upper[i][j];
                s[j][i] = -upper[i][j];
            }
        }
        return s;
    }

    static double[][] matmul(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double x = a[i][l];
                for (int j = 0; j < m; j++) {
                    out[i][j] += x * b[l][j];
                }
            }
        }
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** {@code ‖QᵀQ − I‖_max}. */
    static double orthogonalityDefect(double[][] q) {
        double[][] g = matmul(transpose(q), q);
        double m = 0.0;
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g.length; j++) {
                m = Math.max(m, Math.abs(g[i][j] - (i == j ? 1.0 : 0.0)));
            }
        }
        return m;
    }
}
