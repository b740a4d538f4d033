package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.testing.ResidentMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training step of MomentumLSTM at T = 2000, batch 32, hidden 128 (float32, input width 1) runs 20 times in
 * the default test JVM without native memory growing.
 *
 * <p>Instrument: the memory resident outside the Java heap's reserved range ({@link ResidentMemory}; ND4J's own
 * trackers report 0 in M2.1). The earlier instrument, resident set minus committed heap, also moved with heap
 * pages the collector touched for the first time (it once read +163 MiB over these 15 steps).
 *
 * <p>ND4J frees an array's native buffer when the collector finds the array unreachable, and glibc keeps freed
 * chunks of its arenas resident (allocations below its dynamic mmap threshold, up to 32 MiB, land there — one
 * [T, B, H] float array here is 31.25 MiB). Untrimmed, the resident set therefore records the high-water mark of
 * however much garbage the collector once let pile up: the same code, measured after a collection, read flat over
 * 60 steps in one run and a +135 MiB plateau from step 15 in another (+63 MiB in two of three runs with a
 * collection after every step). Each measurement therefore collects and then trims the native heap
 * ({@link ResidentMemory#trimNativeHeap()}): what remains is memory that is still in use, and growth of it is a
 * leak, not the collector's timing.
 *
 * <p>Bound: after 5 warm-up steps, the memory resident outside the heap may grow by at most 128 MiB over the next
 * 15 steps. One step's own native arrays are about 2000·32·(1 + 512 + 128) floats ≈ 164 MB transient (the input
 * projection and its gradient are the largest); a leak of one step's arrays per step would grow it by more than
 * 2 GB over 15 steps, a leak of one [T, B, H] array per step by 469 MiB, so the bound separates "no growth" from
 * "leaks every step" with room for allocator and JIT noise (the measure also contains code cache and metaspace).
 * The test also checks that the instrument sees a 256 MiB ND4J array come and go.
 */
class LongSequenceMemoryTest {
    @Test
    void twentyTrainingStepsDoNotGrowNativeMemory() {
        assumeTrue(ResidentMemory.available(), "needs /proc/self/smaps (Linux) to measure native memory");
        ResidentMemory memory = ResidentMemory.open();
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
                peak = Math.max(peak, memory.outsideHeap());
            }
            if (step == 5 || step == 20) {
                long settled = settle(memory);
                if (step == 5) {
                    afterWarmup = settled;
                    continue;
                }
                long growth = settled - afterWarmup;
                System.out.printf("native memory (resident outside the Java heap): after 5 steps %.1f MiB, after 20 steps %.1f MiB, "
                        + "growth %.1f MiB, peak %.1f MiB; heap resident %.1f MiB of %.1f MiB committed%n",
                        afterWarmup / 1048576.0, settled / 1048576.0, growth / 1048576.0, peak / 1048576.0,
                        memory.insideHeap() / 1048576.0, Runtime.getRuntime().totalMemory() / 1048576.0);
                assertTrue(growth < 128L << 20, "native memory grew by " + growth / 1048576 + " MiB over 15 steps");
                // the instrument sees native allocations: a 256 MiB ND4J array shows up, and goes after close()
                long before = memory.outsideHeap();
                INDArray probe = org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, 64L << 20).assign(1);
                long with = memory.outsideHeap();
                probe.close();
                long after = memory.outsideHeap();
                assertTrue(with - before > 200L << 20, "measure saw only " + (with - before) / 1048576 + " MiB of 256");
                assertTrue(with - after > 200L << 20, "measure saw only " + (with - after) / 1048576 + " MiB of 256 go");
            }
        }
        for (Tensor p : cell.parameters().values()) {
            assertTrue(p.grad() != null && p.grad().amaxNumber().doubleValue() > 0);
        }
    }

    /** Frees unreachable arrays (collections; ND4J's deallocator threads free the buffers), trims, measures. */
    private static long settle(ResidentMemory memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!ResidentMemory.trimNativeHeap()) {
            System.out.println("this JVM has no System.trim_native_heap (JDK 17.0.9+): measuring untrimmed");
        }
        return memory.outsideHeap();
    }
}
