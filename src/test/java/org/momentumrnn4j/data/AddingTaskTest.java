package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class AddingTaskTest {

    @Test
    void markersValuesAndTargets() {
        for (int length : new int[] {2, 3, 10, 11}) {
            int half = length / 2;
            int n = 2000;
            AddingTask task = new AddingTask(length, n, 5L, DataType.DOUBLE);
            boolean[] hit = new boolean[length];
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Batch batch = task.batch(idx);
            assertArrayEquals(new long[] {n, length, 2}, batch.inputs().shape());
            double[] x = batch.inputs().dup('c').data().asDouble();
            Target.Values target = (Target.Values) batch.target();
            assertArrayEquals(new long[] {n, 1}, target.values().shape());
            double[] y = target.values().dup('c').data().asDouble();
            for (int b = 0; b < n; b++) {
                int i1 = -1;
                int i2 = -1;
                int markers = 0;
                for (int t = 0; t < length; t++) {
                    double v = x[(b * length + t) * 2];
                    double m = x[(b * length + t) * 2 + 1];
                    assertTrue(v >= 0.0 && v <= 1.0, "values in [0, 1]");
                    assertTrue(m == 0.0 || m == 1.0, "markers are 0 or 1");
                    if (m == 1.0) {
                        markers++;
                        if (i1 < 0) {
                            i1 = t;
                        } else {
                            i2 = t;
                        }
                    }
                }
                assertEquals(2, markers, "exactly two markers");
                assertTrue(i1 >= 0 && i1 < half, "i1 = " + i1 + " in {0 .. ⌊T/2⌋ − 1}");
                assertTrue(i2 >= half && i2 < length, "i2 = " + i2 + " in {⌊T/2⌋ .. T − 1}");
                hit[i1] = true;
                hit[i2] = true;
                assertEquals(x[(b * length + i1) * 2] + x[(b * length + i2) * 2], y[b], 0.0, "target is the sum");
                AddingTask.Sample s = task.sample(b);
                assertEquals(i1, s.first());
                assertEquals(i2, s.second());
            }
            for (int t = 0; t < length; t++) {
                assertTrue(hit[t], "T = " + length + ": marker position " + t + " never drawn in " + n + " samples");
            }
        }
    }

    /**
     * Predicting 1 has expected MSE Var(X1 + X2) = 1/6. With S = X1 + X2 − 1 (triangular on [−1, 1]),
     * E[S⁴] = 1/15, so sd(S²) = √(1/15 − 1/36) ≈ 0.197 and the mean of 20000 samples has sd ≈ 0.0014;
     * the tolerance 0.01 is about 7 sd.
     */
    @Test
    void predictingOneHasTheBaselineMse() {
        int n = 20000;
        AddingTask task = new AddingTask(50, n);   // FLOAT, default seed
        double sum = 0;
        int chunk = 1000;
        for (int start = 0; start < n; start += chunk) {
            int[] idx = new int[chunk];
            for (int k = 0; k < chunk; k++) {
                idx[k] = start + k;
            }
            Batch b = task.batch(idx);
            assertEquals(DataType.FLOAT, b.inputs().dataType());
            for (double y : ((Target.Values) b.target()).values().toDoubleVector()) {
                sum += (y - 1) * (y - 1);
            }
        }
        double mse = sum / n;
        System.out.println("adding task: MSE of predicting 1 over " + n + " samples = " + mse + " (1/6 = "
                + AddingTask.baseline() + ")");
        assertEquals(AddingTask.baseline(), mse, 0.01);
        assertEquals(1.0 / 6.0, AddingTask.baseline(), 0.0);
    }

    @Test
    void deterministicPerSeedAndIndex() {
        AddingTask a = new AddingTask(20, 100);
        AddingTask b = new AddingTask(20, 100, 12345L, DataType.FLOAT);
        AddingTask c = new AddingTask(20, 100, 1L, DataType.FLOAT);
        assertEquals(12345L, a.seed());
        assertArrayEquals(a.batch(new int[] {3, 4}).inputs().dup('c').data().asFloat(),
                b.batch(new int[] {3, 4}).inputs().dup('c').data().asFloat());
        assertArrayEquals(a.sample(4).values(), a.batch(new int[] {9, 4}).inputs().castTo(DataType.DOUBLE)
                .get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0)).toDoubleVector(), 1e-7);
        assertNotEquals(a.sample(4).target(), c.sample(4).target());
        assertNotEquals(a.sample(4).target(), a.sample(5).target());
    }

    @Test
    void rejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AddingTask(1, 10));
        assertTrue(e.getMessage().contains("length T") && e.getMessage().contains("got 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AddingTask(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new AddingTask(10, 10).batch(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new AddingTask(10, 10).batch(new int[0]));
    }
}
