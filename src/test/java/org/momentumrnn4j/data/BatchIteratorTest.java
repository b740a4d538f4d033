package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.sequence.SequenceMask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchIteratorTest {

    /** The sample indices of one epoch, and the batch sizes. */
    private static int[] epoch(BatchIterator it, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        while (it.hasNext()) {
            Batch b = it.next();
            sizes.add(b.size());
            for (double v : b.inputs().reshape(b.size()).toDoubleVector()) {
                seen.add((int) v);
            }
        }
        return seen.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void shuffledEpochIsASeededPermutation() {
        SplitTest.IndexDataset data = new SplitTest.IndexDataset(103);
        List<Integer> sizes = new ArrayList<>();
        BatchIterator it = new BatchIterator(data, 10, true, 9L, false);
        assertEquals(11, it.numBatches());
        int[] order = epoch(it, sizes);
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes, "last partial batch of 103 % 10");
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] identity = new int[103];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted, "every sample exactly once");
        assertFalse(Arrays.equals(identity, order), "shuffled");
        assertArrayEquals(order, epoch(new BatchIterator(data, 10, true, 9L, false), new ArrayList<>()), "seeded");
        assertFalse(Arrays.equals(order, epoch(new BatchIterator(data, 10, true, 10L, false), new ArrayList<>())));
        assertArrayEquals(identity, epoch(new BatchIterator(data, 10, false, 9L, false), new ArrayList<>()),
                "unshuffled: in order");
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void dropLastSkipsThePartialBatch() {
        SplitTest.IndexDataset data = new SplitTest.IndexDataset(103);
        List<Integer> sizes = new ArrayList<>();
        BatchIterator it = new BatchIterator(data, 10, true, 9L, true);
        assertEquals(10, it.numBatches());
        int[] order = epoch(it, sizes);
        assertEquals(100, order.length);
        assertTrue(sizes.stream().allMatch(s -> s == 10));
        assertEquals(1, new BatchIterator(data, 103, false, 0L, true).numBatches());
        assertThrows(IllegalArgumentException.class, () -> new BatchIterator(data, 0, false, 0L, false));
    }

    @Test
    void variableLengthBatchesCarryPrefixMasks() {
        int[] lengths = {3, 7, 1, 5, 2};
        List<INDArray> seqs = new ArrayList<>();
        List<INDArray> targets = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            double[] v = new double[lengths[i] * 2];
            for (int t = 0; t < lengths[i]; t++) {
                v[2 * t] = 100 * i + t + 1;   // never zero: padding shows as zeros
                v[2 * t + 1] = -(100 * i + t + 1);
            }
            seqs.add(Nd4j.create(v, new long[] {lengths[i], 2}, DataType.DOUBLE));
            double[] y = new double[lengths[i]];
            for (int t = 0; t < lengths[i]; t++) {
                y[t] = 100 * i + t + 1;
            }
            targets.add(Nd4j.create(y, new long[] {lengths[i], 1}, DataType.DOUBLE));
        }
        VariableLengthDataset labelled = VariableLengthDataset.withLabels(seqs, new int[] {0, 1, 2, 1, 0}, 3,
                DataType.DOUBLE);
        BatchIterator it = new BatchIterator(labelled, 2, true, 4L, false);
        int batches = 0;
        boolean[] seen = new boolean[lengths.length];
        while (it.hasNext()) {
            Batch b = it.next();
            batches++;
            SequenceMask m = b.mask();
            assertNotNull(m);
            int[] ml = m.lengths();
            int tMax = Arrays.stream(ml).max().getAsInt();
            assertEquals(tMax, b.steps(), "padded to the batch's own longest sequence");
            for (int k = 0; k < b.size(); k++) {
                int i = (int) Math.round(b.inputs().getDouble(k, 0, 0)) / 100;   // sample id from the first step
                seen[i] = true;
                assertEquals(lengths[i], ml[k], "mask length of sample " + i);
                assertEquals(new int[] {0, 1, 2, 1, 0}[i], ((Target.Labels) b.target()).labels()[k]);
                for (int t = 0; t < tMax; t++) {
                    assertEquals(t < lengths[i], m.isReal(k, t));
                    double expected = t < lengths[i] ? 100 * i + t + 1 : 0.0;
                    assertEquals(expected, b.inputs().getDouble(k, t, 0), 0.0);
                    assertEquals(-expected, b.inputs().getDouble(k, t, 1), 0.0);
                }
            }
        }
        assertEquals(3, batches);
        for (boolean s : seen) {
            assertTrue(s);
        }

        VariableLengthDataset regression = VariableLengthDataset.withStepValues(seqs, targets);
        Batch b = regression.batch(new int[] {2, 1});
        assertEquals(DataType.FLOAT, b.inputs().dataType(), "FLOAT by default");
        INDArray y = ((Target.StepValues) b.target()).values();
        assertArrayEquals(new long[] {2, 7, 1}, y.shape());
        assertArrayEquals(new int[] {1, 7}, b.mask().lengths());
        assertEquals(201.0, y.getDouble(0, 0, 0), 0.0);
        assertEquals(0.0, y.getDouble(0, 1, 0), 0.0, "padded target steps are zero");
        assertEquals(107.0, y.getDouble(1, 6, 0), 0.0);
    }

    @Test
    void paddingValidatesAndPads() {
        INDArray a = Nd4j.ones(DataType.DOUBLE, 2, 3);
        INDArray c = Nd4j.ones(DataType.DOUBLE, 4, 3);
        Padding.Padded p = Padding.pad(List.of(a, c), DataType.DOUBLE);
        assertArrayEquals(new long[] {2, 4, 3}, p.values().shape());
        assertArrayEquals(new int[] {2, 4}, p.mask().lengths());
        assertEquals(2 * 3 + 4 * 3, p.values().sumNumber().doubleValue(), 0.0);
        assertArrayEquals(p.mask().toArray(DataType.DOUBLE).toDoubleMatrix(),
                SequenceMask.fromLengths(new int[] {2, 4}, 4).toArray(DataType.DOUBLE).toDoubleMatrix());
        var e = assertThrows(IllegalArgumentException.class,
                () -> Padding.pad(List.of(a, Nd4j.ones(DataType.DOUBLE, 4, 2))));
        assertTrue(e.getMessage().contains("sequences[1] has 2 features but sequences[0] has 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Padding.pad(List.of(Nd4j.ones(DataType.DOUBLE, 3))));
        assertThrows(IllegalArgumentException.class, () -> Padding.pad(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> VariableLengthDataset.withStepValues(List.of(a), List.of(Nd4j.ones(DataType.DOUBLE, 3, 1))));
        assertThrows(IllegalArgumentException.class,
                () -> VariableLengthDataset.withLabels(List.of(a), new int[] {5}, 3));
    }
}
