/**
 * A small reverse-mode automatic differentiation layer over ND4J {@code INDArray}s.
 *
 * <p>The pieces:
 * <ul>
 *   <li>{@link org.momentumrnn4j.autograd.Tensor}: a differentiable value (value, gradient, whether it
 *       requires a gradient);</li>
 *   <li>{@link org.momentumrnn4j.autograd.Tape}: records operations while open and runs backward in reverse
 *       recording order; closing it frees what its operations saved for backward;</li>
 *   <li>{@link org.momentumrnn4j.autograd.Function}: one operation, forward and backward side by side;
 *       every built-in operation is listed in {@link org.momentumrnn4j.autograd.OpRegistry}, and custom
 *       coarse-grained operations (the fused recurrent sweep, the matrix exponential) are registered
 *       there too;</li>
 *   <li>{@link org.momentumrnn4j.autograd.Ops}: the functional front end ({@code Ops.tanh(x)},
 *       {@code Ops.linear(x, w, b)}, ...);</li>
 *   <li>{@link org.momentumrnn4j.autograd.GradientCheck}: central-difference gradient checks in float64;</li>
 *   <li>{@link org.momentumrnn4j.autograd.ArrayPool}: memory handed from one training step to the next: a
 *       tape from {@link org.momentumrnn4j.autograd.Tape#openFreeingValues()} returns the values its operations
 *       produced when it closes, {@link org.momentumrnn4j.autograd.Tensor#releaseGrad()} a gradient, and
 *       operations take their outputs from it. Functions may declare their gradients
 *       {@link org.momentumrnn4j.autograd.Function#freshGradients() fresh} (kept without a copy) or
 *       {@link org.momentumrnn4j.autograd.Function#constantGradients() constant} (shared, read-only).</li>
 * </ul>
 *
 * <p>Works in {@code DataType.DOUBLE} and {@code DataType.FLOAT}; the caller picks the type of the arrays.
 * All inputs of one operation must share a data type.
 *
 * <pre>{@code
 * Tensor w = Tensor.param(Nd4j.rand(DataType.DOUBLE, 4, 3));
 * Tensor x = Tensor.constant(Nd4j.rand(DataType.DOUBLE, 2, 3));
 * try (Tape tape = Tape.open()) {
 *     Tensor loss = Ops.sum(Ops.tanh(Ops.linear(x, w, null)));
 *     tape.backward(loss);
 * }
 * INDArray dw = w.grad();
 * }</pre>
 */
package org.momentumrnn4j.autograd;
