package org.momentumrnn4j.autograd;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one place where every differentiable operation is listed, by name.
 *
 * <p>Built-in primitives are registered below; coarse-grained operations elsewhere in the library (the
 * fused recurrent sweep, the matrix exponential) and user operations register themselves with
 * {@link #register}. Names are unique. The registry is what the gradient-check suite enumerates to make
 * sure no operation goes unchecked.
 */
public final class OpRegistry {
    private static final Map<String, Class<? extends Function>> OPS = new LinkedHashMap<>();
    private static final Set<String> BUILTIN;

    static {
        // elementwise
        put("add", ElementwiseOps.Add.class);
        put("sub", ElementwiseOps.Sub.class);
        put("mul", ElementwiseOps.Mul.class);
        put("div", ElementwiseOps.Div.class);
        put("scale", ElementwiseOps.Scale.class);
        put("shift", ElementwiseOps.Shift.class);
        put("sqrt", ElementwiseOps.Sqrt.class);
        put("sigmoid", ElementwiseOps.Sigmoid.class);
        put("tanh", ElementwiseOps.Tanh.class);
        put("modrelu", ElementwiseOps.ModReLU.class);
        // matrices
        put("matmul", MatrixOps.MatMul.class);
        put("linear", MatrixOps.Linear.class);
        put("transpose", MatrixOps.Transpose.class);
        // shapes
        put("slice", ShapeOps.SliceColumns.class);
        put("concat", ShapeOps.ConcatColumns.class);
        put("unstack_time", ShapeOps.UnstackTime.class);
        put("stack_time", ShapeOps.StackTime.class);
        put("swap_leading_axes", ShapeOps.SwapLeadingAxes.class);
        put("reverse_time", ShapeOps.ReverseTime.class);
        put("reshape", ShapeOps.Reshape.class);
        put("select_steps", ShapeOps.SelectSteps.class);
        // reductions and losses
        put("sum", ReduceOps.Sum.class);
        put("mean", ReduceOps.Mean.class);
        put("softmax_cross_entropy", LossOps.SoftmaxCrossEntropy.class);
        put("mse", LossOps.MeanSquaredError.class);
        BUILTIN = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(OPS.keySet()));
    }

    private OpRegistry() {}

    private static void put(String name, Class<? extends Function> type) {
        if (OPS.putIfAbsent(name, type) != null) {
            throw new IllegalArgumentException("operation '" + name + "' is already registered by "
                    + OPS.get(name).getName());
        }
    }

    /**
     * Registers a custom operation under a unique name. Registering the same class under the same name
     * again is a no-op; any other clash throws {@link IllegalArgumentException}.
     */
    public static synchronized void register(String name, Class<? extends Function> type) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("operation name must be non-blank, got '" + name + "'");
        }
        Class<? extends Function> prev = OPS.get(name);
        if (prev == type) {
            return;
        }
        put(name, type);
    }

    /** Every registered name, built-in first, in registration order. */
    public static synchronized Set<String> names() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(OPS.keySet()));
    }

    /** The names of the built-in primitives of this package. */
    public static Set<String> builtinNames() {
        return BUILTIN;
    }

    /** The class registered under {@code name}, or {@code null}. */
    public static synchronized Class<? extends Function> lookup(String name) {
        return OPS.get(name);
    }
}
