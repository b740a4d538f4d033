package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.io.NpyTestSupport.TYPES;
import static org.momentumrnn4j.io.NpyTestSupport.assertSameArray;
import static org.momentumrnn4j.io.NpyTestSupport.fromNpy;
import static org.momentumrnn4j.io.NpyTestSupport.sample;
import static org.momentumrnn4j.io.NpyTestSupport.toNpy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Write-then-read over every supported type and the shapes (), (0,), (3,), (2, 3), (2, 3, 4) and
 * (2, 0, 3): zero-size dimensions are allowed and give an empty ND4J array of the same shape.
 */
class NpyRoundTripTest {
    private static final long[][] SHAPES = {{}, {0}, {3}, {2, 3}, {2, 3, 4}, {2, 0, 3}};

    static Stream<Arguments> typesAndShapes() {
        List<Arguments> out = new ArrayList<>();
        for (DataType t : TYPES) {
            for (long[] s : SHAPES) {
                out.add(Arguments.of(t, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndShapes")
    void roundTripsThroughStreams(DataType type, long[] shape) throws IOException {
        INDArray a = sample(type, shape);
        byte[] file = toNpy(a);
        assertEquals(0, Npy.header("<f4", shape).length % 64, "header padded to 64 bytes");
        assertEquals('\n', file[Npy.header("<f4", shape).length - 1], "header ends in a newline");
        INDArray back = fromNpy(file);
        assertSameArray(a, back);
        assertEquals(shape.length, back.rank());
    }

    @ParameterizedTest
    @MethodSource("typesAndShapes")
    void roundTripsThroughFiles(DataType type, long[] shape, @TempDir Path dir) throws IOException {
        INDArray a = sample(type, shape);
        Path p = dir.resolve("a.npy");
        Npy.write(a, p);
        assertSameArray(a, Npy.read(p));
    }

    @Test
    void writesViewsAndFOrderedArraysInCOrder() throws IOException {
        INDArray base = sample(DataType.DOUBLE, 4, 5);
        INDArray[] views = {
            base.transpose(),
            base.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(1, 4)),
            base.getRow(2),
            base.dup('f'),
            base.get(NDArrayIndex.all(), NDArrayIndex.point(3)),
        };
        for (INDArray v : views) {
            INDArray back = fromNpy(toNpy(v));
            assertSameArray(v.dup('c'), back);
            assertEquals('c', back.ordering());
        }
    }

    @Test
    void headerIsNumpys() {
        String h = new String(Npy.header("<f4", new long[] {2, 3}), StandardCharsets.ISO_8859_1);
        assertEquals("\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                h.substring(0, 69));
        assertTrue(h.substring(69, 127).isBlank());
        assertEquals(128, h.length());
        assertEquals("(3,)", Npy.tuple(new long[] {3}));
        assertEquals("()", Npy.tuple(new long[0]));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void npzRoundTripsInOrderAndIsDeterministic(boolean compressed, @TempDir Path dir) throws IOException {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("z_last_alphabetically", sample(DataType.FLOAT, 2, 3));
        m.put("scalar", sample(DataType.INT64));
        m.put("empty", sample(DataType.DOUBLE, 0, 4));
        m.put("mask", sample(DataType.BOOL, 5));
        m.put("bytes", sample(DataType.UINT8, 3, 1));
        m.put("ints", sample(DataType.INT32, 2, 3, 4));
        Path p = dir.resolve("m.npz");
        Npz.write(m, p, compressed);
        Map<String, INDArray> back = Npz.read(p);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        for (String k : m.keySet()) {
            assertSameArray(m.get(k), back.get(k));
        }
        Path q = dir.resolve("again.npz");
        Npz.write(m, q, compressed);
        assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q),
                "fixed timestamps make archives reproducible");
    }

    @Test
    void rejectsTypesItCannotWrite(@TempDir Path dir) {
        INDArray half = Nd4j.create(DataType.FLOAT16, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> toNpy(half));
        assertTrue(e.getMessage().contains("HALF") || e.getMessage().contains("FLOAT16") && e.getMessage().contains("(2, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npz.write(Map.of("", sample(DataType.FLOAT, 1)),
                dir.resolve("x.npz"), false));
    }
}
