package org.momentumrnn4j.io;

import java.util.Arrays;

/**
 * The content of one IDX file: element type, dimensions and the data bytes exactly as stored (row-major,
 * multi-byte types big-endian). For {@link IdxType#U8} the bytes are the values ({@code b & 0xFF}).
 *
 * <p>The data array is not copied (an MNIST training file is 47 MB); callers must not modify it while
 * the record is shared. The dimensions are copied.
 *
 * @param type element type
 * @param dims dimensions, each ≥ 1, e.g. {@code [N, 28, 28]} for MNIST images, {@code [N]} for labels
 * @param data {@code product(dims) · type.bytes()} bytes
 */
public record IdxArray(IdxType type, int[] dims, byte[] data) {
    /** Validates that {@code data} has exactly the length the type and dimensions imply. */
    public IdxArray {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (dims == null || dims.length < 1 || dims.length > 255) {
            throw new IllegalArgumentException("dims must have 1 to 255 entries, got "
                    + (dims == null ? "null" : dims.length));
        }
        dims = dims.clone();
        long n = 1;
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] < 1) {
                throw new IllegalArgumentException("dims[" + k + "] must be >= 1, got " + dims[k] + " in "
                        + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, (long) dims[k]);
        }
        if (data == null || data.length != n * type.bytes()) {
            throw new IllegalArgumentException("data must have " + n + " · " + type.bytes() + " = "
                    + n * type.bytes() + " bytes for dims " + Arrays.toString(dims) + " of type " + type
                    + ", got " + (data == null ? "null" : data.length));
        }
    }

    /** A {@link IdxType#U8} array (the bytes are taken as unsigned). */
    public static IdxArray ofU8(int[] dims, byte[] data) {
        return new IdxArray(IdxType.U8, dims, data);
    }

    /** The dimensions (a copy). */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code k}. */
    public int dim(int k) {
        return dims[k];
    }

    /** Number of elements, the product of the dimensions. */
    public long size() {
        return data.length / type.bytes();
    }

    /** Element {@code i} of the row-major flattening, as a double (exact for every IDX type). */
    public double get(long i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("element " + i + " is outside [0, " + size() + ")");
        }
        int p = (int) (i * type.bytes());
        switch (type) {
            case U8:
                return data[p] & 0xFF;
            case S8:
                return data[p];
            case I16:
                return (short) ((data[p] & 0xFF) << 8 | data[p + 1] & 0xFF);
            case I32:
                return int32(p);
            case F32:
                return Float.intBitsToFloat(int32(p));
            case F64:
                return Double.longBitsToDouble((long) int32(p) << 32 | int32(p + 4) & 0xFFFFFFFFL);
            default:
                throw new IllegalStateException("unknown type " + type);
        }
    }

    private int int32(int p) {
        return (data[p] & 0xFF) << 24 | (data[p + 1] & 0xFF) << 16 | (data[p + 2] & 0xFF) << 8 | data[p + 3] & 0xFF;
    }

    /** All elements as doubles, row-major. */
    public double[] toDoubles() {
        double[] out = new double[Math.toIntExact(size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && a.type == type && Arrays.equals(a.dims, dims) && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(dims)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + ", " + Arrays.toString(dims) + "]";
    }
}
