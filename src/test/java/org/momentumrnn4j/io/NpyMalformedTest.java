package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.io.NpyTestSupport.dict;
import static org.momentumrnn4j.io.NpyTestSupport.f4;
import static org.momentumrnn4j.io.NpyTestSupport.fixture;
import static org.momentumrnn4j.io.NpyTestSupport.fromNpy;
import static org.momentumrnn4j.io.NpyTestSupport.npy;
import static org.momentumrnn4j.io.NpyTestSupport.raw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Every malformed input throws {@link NpyFormatException} whose message says where and what. */
class NpyMalformedTest {

    private static byte[] with(byte[] file, int offset, int value) {
        byte[] b = file.clone();
        b[offset] = (byte) value;
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Each case: name, file bytes, fragments the message must contain. */
    static Stream<Arguments> badNpy() {
        byte[] good = npy(1, dict("<f4", "(2, 3)"), f4(6));
        return Stream.of(
                Arguments.of("empty", new byte[0], new String[] {"at byte 0", "magic string and version"}),
                Arguments.of("bad magic", with(good, 5, 'X'), new String[] {"at byte 5", "expected \\x93NUMPY", "NUMPX"}),
                Arguments.of("version 4.0", with(good, 6, 4), new String[] {"at byte 6", "1.0, 2.0 or 3.0", "4.0"}),
                Arguments.of("version 1.1", with(good, 7, 1), new String[] {"at byte 6", "1.1"}),
                Arguments.of("cut in length", Arrays.copyOf(good, 9), new String[] {"at byte 9", "header length"}),
                Arguments.of("header past end", Arrays.copyOf(good, 100),
                        new String[] {"at byte 100", "header length says 118 bytes but only 90 follow"}),
                Arguments.of("header too long", raw(2, 20_000, new byte[0], new byte[0]),
                        new String[] {"at byte 8", "at most 10000", "20000"}),
                Arguments.of("missing key", npy(1, "{'descr': '<f4', 'shape': (2, 3), }", f4(6)),
                        new String[] {"at byte 10", "'fortran_order' is missing"}),
                Arguments.of("extra key", npy(1, dict("<f4", "(6,)").replace("}", "'x': 1, }"), f4(6)),
                        new String[] {"unexpected key 'x'"}),
                Arguments.of("duplicate key", npy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False,"
                        + " 'shape': (6,), }", f4(6)), new String[] {"at byte 27", "duplicate key 'descr'"}),
                Arguments.of("int not tuple", npy(1, dict("<f4", "(6)"), f4(6)),
                        new String[] {"at byte 60", "a 1-tuple is written (n,)", "'(6)"}),
                Arguments.of("list shape", npy(1, dict("<f4", "[2, 3]"), f4(6)),
                        new String[] {"at byte 60", "expected a tuple like (2, 3) but got '[2, 3]"}),
                Arguments.of("negative dim", npy(1, dict("<f4", "(2, -3)"), f4(6)),
                        new String[] {"at byte 64", "dimension 1", "non-negative", "-3"}),
                Arguments.of("python 2 long", npy(1, dict("<f4", "(6L,)"), f4(6)),
                        new String[] {"dimension 0", "decimal integer", "'6L,)"}),
                Arguments.of("leading zero", npy(1, dict("<f4", "(06,)"), f4(6)), new String[] {"decimal integer"}),
                Arguments.of("huge dim", npy(1, dict("<f4", "(99999999999999999999,)"), f4(6)),
                        new String[] {"below 2^63"}),
                Arguments.of("overflowing shape", npy(1, dict("<f4", "(4611686018427387904, 4)"), f4(6)),
                        new String[] {"at byte 60", "overflows"}),
                Arguments.of("too big", npy(1, dict("<f4", "(100000, 100000)"), f4(6)),
                        new String[] {"40000000000 bytes", "at most 2147483647"}),
                Arguments.of("rank 33", npy(1, dict("<f4", "(" + "1, ".repeat(33) + ")"), f4(1)),
                        new String[] {"at most 32 dimensions"}),
                Arguments.of("no closing brace", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), ",
                        f4(6)), new String[] {"expected a key string", "the end of the header"}),
                Arguments.of("garbage after dict", npy(1, dict("<f4", "(6,)") + " x", f4(6)),
                        new String[] {"only padding", "'x"}),
                Arguments.of("escape", npy(1, dict("<f\\x34", "(6,)"), f4(6)), new String[] {"escape"}),
                Arguments.of("fortran 1", npy(1, "{'descr': '<f4', 'fortran_order': 1, 'shape': (6,), }", f4(6)),
                        new String[] {"at byte 44", "expected True or False but got '1"}),
                Arguments.of("fortran Truex", npy(1, "{'descr': '<f4', 'fortran_order': Truex, 'shape': (6,), }",
                        f4(6)), new String[] {"expected True or False"}),
                Arguments.of("half", npy(1, dict("<f2", "(6,)"), f4(3)),
                        new String[] {"at byte 20", "unsupported dtype '<f2'", "<f4, <f8"}),
                Arguments.of("object", npy(1, dict("|O", "(6,)"), f4(3)), new String[] {"unsupported dtype '|O'"}),
                Arguments.of("structured", npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }",
                        f4(6)), new String[] {"'descr': expected a dtype string"}),
                Arguments.of("data short", Arrays.copyOf(good, good.length - 1),
                        new String[] {"data ends early", "needs 24 bytes from byte 128 but only 23"}),
                Arguments.of("trailing", concat(good, new byte[] {0}), new String[] {"at byte 152", "trailing bytes"}),
                Arguments.of("bool 2", npy(1, dict("|b1", "(3,)"), new byte[] {1, 2, 0}),
                        new String[] {"at byte 129", "element 1", "expected 0 or 1 but got 2"}),
                Arguments.of("v3 non-ascii descr", npy(3, dict("<f4", "(6,)").replace("'<f4'", "'<f4\u00e9'"), f4(6)),
                        new String[] {"unsupported dtype '<f4\u00e9'"}),
                Arguments.of("v3 invalid utf-8", raw(3, 4, new byte[] {'{', (byte) 0xff, '}', '\n'}, new byte[0]),
                        new String[] {"at byte 13", "expected UTF-8", "\\xff"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNpy")
    void streamReaderRejects(String name, byte[] file, String[] fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> fromNpy(file));
        assertTrue(e.getMessage().startsWith("<stream> at byte "), e.getMessage());
        assertContains(e, fragments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNpy")
    void fileReaderRejectsNamingTheFile(String name, byte[] file, String[] fragments, @TempDir Path dir)
            throws IOException {
        Path p = dir.resolve("bad.npy");
        Files.write(p, file);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().startsWith(p + " at byte "), e.getMessage());
    }

    @Test
    void fileReaderChecksHeaderLengthAgainstTheFileSize(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("short.npy");
        Files.write(p, raw(2, 1_000, new byte[20], new byte[0]));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("at byte 8: header length: 1000 bytes from byte 12 runs past the end"
                + " of the file (32 bytes)"), e.getMessage());
    }

    @Test
    void streamOfUnknownLengthClaimingHugeDataFailsAtEofWithoutAllocatingIt() {
        // 2^31 - 1 bytes of u1 claimed, 10 present: must fail at EOF, not allocate 2 GiB first
        byte[] file = npy(1, dict("|u1", "(2147483647,)"), new byte[10]);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> fromNpy(file));
        assertTrue(e.getMessage().contains("at byte 138: data ends early"), e.getMessage());
    }

    @Test
    void acceptsNumpyLiteralVariants() throws IOException {
        String[] headers = {
            "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (6,)}",
            "{'shape': (6,), 'fortran_order': False, 'descr': '<f4'}",
            "{ 'descr' : '<f4' ,\n 'fortran_order' : False , 'shape' : ( 6 , ) , }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }",
            "{'descr': '<f4', 'fortran_order': True, 'shape': (+6,), }",
        };
        for (String h : headers) {
            INDArray a = fromNpy(npy(1, h, f4(6)));
            assertTrue(a.length() == 6 && a.dataType() == DataType.FLOAT, h);
        }
    }

    // ---------------------------------------------------------------- npz

    private static Path zip(Path dir, Map<String, byte[]> entries, boolean stored) throws IOException {
        Path p = dir.resolve("t.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    private static NpyFormatException npzError(Path p) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e;
    }

    private static void assertContains(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + f + "' not in: " + e.getMessage());
        }
    }

    @Test
    void npzRejectsEntriesThatAreNotNpy(@TempDir Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.npy", fixture("f4_2x3.npy"));
        m.put("notes.txt", "hi".getBytes(StandardCharsets.US_ASCII));
        assertContains(npzError(zip(dir, m, false)), "entry 1 'notes.txt'", "expected a file named <name>.npy");
    }

    @Test
    void npzRejectsFoldersAndEmptyNames(@TempDir Path dir) throws IOException {
        assertContains(npzError(zip(dir, Map.of("sub/", new byte[0]), false)), "'sub/'", "a folder");
        assertContains(npzError(zip(dir, Map.of(".npy", fixture("f4_2x3.npy")), false)), "'.npy'");
    }

    @Test
    void npzRejectsDuplicateNames(@TempDir Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.npy", fixture("f4_2x3.npy"));
        m.put("b.npy", fixture("i4_3.npy"));
        Path p = zip(dir, m, true);
        // rename b.npy to a.npy in the local header and the central directory (same length, CRC unaffected)
        byte[] z = Files.readAllBytes(p);
        String s = new String(z, StandardCharsets.ISO_8859_1).replace("b.npy", "a.npy");
        Files.write(p, s.getBytes(StandardCharsets.ISO_8859_1));
        assertContains(npzError(p), "entry 1 'a.npy'", "expected unique names", "entry 0");
    }

    @Test
    void npzRejectsTrailingGarbageInsideAnEntry(@TempDir Path dir) throws IOException {
        Path p = zip(dir, Map.of("a.npy", concat(fixture("f4_2x3.npy"), new byte[] {1, 2})), false);
        assertContains(npzError(p), "entry 'a.npy' at byte 152", "trailing bytes");
    }

    @Test
    void npzReportsBadArraysWithEntryName(@TempDir Path dir) throws IOException {
        Path p = zip(dir, Map.of("w.npy", npy(1, dict("<f2", "(1,)"), new byte[2])), false);
        assertContains(npzError(p), "entry 'w.npy' at byte 20", "unsupported dtype '<f2'");
    }

    @Test
    void npzRejectsCorruptZips(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("junk.npz");
        Files.write(p, "not a zip at all".getBytes(StandardCharsets.US_ASCII));
        assertContains(npzError(p), "corrupt zip");
        Files.write(p, Arrays.copyOf(fixture("pair.npz"), 300));
        assertContains(npzError(p), "corrupt zip");
    }

    @Test
    void npzChecksCrc(@TempDir Path dir) throws IOException {
        byte[] z = fixture("pair.npz");
        byte[] f = fixture("f4_2x3.npy");
        // the stored f4 weights entry: flip a data byte (last element's low byte), which numpy's reader would accept
        int at = indexOf(z, Arrays.copyOfRange(fixture("f4_2x3.npy"), 0, 10)) + 128 + 20;
        assertTrue(at > 128 && f.length == 152);
        z[at] ^= 0x01;
        Path p = dir.resolve("crc.npz");
        Files.write(p, z);
        assertContains(npzError(p), "entry 'weights.npy'", "CRC-32 expected");
    }

    @Test
    void missingFilesAreIoFailuresNotFormatErrors(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Npz.read(dir.resolve("absent.npz")));
        assertFalse(e.getCause() instanceof java.util.zip.ZipException, e.toString());
        assertTrue(e.getMessage().startsWith("cannot read npz file "), e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> Npy.read(dir.resolve("absent.npy")));
        assertTrue(e.getCause() instanceof java.nio.file.NoSuchFileException, e.toString());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
