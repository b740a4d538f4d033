package org.momentumrnn4j.cell;

import org.nd4j.linalg.api.buffer.DataType;

/** Argument checks shared by the cells; every message names the parameter and the value. */
public final class Validation {
    private Validation() {}

    /** A size that must be at least 1. */
    public static void size(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** Momentum μ ∈ [0, 1]. */
    public static void mu(double mu) {
        if (!(mu >= 0 && mu <= 1)) {
            throw new IllegalArgumentException("mu (momentum μ) must be in [0, 1], got " + mu);
        }
    }

    /** Step size s > 0 (reference name {@code epsilon}). */
    public static void stepSize(double s) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("stepSize (s, reference 'epsilon') must be > 0 and finite, got " + s);
        }
    }

    /** β ∈ [0, 1) (reference name {@code mus}). */
    public static void beta(double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("beta (β, reference 'mus') must be in [0, 1), got " + beta);
        }
    }

    /** Restart period F ≥ 0 (reference name {@code restart}). */
    public static void restartPeriod(int f) {
        if (f < 0) {
            throw new IllegalArgumentException("restartPeriod (F, reference 'restart') must be >= 0, got " + f);
        }
    }

    /** FLOAT or DOUBLE. */
    public static void floatingType(DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + type);
        }
    }
}
