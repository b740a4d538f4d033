package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.momentumrnn4j.io.NpyTestSupport.fixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncations at every offset and seeded byte flips of valid files: reading must either succeed or throw
 * {@link NpyFormatException}; any other exception or error (including OutOfMemoryError) fails the test.
 */
class NpyFuzzTest {
    private static final long SEED = 12345L;
    private static final int[] MASKS = {0x01, 0x80, 0xff};

    @FunctionalInterface
    private interface Reader {
        void read(byte[] file) throws Exception;
    }

    /** Counts outcomes; fails on anything but success or NpyFormatException. */
    private static final class Outcomes {
        int ok;
        int rejected;

        void run(Reader r, byte[] file, String what) {
            try {
                r.read(file);
                ok++;
            } catch (NpyFormatException e) {
                rejected++;
            } catch (Throwable t) {
                fail(what + ": expected success or NpyFormatException but got " + t, t);
            }
        }
    }

    private static void fuzz(byte[] valid, Reader reader, int randomFlips, String name) {
        Outcomes o = new Outcomes();
        o.run(reader, valid, name + " unmodified");
        assertTrue(o.ok == 1, name + " must read unmodified");
        for (int len = 0; len < valid.length; len++) {
            o.run(reader, Arrays.copyOf(valid, len), name + " truncated to " + len + " bytes");
        }
        int truncationsRejected = o.rejected;
        assertTrue(truncationsRejected == valid.length, name + ": every truncation must be rejected, "
                + (valid.length - truncationsRejected) + " were read");
        for (int i = 0; i < valid.length; i++) {
            for (int mask : MASKS) {
                byte[] b = valid.clone();
                b[i] ^= (byte) mask;
                o.run(reader, b, name + " with byte " + i + " ^ 0x" + Integer.toHexString(mask));
            }
        }
        Random rnd = new Random(SEED);
        for (int k = 0; k < randomFlips; k++) {
            byte[] b = valid.clone();
            StringBuilder what = new StringBuilder(name + " with");
            for (int f = 1 + rnd.nextInt(4); f > 0; f--) {
                int i = rnd.nextInt(b.length);
                int mask = 1 + rnd.nextInt(255);
                b[i] ^= (byte) mask;
                what.append(" byte ").append(i).append(" ^ 0x").append(Integer.toHexString(mask));
            }
            o.run(reader, b, what.toString());
        }
        assertTrue(o.ok > 1, name + ": some flips (inside the data) should still read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "b1_3.npy", "f8_fortran_2x3.npy", "f4_v2_2x2.npy", "i4_v3_2.npy",
        "f8_big_endian_3.npy", "f8_scalar.npy"})
    void npyFromStreams(String name) {
        fuzz(fixture(name), NpyTestSupport::fromNpy, 2000, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f8_fortran_2x3.npy"})
    void npyFromFiles(String name, @TempDir Path dir) {
        Path p = dir.resolve(name);
        fuzz(fixture(name), b -> {
            Files.write(p, b);
            Npy.read(p);
        }, 300, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pair.npz", "pair_compressed.npz"})
    void npz(String name, @TempDir Path dir) {
        Path p = dir.resolve(name);
        fuzz(fixture(name), b -> {
            Files.write(p, b);
            Npz.read(p);
        }, 1000, name);
    }
}
