package org.momentumrnn4j.cell.dynamics;

import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.Validation;

/**
 * Adam cell (spec/cells.md §3.3): momentum on the input drive, normalized by a running second moment,
 * <pre>
 * v_t = μ v_{t−1} + s g_t
 * m_t = β m_{t−1} + (1 − β) g_t ⊙ g_t
 * a_t = v_t ⊘ √(m_t + δ) + r_t,       δ = 1e-16 inside the root (Q5), no bias correction (Q6)
 * </pre>
 * The input bias is inside both {@code v} and the squared term (Q7). State: the base's plus
 * {@code v, m [B, G]}.
 *
 * <p>Reference names: {@code mu} = μ, {@code epsilon} = s, {@code mus} = β; the reference stores
 * {@code m} in a variable called {@code s}.
 */
public final class AdamCell extends DriveCell {
    /** The stabilizer δ added inside the square root. */
    public static final double DELTA = 1e-16;

    private final double mu;
    private final double stepSize;
    private final double beta;

    /** An Adam cell over {@code base}. */
    public AdamCell(Base base, CellConfig config, double mu, double stepSize, double beta) {
        super(base, config, slots(base.gateWidth(), "v", "m"), false);
        Validation.mu(mu);
        Validation.stepSize(stepSize);
        Validation.beta(beta);
        this.mu = mu;
        this.stepSize = stepSize;
        this.beta = beta;
    }

    /** A builder with the paper's pixel-MNIST defaults (μ 0.6, s 0.6, β 0.1), LSTM base. */
    public static Builder builder() {
        return new Builder();
    }

    /** Momentum μ. */
    public double mu() {
        return mu;
    }

    /** Step size s. */
    public double stepSize() {
        return stepSize;
    }

    /** Second-moment decay β. */
    public double beta() {
        return beta;
    }

    @Override
    protected Tensor[] drive(Tensor g, Tensor r, CellState state, int k) {
        return adamDrive(g, r, state, mu, stepSize, beta);
    }

    /** The Adam/RMSProp drive, shared with {@link RMSPropCell}: returns {@code a, v, m}. */
    static Tensor[] adamDrive(Tensor g, Tensor r, CellState state, double mu, double stepSize, double beta) {
        Tensor v = Ops.add(Ops.scale(state.get("v"), mu), Ops.scale(g, stepSize));
        Tensor m = Ops.add(Ops.scale(state.get("m"), beta), Ops.scale(Ops.mul(g, g), 1 - beta));
        Tensor u = Ops.div(v, Ops.sqrt(Ops.shift(m, DELTA)));
        return new Tensor[] {Ops.add(u, r), v, m};
    }

    @Override
    public DriveSpec driveSpec() {
        return new DriveSpec.Adam(mu, stepSize, beta);
    }

    @Override
    public String toString() {
        return "AdamCell[" + base().kind() + " " + inputSize() + "→" + hiddenSize()
                + ", μ=" + mu + ", s=" + stepSize + ", β=" + beta + "]";
    }

    /** Builder of {@link AdamCell}. */
    public static final class Builder extends DriveCell.Builder<Builder> {
        private double mu = 0.6;
        private double stepSize = 0.6;
        private double beta = 0.1;

        /** Momentum μ ∈ [0, 1] (paper default 0.6; reference {@code mu}). */
        public Builder mu(double newMu) {
            this.mu = newMu;
            return this;
        }

        /** Step size s > 0 (paper default 0.6; reference {@code epsilon}). */
        public Builder stepSize(double s) {
            this.stepSize = s;
            return this;
        }

        /** β ∈ [0, 1) (paper default 0.1 for MNIST, 0.01 for PMNIST; reference {@code mus}). */
        public Builder beta(double newBeta) {
            this.beta = newBeta;
            return this;
        }

        /** Builds the cell. */
        public AdamCell build() {
            Validation.mu(mu);
            Validation.stepSize(stepSize);
            Validation.beta(beta);
            return new AdamCell(buildBase(), config, mu, stepSize, beta);
        }
    }
}
