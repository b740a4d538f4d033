package org.momentumrnn4j.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compares autograd gradients with central differences, in float64 only.
 *
 * <p>For every element {@code θ_i} of every checked parameter the numerical derivative is
 * {@code (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε} and the error is
 * {@code |analytic − numeric| / max(|analytic|, |numeric|, absFloor)}.
 *
 * <p>Why the defaults ({@code ε = 1e-6}, {@code absFloor = 1e-2}, tolerance 1e-6): the truncation error of
 * the central difference is {@code O(ε² · L''')} ≈ 1e-12, the rounding error is about
 * {@code u · |L| / ε} ≈ 1e-10 · |L| with {@code u = 1.1e-16}. A relative tolerance of 1e-6 leaves four orders
 * of margin for gradients of order one; below {@code absFloor} the check becomes an absolute one
 * (1e-8), which rounding cannot fail for losses of order one to ten. Float32 cannot resolve such
 * differences (its rounding error alone would be about 1e-1), hence it is refused.
 */
public final class GradientCheck {
    /** Default finite-difference step. */
    public static final double DEFAULT_EPSILON = 1e-6;
    /** Default floor of the denominator of the relative error. */
    public static final double DEFAULT_ABS_FLOOR = 1e-2;
    /** Default tolerance on the relative error. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private final double epsilon;
    private final double absFloor;

    private GradientCheck(double epsilon, double absFloor) {
        if (!(epsilon > 0) || !(absFloor > 0)) {
            throw new IllegalArgumentException("epsilon and absFloor must be > 0, got " + epsilon + ", " + absFloor);
        }
        this.epsilon = epsilon;
        this.absFloor = absFloor;
    }

    /** A checker with the default step and floor. */
    public static GradientCheck create() {
        return new GradientCheck(DEFAULT_EPSILON, DEFAULT_ABS_FLOOR);
    }

    /** A checker with the given step and floor. */
    public static GradientCheck create(double epsilon, double absFloor) {
        return new GradientCheck(epsilon, absFloor);
    }

    /** The outcome of a check: the largest error and where it occurred. */
    public record Result(double maxError, String worst, double analyticAtWorst, double numericAtWorst,
                         int elementsChecked) {
        /** Whether {@code maxError ≤ tolerance}. */
        public boolean passed(double tolerance) {
            return maxError <= tolerance;
        }

        /** Throws {@link AssertionError} with the details unless {@code maxError ≤ tolerance}. */
        public Result requirePassed(double tolerance) {
            if (!passed(tolerance)) {
                throw new AssertionError("gradient check failed: error " + maxError + " > " + tolerance + " at "
                        + worst + " (analytic " + analyticAtWorst + ", numeric " + numericAtWorst + ", "
                        + elementsChecked + " elements checked)");
            }
            return this;
        }
    }

    /**
     * Checks a scalar function of fresh parameters made from {@code inputs} (each copied, all differentiated).
     */
    public Result check(java.util.function.Function<Tensor[], Tensor> f, INDArray... inputs) {
        Tensor[] params = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Tensor.param(inputs[i].dup()).named("input " + i);
        }
        return check(() -> f.apply(params), Arrays.asList(params));
    }

    /**
     * Checks a scalar loss against the given leaf parameters; the loss supplier is evaluated once under a
     * tape and twice per element with the parameter value perturbed in place (and restored).
     */
    public Result check(Supplier<Tensor> loss, List<Tensor> params) {
        for (Tensor p : params) {
            if (p.dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("GradientCheck needs DOUBLE parameters, got " + p.dataType()
                        + " for " + p + ": float32 cannot resolve central differences");
            }
            if (!p.requiresGrad() || !p.isLeaf()) {
                throw new IllegalArgumentException("GradientCheck: " + p + " must be a leaf that requires a gradient");
            }
            p.zeroGrad();
        }
        List<INDArray> analytic = new ArrayList<>();
        try (Tape tape = Tape.open()) {
            Tensor l = loss.get();
            tape.backward(l);
        }
        for (Tensor p : params) {
            analytic.add(p.grad() == null ? org.nd4j.linalg.factory.Nd4j.zeros(p.dataType(), p.shape()) : p.grad());
        }
        double maxErr = 0;
        String worst = "none";
        double aw = 0;
        double nw = 0;
        int count = 0;
        for (int k = 0; k < params.size(); k++) {
            INDArray v = params.get(k).value();
            INDArray g = analytic.get(k);
            if (!v.isView() && v.ordering() != 'c') {
                throw new IllegalArgumentException("GradientCheck needs c-ordered parameter arrays");
            }
            for (long i = 0; i < v.length(); i++) {
                double orig = v.getDouble(i);
                v.putScalar(i, orig + epsilon);
                double plus = evaluate(loss);
                v.putScalar(i, orig - epsilon);
                double minus = evaluate(loss);
                v.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * epsilon);
                double a = g.getDouble(i);
                double err = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), absFloor);
                count++;
                if (err > maxErr || Double.isNaN(err)) {
                    maxErr = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                    String name = params.get(k).name() == null ? "parameter " + k : params.get(k).name();
                    worst = name + " element " + i;
                    aw = a;
                    nw = numeric;
                }
            }
        }
        return new Result(maxErr, worst, aw, nw, count);
    }

    private static double evaluate(Supplier<Tensor> loss) {
        try (Tape.NoGrad ignored = Tape.noGrad()) {
            Tensor l = loss.get();
            if (l.value().length() != 1) {
                throw new IllegalArgumentException("GradientCheck: the loss must have a single element, got shape "
                        + Arrays.toString(l.shape()));
            }
            return l.value().getDouble(0);
        }
    }
}
