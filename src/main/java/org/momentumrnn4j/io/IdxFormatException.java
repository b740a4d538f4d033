package org.momentumrnn4j.io;

/**
 * A file is not a well-formed IDX file: bad magic number, unknown type code, impossible dimensions, or a
 * data section that is shorter or longer than the header says. The message names the source, the byte
 * offset and what was expected versus found.
 */
public final class IdxFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long offset;

    /**
     * @param source the file (or stream name) being read
     * @param offset byte offset in the uncompressed content where the problem was found
     * @param what   what was expected and what was found
     */
    public IdxFormatException(String source, long offset, String what) {
        super(source + ": malformed IDX at byte offset " + offset + ": " + what);
        this.source = source;
        this.offset = offset;
    }

    /** Same, with the underlying cause (a corrupt gzip stream). */
    public IdxFormatException(String source, long offset, String what, Throwable cause) {
        this(source, offset, what);
        initCause(cause);
    }

    /** The file or stream name. */
    public String source() {
        return source;
    }

    /** Byte offset in the uncompressed content. */
    public long offset() {
        return offset;
    }
}
