package org.momentumrnn4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Records operations in order and runs backward in reverse order.
 *
 * <p>A tape is opened on the current thread with {@link #open()} and is the recording tape of that thread
 * until it is closed; tapes nest (the innermost records). Operations whose inputs require a gradient are
 * recorded on it. {@link #backward(Tensor)} seeds the gradient of a scalar and propagates it through every
 * recorded operation in reverse order, accumulating into every tensor that requires a gradient
 * (a tensor used twice receives the sum). Leaf gradients persist after the tape is closed; closing
 * (releasing) the tape frees what its operations saved for backward and the intermediate gradients.
 * Any use of a released tape, including backward through a tensor it recorded, throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (Tape tape = Tape.open()) {
 *     Tensor loss = model.loss(batch);
 *     tape.backward(loss);
 * }   // intermediates released here
 * }</pre>
 *
 * <p>Tapes are confined to the thread that opened them.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Deque<Tape>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final List<Node> nodes = new ArrayList<>();
    private final Thread owner = Thread.currentThread();
    private final boolean freeValues;
    private boolean released;

    private Tape(boolean freeValues) {
        this.freeValues = freeValues;
    }

    /** Opens a tape and makes it the recording tape of the current thread. */
    public static Tape open() {
        return push(new Tape(false));
    }

    /**
     * Opens a tape whose {@link #close()} also frees the values of the tensors its recorded operations produced
     * (the model's outputs, the loss, every intermediate), keeping every array those tensors share memory with that
     * the tape did not produce (parameters, inputs, values from other tapes). For a training step that keeps
     * nothing of the batch but the parameters' gradients (read what you need, such as the loss, before closing; do
     * not carry such a value, even {@link Tensor#detach() detached}, into the next step; {@link Tensor#value()} of
     * a freed tensor throws): the arrays go to {@link ArrayPool} and become the next step's outputs, where
     * allocating anew would touch fresh pages, which cost more than the arithmetic on them on some machines (12 µs
     * per 4 KiB page on the VM of benchmarks/RESULTS.md).
     */
    public static Tape openFreeingValues() {
        return push(new Tape(true));
    }

    private static Tape push(Tape t) {
        OPEN.get().push(t);
        return t;
    }

    /** The innermost open tape of this thread, or {@code null}. */
    public static Tape current() {
        return OPEN.get().peek();
    }

    /** Whether an operation applied now would be recorded (a tape is open and no-grad is off). */
    public static boolean isRecording() {
        return NO_GRAD_DEPTH.get()[0] == 0 && OPEN.get().peek() != null;
    }

    /**
     * Disables recording on this thread until the returned handle is closed.
     * <pre>{@code try (Tape.NoGrad ignored = Tape.noGrad()) { ... } }</pre>
     */
    public static NoGrad noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Evaluates {@code body} without recording. */
    public static <T> T noGrad(Supplier<T> body) {
        try (NoGrad ignored = noGrad()) {
            return body.get();
        }
    }

    /** Handle returned by {@link #noGrad()}; closing it re-enables recording. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    /** Number of recorded operations. */
    public int size() {
        return nodes.size();
    }

    /** Whether {@link #close()} was called. */
    public boolean isReleased() {
        return released;
    }

    /** Backward from a tensor holding a single element (seed 1). */
    public void backward(Tensor loss) {
        if (loss.value().length() != 1) {
            throw new IllegalArgumentException("backward(loss) needs a single-element loss, got shape "
                    + Arrays.toString(loss.shape()) + "; use backward(output, seed)");
        }
        backward(loss, Nd4j.ones(loss.dataType(), loss.shape()), true);
    }

    /** Backward from {@code output} with the given seed gradient (same shape as the output; copied, not kept). */
    public void backward(Tensor output, INDArray seed) {
        backward(output, seed, false);
    }

    private void backward(Tensor output, INDArray seed, boolean freshSeed) {
        checkUsable();
        if (!Arrays.equals(seed.shape(), output.shape())) {
            throw new IllegalArgumentException("backward: seed shape " + Arrays.toString(seed.shape())
                    + " does not match output shape " + Arrays.toString(output.shape()));
        }
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward: " + output
                    + " does not require a gradient (no recorded operation led to it)");
        }
        if (output.tape != null && output.tape != this) {
            if (output.tape.released) {
                throw new IllegalStateException("backward: " + output + " was recorded on a released tape");
            }
            throw new IllegalArgumentException("backward: " + output + " was recorded on another tape");
        }
        for (Node n : nodes) {
            for (Tensor o : n.outputs) {
                o.clearIntermediateGrad(false);
            }
        }
        output.accumulateGrad(seed, freshSeed ? Tensor.Ownership.ADOPT : Tensor.Ownership.COPY);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            INDArray[] gOut = new INDArray[n.outputs.length];
            boolean any = false;
            for (int j = 0; j < gOut.length; j++) {
                gOut[j] = n.outputs[j].grad();
                any |= gOut[j] != null;
            }
            if (!any) {
                continue;
            }
            if (n.function.numOutputs() == 1 && gOut[0] == null) {
                continue;
            }
            INDArray[] gIn = n.function.backward(n.context, gOut);
            if (gIn.length != n.inputs.length) {
                throw new IllegalStateException(n.function.name() + ": backward returned " + gIn.length
                        + " gradients for " + n.inputs.length + " inputs");
            }
            boolean fresh = n.function.freshGradients();
            Tensor.Ownership other = !fresh && n.function.constantGradients() ? Tensor.Ownership.SHARE
                                                                              : Tensor.Ownership.COPY;
            for (int j = 0; j < gIn.length; j++) {
                Tensor in = n.inputs[j];
                if (in.requiresGrad() && gIn[j] != null) {
                    in.accumulateGrad(gIn[j], fresh && !returnedBefore(gIn, j) ? Tensor.Ownership.ADOPT : other);
                }
            }
        }
    }

    /** Whether {@code g[j]} is the same array as an earlier element of {@code g} (then it is not fresh twice). */
    private static boolean returnedBefore(INDArray[] g, int j) {
        for (int k = 0; k < j; k++) {
            if (g[k] == g[j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Releases what the recorded operations saved and the intermediate gradients; leaves keep theirs. A tape from
     * {@link #openFreeingValues()} also frees the values its operations produced.
     */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        for (Node n : nodes) {
            n.context.release();
            for (Tensor o : n.outputs) {
                o.clearIntermediateGrad(freeValues);
            }
        }
        if (freeValues) {
            freeProducedValues();
        }
        nodes.clear();
        OPEN.get().remove(this);
    }

    /** Frees the produced values that share no memory with a value this tape did not produce. */
    private void freeProducedValues() {
        java.util.Set<Tensor> produced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Node n : nodes) {
            produced.addAll(Arrays.asList(n.outputs));
        }
        List<long[]> kept = new ArrayList<>();                          // [start, end) of the others' buffers
        for (Node n : nodes) {
            for (Tensor in : n.inputs) {
                if (!produced.contains(in)) {
                    kept.add(range(in.value()));
                }
            }
        }
        List<long[]> given = new ArrayList<>();                         // two tensors may hold one array
        for (Tensor o : produced) {
            INDArray v = o.value();
            if (v.wasClosed() || !v.closeable()) {
                continue;                                               // views are freed with what they view
            }
            long[] r = range(v);
            if (!overlapsAny(r, kept) && !overlapsAny(r, given)) {
                given.add(r);
                ArrayPool.give(v);
            }
        }
        for (Tensor o : produced) {
            long[] r = o.value().wasClosed() ? null : range(o.value());
            if (r == null || overlapsAny(r, given)) {
                o.markFreed();
            }
        }
    }

    private static boolean overlapsAny(long[] r, List<long[]> ranges) {
        for (long[] k : ranges) {
            if (r[0] < k[1] && k[0] < r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The native memory of the whole buffer under {@code a}. */
    private static long[] range(INDArray a) {
        if (a.isEmpty() || a.wasClosed()) {
            return new long[] {0, 0};
        }
        long start = a.data().address();
        return new long[] {start, start + a.data().length() * a.data().getElementSize()};
    }

    private void checkUsable() {
        if (released) {
            throw new IllegalStateException("this tape was released (closed)");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a tape is confined to the thread that opened it");
        }
    }

    static Tensor[] apply(Function f, Tensor[] inputs) {
        INDArray[] values = new INDArray[inputs.length];
        boolean[] needs = new boolean[inputs.length];
        boolean anyNeeds = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                throw new IllegalArgumentException(f.name() + ": input " + i + " is null");
            }
            if (t.tape != null && t.tape.released && t.requiresGrad()) {
                throw new IllegalStateException(f.name() + ": input " + i + " (" + t
                        + ") was recorded on a released tape; detach() it to use its value");
            }
            values[i] = t.value();
            needs[i] = t.requiresGrad();
            anyNeeds |= needs[i];
        }
        Tape tape = isRecording() ? current() : null;
        boolean record = tape != null && anyNeeds;
        Context ctx = new Context(needs, record);
        INDArray[] out = f.forward(ctx, values);
        if (out.length != f.numOutputs()) {
            throw new IllegalStateException(f.name() + ": forward returned " + out.length + " outputs, declared "
                    + f.numOutputs());
        }
        Tensor[] outputs = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) {
            outputs[i] = new Tensor(out[i], record);
        }
        if (record) {
            Node node = new Node(f, ctx, inputs.clone(), outputs);
            for (Tensor o : outputs) {
                o.tape = tape;
                o.creator = node;
            }
            tape.nodes.add(node);
        } else {
            ctx.release();
        }
        return outputs;
    }
}
