package org.momentumrnn4j.optim;

import java.util.List;

/**
 * Learning-rate schedules, applied per epoch to every group's base rate (as PyTorch's schedulers):
 * {@link #lrAt(int, double)} gives the rate for epoch {@code e} (0-based) from the base rate. The plateau
 * schedule also observes a metric at the end of each epoch.
 */
public interface LrSchedule {
    /** The learning rate of epoch {@code epoch} for a group whose base rate is {@code base}. */
    double lrAt(int epoch, double base);

    /** Observes the validation metric at the end of an epoch (only the plateau schedule uses it). */
    default void observe(double metric) {}

    /** Internal counters for checkpoints (empty for stateless schedules). */
    default double[] state() {
        return new double[0];
    }

    /** Restores {@link #state()}. */
    default void loadState(double[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException("this schedule has no state, got " + state.length + " values");
        }
    }

    /** Applies the schedule for {@code epoch} to every group, given their base rates. */
    default void apply(Optimizer opt, int epoch, List<Double> baseRates) {
        for (int i = 0; i < opt.groups().size(); i++) {
            opt.groups().get(i).setLr(lrAt(epoch, baseRates.get(i)));
        }
    }

    /** A constant rate. */
    static LrSchedule constant() {
        return (e, base) -> base;
    }

    /** {@code base · γ^⌊e / step⌋} ({@code StepLR}). */
    static LrSchedule step(int stepSize, double gamma) {
        if (stepSize < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("step schedule needs stepSize >= 1 and gamma > 0, got " + stepSize + ", " + gamma);
        }
        return (e, base) -> base * Math.pow(gamma, e / stepSize);
    }

    /** {@code base · γ^e} ({@code ExponentialLR}). */
    static LrSchedule exponential(double gamma) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("gamma must be > 0, got " + gamma);
        }
        return (e, base) -> base * Math.pow(gamma, e);
    }

    /** {@code η_min + (base − η_min)(1 + cos(π e / T_max))/2} ({@code CosineAnnealingLR}, e ≤ T_max). */
    static LrSchedule cosine(int tMax, double etaMin) {
        if (tMax < 1 || !(etaMin >= 0)) {
            throw new IllegalArgumentException("cosine schedule needs tMax >= 1 and etaMin >= 0, got " + tMax + ", " + etaMin);
        }
        return (e, base) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * Math.min(e, tMax) / tMax)) / 2;
    }

    /** Divide the rate by {@code divisor} when the metric (lower is better) has not improved for {@code patience} epochs. */
    static LrSchedule divideOnPlateau(double divisor, int patience) {
        return new Plateau(divisor, patience);
    }

    /** See {@link #divideOnPlateau}. */
    final class Plateau implements LrSchedule {
        private final double divisor;
        private final int patience;
        private double best = Double.POSITIVE_INFINITY;
        private int bad;
        private int divisions;

        Plateau(double divisor, int patience) {
            if (!(divisor > 1) || patience < 0) {
                throw new IllegalArgumentException("plateau schedule needs divisor > 1 and patience >= 0, got "
                        + divisor + ", " + patience);
            }
            this.divisor = divisor;
            this.patience = patience;
        }

        @Override
        public double lrAt(int epoch, double base) {
            return base / Math.pow(divisor, divisions);
        }

        @Override
        public void observe(double metric) {
            if (metric < best) {
                best = metric;
                bad = 0;
            } else if (++bad > patience) {
                divisions++;
                bad = 0;
            }
        }

        @Override
        public double[] state() {
            return new double[] {best, bad, divisions};
        }

        @Override
        public void loadState(double[] s) {
            if (s.length != 3) {
                throw new IllegalArgumentException("plateau schedule state needs 3 values, got " + s.length);
            }
            best = s[0];
            bad = (int) s[1];
            divisions = (int) s[2];
        }

        /** How many times the rate was divided. */
        public int divisions() {
            return divisions;
        }
    }
}
