package org.momentumrnn4j.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} (dampening 0):
 * <pre>
 * d = g (+ wd·p)
 * momentum > 0:  buf = d on the first step, else buf = momentum·buf + d
 *                d = nesterov ? d + momentum·buf : buf
 * p = p − lr·d
 * </pre>
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    /** SGD with optional (Nesterov) momentum. */
    public Sgd(List<ParamGroup> groups, double momentum, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs momentum > 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Plain SGD. */
    public Sgd(List<ParamGroup> groups) {
        this(groups, 0, false);
    }

    @Override
    protected void update(INDArray p, INDArray g, Map<String, INDArray> state, double lr, long step) {
        INDArray d = g;
        if (momentum != 0) {
            INDArray buf = state.get("momentum_buffer");
            if (buf == null) {
                buf = g.dup();
                state.put("momentum_buffer", buf);
            } else {
                buf.muli(momentum).addi(g);
            }
            d = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        p.subi(d.mul(lr));
    }
}
