package org.momentumrnn4j.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam as {@code torch.optim.Adam} (not AMSGrad):
 * <pre>
 * m = β₁ m + (1 − β₁) g;   v = β₂ v + (1 − β₂) g²
 * p = p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;

    /** Adam with β₁, β₂ ∈ [0, 1) and ε > 0 (PyTorch defaults 0.9, 0.999, 1e-8). */
    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Adam with PyTorch's defaults. */
    public Adam(List<ParamGroup> groups) {
        this(groups, 0.9, 0.999, 1e-8);
    }

    @Override
    protected void update(INDArray p, INDArray g, Map<String, INDArray> state, double lr, long globalStep) {
        INDArray m = state.computeIfAbsent("exp_avg", k -> g.like().assign(0));
        INDArray v = state.computeIfAbsent("exp_avg_sq", k -> g.like().assign(0));
        INDArray stepArr = state.computeIfAbsent("step", k -> org.nd4j.linalg.factory.Nd4j.scalar(0L));
        long t = stepArr.getLong(0) + 1;
        stepArr.assign(t);
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        INDArray denom = Transforms.sqrt(v, true).divi(Math.sqrt(bc2)).addi(eps);
        p.subi(m.div(denom).muli(lr / bc1));
    }
}
