package org.momentumrnn4j.io;

/**
 * A model archive that cannot be read: truncated, corrupt, of a newer format, or not matching the model it
 * is loaded into. The message names the archive and what was wrong.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    public ModelFormatException(String message) {
        super(message);
    }

    /** With a message and the underlying cause. */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
