package org.momentumrnn4j.io;

/**
 * Element types of the IDX format (LeCun's MNIST files): the third header byte. Multi-byte values are
 * big-endian.
 */
public enum IdxType {
    /** Unsigned byte, code {@code 0x08} (MNIST images and labels). */
    U8(0x08, 1),
    /** Signed byte, code {@code 0x09}. */
    S8(0x09, 1),
    /** Signed 16-bit integer, code {@code 0x0B}. */
    I16(0x0B, 2),
    /** Signed 32-bit integer, code {@code 0x0C}. */
    I32(0x0C, 4),
    /** IEEE 754 single precision, code {@code 0x0D}. */
    F32(0x0D, 4),
    /** IEEE 754 double precision, code {@code 0x0E}. */
    F64(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type code as stored in the header. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type with this header code, or {@code null} when the code is not an IDX type. */
    public static IdxType fromCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
