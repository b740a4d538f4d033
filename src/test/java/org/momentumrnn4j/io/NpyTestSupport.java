package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared helpers: sample arrays, exact comparison, fixtures, hand-built .npy bytes. */
final class NpyTestSupport {
    private NpyTestSupport() {}

    /** The element types {@link Npy} reads and writes. */
    static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE, DataType.INT32, DataType.INT64,
        DataType.UINT8, DataType.BOOL};

    /** A deterministic array of {@code type} and {@code shape} whose elements all differ where the type allows. */
    static INDArray sample(DataType type, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0) {
            return Nd4j.create(type, shape);
        }
        int len = (int) n;
        INDArray flat;
        if (type == DataType.FLOAT) {
            float[] v = new float[len];
            for (int i = 0; i < len; i++) {
                v[i] = (i - 5) * 0.75f + 1e-3f * i;
            }
            flat = Nd4j.createFromArray(v);
        } else if (type == DataType.DOUBLE) {
            double[] v = new double[len];
            for (int i = 0; i < len; i++) {
                v[i] = (i - 5) * 0.1 + 1e-12 * i;
            }
            flat = Nd4j.createFromArray(v);
        } else if (type == DataType.INT32) {
            int[] v = new int[len];
            for (int i = 0; i < len; i++) {
                v[i] = i == 1 ? Integer.MIN_VALUE : (i - 5) * 100_003;
            }
            flat = Nd4j.createFromArray(v);
        } else if (type == DataType.INT64) {
            long[] v = new long[len];
            for (int i = 0; i < len; i++) {
                v[i] = (i - 5) * 3_000_000_000_017L + 1;
            }
            flat = Nd4j.createFromArray(v);
        } else if (type == DataType.UINT8) {
            int[] v = new int[len];
            for (int i = 0; i < len; i++) {
                v[i] = (i * 37 + 200) % 256;
            }
            flat = Nd4j.createFromArray(v).castTo(DataType.UINT8);
        } else if (type == DataType.BOOL) {
            boolean[] v = new boolean[len];
            for (int i = 0; i < len; i++) {
                v[i] = i % 3 != 1;
            }
            flat = Nd4j.createFromArray(v);
        } else {
            throw new IllegalArgumentException(type.toString());
        }
        return flat.reshape('c', shape);
    }

    /** Same type, same shape, same element bytes (exact, unlike {@code INDArray.equals}). */
    static void assertSameArray(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType(), "data type");
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape: expected "
                + Arrays.toString(expected.shape()) + " but got " + Arrays.toString(actual.shape()));
        assertEquals(expected.rank(), actual.rank(), "rank");
        assertArrayEquals(bytes(expected), bytes(actual), "element bytes");
    }

    /** The elements of {@code a} in c order as native-order bytes. */
    static byte[] bytes(INDArray a) {
        if (a.length() == 0) {
            return new byte[0];
        }
        INDArray c = a.dup('c');
        ByteBuffer b = c.data().asNio();
        byte[] out = new byte[(int) (c.length() * c.dataType().width())];
        b.get(0, out);
        return out;
    }

    static byte[] toNpy(INDArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        return out.toByteArray();
    }

    static INDArray fromNpy(byte[] file) {
        return Npy.read(new ByteArrayInputStream(file));
    }

    static byte[] fixture(String name) {
        try (InputStream in = NpyTestSupport.class.getResourceAsStream("/npy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /npy/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A .npy file of format {@code major}.0 with the given header text (padded with spaces and '\n' to a
     * multiple of 64 as numpy does) followed by {@code data}.
     */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        int pad = 64 - (prefix + text.length + 1) % 64;
        byte[] padded = new byte[text.length + pad + 1];
        System.arraycopy(text, 0, padded, 0, text.length);
        Arrays.fill(padded, text.length, padded.length - 1, (byte) ' ');
        padded[padded.length - 1] = '\n';
        return raw(major, padded.length, padded, data);
    }

    /** Magic, version {@code major}.0, the given header-length field, then header and data verbatim. */
    static byte[] raw(int major, long headerLength, byte[] header, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt((int) headerLength);
        }
        return b.put(header).put(data).array();
    }

    /** {@code n} little-endian float32 values 0, 1, 2, ... */
    static byte[] f4(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i);
        }
        return b.array();
    }

    /** {@code "{'descr': '<descr>', 'fortran_order': False, 'shape': <shape>, }"}. */
    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }
}
