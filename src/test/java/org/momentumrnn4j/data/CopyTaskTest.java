package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CopyTaskTest {

    /** The symbol of each step from a one-hot [B, T, 10] array, checking one-hot validity on the way. */
    static int[][] decode(INDArray x) {
        int b = (int) x.size(0);
        int t = (int) x.size(1);
        assertEquals(CopyTask.SYMBOLS, x.size(2));
        double[] v = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int[][] s = new int[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                int hot = -1;
                for (int c = 0; c < CopyTask.SYMBOLS; c++) {
                    double e = v[(i * t + j) * CopyTask.SYMBOLS + c];
                    assertTrue(e == 0.0 || e == 1.0, "one-hot entries are 0 or 1");
                    if (e == 1.0) {
                        assertEquals(-1, hot, "exactly one hot entry at [" + i + ", " + j + "]");
                        hot = c;
                    }
                }
                assertTrue(hot >= 0, "exactly one hot entry at [" + i + ", " + j + "]");
                s[i][j] = hot;
            }
        }
        return s;
    }

    @Test
    void standardLayoutMatchesSpec() {
        for (int delay : new int[] {1, 5, 100}) {
            CopyTask task = new CopyTask(delay, 50, CopyLayout.STANDARD, 7L, DataType.DOUBLE);
            Batch batch = task.batch(new int[] {0, 3, 49, 3});
            assertArrayEquals(new long[] {4, delay + 20, 10}, batch.inputs().shape());
            assertEquals(DataType.DOUBLE, batch.inputs().dataType());
            assertNull(batch.mask());
            int[][] x = decode(batch.inputs());
            Target.StepLabels y = (Target.StepLabels) batch.target();
            assertEquals(9, y.numClasses());
            for (int b = 0; b < 4; b++) {
                int[] xs = x[b];
                int[] ys = y.labels()[b];
                assertEquals(delay + 20, ys.length);
                for (int t = 0; t < 10; t++) {
                    assertTrue(xs[t] >= 1 && xs[t] <= 8, "data symbols in 1..8");
                }
                for (int t = 10; t < delay + 9; t++) {
                    assertEquals(0, xs[t], "T − 1 blanks at 10 .. T+8");
                }
                assertEquals(9, xs[delay + 9], "marker at T+9");
                for (int t = delay + 10; t < delay + 20; t++) {
                    assertEquals(0, xs[t], "10 blanks after the marker");
                }
                for (int t = 0; t < delay + 10; t++) {
                    assertEquals(0, ys[t], "T+10 blank targets");
                }
                assertArrayEquals(Arrays.copyOf(xs, 10), Arrays.copyOfRange(ys, delay + 10, delay + 20),
                        "targets are the data symbols in order");
            }
            assertArrayEquals(x[1], x[3], "same index, same sample");
        }
    }

    @Test
    void exprnnLayoutShiftsTheMarker() {
        int delay = 30;
        CopyTask std = new CopyTask(delay, 20, CopyLayout.STANDARD, 3L, DataType.DOUBLE);
        CopyTask exp = new CopyTask(delay, 20, CopyLayout.EXPRNN, 3L, DataType.DOUBLE);
        assertEquals(delay + 9, std.markerStep());
        assertEquals(delay + 10, exp.markerStep());
        int[] idx = {0, 1, 2, 19};
        int[][] x = decode(exp.batch(idx).inputs());
        Target.StepLabels y = (Target.StepLabels) exp.batch(idx).target();
        for (int b = 0; b < idx.length; b++) {
            for (int t = 10; t < delay + 10; t++) {
                assertEquals(0, x[b][t], "T blanks at 10 .. T+9");
            }
            assertEquals(9, x[b][delay + 10], "marker at T+10");
            for (int t = delay + 11; t < delay + 20; t++) {
                assertEquals(0, x[b][t], "9 blanks after the marker");
            }
            assertArrayEquals(Arrays.copyOf(x[b], 10), Arrays.copyOfRange(y.labels()[b], delay + 10, delay + 20),
                    "first symbol due at the marker step");
            // same seed: same data symbols and targets as the standard layout
            assertArrayEquals(std.targetSymbols(idx[b]), y.labels()[b]);
        }
    }

    @Test
    void deterministicPerSeedAndIndex() {
        CopyTask a = new CopyTask(10, 1000);
        CopyTask b = new CopyTask(10, 1000);
        CopyTask c = new CopyTask(10, 1000, CopyLayout.STANDARD, 99L, DataType.FLOAT);
        assertEquals(12345L, a.seed(), "default seed");
        assertEquals(DataType.FLOAT, a.batch(new int[] {0}).inputs().dataType(), "FLOAT by default");
        assertArrayEquals(a.batch(new int[] {5, 6, 7}).inputs().dup('c').data().asFloat(),
                b.batch(new int[] {5, 6, 7}).inputs().dup('c').data().asFloat());
        // a sample does not depend on the batch it is in
        assertArrayEquals(((Target.StepLabels) a.batch(new int[] {6}).target()).labels()[0],
                ((Target.StepLabels) a.batch(new int[] {1, 6}).target()).labels()[1]);
        int same = 0;
        int[] counts = new int[9];
        for (int i = 0; i < 1000; i++) {
            if (Arrays.equals(a.symbols(i), c.symbols(i))) {
                same++;
            }
            for (int s : a.symbols(i)) {
                counts[s]++;
            }
        }
        assertEquals(0, same, "another seed gives other sequences");
        assertEquals(0, counts[0]);
        for (int s = 1; s <= 8; s++) {   // 10000 draws, 1250 expected per symbol, sd ≈ 33
            assertTrue(Math.abs(counts[s] - 1250) < 200, "symbol " + s + " drawn " + counts[s] + " times");
        }
        assertFalse(Arrays.equals(a.symbols(0), a.symbols(1)));
    }

    @Test
    void baselineMatchesSpecTable() {
        double[][] table = {{100, 0.17329}, {200, 0.09452}, {300, 0.06498}, {500, 0.03999}, {750, 0.02701},
            {1000, 0.02039}, {2000, 0.01029}};
        for (double[] row : table) {
            assertEquals(row[1], CopyTask.baseline((int) row[0]), 1e-5, "T = " + (int) row[0]);
        }
        assertEquals(10 * Math.log(8) / 120, CopyTask.baseline(100), 1e-15);
    }

    @Test
    void recallAccuracyCountsTheLastTenSteps() {
        CopyTask task = new CopyTask(5, 4);
        int[][] labels = ((Target.StepLabels) task.batch(new int[] {0, 1, 2, 3}).target()).labels();
        int[][] pred = new int[4][];
        for (int b = 0; b < 4; b++) {
            pred[b] = labels[b].clone();
        }
        assertEquals(1.0, CopyTask.recallAccuracy(pred, labels));
        pred[0][0] = 5;   // a wrong blank outside the recall window does not count
        assertEquals(1.0, CopyTask.recallAccuracy(pred, labels));
        pred[1][24] = 0;
        pred[2][15] = 0;
        pred[2][16] = 0;
        assertEquals(37.0 / 40.0, CopyTask.recallAccuracy(pred, labels), 1e-15);
        int[][] blanks = new int[4][25];
        assertEquals(0.0, CopyTask.recallAccuracy(blanks, labels), "data symbols are never blank");
        assertThrows(IllegalArgumentException.class, () -> CopyTask.recallAccuracy(new int[3][25], labels));
        assertThrows(IllegalArgumentException.class, () -> CopyTask.recallAccuracy(new int[4][24], labels));
    }

    @Test
    void rejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CopyTask(0, 5));
        assertTrue(e.getMessage().contains("delay T") && e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CopyTask(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new CopyTask(5, 5, null, 1L, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> new CopyTask(5, 5, CopyLayout.STANDARD, 1L, DataType.INT32));
        e = assertThrows(IllegalArgumentException.class, () -> new CopyTask(5, 5).batch(new int[] {0, 5}));
        assertTrue(e.getMessage().contains("indices[1] = 5 is outside [0, 5)"), e.getMessage());
    }
}
