package org.momentumrnn4j.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.momentumrnn4j.autograd.Context;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.autograd.OpRegistry;
import org.momentumrnn4j.runtime.HelperThread;
import org.momentumrnn4j.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A fused sweep whose batch is split into slices that run on separate threads: the samples of a batch are
 * independent through the whole recurrence, so each slice is a complete {@link FusedSweep} (or
 * {@code FusedSweepFloat}) of its own, with its own per-step GEMMs, and the slices' parameter gradients are
 * summed. This is how the library uses several cores: recurrent work is a long chain of small products, which a
 * multithreaded BLAS cannot split well ({@link NativeRuntime#sweepThreads()}).
 *
 * <p>Same inputs and outputs as the sweep it splits (x {@code [B, T, F]} and the state slots are sliced along
 * the batch, the parameters are shared read-only; Y and the final state are concatenated). Slice 0 runs on the
 * calling thread, the others on a shared pool of daemon threads; a sweep started from a pool thread runs its
 * slices one after the other. Results do not depend on the thread timing: each slice is deterministic and the
 * parameter gradients are summed in slice order.
 */
final class BatchSplitSweep extends Function {
    static {
        OpRegistry.register("batch_split_sweep", BatchSplitSweep.class);
    }

    /** Fewest samples a slice gets. */
    static final int MIN_ROWS = 4;

    /** Tests in this package set this to force a number of slices; null means {@link #slices(int)}'s choice. */
    static volatile Integer override;

    private static ExecutorService executor;                             // guarded by the class
    private static int executorSize;
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

    private final Function[] parts;
    private final int[] starts;          // slice i is rows [starts[i], starts[i + 1])
    private final int numSlots;

    /**
     * @param starts  slice boundaries, {@code 0 = starts[0] < … < starts[k] = batch}
     * @param part    creates the sweep of slice i (its batch is {@code starts[i + 1] − starts[i]})
     */
    BatchSplitSweep(int[] starts, int numSlots, IntFunction<Function> part) {
        this.starts = starts.clone();
        this.numSlots = numSlots;
        this.parts = new Function[starts.length - 1];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = part.apply(i);
        }
    }

    /** How many slices a sweep of {@code batch} samples uses: the sweep threads, at most one per {@link #MIN_ROWS}. */
    static int slices(int batch) {
        Integer forced = override;
        int threads = forced != null ? forced : NativeRuntime.sweepThreads();
        return Math.max(1, Math.min(threads, forced != null ? batch : batch / MIN_ROWS));
    }

    /** Near-equal slice boundaries of {@code batch} rows in {@code k} slices. */
    static int[] boundaries(int batch, int k) {
        int[] s = new int[k + 1];
        for (int i = 0; i <= k; i++) {
            s[i] = (int) ((long) batch * i / k);
        }
        return s;
    }

    /** The slice of a time-major mask {@code [T·B]} for rows {@code [b0, b1)}; null stays null. */
    static boolean[] sliceMask(boolean[] mask, int steps, int batch, int b0, int b1) {
        if (mask == null) {
            return null;
        }
        int n = b1 - b0;
        boolean[] m = new boolean[steps * n];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(mask, t * batch + b0, m, t * n, n);
        }
        return m;
    }

    @Override
    public String name() {
        return "batch_split_sweep";
    }

    /**
     * The whole batch's arrays are new, and each parameter's sum is a slice's own array (parts are fused sweeps, of
     * either precision: until session 6 only the float64 one was recognized, and float32 layers copied their
     * parameter gradients, 1 MB for U at hidden 256, every step).
     */
    @Override
    protected boolean freshGradients() {
        for (Function part : parts) {
            if (!(part instanceof SliceSink)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int numOutputs() {
        return 1 + numSlots;
    }

    private static INDArray rows(INDArray a, int b0, int b1) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(b0, b1);
        for (int d = 1; d < idx.length; d++) {
            idx[d] = NDArrayIndex.all();
        }
        return a.get(idx);
    }

    /** Slices' contexts, kept for backward. */
    private static final class Parts {
        final Context[] contexts;
        INDArray x;                  // the input [B, T, F] and initial state slots (for their shapes and types)
        INDArray[] slots;

        Parts(int n) {
            contexts = new Context[n];
        }
    }

    /**
     * Arrays for the whole batch's per-sample results, one per index in {@code 0..numSlots}: {@code shapes[j]} of
     * {@code types[j]}, or null where {@code skip[j]}; each slice is told ({@link SliceSink}) to write its rows
     * into them. Null (slices concatenated afterwards) if a slice cannot.
     */
    private INDArray[] destinations(long[][] shapes, DataType[] types, boolean[] skip, boolean forward) {
        for (Function part : parts) {
            if (!(part instanceof SliceSink)) {
                return null;
            }
        }
        INDArray[] full = new INDArray[shapes.length];
        for (int j = 0; j < full.length; j++) {
            full[j] = skip[j] ? null : org.momentumrnn4j.autograd.ArrayPool.take(types[j], shapes[j]);
        }
        for (int i = 0; i < parts.length; i++) {
            INDArray[] rows = new INDArray[full.length];
            for (int j = 0; j < full.length; j++) {
                rows[j] = full[j] == null ? null : rows(full[j], starts[i], starts[i + 1]);
            }
            if (forward) {
                ((SliceSink) parts[i]).writeInto(rows, null);
            } else {
                ((SliceSink) parts[i]).writeInto(null, rows);
            }
        }
        return full;
    }

    @Override
    protected INDArray[] forward(Context ctx, INDArray[] inputs) {
        Parts state = new Parts(parts.length);
        state.x = inputs[0];
        state.slots = java.util.Arrays.copyOfRange(inputs, 1, numSlots + 1);
        long[][] shapes = new long[numOutputs()][];
        DataType[] types = new DataType[numOutputs()];
        shapes[0] = new long[] {inputs[0].size(0), inputs[0].size(1), inputs[1].size(1)};     // Y [B, T, H]
        types[0] = inputs[0].dataType();                                                      // the sweep's type is x's
        for (int j = 1; j <= numSlots; j++) {                                                  // final state: initial's shapes
            shapes[j] = inputs[j].shape();
            types[j] = inputs[0].dataType();
        }
        INDArray[] full = destinations(shapes, types, new boolean[numOutputs()], true);
        INDArray[][] outs = runAll(i -> {
            Context c = Context.part(ctx);
            state.contexts[i] = c;
            INDArray[] in = inputs.clone();
            for (int j = 0; j <= numSlots; j++) {
                in[j] = rows(inputs[j], starts[i], starts[i + 1]);
            }
            return forwardPart(parts[i], c, in);
        });
        ctx.setState(state);
        INDArray[] result = new INDArray[numOutputs()];
        for (int j = 0; j < result.length; j++) {
            result[j] = full != null ? full[j] : concatRows(outs, j);
        }
        return result;
    }

    @Override
    protected INDArray[] backward(Context ctx, INDArray[] gradOutputs) {
        Parts state = ctx.state();
        long[][] shapes = new long[numSlots + 1][];
        DataType[] types = new DataType[numSlots + 1];
        boolean[] skip = new boolean[numSlots + 1];
        for (int j = 0; j <= numSlots; j++) {                                  // δx and the initial state's gradients
            shapes[j] = (j == 0 ? state.x : state.slots[j - 1]).shape();
            types[j] = state.x.dataType();
        }
        skip[0] = !state.contexts[0].needsInputGrad(0);
        INDArray[] full = destinations(shapes, types, skip, false);
        INDArray[][] grads = runAll(i -> {
            INDArray[] g = new INDArray[gradOutputs.length];
            for (int j = 0; j < g.length; j++) {
                g[j] = gradOutputs[j] == null ? null : rows(gradOutputs[j], starts[i], starts[i + 1]);
            }
            return backwardPart(parts[i], state.contexts[i], g);
        });
        int inputs = grads[0].length;
        INDArray[] result = new INDArray[inputs];
        for (int j = 0; j <= numSlots; j++) {
            result[j] = full != null && full[j] != null ? full[j] : concatRows(grads, j);
        }
        for (int j = numSlots + 1; j < inputs; j++) {                          // parameters: summed over the slices
            INDArray sum = null;                                               // the slices' arrays are their own
            for (INDArray[] g : grads) {
                if (g[j] == null) {
                    continue;
                }
                if (sum == null) {
                    sum = g[j];
                } else {
                    sum.addi(g[j]);
                    org.momentumrnn4j.autograd.ArrayPool.give(g[j]);           // the slice's own array
                }
            }
            result[j] = sum;
        }
        return result;
    }

    /** Concatenates output j of every slice along the batch and frees the slices' arrays. */
    private static INDArray concatRows(INDArray[][] perSlice, int j) {
        List<INDArray> pieces = new ArrayList<>(perSlice.length);
        for (INDArray[] s : perSlice) {
            if (s[j] != null) {
                pieces.add(s[j]);
            }
        }
        if (pieces.isEmpty()) {
            return null;
        }
        if (pieces.size() != perSlice.length) {
            throw new IllegalStateException("a slice returned no array for output " + j);
        }
        INDArray joined = Nd4j.concat(0, pieces.toArray(new INDArray[0]));
        for (INDArray p : pieces) {
            if (p.closeable() && !p.wasClosed()) {
                p.close();
            }
        }
        return joined;
    }

    private interface SliceTask {
        INDArray[] run(int slice);
    }

    /** Runs every slice, slice 0 on this thread, and rethrows the first failure. */
    private INDArray[][] runAll(SliceTask task) {
        int k = parts.length;
        INDArray[][] out = new INDArray[k][];
        if (k == 1 || IN_POOL.get()) {
            for (int i = 0; i < k; i++) {
                out[i] = task.run(i);
            }
            return out;
        }
        HelperThread.rest();                                    // the slices use every core: no polling beside them
        ExecutorService p = pool(k - 1);
        List<Future<INDArray[]>> futures = new ArrayList<>(k - 1);
        for (int i = 1; i < k; i++) {
            int slice = i;
            futures.add(p.submit(() -> task.run(slice)));
        }
        RuntimeException failure = null;
        try {
            out[0] = task.run(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int i = 1; i < k; i++) {
            try {
                out[i] = futures.get(i - 1).get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for a batch slice", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    /** The shared pool, grown when a sweep needs more workers than it has. */
    private static synchronized ExecutorService pool(int workers) {
        if (executor == null || executorSize < workers) {
            ExecutorService old = executor;
            AtomicInteger count = new AtomicInteger();
            executor = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(() -> {
                    IN_POOL.set(true);
                    r.run();
                }, "momentumrnn4j-sweep-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            executorSize = workers;
            if (old != null) {
                old.shutdown();
            }
        }
        return executor;
    }
}
