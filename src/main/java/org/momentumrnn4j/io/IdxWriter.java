package org.momentumrnn4j.io;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files (see {@link IdxReader} for the layout), raw or gzip-compressed, for tests and tools.
 * Writes are atomic ({@link AtomicFiles}): readers never see a half-written file.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /**
     * Writes an unsigned-byte array.
     *
     * @param dims dimensions, each ≥ 1, e.g. {@code [N, rows, cols]}
     * @param data {@code product(dims)} bytes, row-major
     * @param gzip compress with gzip
     */
    public static void writeU8(Path file, int[] dims, byte[] data, boolean gzip) {
        write(file, IdxArray.ofU8(dims, data), gzip);
    }

    /** Writes any IDX array (its data bytes are already in file order). */
    public static void write(Path file, IdxArray array, boolean gzip) {
        AtomicFiles.write(file, "IDX file", raw -> {
            OutputStream out = new BufferedOutputStream(gzip ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16);
            int[] dims = array.dims();
            out.write(new byte[] {0, 0, (byte) array.type().code(), (byte) dims.length});
            for (int d : dims) {
                out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
            }
            out.write(array.data());
            out.close();   // finishes the gzip trailer; closing the raw stream twice is harmless
        });
    }
}
