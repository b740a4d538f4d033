package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class SplitTest {

    @Test
    void disjointCoveringAndSeeded() {
        IndexDataset data = new IndexDataset(1000);
        Dataset[] s = Split.trainValidation(data, 0.1, 3L);
        Subset train = (Subset) s[0];
        Subset valid = (Subset) s[1];
        assertEquals(900, train.size());
        assertEquals(100, valid.size());
        boolean[] seen = new boolean[1000];
        for (Subset sub : new Subset[] {train, valid}) {
            for (int i : sub.indices()) {
                assertFalse(seen[i], "index " + i + " in both subsets");
                seen[i] = true;
            }
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(true, seen[i], "index " + i + " covered");
        }
        int[] sorted = valid.indices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, valid.indices(), "ascending within a subset");
        assertArrayEquals(valid.indices(), ((Subset) Split.trainValidation(data, 0.1, 3L)[1]).indices(), "seeded");
        assertFalse(Arrays.equals(valid.indices(), ((Subset) Split.trainValidation(data, 0.1, 4L)[1]).indices()));
        assertArrayEquals(((Subset) Split.trainValidation(data, 0.1, 12345L)[1]).indices(),
                ((Subset) Split.trainValidation(data, 0.1)[1]).indices(), "default seed 12345");
        // not simply a contiguous block
        assertFalse(valid.indices()[99] - valid.indices()[0] == 99);

        // batches map through to the parent
        Batch b = valid.batch(new int[] {2, 0});
        assertArrayEquals(new double[] {valid.indices()[2], valid.indices()[0]},
                b.inputs().reshape(2).toDoubleVector(), 0.0);
    }

    @Test
    void rejectsFractionsThatLeaveASideEmpty() {
        IndexDataset data = new IndexDataset(10);
        assertThrows(IllegalArgumentException.class, () -> Split.trainValidation(data, 0.0, 1L));
        assertThrows(IllegalArgumentException.class, () -> Split.trainValidation(data, 1.0, 1L));
        assertThrows(IllegalArgumentException.class, () -> Split.trainValidation(data, 0.01, 1L));
        assertThrows(IllegalArgumentException.class, () -> Split.trainValidation(data, 0.99, 1L));
        assertThrows(IllegalArgumentException.class, () -> Split.trainValidation(data, Double.NaN, 1L));
        assertThrows(IllegalArgumentException.class, () -> new Subset(data, new int[] {10}));
        assertEquals(1, Split.trainValidation(data, 0.1, 1L)[1].size());
    }

    /** Sample i is the single value i: inputs [B, 1, 1]. */
    static final class IndexDataset implements Dataset {
        private final int n;

        IndexDataset(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Batch batch(int[] indices) {
            double[] v = new double[indices.length];
            int[] y = new int[indices.length];
            for (int k = 0; k < v.length; k++) {
                v[k] = indices[k];
            }
            return new Batch(DataArrays.create(v, new long[] {v.length, 1, 1}, DataType.DOUBLE), null,
                    new Target.Labels(y, 1));
        }

        @Override
        public String describe() {
            return "indices 0.." + (n - 1);
        }
    }
}
