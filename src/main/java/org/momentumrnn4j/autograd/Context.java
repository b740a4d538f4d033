package org.momentumrnn4j.autograd;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link Function}'s forward leaves for its backward: saved arrays, owned scratch buffers and
 * which inputs need a gradient.
 *
 * <p>{@link #save} keeps a reference (for example to an input value); {@link #own} additionally hands the
 * array to the tape, which closes it (frees its native memory) when the tape is released. Only arrays
 * created by the function itself and not returned as outputs may be owned.
 */
public final class Context {
    private final boolean[] needsInputGrad;
    private final boolean recording;
    private final List<INDArray> saved = new ArrayList<>();
    private final List<INDArray> owned = new ArrayList<>();
    private final List<Context> parts = new ArrayList<>();
    private Object state;
    private boolean released;

    Context(boolean[] needsInputGrad, boolean recording) {
        this.needsInputGrad = needsInputGrad;
        this.recording = recording;
    }

    /**
     * A context for a function that a composite function runs on a part of its inputs (for example one batch
     * slice of a fused sweep): the same recording flag and input-gradient flags, released together with
     * {@code parent}. Thread-safe, so that parts may be created from worker threads.
     */
    public static Context part(Context parent) {
        Context c = new Context(parent.needsInputGrad.clone(), parent.recording);
        synchronized (parent.parts) {
            parent.parts.add(c);
        }
        return c;
    }

    /** Whether a backward pass may follow: forward may skip saving when this is false. */
    public boolean isRecording() {
        return recording;
    }

    /** Whether input {@code i} requires a gradient (backward may return {@code null} for it otherwise). */
    public boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }

    /** Saves arrays for backward, retrievable with {@link #saved(int)} in the same order. */
    public void save(INDArray... arrays) {
        for (INDArray a : arrays) {
            saved.add(a);
        }
    }

    /** Saves an array that this function created and hands its native memory to the tape. */
    public INDArray own(INDArray array) {
        saved.add(array);
        owned.add(array);
        return array;
    }

    /** The {@code i}-th saved array. */
    public INDArray saved(int i) {
        if (released) {
            throw new IllegalStateException("the tape that recorded this operation was released");
        }
        return saved.get(i);
    }

    /** Attaches arbitrary non-array state (for example a fused kernel's workspace). */
    public void setState(Object newState) {
        this.state = newState;
    }

    /** The state attached with {@link #setState}. */
    @SuppressWarnings("unchecked")
    public <T> T state() {
        if (released) {
            throw new IllegalStateException("the tape that recorded this operation was released");
        }
        return (T) state;
    }

    void release() {
        if (released) {
            return;
        }
        released = true;
        synchronized (parts) {
            for (Context c : parts) {
                c.release();
            }
            parts.clear();
        }
        for (INDArray a : owned) {
            if (a != null && a.closeable() && !a.wasClosed()) {
                a.close();
            }
        }
        if (state instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("failed to release the state of an operation", e);
            }
        }
        owned.clear();
        saved.clear();
        state = null;
    }
}
