package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.momentumrnn4j.io.IdxArray;
import org.momentumrnn4j.io.IdxFormatException;
import org.momentumrnn4j.io.IdxType;
import org.momentumrnn4j.io.IdxWriter;
import org.nd4j.linalg.api.buffer.DataType;

class SequentialImagesTest {
    static final int N = 5;
    static final int ROWS = 4;   // rows ≠ cols, so a transposition would show
    static final int COLS = 3;
    static final int P = ROWS * COLS;

    @TempDir
    Path dir;

    byte[] pixels;
    byte[] labels;

    private Path[] write(boolean gzip) {
        pixels = new byte[N * P];
        new Random(7).nextBytes(pixels);
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        labels = new byte[] {3, 0, 9, 1, 3};
        Path img = dir.resolve("imgs" + gzip);
        Path lab = dir.resolve("labs" + gzip);
        IdxWriter.writeU8(img, new int[] {N, ROWS, COLS}, pixels, gzip);
        IdxWriter.writeU8(lab, new int[] {N}, labels, gzip);
        return new Path[] {img, lab};
    }

    private double pixel(int image, int flat) {
        return (pixels[image * P + flat] & 0xFF) / 255.0;
    }

    @Test
    void pixelModeIsRowMajorBytesOver255() {
        for (boolean gzip : new boolean[] {false, true}) {
            Path[] f = write(gzip);
            SequentialImages d = SequentialImages.load(f[0], f[1], SequentialImages.Mode.PIXEL, null, DataType.DOUBLE);
            assertEquals(N, d.size());
            assertEquals(P, d.steps());
            assertEquals(1, d.features());
            Batch b = d.batch(new int[] {4, 0, 2});
            assertArrayEquals(new long[] {3, P, 1}, b.inputs().shape());
            double[] x = b.inputs().dup('c').data().asDouble();
            int[] order = {4, 0, 2};
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < P; j++) {
                    assertEquals(pixel(order[k], j), x[k * P + j], 0.0, "image " + order[k] + " pixel " + j);
                }
            }
            assertEquals(0.0, x[P], 0.0);
            assertEquals(1.0, x[P + 1], 0.0);
            Target.Labels y = (Target.Labels) b.target();
            assertArrayEquals(new int[] {3, 3, 9}, y.labels());
            assertEquals(10, y.numClasses());
        }
    }

    @Test
    void rowModeHasRowsAsSteps() {
        Path[] f = write(false);
        SequentialImages d = SequentialImages.load(f[0], f[1], SequentialImages.Mode.ROW, null, DataType.DOUBLE);
        assertEquals(ROWS, d.steps());
        assertEquals(COLS, d.features());
        Batch b = d.batch(new int[] {1, 3});
        assertArrayEquals(new long[] {2, ROWS, COLS}, b.inputs().shape());
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                assertEquals(pixel(3, r * COLS + c), b.inputs().getDouble(1, r, c), 0.0);
            }
        }
        SequentialImages fl = SequentialImages.load(f[0], f[1], SequentialImages.Mode.ROW, null);
        assertEquals(DataType.FLOAT, fl.batch(new int[] {0}).inputs().dataType(), "FLOAT by default");

        // MNIST geometry: 28 × 28 gives T = 784, F = 1 (pixel) and T = 28, F = 28 (row)
        Path img = dir.resolve("mnist-like");
        IdxWriter.writeU8(img, new int[] {N, 28, 28}, new byte[N * 784], false);
        SequentialImages px = SequentialImages.load(img, f[1], SequentialImages.Mode.PIXEL, Permutation.seeded(784));
        assertArrayEquals(new long[] {2, 784, 1}, px.batch(new int[] {0, 4}).inputs().shape());
        SequentialImages rw = SequentialImages.load(img, f[1], SequentialImages.Mode.ROW, null);
        assertArrayEquals(new long[] {2, 28, 28}, rw.batch(new int[] {0, 4}).inputs().shape());
    }

    @Test
    void permutationIsAppliedToEveryImageAndInvertible() throws IOException {
        Path[] f = write(true);
        Permutation perm = Permutation.seeded(P, 11L);
        SequentialImages plain = SequentialImages.load(f[0], f[1], SequentialImages.Mode.PIXEL, null, DataType.DOUBLE);
        SequentialImages permuted = SequentialImages.load(f[0], f[1], SequentialImages.Mode.PIXEL, perm,
                DataType.DOUBLE);
        assertNotEquals(Permutation.identity(P), perm);
        double[] x = permuted.batch(new int[] {0, 1, 2, 3, 4}).inputs().dup('c').data().asDouble();
        for (int i = 0; i < N; i++) {
            double[] seq = Arrays.copyOfRange(x, i * P, (i + 1) * P);
            for (int j = 0; j < P; j++) {
                assertEquals(pixel(i, perm.get(j)), seq[j], 0.0, "x_perm[j] = x[perm[j]]");
            }
            assertArrayEquals(perm.apply(plain.sequence(i)), seq, 0.0);
            assertArrayEquals(plain.sequence(i), perm.inverse().apply(seq), 0.0, "the inverse restores the image");
        }
        // round trip through a file, and the row mode uses the same permuted pixel order
        Path pf = dir.resolve("perm.txt");
        perm.write(pf);
        assertEquals(perm, Permutation.read(pf));
        SequentialImages rows = SequentialImages.load(f[0], f[1], SequentialImages.Mode.ROW, Permutation.read(pf),
                DataType.DOUBLE);
        assertArrayEquals(Arrays.copyOfRange(x, 2 * P, 3 * P),
                rows.batch(new int[] {2}).inputs().dup('c').data().asDouble(), 0.0);
    }

    @Test
    void mismatchedFilesAreRejected() {
        Path[] f = write(false);
        Path fewer = dir.resolve("labels4");
        IdxWriter.writeU8(fewer, new int[] {4}, new byte[] {1, 2, 3, 4}, false);
        var e = assertThrows(IllegalArgumentException.class,
                () -> SequentialImages.load(f[0], fewer, SequentialImages.Mode.PIXEL, null));
        assertTrue(e.getMessage().contains("5 images") && e.getMessage().contains("4 labels")
                && e.getMessage().contains(fewer.toString()), e.getMessage());

        Path badLabel = dir.resolve("labels-bad");
        IdxWriter.writeU8(badLabel, new int[] {5}, new byte[] {1, 2, 10, 4, 5}, false);
        e = assertThrows(IllegalArgumentException.class,
                () -> SequentialImages.load(f[0], badLabel, SequentialImages.Mode.PIXEL, null));
        assertTrue(e.getMessage().contains("label 10 of sample 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> SequentialImages.load(f[1], f[1], SequentialImages.Mode.PIXEL, null));
        assertTrue(e.getMessage().contains("images must be u8 [N, rows, cols], got U8 [5]"), e.getMessage());

        Path f32 = dir.resolve("f32");
        IdxWriter.write(f32, new IdxArray(IdxType.F32, new int[] {5, 4, 3}, new byte[240]), false);
        assertThrows(IllegalArgumentException.class,
                () -> SequentialImages.load(f32, f[1], SequentialImages.Mode.PIXEL, null));

        e = assertThrows(IllegalArgumentException.class,
                () -> SequentialImages.load(f[0], f[1], SequentialImages.Mode.PIXEL, Permutation.seeded(784)));
        assertTrue(e.getMessage().contains("784 positions") && e.getMessage().contains("12 pixels"), e.getMessage());

        Path corrupt = dir.resolve("corrupt");
        try {
            Files.write(corrupt, Arrays.copyOf(Files.readAllBytes(f[0]), 30));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        e = assertThrows(IdxFormatException.class,
                () -> SequentialImages.load(corrupt, f[1], SequentialImages.Mode.PIXEL, null));
        assertTrue(e.getMessage().contains(corrupt.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void permutationFilesAreValidated() throws IOException {
        Path dup = dir.resolve("dup.txt");
        Files.writeString(dup, "2\n0\n1\n0\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Permutation.read(dup));
        assertTrue(e.getMessage().contains(dup.toString()) && e.getMessage().contains("value 0 appears on lines 2 and 4"),
                e.getMessage());
        Path range = dir.resolve("range.txt");
        Files.writeString(range, "0\n3\n1\n");
        e = assertThrows(IllegalArgumentException.class, () -> Permutation.read(range));
        assertTrue(e.getMessage().contains("line 2: value 3 is outside [0, 3)"), e.getMessage());
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "0\n1\nx\n");
        e = assertThrows(IllegalArgumentException.class, () -> Permutation.read(text));
        assertTrue(e.getMessage().contains("line 3: expected one integer, got 'x'"), e.getMessage());
        Path ok = dir.resolve("ok.txt");
        Files.writeString(ok, " 2\n0 \n\n1\n");
        assertArrayEquals(new int[] {2, 0, 1}, Permutation.read(ok).toArray());
        assertThrows(IllegalArgumentException.class, () -> Permutation.of(new int[] {0, 0}));
    }

    @Test
    void seededPermutationsAreReproduciblePermutations() {
        Permutation a = Permutation.seeded(784);
        assertEquals(a, Permutation.seeded(784, 12345L), "default seed 12345");
        assertEquals(a, Permutation.seeded(784, 12345L));
        assertNotEquals(a, Permutation.seeded(784, 12346L));
        int[] sorted = a.toArray();
        Arrays.sort(sorted);
        assertArrayEquals(Permutation.identity(784).toArray(), sorted);
        int[] composed = new int[784];
        Permutation inv = a.inverse();
        for (int j = 0; j < 784; j++) {
            composed[j] = a.get(inv.get(j));
        }
        assertArrayEquals(Permutation.identity(784).toArray(), composed);
    }
}
