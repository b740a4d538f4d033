package org.momentumrnn4j.cell.dynamics;

import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.Validation;

/**
 * RMSProp cell (spec/cells.md §3.4): the {@link AdamCell} with μ = 0 (the same class in the reference),
 * <pre>
 * m_t = β m_{t−1} + (1 − β) g_t ⊙ g_t ;   a_t = s g_t ⊘ √(m_t + δ) + r_t
 * </pre>
 * The state still carries {@code v = s g_t}, so the two cells are interchangeable, number for number.
 *
 * <p>Reference names: {@code epsilon} = s, {@code mus} = β.
 */
public final class RMSPropCell extends DriveCell {
    private final double stepSize;
    private final double beta;

    /** An RMSProp cell over {@code base}. */
    public RMSPropCell(Base base, CellConfig config, double stepSize, double beta) {
        super(base, config, slots(base.gateWidth(), "v", "m"), false);
        Validation.stepSize(stepSize);
        Validation.beta(beta);
        this.stepSize = stepSize;
        this.beta = beta;
    }

    /** A builder with the paper's pixel-MNIST defaults (s 0.6, β 0.9), LSTM base. */
    public static Builder builder() {
        return new Builder();
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
        return AdamCell.adamDrive(g, r, state, 0.0, stepSize, beta);
    }

    @Override
    public DriveSpec driveSpec() {
        return new DriveSpec.Adam(0.0, stepSize, beta);
    }

    @Override
    public String toString() {
        return "RMSPropCell[" + base().kind() + " " + inputSize() + "→" + hiddenSize() + ", s=" + stepSize
                + ", β=" + beta + "]";
    }

    /** Builder of {@link RMSPropCell}. */
    public static final class Builder extends DriveCell.Builder<Builder> {
        private double stepSize = 0.6;
        private double beta = 0.9;

        /** Step size s > 0 (paper default 0.6 for MNIST, 1.0 for PMNIST; reference {@code epsilon}). */
        public Builder stepSize(double s) {
            this.stepSize = s;
            return this;
        }

        /** β ∈ [0, 1) (paper default 0.9 for MNIST, 0.01 for PMNIST; reference {@code mus}). */
        public Builder beta(double newBeta) {
            this.beta = newBeta;
            return this;
        }

        /** Builds the cell. */
        public RMSPropCell build() {
            Validation.stepSize(stepSize);
            Validation.beta(beta);
            return new RMSPropCell(buildBase(), config, stepSize, beta);
        }
    }
}
