package org.momentumrnn4j.io;

/**
 * A {@code .npy} or {@code .npz} input that is not a well-formed array file of a supported type: a bad
 * magic string or version, a malformed header, an unsupported dtype, data that is shorter or longer than
 * the shape requires, or a corrupt archive.
 *
 * <p>The message names the file (and archive entry), the byte offset or header field, what was expected
 * and what was found, for example {@code "w.npy at byte 58: 'shape': expected a non-negative dimension
 * but got -3"}. It is the only exception type {@link Npy} and {@link Npz} throw for bad input; I/O
 * failures of the underlying file system stay {@link java.io.IOException}s.
 */
public class NpyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with a complete message. */
    public NpyFormatException(String message) {
        super(message);
    }

    /** An exception with a complete message caused by a lower-level failure (a zip or decoding error). */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<source> at byte <offset>: <what>"}. */
    static NpyFormatException at(String source, long offset, String what) {
        return new NpyFormatException(source + " at byte " + offset + ": " + what);
    }
}
