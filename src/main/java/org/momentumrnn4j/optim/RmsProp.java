package org.momentumrnn4j.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSProp as {@code torch.optim.RMSprop} (not centered, no momentum):
 * {@code v = α v + (1 − α) g²;  p = p − lr · g / (√v + ε)}. The reference trains the LSTM family with
 * α 0.9 and DTRIV with α 0.99 (PyTorch's default); ε 1e-8.
 */
public final class RmsProp extends Optimizer {
    private final double alpha;
    private final double eps;

    /** RMSProp with smoothing α ∈ [0, 1) and ε > 0. */
    public RmsProp(List<ParamGroup> groups, double alpha, double eps) {
        super(groups);
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1), got " + alpha);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        this.alpha = alpha;
        this.eps = eps;
    }

    @Override
    protected void update(INDArray p, INDArray g, Map<String, INDArray> state, double lr, long step) {
        INDArray v = state.computeIfAbsent("square_avg", k -> g.like().assign(0));
        v.muli(alpha).addi(g.mul(g).muli(1 - alpha));
        INDArray denom = Transforms.sqrt(v, true).addi(eps);
        p.subi(g.div(denom).muli(lr));
    }
}
