package org.momentumrnn4j.cell.dynamics;

import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.Validation;

/**
 * Momentum cell (spec/cells.md §3.2): heavy-ball momentum on the input drive,
 * <pre>
 * v_t = μ v_{t−1} + s g_t        (g_t = W x_t + b_x: the input bias is inside the momentum)
 * a_t = v_t + r_t
 * </pre>
 * State: the base's plus {@code v [B, G]}. {@code μ = 0, s = 1} is exactly the base cell.
 *
 * <p>Reference names: {@code mu} = μ, {@code epsilon} = s (the step size, not Adam's ε).
 */
public final class MomentumCell extends DriveCell {
    private final double mu;
    private final double stepSize;

    /** A momentum cell over {@code base}. */
    public MomentumCell(Base base, CellConfig config, double mu, double stepSize) {
        super(base, config, slots(base.gateWidth(), "v"), false);
        Validation.mu(mu);
        Validation.stepSize(stepSize);
        this.mu = mu;
        this.stepSize = stepSize;
    }

    /** A builder with the paper's pixel-MNIST defaults (μ 0.6, s 0.6), LSTM base. */
    public static Builder builder() {
        return new Builder();
    }

    /** Momentum μ. */
    public double mu() {
        return mu;
    }

    /** Step size s (reference {@code epsilon}). */
    public double stepSize() {
        return stepSize;
    }

    @Override
    protected Tensor[] drive(Tensor g, Tensor r, CellState state, int k) {
        Tensor v = Ops.add(Ops.scale(state.get("v"), mu), Ops.scale(g, stepSize));
        return new Tensor[] {Ops.add(v, r), v};
    }

    @Override
    public DriveSpec driveSpec() {
        return new DriveSpec.Momentum(mu, stepSize);
    }

    @Override
    public String toString() {
        return "MomentumCell[" + base().kind() + " " + inputSize() + "→" + hiddenSize() + ", μ=" + mu
                + ", s=" + stepSize + "]";
    }

    /** Builder of {@link MomentumCell}. */
    public static final class Builder extends DriveCell.Builder<Builder> {
        private double mu = 0.6;
        private double stepSize = 0.6;

        /** Momentum μ ∈ [0, 1] (paper default 0.6; reference {@code mu}). */
        public Builder mu(double newMu) {
            this.mu = newMu;
            return this;
        }

        /** Step size s > 0 (paper default 0.6 for MNIST, 1.0 for PMNIST; reference {@code epsilon}). */
        public Builder stepSize(double s) {
            this.stepSize = s;
            return this;
        }

        /** Builds the cell. */
        public MomentumCell build() {
            Validation.mu(mu);
            Validation.stepSize(stepSize);
            return new MomentumCell(buildBase(), config, mu, stepSize);
        }
    }
}
