package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.momentumrnn4j.io.NpyTestSupport.assertSameArray;
import static org.momentumrnn4j.io.NpyTestSupport.fixture;
import static org.momentumrnn4j.io.NpyTestSupport.fromNpy;
import static org.momentumrnn4j.io.NpyTestSupport.toNpy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parity with files numpy 1.24.2 wrote ({@code src/test/resources/npy/make_fixtures.py}): we read them to
 * the values the script states, and our writer reproduces numpy's .npy files byte for byte.
 */
class NpyFixtureTest {

    /** The arrays of make_fixtures.py, built here independently of the reader. */
    private static final Map<String, INDArray> EXPECTED = Map.ofEntries(
            Map.entry("f4_2x3.npy", Nd4j.createFromArray(new float[][] {{-1f, -0.5f, 0f}, {0.5f, 1f, 1.5f}})),
            Map.entry("f8_4.npy", Nd4j.createFromArray(0.1, -2.5, 1e-300, Double.POSITIVE_INFINITY)),
            Map.entry("i8_2x2.npy", Nd4j.createFromArray(new long[][] {{1, -2}, {3, 1L << 40}})),
            Map.entry("i4_3.npy", Nd4j.createFromArray(7, -8, Integer.MAX_VALUE)),
            Map.entry("u1_2x2.npy", Nd4j.createFromArray(new int[][] {{0, 1}, {128, 255}}).castTo(DataType.UINT8)),
            Map.entry("b1_3.npy", Nd4j.createFromArray(true, false, true)),
            Map.entry("f8_scalar.npy", Nd4j.scalar(3.25)),
            Map.entry("f4_0x3.npy", Nd4j.create(DataType.FLOAT, 0, 3)),
            Map.entry("i8_2x3x4.npy", Nd4j.arange(24).castTo(DataType.INT64).subi(12).reshape(2, 3, 4)),
            Map.entry("f4_rank15.npy", Nd4j.arange(10).castTo(DataType.FLOAT)
                    .reshape(10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)));

    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f8_4.npy", "i8_2x2.npy", "i4_3.npy", "u1_2x2.npy", "b1_3.npy",
        "f8_scalar.npy", "f4_0x3.npy", "i8_2x3x4.npy", "f4_rank15.npy"})
    void readsNumpyFilesAndWritesThemByteForByte(String name) throws IOException {
        byte[] numpy = fixture(name);
        INDArray expected = EXPECTED.get(name);
        assertSameArray(expected, fromNpy(numpy));
        assertArrayEquals(numpy, toNpy(expected), name + ": our bytes differ from numpy's");
    }

    @Test
    void scalarIsRankZeroAndVectorIsRankOne() throws IOException {
        assertEquals(0, fromNpy(fixture("f8_scalar.npy")).rank());
        assertEquals(1, fromNpy(fixture("f8_4.npy")).rank());
    }

    @Test
    void readsFortranOrderIntoCOrder() throws IOException {
        INDArray a = fromNpy(fixture("f8_fortran_2x3.npy"));
        assertSameArray(Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}), a);
        assertEquals('c', a.ordering());
        INDArray b = fromNpy(fixture("f8_fortran_2x3x2.npy"));
        assertSameArray(Nd4j.arange(12).castTo(DataType.DOUBLE).reshape(2, 3, 2), b);
        // written back in c order: what numpy.save(np.ascontiguousarray(a)) writes
        assertArrayEquals(Npy.header("<f8", new long[] {2, 3, 2}), Arrays.copyOf(toNpy(b), 128));
    }

    @Test
    void readsBigEndian() throws IOException {
        assertSameArray(Nd4j.createFromArray(1.5, -2.0, 1e10), fromNpy(fixture("f8_big_endian_3.npy")));
        assertSameArray(Nd4j.createFromArray(0.25f, -3f), fromNpy(fixture("f4_big_endian_2.npy")));
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        assertSameArray(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}), fromNpy(fixture("f4_v2_2x2.npy")));
        assertSameArray(Nd4j.createFromArray(5, -6), fromNpy(fixture("i4_v3_2.npy")));
    }

    @Test
    void readsFixturesFromPathsToo(@TempDir Path dir) throws IOException {
        for (String name : List.of("f4_2x3.npy", "f8_fortran_2x3.npy", "f4_v2_2x2.npy", "f4_0x3.npy")) {
            Path p = dir.resolve(name);
            Files.write(p, fixture(name));
            assertSameArray(fromNpy(fixture(name)), Npy.read(p));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pair.npz", "pair_compressed.npz"})
    void readsNpzInEntryOrder(String name, @TempDir Path dir) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, fixture(name));
        Map<String, INDArray> m = Npz.read(p);
        assertEquals(List.of("weights", "steps"), List.copyOf(m.keySet()), "entry order (not alphabetical)");
        assertSameArray(Nd4j.createFromArray(new float[][] {{0.5f, -1f, 2f}, {4f, -8f, 16f}}), m.get("weights"));
        assertSameArray(Nd4j.createFromArray(3L, 1L, 2L), m.get("steps"));
    }
}
