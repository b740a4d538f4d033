package org.momentumrnn4j.sequence;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread reusable native matrices for the fused sweep's transient GEMM operands (the input projection, the
 * stacked δ's, the stacked hidden states). Allocating and freeing these 10–50 MB buffers on every call cost more
 * than the arithmetic (libnd4j's allocateDataBuffer dominated a profile of shape B); a buffer is kept per thread,
 * data type and role and grows when a larger one is needed. Contents are undefined on return; never hand these
 * arrays out of the operation.
 */
final class NativeScratch {
    private static final ThreadLocal<Map<String, INDArray>> POOL = ThreadLocal.withInitial(HashMap::new);

    private NativeScratch() {}

    /** A dense {@code [rows, cols]} matrix of {@code type} for {@code role}, reused across calls on this thread. */
    static INDArray matrix(String role, DataType type, long rows, long cols) {
        Map<String, INDArray> pool = POOL.get();
        String key = role + "/" + type;
        INDArray a = pool.get(key);
        long need = rows * cols;
        if (a == null || a.length() < need) {
            if (a != null) {
                a.close();
            }
            a = Nd4j.createUninitialized(type, Math.max(need, 1));
            pool.put(key, a);
        }
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, need)).reshape('c', rows, cols);
    }

    private static final ThreadLocal<Map<String, INDArray>> EXACT = ThreadLocal.withInitial(HashMap::new);

    /**
     * A dense, c-ordered {@code [rows, cols]} matrix of {@code type} for {@code role} (not a view, as {@link StepGemm}
     * needs), reused across calls on this thread while the shape stays the same.
     */
    static INDArray exact(String role, DataType type, long rows, long cols) {
        Map<String, INDArray> pool = EXACT.get();
        String key = role + "/" + type;
        INDArray a = pool.get(key);
        if (a == null || a.rows() != rows || a.columns() != cols) {
            if (a != null) {
                a.close();
            }
            a = Nd4j.createUninitialized(type, rows, cols);
            pool.put(key, a);
        }
        return a;
    }
}
