package org.momentumrnn4j.cell;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded initializers. All draw from {@link Random} so that a seed fixes every value on every platform. */
public final class Init {
    private Init() {}

    /**
     * A random (semi-)orthogonal {@code [rows, cols]} matrix: orthonormal columns when {@code rows ≥ cols},
     * orthonormal rows otherwise. Gaussian matrix, modified Gram–Schmidt applied twice, signs fixed so that
     * the triangular factor has a positive diagonal (the Haar measure, as PyTorch's {@code orthogonal_}).
     */
    public static INDArray orthogonal(int rows, int cols, Random rnd, DataType type) {
        boolean tall = rows >= cols;
        int n = tall ? rows : cols;
        int k = tall ? cols : rows;
        double[][] q = new double[k][n];   // k vectors of length n
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                q[j][i] = rnd.nextGaussian();
            }
        }
        for (int j = 0; j < k; j++) {
            double rjj = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[p][i] * q[j][i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[j][i] -= dot * q[p][i];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                rjj += q[j][i] * q[j][i];
            }
            rjj = Math.sqrt(rjj);
            for (int i = 0; i < n; i++) {
                q[j][i] /= rjj;
            }
        }
        INDArray m = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                if (tall) {
                    m.putScalar(i, j, q[j][i]);
                } else {
                    m.putScalar(j, i, q[j][i]);
                }
            }
        }
        return m.castTo(type);
    }

    /** {@code eye(rows, cols)}: ones at {@code (j, j)} for {@code j < min(rows, cols)}. */
    public static INDArray eye(int rows, int cols, DataType type) {
        INDArray m = Nd4j.zeros(type, rows, cols);
        for (int j = 0; j < Math.min(rows, cols); j++) {
            m.putScalar(j, j, 1.0);
        }
        return m;
    }

    /** {@code N(0, std²)} entries. */
    public static INDArray normal(int rows, int cols, double std, Random rnd, DataType type) {
        INDArray m = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, std * rnd.nextGaussian());
        }
        return m.castTo(type);
    }

    /** {@code U(lo, hi)} entries. */
    public static INDArray uniform(int rows, int cols, double lo, double hi, Random rnd, DataType type) {
        INDArray m = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, lo + (hi - lo) * rnd.nextDouble());
        }
        return m.castTo(type);
    }
}
