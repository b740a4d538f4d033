package org.momentumrnn4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.momentumrnn4j.io.AtomicFiles;

/**
 * A permutation of {@code n} positions with the PMNIST convention {@code x_perm[j] = x[perm[j]]}
 * (spec tasks.md §2.1): step {@code j} of the permuted sequence shows pixel {@code perm[j]}.
 *
 * <p>{@link #seeded} draws the library's own permutation (Fisher–Yates with {@link Random}); it is
 * <b>not</b> numpy's {@code RandomState(seed).permutation}. The reference permutations (MomentumRNN seeds
 * 0–4, expRNN seed 92916) are shipped as files and loaded with {@link #read}: one integer per line.
 */
public final class Permutation {
    /** Default seed. */
    public static final long DEFAULT_SEED = 12345L;

    private final int[] perm;

    private Permutation(int[] perm) {
        this.perm = perm;
    }

    /** The identity on {@code n} positions. */
    public static Permutation identity(int n) {
        checkSize(n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return new Permutation(p);
    }

    /** {@link #seeded(int, long)} with the default seed {@value #DEFAULT_SEED}. */
    public static Permutation seeded(int n) {
        return seeded(n, DEFAULT_SEED);
    }

    /**
     * A random permutation: starting from the identity, for {@code i = n−1 … 1} swap entry {@code i} with
     * entry {@code r.nextInt(i + 1)}, {@code r = new Random(seed)}.
     */
    public static Permutation seeded(int n, long seed) {
        int[] p = identity(n).perm;
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return new Permutation(p);
    }

    /** Wraps {@code perm} (copied) after checking it holds each of {@code 0 … n−1} exactly once. */
    public static Permutation of(int[] perm) {
        checkSize(perm.length);
        int[] seen = new int[perm.length];
        Arrays.fill(seen, -1);
        for (int j = 0; j < perm.length; j++) {
            int v = perm[j];
            if (v < 0 || v >= perm.length) {
                throw new IllegalArgumentException("not a permutation: entry " + j + " is " + v + ", outside [0, "
                        + perm.length + ")");
            }
            if (seen[v] >= 0) {
                throw new IllegalArgumentException("not a permutation: value " + v + " appears at entries " + seen[v]
                        + " and " + j + " (each of 0.." + (perm.length - 1) + " must appear once)");
            }
            seen[v] = j;
        }
        return new Permutation(perm.clone());
    }

    /**
     * Reads a permutation file: one integer per line, in order ({@code perm[0]} first); surrounding white
     * space and empty lines are ignored.
     *
     * @throws IllegalArgumentException naming the file and line when a line is not an integer or the values
     *                                  are not a permutation of {@code 0 … n−1}
     */
    public static Permutation read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read permutation file " + file + ": " + e.getMessage(), e);
        }
        int[] values = new int[lines.size()];
        int[] lineOf = new int[lines.size()];
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                values[n] = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("permutation file " + file + ", line " + (i + 1)
                        + ": expected one integer, got '" + s + "'");
            }
            lineOf[n++] = i + 1;
        }
        if (n == 0) {
            throw new IllegalArgumentException("permutation file " + file + " holds no entries");
        }
        int[] seenAtLine = new int[n];
        for (int j = 0; j < n; j++) {
            int v = values[j];
            if (v < 0 || v >= n) {
                throw new IllegalArgumentException("permutation file " + file + ", line " + lineOf[j] + ": value " + v
                        + " is outside [0, " + n + ") for a file of " + n + " entries");
            }
            if (seenAtLine[v] != 0) {
                throw new IllegalArgumentException("permutation file " + file + ": value " + v + " appears on lines "
                        + seenAtLine[v] + " and " + lineOf[j] + " (each of 0.." + (n - 1) + " must appear once)");
            }
            seenAtLine[v] = lineOf[j];
        }
        return new Permutation(Arrays.copyOf(values, n));
    }

    /** Writes one integer per line, atomically ({@link AtomicFiles}). */
    public void write(Path file) {
        AtomicFiles.write(file, "permutation file", out -> {
            StringBuilder sb = new StringBuilder(perm.length * 4);
            for (int v : perm) {
                sb.append(v).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        });
    }

    private static void checkSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs n >= 1 positions, got " + n);
        }
    }

    /** Number of positions. */
    public int size() {
        return perm.length;
    }

    /** {@code perm[j]}: the source position shown at position {@code j}. */
    public int get(int j) {
        return perm[j];
    }

    /** The entries (a copy). */
    public int[] toArray() {
        return perm.clone();
    }

    /** The inverse: {@code inverse().apply(apply(x)) = x}. */
    public Permutation inverse() {
        int[] inv = new int[perm.length];
        for (int j = 0; j < perm.length; j++) {
            inv[perm[j]] = j;
        }
        return new Permutation(inv);
    }

    /** {@code out[j] = x[perm[j]]}. */
    public double[] apply(double[] x) {
        if (x.length != perm.length) {
            throw new IllegalArgumentException("x must have " + perm.length + " entries, got " + x.length);
        }
        double[] out = new double[x.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = x[perm[j]];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Permutation p && Arrays.equals(p.perm, perm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perm);
    }

    @Override
    public String toString() {
        int k = Math.min(8, perm.length);
        String head = Arrays.toString(Arrays.copyOf(perm, k));
        return "Permutation[n = " + perm.length + ", " + (k < perm.length ? head.replace("]", ", ...]") : head) + "]";
    }
}
