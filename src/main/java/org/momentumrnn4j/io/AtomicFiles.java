package org.momentumrnn4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic file writes: content goes to a temporary file in the target directory, is forced to disk, then replaces
 * the target, so a crash leaves either the old file or the complete new one, never a partial file.
 */
public final class AtomicFiles {
    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code out} (closed by the caller). */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code file} atomically where the file system supports atomic moves (otherwise by a plain
     * replacing move). On failure the target is untouched and the temporary file removed.
     *
     * @param what what is written, for the error message (e.g. "IDX file")
     * @throws UncheckedIOException when writing or moving fails
     */
    public static void write(Path file, String what, Content content) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            // a hidden sibling created like any other file (the user's umask applies, unlike createTempFile's 0600)
            tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime())
                    + Long.toHexString(Thread.currentThread().getId()) + ".tmp");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
                content.writeTo(new java.io.FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();                     // the writer may close its stream; the file stays open here
                    }
                });
                buffered.flush();
                ch.force(true);                      // on disk before it becomes visible under the target name
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and can be removed by hand
                }
            }
        }
    }
}
