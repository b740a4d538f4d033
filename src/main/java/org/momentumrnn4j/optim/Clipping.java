package org.momentumrnn4j.optim;

import java.util.Collection;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient clipping as PyTorch's {@code clip_grad_norm_} and {@code clip_grad_value_}. */
public final class Clipping {
    private Clipping() {}

    /**
     * Scales all gradients by {@code maxNorm / (total + 1e-6)} when the global L2 norm {@code total} exceeds
     * {@code maxNorm}; returns {@code total} (before clipping). A non-finite norm throws
     * {@link IllegalStateException} (a NaN would otherwise spread silently into every parameter).
     */
    public static double clipGlobalNorm(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        for (Tensor p : params) {
            if (p.grad() != null) {
                double n = p.grad().norm2Number().doubleValue();
                sq += n * n;
            }
        }
        double total = Math.sqrt(sq);
        if (!Double.isFinite(total)) {
            throw new IllegalStateException("the global gradient norm is " + total + " (non-finite gradients)");
        }
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    p.grad().muli(coef);
                }
            }
        }
        return total;
    }

    /** Clamps every gradient element to {@code [−clip, clip]}. */
    public static void clipValue(Collection<Tensor> params, double clip) {
        if (!(clip > 0)) {
            throw new IllegalArgumentException("clip must be > 0, got " + clip);
        }
        for (Tensor p : params) {
            INDArray g = p.grad();
            if (g != null) {
                org.nd4j.linalg.ops.transforms.Transforms.min(g, clip, false);
                org.nd4j.linalg.ops.transforms.Transforms.max(g, -clip, false);
            }
        }
    }
}
