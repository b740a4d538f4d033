package org.momentumrnn4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Init;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A linear layer {@code y = x Wᵀ + b}, {@code W [out, in]}, {@code b [1, out]}, initialized as PyTorch's
 * {@code nn.Linear}: both {@code U(−1/√in, 1/√in)} (the reference's output heads), seeded.
 */
public final class Linear {
    private final Tensor w;
    private final Tensor b;

    /** A PyTorch-default initialized layer. */
    public Linear(int in, int out, long seed, DataType type) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear sizes must be >= 1, got in " + in + ", out " + out);
        }
        Random r = new Random(seed);
        double bound = 1.0 / Math.sqrt(in);
        this.w = Tensor.param(Init.uniform(out, in, -bound, bound, r, type)).named("W");
        this.b = Tensor.param(Init.uniform(1, out, -bound, bound, r, type)).named("b");
    }

    /** {@code x [B, in] → [B, out]}. */
    public Tensor forward(Tensor x) {
        return Ops.linear(x, w, b);
    }

    /** Input width. */
    public int inputSize() {
        return (int) w.size(1);
    }

    /** Output width. */
    public int outputSize() {
        return (int) w.size(0);
    }

    /** {@code W} and {@code b}. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W", w);
        m.put("b", b);
        return m;
    }
}
