package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training step of MomentumLSTM at T = 2000, batch 32, hidden 128 (float32, input width 1) runs 20 times in
 * the default test JVM without native memory growing.
 *
 * <p>Bound: after 5 warm-up steps, the memory resident outside the Java heap ({@link #nativeBytes()},
 * measured after a GC so that unreachable arrays are freed) may grow by at most 128 MiB over the next 15 steps.
 * One step's own native arrays are about 2000·32·(1 + 512 + 128) floats ≈ 164 MB transient (the input
 * projection and its gradient are the largest); a leak of one step's arrays per step would grow it by more
 * than 2 GB over 15 steps, so the bound separates "no growth" from "leaks every step" with room for
 * allocator and JIT noise (the measure also contains code cache and metaspace).
 */
class LongSequenceMemoryTest {
    @Test
    void twentyTrainingStepsDoNotGrowNativeMemory() {
        MomentumCell cell = MomentumCell.builder().lstm(1, 128).mu(0.6).stepSize(0.6).build();
        RecurrentLayer layer = RecurrentLayer.of(cell);
        INDArray x = FusedVsGenericTest.gaussian(1, DataType.FLOAT, 32, 2000, 1);
        long afterWarmup = 0;
        long peak = 0;
        for (int step = 1; step <= 20; step++) {
            cell.parameters().values().forEach(Tensor::zeroGrad);
            try (Tape tape = Tape.open()) {
                SequenceOutput o = layer.forward(Tensor.constant(x));
                tape.backward(Ops.mean(o.output()));
                peak = Math.max(peak, nativeBytes());
            }
            if (step == 5 || step == 20) {
                long settled = settle();
                if (step == 5) {
                    afterWarmup = settled;
                } else {
                    long growth = settled - afterWarmup;
                    System.out.printf("native memory (resident set minus committed heap): after 5 steps %.1f MiB, after 20 steps %.1f MiB, "
                            + "growth %.1f MiB, peak %.1f MiB, physical %.1f MiB%n", afterWarmup / 1048576.0,
                            settled / 1048576.0, growth / 1048576.0, peak / 1048576.0, Pointer.physicalBytes() / 1048576.0);
                    assertTrue(growth < 128L << 20, "native memory grew by " + growth / 1048576 + " MiB over 15 steps");
                    // the instrument sees native allocations: a 256 MiB ND4J array shows up, and goes after close()
                    long before = nativeBytes();
                    INDArray probe = org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, 64L << 20).assign(1);
                    long with = nativeBytes();
                    probe.close();
                    assertTrue(with - before > 200L << 20, "measure saw only " + (with - before) / 1048576 + " MiB of 256");
                }
            }
        }
        for (Tensor p : cell.parameters().values()) {
            assertTrue(p.grad() != null && p.grad().amaxNumber().doubleValue() > 0);
        }
    }

    /**
     * Resident memory outside the Java heap: the process's resident set ({@link Pointer#physicalBytes()}) minus
     * the committed heap. ND4J 1.0.0-M2.1 allocates its buffers in libnd4j without a Java-side tally
     * (its allocation tracker and JavaCPP's {@code totalBytes()} both report 0), so the resident set is the
     * measure that sees them.
     */
    private static long nativeBytes() {
        return Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
    }

    private static long settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return nativeBytes();
    }
}
