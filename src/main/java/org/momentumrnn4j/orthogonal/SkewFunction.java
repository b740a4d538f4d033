package org.momentumrnn4j.orthogonal;

import java.nio.ByteOrder;

import org.momentumrnn4j.autograd.ArrayPool;
import org.momentumrnn4j.autograd.Context;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.autograd.OpRegistry;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code S = triu(P, 1) − triu(P, 1)ᵀ} as one autograd operation (dtriv.md §1), with the gradient
 * {@code G_P = triu(G_S − G_Sᵀ, 1)} (§2 step 3): the values of the composition mask-multiply, transpose and
 * subtract, in one pass over a heap copy (reused per thread: {@link Scratch}) and one new array each way, instead of
 * five native temporaries.
 */
public final class SkewFunction extends Function.Single {
    static {
        OpRegistry.register("skew_upper", SkewFunction.class);
    }

    /** {@code S(P)} for a square FLOAT or DOUBLE {@code P} (only its strict upper triangle is used). */
    public static Tensor skew(Tensor p) {
        return new SkewFunction().apply1(p);
    }

    @Override
    public String name() {
        return "skew_upper";
    }

    @Override
    protected boolean freshGradients() {
        return true;
    }

    /**
     * Tile edge of the loops that read or write a transposed element. Small, because the rows of a power-of-two n are
     * a power of two apart: at n = 256 in double (2 kB rows) the lines of one tile column fall into only two of the
     * L1 cache's 64 sets, and 32-row tiles overflowed their 12 ways on every column (the forward loop alone at
     * n = 256: 80 µs with 32-row tiles, 34 µs with 8; benchmarks/RESULTS.md, session 8).
     */
    static final int TILE = 8;

    @Override
    protected INDArray forward1(Context ctx, INDArray[] in) {
        INDArray p = Args.requireSquare("p", in[0]);
        int n = (int) p.rows();
        double[] v = Scratch.readDouble(p, Scratch.SKEW_IN);
        double[] s = Scratch.doubles(Scratch.SKEW_OUT, n * n);
        for (int i = 0; i < n; i++) {
            s[i * n + i] = 0.0;
        }
        for (int ib = 0; ib < n; ib += TILE) {
            for (int jb = ib; jb < n; jb += TILE) {
                for (int i = ib; i < Math.min(ib + TILE, n); i++) {
                    for (int j = Math.max(jb, i + 1); j < Math.min(jb + TILE, n); j++) {
                        double x = v[i * n + j];
                        s[i * n + j] = x;
                        s[j * n + i] = 0.0 - x;              // as triu(P)·mask − (triu(P)·mask)ᵀ: 0 − x
                    }
                }
            }
        }
        return matrix(s, p.dataType(), n);
    }

    @Override
    protected INDArray[] backward1(Context ctx, INDArray g) {
        int n = (int) g.rows();
        double[] v = Scratch.readDouble(g, Scratch.SKEW_IN);
        double[] gp = Scratch.doubles(Scratch.SKEW_OUT, n * n);
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(gp, i * n, i * n + i + 1, 0.0);          // diagonal and lower triangle
        }
        for (int ib = 0; ib < n; ib += TILE) {
            for (int jb = ib; jb < n; jb += TILE) {
                for (int i = ib; i < Math.min(ib + TILE, n); i++) {
                    for (int j = Math.max(jb, i + 1); j < Math.min(jb + TILE, n); j++) {
                        gp[i * n + j] = v[i * n + j] - v[j * n + i];
                    }
                }
            }
        }
        return new INDArray[] {matrix(gp, g.dataType(), n)};
    }

    /** A 'c'-ordered n×n array of {@code type} from {@link ArrayPool} holding {@code v} (row-major). */
    static INDArray matrix(double[] v, DataType type, int n) {
        INDArray out = ArrayPool.take(type, n, n);
        java.nio.ByteBuffer bytes = out.data().asNio().order(ByteOrder.nativeOrder());
        if (type == DataType.DOUBLE) {
            bytes.asDoubleBuffer().put(v, 0, n * n);
        } else {
            java.nio.FloatBuffer f = bytes.asFloatBuffer();
            float[] row = new float[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    row[j] = (float) v[i * n + j];
                }
                f.put(i * n, row, 0, n);
            }
        }
        return out;
    }
}
