package org.momentumrnn4j.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 *
 * <p>Layout: two zero bytes, a type code ({@link IdxType}), the number of dimensions {@code d}
 * (1–255), {@code d} big-endian int32 dimensions, then {@code product(dims)} elements row-major, big-endian.
 * MNIST images have magic {@code 0x00000803} ({@code [N, 28, 28]} u8), labels {@code 0x00000801}
 * ({@code [N]} u8).
 *
 * <p>Compression is detected from the content (the gzip magic {@code 1f 8b}), never from the file name.
 *
 * <p>Validation: magic number, type code, every dimension ≥ 1, the data size fits in one Java array, and the
 * data section has exactly the length the header implies (a truncated file and a file with trailing bytes
 * are both rejected). Problems with the content throw {@link IdxFormatException} (an
 * {@link IllegalArgumentException}) naming the source, the byte offset in the uncompressed content and
 * expected versus found; I/O failures throw {@link UncheckedIOException}.
 *
 * <p>A corrupt header never causes an absurd allocation: for a raw file the implied size is checked against
 * the file size before anything is allocated; for a compressed file (whose decompressed size is unknown)
 * the buffer grows with the data actually decompressed, so memory stays within twice the real content.
 */
public final class IdxReader {
    /** Largest data section this reader accepts, in bytes (the largest Java byte array, conservatively). */
    public static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private static final int FIRST_CHUNK = 1 << 20;

    private IdxReader() {
    }

    /**
     * Reads an IDX file.
     *
     * @param file raw or gzip-compressed IDX file
     * @return the type, dimensions and data
     * @throws IdxFormatException   when the content is not a well-formed IDX file
     * @throws UncheckedIOException when the file cannot be read
     */
    public static IdxArray read(Path file) {
        String source = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            if (isGzip(raw)) {
                return readGzip(raw, source);
            }
            return parse(raw, source, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX stream to its end (the stream is not closed).
     *
     * @param in     raw or gzip-compressed IDX content
     * @param source name used in error messages
     * @return the type, dimensions and data
     * @throws IdxFormatException   when the content is not a well-formed IDX stream
     * @throws UncheckedIOException when the stream cannot be read
     */
    public static IdxArray read(InputStream in, String source) {
        try {
            InputStream b = in.markSupported() ? in : new BufferedInputStream(in, 1 << 16);
            if (isGzip(b)) {
                return readGzip(b, source);
            }
            return parse(b, source, -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX stream " + source + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static IdxArray readGzip(InputStream in, String source) throws IOException {
        GZIPInputStream gz;
        try {
            gz = new GZIPInputStream(in, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(source, 0, "corrupt gzip header (" + e.getMessage() + ")", e);
        }
        return parse(gz, source, -1);
    }

    /**
     * Parses header and data.
     *
     * @param length total content length when known (raw files), else -1
     */
    private static IdxArray parse(InputStream in, String source, long length) throws IOException {
        Counting c = new Counting(in, source);
        byte[] magic = new byte[4];
        int got = c.readFully(magic, 0, 4);
        if (got < 4) {
            throw new IdxFormatException(source, got, "truncated header: expected 4 magic bytes, the content ends after "
                    + got);
        }
        int m = (magic[0] & 0xFF) << 24 | (magic[1] & 0xFF) << 16 | (magic[2] & 0xFF) << 8 | magic[3] & 0xFF;
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(source, 0, String.format(
                    "bad magic number 0x%08X: expected two zero bytes, a type code and a dimension count"
                            + " (e.g. 0x00000803 for MNIST images, 0x00000801 for labels)", m));
        }
        IdxType type = IdxType.fromCode(magic[2] & 0xFF);
        if (type == null) {
            throw new IdxFormatException(source, 2, String.format("unknown type code 0x%02X in magic number 0x%08X:"
                    + " expected 0x08 (u8), 0x09 (s8), 0x0B (i16), 0x0C (i32), 0x0D (f32) or 0x0E (f64)",
                    magic[2] & 0xFF, m));
        }
        int rank = magic[3] & 0xFF;
        if (rank < 1) {
            throw new IdxFormatException(source, 3, String.format(
                    "dimension count must be >= 1, got 0 (magic number 0x%08X)", m));
        }
        byte[] dimBytes = new byte[4 * rank];
        got = c.readFully(dimBytes, 0, dimBytes.length);
        if (got < dimBytes.length) {
            throw new IdxFormatException(source, 4 + got, "truncated header: expected " + rank + " dimensions ("
                    + dimBytes.length + " bytes from offset 4), the content ends after " + got + " of them");
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int k = 0; k < rank; k++) {
            int p = 4 * k;
            dims[k] = (dimBytes[p] & 0xFF) << 24 | (dimBytes[p + 1] & 0xFF) << 16 | (dimBytes[p + 2] & 0xFF) << 8
                    | dimBytes[p + 3] & 0xFF;
            if (dims[k] < 1) {
                throw new IdxFormatException(source, 4 + p, "dimension " + k + " must be >= 1, got " + dims[k]);
            }
            elements *= dims[k];   // < 2^31 · 2^31 before the check below, no overflow
            if (elements * type.bytes() > MAX_DATA_BYTES) {
                throw new IdxFormatException(source, 4 + p, "dimensions " + Arrays.toString(Arrays.copyOf(dims, k + 1))
                        + (k + 1 < rank ? "..." : "") + " of type " + type + " imply more than " + MAX_DATA_BYTES
                        + " data bytes, the most this reader supports");
            }
        }
        long header = 4 + 4L * rank;
        int need = (int) (elements * type.bytes());
        String shape = "dims " + Arrays.toString(dims) + " of type " + type + " need " + need + " data bytes, "
                + "ending at offset " + (header + need);
        if (length >= 0) {
            if (length < header + need) {
                throw new IdxFormatException(source, length, "truncated data: " + shape + ", but the file has only "
                        + length + " bytes");
            }
            if (length > header + need) {
                throw new IdxFormatException(source, header + need, (length - header - need) + " trailing bytes: "
                        + shape + ", but the file has " + length + " bytes");
            }
        }
        byte[] data = readData(c, need, header, shape);
        long extra = c.skipToEnd();
        if (extra > 0) {
            throw new IdxFormatException(source, header + need, extra + " trailing bytes: " + shape
                    + ", but the content has " + (header + need + extra) + " bytes");
        }
        return new IdxArray(type, dims, data);
    }

    /** Reads {@code need} bytes, growing the buffer with the data actually present. */
    private static byte[] readData(Counting c, int need, long header, String shape) throws IOException {
        byte[] buf = new byte[Math.min(need, FIRST_CHUNK)];
        int have = 0;
        while (true) {
            int got = c.readFully(buf, have, buf.length - have);
            have += got;
            if (have == need) {
                return buf;
            }
            if (have < buf.length) {
                throw new IdxFormatException(c.source, header + have, "truncated data: " + shape
                        + ", but the content ends at offset " + (header + have));
            }
            buf = Arrays.copyOf(buf, (int) Math.min(need, 2L * buf.length));
        }
    }

    /** Reads with position tracking; maps corrupt-gzip errors to {@link IdxFormatException}. */
    private static final class Counting {
        private final InputStream in;
        private final String source;
        private long pos;

        Counting(InputStream in, String source) {
            this.in = in;
            this.source = source;
        }

        /** Reads up to {@code n} bytes; returns fewer only at the end of the content. */
        int readFully(byte[] b, int off, int n) throws IOException {
            int total = 0;
            while (total < n) {
                int r;
                try {
                    r = in.read(b, off + total, n - total);
                } catch (ZipException | EOFException e) {
                    throw corrupt(pos + total, e);
                }
                if (r < 0) {
                    break;
                }
                total += r;
            }
            pos += total;
            return total;
        }

        /** Counts the remaining bytes. */
        long skipToEnd() throws IOException {
            byte[] b = new byte[8192];
            long n = 0;
            while (true) {
                int r;
                try {
                    r = in.read(b);
                } catch (ZipException | EOFException e) {
                    throw corrupt(pos + n, e);
                }
                if (r < 0) {
                    return n;
                }
                n += r;
            }
        }

        private IdxFormatException corrupt(long at, IOException e) {
            return new IdxFormatException(source, at, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }
}
