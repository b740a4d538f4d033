package org.momentumrnn4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import org.momentumrnn4j.io.IdxArray;
import org.momentumrnn4j.io.IdxReader;
import org.momentumrnn4j.io.IdxType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Images as sequences (pixel MNIST, PMNIST, Fashion-MNIST; spec tasks.md §2.1), read from an IDX image file
 * {@code [N, rows, cols]} u8 and an IDX label file {@code [N]} u8 (raw or gzip).
 *
 * <p>Each image is flattened row-major and scaled to {@code byte/255 ∈ [0, 1]} (no mean/std normalisation).
 * An optional {@link Permutation} reorders the flattened pixels: position {@code j} shows pixel
 * {@code perm[j]}. Then:
 * <ul>
 *   <li>{@link Mode#PIXEL}: {@code [B, rows·cols, 1]} (784 steps of one pixel for MNIST);</li>
 *   <li>{@link Mode#ROW}: {@code [B, rows, cols]} (28 steps of 28 pixels), the permuted flat vector cut into
 *       rows.</li>
 * </ul>
 * Targets: {@link Target.Labels} over {@value #CLASSES} classes, predicted from the last step.
 *
 * <p>The whole file is held as one compact byte array ({@code N · rows · cols} bytes, 47 MB for MNIST
 * training); batches are converted on demand.
 */
public final class SequentialImages implements Dataset {
    /** Number of classes. */
    public static final int CLASSES = 10;

    /** How an image becomes a sequence. */
    public enum Mode {
        /** One pixel per step: {@code T = rows·cols}, 1 feature. */
        PIXEL,
        /** One row per step: {@code T = rows}, {@code cols} features. */
        ROW
    }

    private final byte[] pixels;    // [N, rows·cols], as read
    private final byte[] labels;    // [N]
    private final int count;
    private final int rows;
    private final int cols;
    private final Mode mode;
    private final Permutation perm; // null: identity
    private final DataType dataType;
    private final String source;

    private SequentialImages(byte[] pixels, byte[] labels, int count, int rows, int cols, Mode mode, Permutation perm,
                             DataType dataType, String source) {
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.mode = mode;
        this.perm = perm;
        this.dataType = dataType;
        this.source = source;
    }

    /** {@link #load(Path, Path, Mode, Permutation, DataType)} with FLOAT inputs. */
    public static SequentialImages load(Path images, Path labels, Mode mode, Permutation perm) {
        return load(images, labels, mode, perm, DataType.FLOAT);
    }

    /**
     * Loads an image file and its label file.
     *
     * @param images   IDX u8 {@code [N, rows, cols]}, e.g. {@code train-images-idx3-ubyte(.gz)}
     * @param labels   IDX u8 {@code [N]} with values in {@code 0..9}
     * @param mode     pixel or row sequences
     * @param perm     permutation of the {@code rows·cols} pixel positions, or {@code null} for none
     * @param dataType floating-point type of the inputs
     * @throws org.momentumrnn4j.io.IdxFormatException when a file is not well-formed IDX
     * @throws IllegalArgumentException                when the files do not match (type, rank, counts, labels)
     */
    public static SequentialImages load(Path images, Path labels, Mode mode, Permutation perm, DataType dataType) {
        return of(IdxReader.read(images), IdxReader.read(labels), mode, perm, dataType,
                "images " + images + ", labels " + labels);
    }

    /**
     * Builds the data set from arrays already in memory (the image bytes are used without copying).
     *
     * @param images u8 {@code [N, rows, cols]}
     * @param labels u8 {@code [N]}
     * @param source name of the data used in messages and {@link #describe()}
     */
    public static SequentialImages of(IdxArray images, IdxArray labels, Mode mode, Permutation perm,
                                      DataType dataType, String source) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be PIXEL or ROW, got null");
        }
        DataArrays.checkType(dataType);
        if (images.type() != IdxType.U8 || images.rank() != 3) {
            throw new IllegalArgumentException(source + ": images must be u8 [N, rows, cols], got " + images.type()
                    + " " + Arrays.toString(images.dims()));
        }
        if (labels.type() != IdxType.U8 || labels.rank() != 1) {
            throw new IllegalArgumentException(source + ": labels must be u8 [N], got " + labels.type() + " "
                    + Arrays.toString(labels.dims()));
        }
        int n = images.dim(0);
        if (labels.dim(0) != n) {
            throw new IllegalArgumentException(source + ": the image file holds " + n + " images but the label file "
                    + labels.dim(0) + " labels; they must match");
        }
        int rows = images.dim(1);
        int cols = images.dim(2);
        if (perm != null && perm.size() != rows * cols) {
            throw new IllegalArgumentException(source + ": the permutation has " + perm.size()
                    + " positions but images have " + rows + " × " + cols + " = " + rows * cols + " pixels");
        }
        byte[] lab = labels.data();
        for (int i = 0; i < n; i++) {
            if ((lab[i] & 0xFF) >= CLASSES) {
                throw new IllegalArgumentException(source + ": label " + (lab[i] & 0xFF) + " of sample " + i
                        + " is outside [0, " + CLASSES + ")");
            }
        }
        return new SequentialImages(images.data(), lab, n, rows, cols, mode, perm, dataType, source);
    }

    /** Sequence length: {@code rows·cols} (PIXEL) or {@code rows} (ROW). */
    public int steps() {
        return mode == Mode.PIXEL ? rows * cols : rows;
    }

    /** Features per step: 1 (PIXEL) or {@code cols} (ROW). */
    public int features() {
        return mode == Mode.PIXEL ? 1 : cols;
    }

    /** Image height. */
    public int rows() {
        return rows;
    }

    /** Image width. */
    public int cols() {
        return cols;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The pixel permutation, or {@code null} when none. */
    public Permutation permutation() {
        return perm;
    }

    /** Label of sample {@code i}. */
    public int label(int i) {
        DataArrays.checkIndices(new int[] {i}, count, describe());
        return labels[i] & 0xFF;
    }

    /** Sample {@code i} as the flat sequence {@code [T·F]} of values in [0, 1], permuted when configured. */
    public double[] sequence(int i) {
        DataArrays.checkIndices(new int[] {i}, count, describe());
        double[] out = new double[rows * cols];
        fill(i, out, 0);
        return out;
    }

    private void fill(int i, double[] out, int offset) {
        int p = rows * cols;
        int base = i * p;
        for (int j = 0; j < p; j++) {
            int src = perm == null ? j : perm.get(j);
            out[offset + j] = (pixels[base + src] & 0xFF) / 255.0;
        }
    }

    @Override
    public int size() {
        return count;
    }

    /** Inputs {@code [B, T, F]} in [0, 1], labels over 10 classes, no mask. */
    @Override
    public Batch batch(int[] indices) {
        DataArrays.checkIndices(indices, count, describe());
        int b = indices.length;
        int p = rows * cols;
        double[] x = new double[b * p];   // [B, T, F], T·F = rows·cols
        int[] y = new int[b];
        for (int k = 0; k < b; k++) {
            fill(indices[k], x, k * p);
            y[k] = labels[indices[k]] & 0xFF;
        }
        INDArray inputs = DataArrays.create(x, new long[] {b, steps(), features()}, dataType);
        return new Batch(inputs, null, new Target.Labels(y, CLASSES));
    }

    @Override
    public String describe() {
        return "sequential images (" + source + "; " + count + " × " + rows + " × " + cols + ", mode " + mode
                + ", T = " + steps() + ", F = " + features() + ", " + (perm == null ? "no permutation" : perm)
                + ", " + dataType + ")";
    }
}
