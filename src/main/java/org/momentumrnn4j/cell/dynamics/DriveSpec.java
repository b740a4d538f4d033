package org.momentumrnn4j.cell.dynamics;

/**
 * A data description of a cell's drive transform (spec/cells.md §2.4), for code that needs the
 * equations rather than the step function (the fused sequence sweep, persistence, the command line).
 */
public sealed interface DriveSpec {
    /** {@code a = g + r}. */
    record Plain() implements DriveSpec {}

    /** {@code v = μ v + s g; a = v + r}. */
    record Momentum(double mu, double stepSize) implements DriveSpec {}

    /** {@code v = μ v + s g; m = β m + (1−β) g²; a = v ⊘ √(m + δ) + r} (RMSProp: μ = 0). */
    record Adam(double mu, double stepSize, double beta) implements DriveSpec {}

    /** Scheduled restart in form A or B with period F. */
    record ScheduledRestart(SrForm form, double stepSize, int restartPeriod) implements DriveSpec {}
}
