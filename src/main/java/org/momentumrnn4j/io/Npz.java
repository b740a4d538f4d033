package org.momentumrnn4j.io;

import java.io.EOFException;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip file with one {@code <name>.npy} entry per array,
 * STORED ({@code numpy.savez}) or DEFLATED ({@code numpy.savez_compressed}).
 *
 * <p>Reading is strict: every entry must be a {@code .npy} file with a non-empty name (numpy would hand
 * other entries back as raw bytes; here they are an error), names must be unique, each entry must pass
 * {@link Npy}'s checks with no trailing bytes, and its CRC-32 must match the zip directory. Every
 * malformed archive throws {@link NpyFormatException} naming the file and the entry; I/O failures throw
 * {@link UncheckedIOException}.
 *
 * <p>Writing produces what numpy writes, except that every entry carries the fixed zip timestamp
 * 1980-01-01 00:00 so that the same arrays always give the same bytes; compression is zlib's default
 * level, as in numpy.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";
    private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {}

    /**
     * Reads every array in {@code file}, in the archive's order, keyed by entry name without {@code .npy}.
     *
     * @return a {@link LinkedHashMap} in entry order
     * @throws NpyFormatException   when the archive or an entry is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Map<String, INDArray> read(Path file) {
        try {
            return readArchive(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read npz file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, INDArray> readArchive(Path file) throws IOException {
        String source = file.toString();
        File f = file.toFile(); // ZipFile needs the default file system
        ZipFile zip;
        try {
            zip = new ZipFile(f);
        } catch (ZipException | EOFException | RuntimeException e) {
            throw corrupt(source, "the zip directory", e);
        }
        try (zip) {
            List<ZipEntry> entries = entries(zip, source);
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (ZipEntry e : entries) {
                out.put(e.getName().substring(0, e.getName().length() - SUFFIX.length()), readEntry(zip, e, source));
            }
            return out;
        }
    }

    /** The entries after checking names: {@code .npy} suffix, not a folder, each name once. */
    private static List<ZipEntry> entries(ZipFile zip, String source) {
        List<ZipEntry> list = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (e.isDirectory() || !name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
                    throw new NpyFormatException(source + " entry " + list.size() + " '" + name
                            + "': expected a file named <name>.npy but got " + (e.isDirectory() ? "a folder" : "'" + name + "'"));
                }
                Integer first = seen.putIfAbsent(name, list.size());
                if (first != null) {
                    throw new NpyFormatException(source + " entry " + list.size() + " '" + name
                            + "': expected unique names but entry " + first + " has the same name");
                }
                list.add(e);
            }
        } catch (RuntimeException e) {
            if (e instanceof NpyFormatException) {
                throw e;
            }
            throw corrupt(source, "the zip directory", e);
        }
        return list;
    }

    private static INDArray readEntry(ZipFile zip, ZipEntry e, String source) throws IOException {
        String where = source + " entry '" + e.getName() + "'";
        InputStream raw;
        try {
            raw = zip.getInputStream(e);
        } catch (ZipException | EOFException | RuntimeException ex) {
            throw corrupt(source, "entry '" + e.getName() + "'", ex);
        }
        try (CheckedInputStream in = new CheckedInputStream(new ZipErrors(raw, source, e.getName()), new CRC32())) {
            INDArray a = Npy.read(in, where, -1);
            long crc = in.getChecksum().getValue();
            if (e.getCrc() != -1 && crc != e.getCrc()) {
                throw new NpyFormatException(where + ": CRC-32 expected " + Long.toHexString(e.getCrc())
                        + " (zip directory) but the data has " + Long.toHexString(crc));
            }
            return a;
        }
    }

    private static NpyFormatException corrupt(String source, String part, Exception e) {
        return new NpyFormatException(source + ": corrupt zip archive in " + part + ": expected a valid zip but got "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    /** Reports zip and inflater failures while reading an entry as {@link NpyFormatException}s. */
    private static final class ZipErrors extends FilterInputStream {
        private final String source;
        private final String entry;

        ZipErrors(InputStream in, String source, String entry) {
            super(in);
            this.source = source;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | EOFException | RuntimeException e) {
                throw corrupt(source, "entry '" + entry + "'", e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | EOFException | RuntimeException e) {
                throw corrupt(source, "entry '" + entry + "'", e);
            }
        }
    }

    /**
     * Writes {@code arrays} to {@code file} in map order, entry {@code <name>.npy} per array, STORED or
     * (if {@code compressed}) DEFLATED, atomically ({@link AtomicFiles}) as {@link Npy#write(INDArray, Path)}.
     *
     * @throws IllegalArgumentException for an empty or NUL-containing name, a null array or one
     *                                  {@link Npy#write(INDArray, OutputStream)} cannot write, checked
     *                                  before any file is created
     * @throws UncheckedIOException     when writing or moving the file fails
     */
    public static void write(Map<String, INDArray> arrays, Path file, boolean compressed) {
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("array names must be non-empty without NUL characters, got "
                        + (name == null ? "null" : "'" + name.replace("\0", "\\0") + "'"));
            }
            try {
                Npy.checkWritable(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("array '" + name + "': " + ex.getMessage(), ex);
            }
        }
        AtomicFiles.write(file, "npz file", out -> write(arrays, out, compressed));
    }

    private static void write(Map<String, INDArray> arrays, OutputStream out, boolean compressed)
            throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                entry.setTimeLocal(ZIP_EPOCH);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // STORED entries need size and CRC up front: a first pass computes them without buffering
                    CheckedOutputStream probe = new CheckedOutputStream(OutputStream.nullOutputStream(), new CRC32());
                    Counting counting = new Counting(probe);
                    Npy.writeTo(e.getValue(), counting);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(counting.count);
                    entry.setCompressedSize(counting.count);
                    entry.setCrc(probe.getChecksum().getValue());
                }
                zip.putNextEntry(entry);
                Npy.writeTo(e.getValue(), zip);
                zip.closeEntry();
            }
        }
    }

    /** Counts bytes passed through. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
