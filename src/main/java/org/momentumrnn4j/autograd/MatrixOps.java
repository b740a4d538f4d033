package org.momentumrnn4j.autograd;

import org.momentumrnn4j.runtime.Gemm;
import org.momentumrnn4j.runtime.HelperThread;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Matrix primitives. Each nested class is one registered {@link Function}. */
final class MatrixOps {
    private MatrixOps() {}

    /**
     * {@code op(a)·op(b)} into a new array from {@link ArrayPool} (the outputs and gradients of these functions are
     * handed back by a freeing tape and {@link Tensor#releaseGrad()}, so a training step reuses them). FLOAT and DOUBLE
     * products go through {@link Gemm} (prepared contexts: the pool hands out the same buffers every step; large
     * products split over the helper thread, which is told to rest afterwards).
     */
    static INDArray product(INDArray a, INDArray b, boolean transA, boolean transB) {
        long rows = transA ? a.size(1) : a.size(0);
        long cols = transB ? b.size(0) : b.size(1);
        INDArray out = ArrayPool.take(a.dataType(), rows, cols);
        DataType t = a.dataType();
        if ((t == DataType.FLOAT || t == DataType.DOUBLE) && b.dataType() == t && a.rank() == 2 && b.rank() == 2) {
            Gemm.gemm(a, b, out, transA, transB, 1.0, 0.0);
            HelperThread.rest();
            return out;
        }
        return Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
    }

    /** {@code C = A · B} for {@code A [m, k]}, {@code B [k, n]}. dA = G·Bᵀ, dB = Aᵀ·G. */
    static final class MatMul extends Function.Single {
        @Override public String name() { return "matmul"; }
        @Override protected boolean freshGradients() { return true; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray a = in[0];
            INDArray b = in[1];
            Shapes.requireSameType(name(), a, b);
            if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(0)) {
                throw new IllegalArgumentException(name() + ": cannot multiply " + Shapes.str(a) + " by "
                        + Shapes.str(b) + " (need [m, k] x [k, n])");
            }
            ctx.save(a, b);
            return product(a, b, false, false);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray a = ctx.saved(0);
            INDArray b = ctx.saved(1);
            return new INDArray[] {
                ctx.needsInputGrad(0) ? product(g, b, false, true) : null,
                ctx.needsInputGrad(1) ? product(a, g, true, false) : null};
        }
    }

    /**
     * {@code y = x · Wᵀ + b} for {@code x [B, in]}, {@code W [out, in]} and optionally {@code b [1, out]}
     * (PyTorch's {@code nn.Linear} layout). dx = G·W, dW = Gᵀ·x, db = Σ_rows G.
     */
    static final class Linear extends Function.Single {
        private final boolean hasBias;
        Linear(boolean hasBias) { this.hasBias = hasBias; }
        @Override public String name() { return "linear"; }
        @Override protected boolean freshGradients() { return true; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray x = in[0];
            INDArray w = in[1];
            Shapes.requireSameType(name(), in);
            if (x.rank() != 2 || w.rank() != 2 || x.size(1) != w.size(1)) {
                throw new IllegalArgumentException(name() + ": input " + Shapes.str(x) + " does not fit weight "
                        + Shapes.str(w) + " (need x [batch, in], W [out, in])");
            }
            INDArray y = product(x, w, false, true);
            if (hasBias) {
                INDArray b = in[2];
                if (b.rank() != 2 || b.size(0) != 1 || b.size(1) != w.size(0)) {
                    throw new IllegalArgumentException(name() + ": bias must have shape [1, " + w.size(0)
                            + "], got " + Shapes.str(b));
                }
                y.addiRowVector(b);
            }
            ctx.save(x, w);
            return y;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray x = ctx.saved(0);
            INDArray w = ctx.saved(1);
            INDArray[] r = new INDArray[hasBias ? 3 : 2];
            r[0] = ctx.needsInputGrad(0) ? product(g, w, false, false) : null;
            r[1] = ctx.needsInputGrad(1) ? product(g, x, true, false) : null;
            if (hasBias) {
                r[2] = ctx.needsInputGrad(2) ? g.sum(true, 0) : null;
            }
            return r;
        }
    }

    /** {@code Aᵀ} of a matrix. */
    static final class Transpose extends Function.Single {
        @Override public String name() { return "transpose"; }
        @Override protected boolean freshGradients() { return true; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireRank(name(), "input", in[0], 2);
            return in[0].transpose().dup('c');
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {g.transpose().dup('c')};
        }
    }
}
