package org.momentumrnn4j.cell.dynamics;

import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.Validation;

/**
 * Scheduled-restart cell (spec/cells.md §3.5, §3.6, §4), in one of the two {@link SrForm}s, with the NAG
 * coefficient {@code κ_t = (k_t − 1)/(k_t + 2)} and the restart counter
 * <pre>
 * k_1 = 1 ;   k_{t+1} = 1 if (F > 0 and k_t mod F == 0) else k_t + 1
 * </pre>
 * Form A: {@code p_t = r_t − s g_t}, {@code a_t = p_t + κ_t (p_t − p_{t−1})} (state {@code p}; the reference
 * stores it as {@code v}). Form B: {@code v_t = κ_t v_{t−1} + s g_t}, {@code a_t = v_t + r_t} (state
 * {@code v}).
 *
 * <p>Reference names: {@code epsilon} = s, {@code restart} = F (0: never restart). Whether k is carried across
 * segments or restarts per segment is {@link CellConfig#counterScope()} (Q8).
 */
public final class SRCell extends DriveCell {
    private final SrForm form;
    private final double stepSize;
    private final int restartPeriod;

    /** A scheduled-restart cell over {@code base}. */
    public SRCell(Base base, CellConfig config, SrForm form, double stepSize, int restartPeriod) {
        super(base, config, slots(base.gateWidth(), form == SrForm.A_PREACTIVATION_NAG ? "p" : "v"), true);
        if (form == null) {
            throw new IllegalArgumentException("form must be given explicitly: A_PREACTIVATION_NAG or "
                    + "B_TIME_VARYING_MOMENTUM (spec/cells.md Q1)");
        }
        Validation.stepSize(stepSize);
        Validation.restartPeriod(restartPeriod);
        this.form = form;
        this.stepSize = stepSize;
        this.restartPeriod = restartPeriod;
    }

    /** A builder (form required; defaults s 1.0, F 2 as the paper's pixel-MNIST SRLSTM), LSTM base. */
    public static Builder builder() {
        return new Builder();
    }

    /** κ for counter value k: {@code (k − 1)/(k + 2)}. */
    public static double kappa(int k) {
        return (k - 1.0) / (k + 2.0);
    }

    /** The counter after a step that used {@code k}, for restart period {@code f} (0 = never). */
    public static int nextCounter(int k, int f) {
        return (f > 0 && k % f == 0) ? 1 : k + 1;
    }

    /** The form. */
    public SrForm form() {
        return form;
    }

    /** Step size s. */
    public double stepSize() {
        return stepSize;
    }

    /** Restart period F (0 = never). */
    public int restartPeriod() {
        return restartPeriod;
    }

    @Override
    protected int nextCounter(int k) {
        return nextCounter(k, restartPeriod);
    }

    @Override
    protected Tensor[] drive(Tensor g, Tensor r, CellState state, int k) {
        double kappa = kappa(k);
        if (form == SrForm.A_PREACTIVATION_NAG) {
            Tensor p = Ops.sub(r, Ops.scale(g, stepSize));
            Tensor a = Ops.add(p, Ops.scale(Ops.sub(p, state.get("p")), kappa));
            return new Tensor[] {a, p};
        }
        Tensor v = Ops.add(Ops.scale(state.get("v"), kappa), Ops.scale(g, stepSize));
        return new Tensor[] {Ops.add(v, r), v};
    }

    @Override
    public DriveSpec driveSpec() {
        return new DriveSpec.ScheduledRestart(form, stepSize, restartPeriod);
    }

    @Override
    public String toString() {
        return "SRCell[" + form + ", " + base().kind() + " " + inputSize() + "→" + hiddenSize() + ", s="
                + stepSize + ", F=" + restartPeriod + "]";
    }

    /** Builder of {@link SRCell}. */
    public static final class Builder extends DriveCell.Builder<Builder> {
        private SrForm form;
        private double stepSize = 1.0;
        private int restartPeriod = 2;

        /** The form (required, no default: spec/cells.md Q1). */
        public Builder form(SrForm newForm) {
            this.form = newForm;
            return this;
        }

        /** Step size s > 0 (paper default 1.0 for MNIST, 0.9 for PMNIST; reference {@code epsilon}). */
        public Builder stepSize(double s) {
            this.stepSize = s;
            return this;
        }

        /** Restart period F ≥ 0, 0 = never (paper default 2 for MNIST, 40 for PMNIST; reference {@code restart}). */
        public Builder restartPeriod(int f) {
            this.restartPeriod = f;
            return this;
        }

        /** Builds the cell. */
        public SRCell build() {
            if (form == null) {
                throw new IllegalArgumentException("form must be set: SrForm.A_PREACTIVATION_NAG or "
                        + "SrForm.B_TIME_VARYING_MOMENTUM (no default, spec/cells.md Q1)");
            }
            Validation.stepSize(stepSize);
            Validation.restartPeriod(restartPeriod);
            return new SRCell(buildBase(), config, form, stepSize, restartPeriod);
        }
    }
}
