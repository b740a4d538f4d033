package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** A small u8 array [2, 3, 4]: 16 header bytes + 24 data bytes = 40 bytes. */
    static IdxArray small() {
        byte[] data = new byte[24];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 11 + 200);   // covers values above 127 (unsigned)
        }
        return IdxArray.ofU8(new int[] {2, 3, 4}, data);
    }

    /** The raw IDX bytes of {@code a}. */
    static byte[] bytes(IdxArray a) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * a.rank() + a.data().length);
        b.put(new byte[] {0, 0, (byte) a.type().code(), (byte) a.rank()});
        for (int d : a.dims()) {
            b.putInt(d);
        }
        b.put(a.data());
        return b.array();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(content);
        }
        return bos.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private IdxFormatException rejected(Path p, String... fragments) {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()), () -> "message must name the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message must contain '" + f + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void u8RoundTripRawAndGzip() throws IOException {
        byte[] data = new byte[5 * 7 * 6];
        new Random(1).nextBytes(data);
        int[] dims = {5, 7, 6};

        Path raw = dir.resolve("images.gz");   // misleading name: detection is by content
        IdxWriter.writeU8(raw, dims, data, false);
        byte[] rawBytes = Files.readAllBytes(raw);
        assertEquals(4 + 12 + data.length, rawBytes.length);
        assertArrayEquals(new byte[] {0, 0, 8, 3}, Arrays.copyOf(rawBytes, 4), "MNIST image magic 0x00000803");

        Path gz = dir.resolve("images-idx3-ubyte");
        IdxWriter.writeU8(gz, dims, data, true);
        byte[] gzBytes = Files.readAllBytes(gz);
        assertEquals(0x1f, gzBytes[0] & 0xFF);
        assertEquals(0x8b, gzBytes[1] & 0xFF);

        for (Path p : new Path[] {raw, gz}) {
            IdxArray a = IdxReader.read(p);
            assertEquals(IdxType.U8, a.type());
            assertArrayEquals(dims, a.dims());
            assertArrayEquals(data, a.data());
            assertEquals(data.length, a.size());
            assertEquals(data[17] & 0xFF, a.get(17));
            assertEquals(IdxArray.ofU8(dims, data), a);
        }
        try (var in = Files.newInputStream(gz)) {
            assertEquals(IdxArray.ofU8(dims, data), IdxReader.read(in, "stream"));
        }
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void labelsMagicAndOverwrite() throws IOException {
        Path p = dir.resolve("labels");
        IdxWriter.writeU8(p, new int[] {3}, new byte[] {1, 2, 3}, false);
        IdxWriter.writeU8(p, new int[] {4}, new byte[] {9, 8, 7, 6}, false);   // replaces
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 9, 8, 7, 6}, b, "MNIST label magic 0x00000801");
        assertArrayEquals(new double[] {9, 8, 7, 6}, IdxReader.read(p).toDoubles());
    }

    @Test
    void everyTypeDecodesBigEndian() throws IOException {
        int[] dims = {2, 2};
        ByteBuffer s8 = ByteBuffer.allocate(4).put(new byte[] {-128, -1, 0, 127});
        ByteBuffer i16 = ByteBuffer.allocate(8).putShort((short) -32768).putShort((short) -2).putShort((short) 3)
                .putShort((short) 32767);
        ByteBuffer i32 = ByteBuffer.allocate(16).putInt(Integer.MIN_VALUE).putInt(-5).putInt(6).putInt(Integer.MAX_VALUE);
        ByteBuffer f32 = ByteBuffer.allocate(16).putFloat(-1.5f).putFloat(0.1f).putFloat(Float.MAX_VALUE).putFloat(0f);
        ByteBuffer f64 = ByteBuffer.allocate(32).putDouble(-1.5).putDouble(0.1).putDouble(Double.MIN_VALUE)
                .putDouble(1e300);
        Object[][] cases = {
            {IdxType.S8, s8, new double[] {-128, -1, 0, 127}},
            {IdxType.I16, i16, new double[] {-32768, -2, 3, 32767}},
            {IdxType.I32, i32, new double[] {Integer.MIN_VALUE, -5, 6, Integer.MAX_VALUE}},
            {IdxType.F32, f32, new double[] {-1.5f, 0.1f, Float.MAX_VALUE, 0f}},
            {IdxType.F64, f64, new double[] {-1.5, 0.1, Double.MIN_VALUE, 1e300}},
        };
        for (Object[] c : cases) {
            IdxType t = (IdxType) c[0];
            IdxArray a = new IdxArray(t, dims, ((ByteBuffer) c[1]).array());
            for (boolean gz : new boolean[] {false, true}) {
                Path p = dir.resolve(t + (gz ? ".gz" : ".raw"));
                IdxWriter.write(p, a, gz);
                IdxArray back = IdxReader.read(p);
                assertEquals(a, back, t + " gzip " + gz);
                assertArrayEquals((double[]) c[2], back.toDoubles(), 0.0, t.toString());
                assertEquals(t.code(), Files.readAllBytes(dir.resolve(t + ".raw"))[2]);
            }
        }
    }

    @Test
    void truncationAtEveryOffsetIsRejected() throws IOException {
        byte[] full = bytes(small());
        assertEquals(40, full.length);
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            String where = n < 4 ? "magic" : n < 16 ? "dimensions" : "truncated data";
            IdxFormatException e = rejected(file("cut" + n, cut), "truncated", where);
            assertEquals(n, e.offset(), "offset names where the content ends: " + e.getMessage());
            // the same content compressed: a valid gzip stream of too few bytes
            IdxFormatException g = rejected(file("cutgz" + n, gzip(cut)), "truncated", where);
            assertEquals(n, g.offset(), g.getMessage());
        }
        rejected(file("data-cut", Arrays.copyOf(full, 39)), "need 24 data bytes", "ending at offset 40",
                "only 39 bytes");
    }

    @Test
    void truncatedGzipFileIsRejectedAtEveryOffset() throws IOException {
        byte[] gz = gzip(bytes(small()));
        for (int n = 0; n < gz.length; n++) {
            Path p = file("gzcut" + n, Arrays.copyOf(gz, n));
            assertThrows(IdxFormatException.class, () -> IdxReader.read(p), "gzip cut at " + n);
        }
    }

    @Test
    void corruptHeadersAreRejectedWithClearMessages() throws IOException {
        byte[] ok = bytes(small());

        byte[] b = ok.clone();
        b[0] = 1;
        assertEquals(0, rejected(file("magic0", b), "bad magic number 0x01000803", "0x00000803").offset());
        b = ok.clone();
        b[1] = 8;
        rejected(file("magic1", b), "bad magic number 0x00080803");
        b = ok.clone();
        b[2] = 0x07;
        assertEquals(2, rejected(file("type", b), "unknown type code 0x07", "0x08 (u8)").offset());
        b = ok.clone();
        b[3] = 0;
        rejected(file("rank0", b), "dimension count must be >= 1");
        b = ok.clone();
        b[11] = 0;   // dims[1] = 0
        assertEquals(8, rejected(file("dim0", b), "dimension 1 must be >= 1, got 0").offset());
        b = ok.clone();
        b[12] = (byte) 0xFF;   // dims[2] negative
        rejected(file("dimneg", b), "dimension 2 must be >= 1, got -");
        b = ok.clone();
        b[3] = 2;   // rank 2: dims [2, 3] and the old third dimension becomes data → trailing
        rejected(file("rank2", b), "trailing bytes");

        // dimension product does not match the data: too large → truncated, too small → trailing bytes
        b = ok.clone();
        b[15] = 5;   // [2, 3, 5] needs 30 bytes, 24 present
        rejected(file("dims-big", b), "truncated data", "[2, 3, 5]", "need 30 data bytes");
        b = ok.clone();
        b[15] = 3;   // [2, 3, 3] needs 18 bytes, 24 present
        IdxFormatException e = rejected(file("dims-small", b), "6 trailing bytes", "[2, 3, 3]");
        assertEquals(16 + 18, e.offset());
        rejected(file("dims-small.gz", gzip(b)), "6 trailing bytes");
        byte[] plusOne = Arrays.copyOf(ok, ok.length + 1);
        rejected(file("trailing", plusOne), "1 trailing bytes");
        rejected(file("trailing.gz", gzip(plusOne)), "1 trailing bytes");
    }

    @Test
    void absurdDimensionsFailBeforeAllocating() throws IOException {
        // 65536 × 65536 u8 = 4 GiB: over the array limit
        byte[] huge = {0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 3};
        rejected(file("huge", huge), "more than " + IdxReader.MAX_DATA_BYTES);
        rejected(file("huge.gz", gzip(huge)), "more than");
        // 255 dimensions of 2^31 − 1 each: the product overflows a long unless checked as it goes
        ByteBuffer many = ByteBuffer.allocate(4 + 4 * 255).put(new byte[] {0, 0, 0x0E, (byte) 255});
        for (int k = 0; k < 255; k++) {
            many.putInt(Integer.MAX_VALUE);
        }
        rejected(file("many", many.array()), "more than");
        // 46340² u8 ≈ 2.1 GB fits the limit: must be rejected by the size check, without a 2 GB allocation
        ByteBuffer big = ByteBuffer.allocate(12 + 100).put(new byte[] {0, 0, 8, 2}).putInt(46340).putInt(46340);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        rejected(file("big", big.array()), "truncated data", "only 112 bytes");
        // compressed: the size is unknown, the buffer grows only with the content actually present
        IdxFormatException e = rejected(file("big.gz", gzip(big.array())), "truncated data");
        assertEquals(112, e.offset());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 512L << 20, "reading a tiny corrupt file must not allocate gigabytes");
    }

    @Test
    void malformedGzipIsTheLibrarysException() throws IOException {
        byte[] gz = gzip(bytes(small()));
        byte[] bad = gz.clone();
        bad[gz.length - 5] ^= 0x55;   // CRC / size trailer
        rejected(file("crc.gz", bad), "gzip");
        byte[] header = {0x1f, (byte) 0x8b, 9, 9, 9};
        rejected(file("hdr.gz", header), "gzip");
        rejected(file("empty", new byte[0]), "expected 4 magic bytes");
        assertThrows(IdxFormatException.class, () -> IdxReader.read(new ByteArrayInputStream(new byte[] {0, 0, 8}), "s"));
    }

    @Test
    void missingFileIsAnIoError() {
        Path p = dir.resolve("absent");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    /**
     * Random corruption: flip 1–4 random bytes (and sometimes cut the file) of small raw and gzip files.
     * Every outcome must be a successful read or an {@link IdxFormatException}; nothing else may escape.
     */
    @Test
    void fuzzedFilesReadOrFailWithTheLibrarysException() throws IOException {
        Random r = new Random(12345L);
        byte[][] seeds = {bytes(small()), gzip(bytes(small())),
            bytes(new IdxArray(IdxType.F64, new int[] {3}, new byte[24])),
            gzip(bytes(new IdxArray(IdxType.I16, new int[] {2, 2}, new byte[8])))};
        int valid = 0;
        int rejected = 0;
        Path p = dir.resolve("fuzz");
        for (int iter = 0; iter < Integer.getInteger("idx.fuzz", 4000); iter++) {
            byte[] b = seeds[iter % seeds.length].clone();
            int flips = 1 + r.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int pos = r.nextInt(b.length);
                b[pos] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : (byte) (b[pos] ^ (1 << r.nextInt(8)));
            }
            if (r.nextInt(5) == 0) {
                b = Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
            Files.write(p, b);
            try {
                IdxArray a = IdxReader.read(p);
                assertEquals(a.size() * a.type().bytes(), a.data().length);
                valid++;
            } catch (IdxFormatException e) {
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("iteration " + iter + ": unexpected " + t + " for bytes " + Arrays.toString(b), t);
            }
        }
        assertTrue(valid > 0 && rejected > 0, "fuzzing must hit both outcomes: " + valid + " valid, " + rejected
                + " rejected");
        System.out.println("IDX fuzz: " + valid + " valid reads, " + rejected + " rejected");
    }

    @Test
    void arrayRecordValidates() {
        assertThrows(IllegalArgumentException.class, () -> IdxArray.ofU8(new int[] {2, 2}, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> IdxArray.ofU8(new int[] {0}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> IdxArray.ofU8(new int[0], new byte[1]));
        assertThrows(IndexOutOfBoundsException.class, () -> IdxArray.ofU8(new int[] {1}, new byte[1]).get(1));
        int[] dims = {1};
        IdxArray a = IdxArray.ofU8(dims, new byte[1]);
        dims[0] = 7;
        assertArrayEquals(new int[] {1}, a.dims(), "dims are copied");
    }
}
