package org.momentumrnn4j.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes single arrays in NumPy's {@code .npy} format (format versions 1.0, 2.0 and 3.0).
 *
 * <p>A file is the magic string {@code \x93NUMPY}, a two-byte version, a little-endian header length
 * (2 bytes in 1.0, 4 bytes in 2.0 and 3.0), a header holding a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and a final
 * {@code '\n'}, then the raw elements.
 *
 * <p>Supported dtypes and the ND4J types they map to:
 * <table>
 *   <caption>dtypes</caption>
 *   <tr><th>descr</th><th>DataType</th><th>read</th><th>write</th></tr>
 *   <tr><td>{@code <f4}</td><td>FLOAT</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code <f8}</td><td>DOUBLE</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code <i4}</td><td>INT32 (alias INT)</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code <i8}</td><td>INT64 (alias LONG)</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code |u1}</td><td>UINT8 (alias UBYTE)</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code |b1}</td><td>BOOL</td><td>yes (bytes must be 0 or 1)</td><td>yes</td></tr>
 *   <tr><td>{@code >f4 >f8 >i4 >i8}</td><td>FLOAT, DOUBLE, INT32, INT64</td><td>yes</td><td>no</td></tr>
 * </table>
 *
 * <p><b>Reading</b> gives a c-ordered array with the file's shape: {@code ()} is a rank-0 scalar,
 * {@code (n,)} rank 1, and dimensions of size zero are allowed (the result is an empty ND4J array of that
 * shape). {@code fortran_order: True} data is converted to c order. The header is parsed strictly as the
 * subset of Python literal syntax numpy writes: exactly the three keys, each once; single- or
 * double-quoted strings without escapes; {@code True}/{@code False}; a tuple of non-negative decimal
 * integers (a 1-tuple needs its trailing comma); optional trailing commas; spaces, tabs and newlines
 * between tokens and after the closing brace. A file must hold exactly one array: bytes after the data
 * are rejected (numpy tolerates several arrays appended to one file; this reader does not). Headers
 * longer than {@value #MAX_HEADER_BYTES} bytes (numpy's own {@code max_header_size}) and arrays of more
 * than {@value #MAX_DATA_BYTES} bytes are rejected. Every malformed input throws
 * {@link NpyFormatException}; nothing is allocated from an unchecked header: the data size is checked
 * against the file size, and a stream of unknown length is read in bounded chunks that fail at EOF.
 * I/O failures throw {@link UncheckedIOException}.
 *
 * <p><b>Writing</b> produces what {@code numpy.save} (numpy 1.24) writes for the same array, byte for byte:
 * little-endian, c order, a version 1.0 header (2.0 only if the header exceeds 65535 bytes) with the
 * dict keys in sorted order, numpy's spare space for growing the first axis, and padding to a multiple
 * of 64 bytes ending in {@code '\n'}. Views and f-ordered arrays are copied to c order first.
 */
public final class Npy {
    /** The longest header accepted, in bytes: numpy's default {@code max_header_size}. */
    public static final int MAX_HEADER_BYTES = 10_000;
    /** The largest array accepted, in bytes of element data (the limit of one ND4J NIO view). */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE;
    /** The largest rank accepted (numpy's {@code NPY_MAXDIMS}). */
    public static final int MAX_RANK = 32;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String MAGIC_TEXT = "\\x93NUMPY";
    /** numpy pads the magic, version, length and header to a multiple of this. */
    private static final int ALIGN = 64;
    /** numpy leaves {@code 21 - digits(shape[0])} spare spaces so the first axis can grow in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Data is read and written in chunks of this many bytes (a multiple of every element width). */
    private static final int CHUNK = 1 << 20;
    private static final String STREAM = "<stream>";

    private Npy() {}

    /** The dtypes this class understands; {@code order} is null for single-byte types. */
    private enum Dtype {
        F4("<f4", DataType.FLOAT, ByteOrder.LITTLE_ENDIAN),
        F8("<f8", DataType.DOUBLE, ByteOrder.LITTLE_ENDIAN),
        I4("<i4", DataType.INT32, ByteOrder.LITTLE_ENDIAN),
        I8("<i8", DataType.INT64, ByteOrder.LITTLE_ENDIAN),
        U1("|u1", DataType.UINT8, null),
        B1("|b1", DataType.BOOL, null),
        F4_BE(">f4", DataType.FLOAT, ByteOrder.BIG_ENDIAN),
        F8_BE(">f8", DataType.DOUBLE, ByteOrder.BIG_ENDIAN),
        I4_BE(">i4", DataType.INT32, ByteOrder.BIG_ENDIAN),
        I8_BE(">i8", DataType.INT64, ByteOrder.BIG_ENDIAN);

        final String descr;
        final DataType type;
        final ByteOrder order;
        final int width;

        Dtype(String descr, DataType type, ByteOrder order) {
            this.descr = descr;
            this.type = type;
            this.order = order;
            this.width = type.width();
        }

        /** Whether element bytes must be reversed between the file and native memory. */
        boolean swaps() {
            return order != null && order != ByteOrder.nativeOrder();
        }

        static Dtype ofDescr(String descr) {
            for (Dtype d : values()) {
                if (d.descr.equals(descr)) {
                    return d;
                }
            }
            return null;
        }

        /** The little-endian dtype numpy would write for {@code type}, or null. */
        static Dtype forWriting(DataType type) {
            for (Dtype d : values()) {
                if (d.type == type && d.order != ByteOrder.BIG_ENDIAN) {
                    return d;
                }
            }
            return null;
        }

        static String supported() {
            StringBuilder s = new StringBuilder();
            for (Dtype d : values()) {
                s.append(s.length() == 0 ? "" : ", ").append(d.descr);
            }
            return s.toString();
        }
    }

    /** A parsed header; {@code dataOffset} is where the elements start, {@code dataBytes} how many bytes. */
    private record Header(Dtype dtype, boolean fortranOrder, long[] shape, long dataOffset, long dataBytes) {}

    // ---------------------------------------------------------------- reading

    /**
     * Reads the single array stored in {@code file}.
     *
     * @throws NpyFormatException   when the content is not a well-formed .npy file of a supported dtype
     * @throws UncheckedIOException when the file cannot be read
     */
    public static INDArray read(Path file) {
        try {
            long size = Files.size(file);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                return read(in, file.toString(), size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #read(InputStream, String)} with messages naming the source {@code <stream>}. */
    public static INDArray read(InputStream in) {
        return read(in, STREAM);
    }

    /**
     * Reads one array from {@code in}, which must end right after the array's data (the stream is read
     * to its end but not closed); {@code source} names it in messages.
     *
     * @throws NpyFormatException   when the content is not a well-formed .npy stream of a supported dtype
     * @throws UncheckedIOException when the stream cannot be read
     */
    public static INDArray read(InputStream in, String source) {
        try {
            return read(in, source, -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read npy stream " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads one array from {@code in} that must end after the data; {@code source} names it in messages
     * and {@code size} is its length in bytes, or -1 when unknown.
     */
    static INDArray read(InputStream in, String source, long size) throws IOException {
        Header h = readHeader(in, source, size);
        long end = h.dataOffset() + h.dataBytes();
        if (size >= 0 && size != end) {
            throw NpyFormatException.at(source, Math.min(size, end), size < end
                    ? dataShort(h, size - h.dataOffset())
                    : "trailing bytes: shape " + tuple(h.shape()) + " of '" + h.dtype().descr + "' ends the data at byte "
                    + end + " but the file has " + size + " bytes");
        }
        INDArray a = readData(in, source, size >= 0, h);
        if (size < 0 && in.read() != -1) {
            throw NpyFormatException.at(source, end, "trailing bytes: shape " + tuple(h.shape()) + " of '"
                    + h.dtype().descr + "' ends the data here, expected the end of the input but found more bytes");
        }
        return a;
    }

    private static String dataShort(Header h, long present) {
        return "data ends early: shape " + tuple(h.shape()) + " of '" + h.dtype().descr + "' needs " + h.dataBytes()
                + " bytes from byte " + h.dataOffset() + " but only " + present + " are present";
    }

    private static Header readHeader(InputStream in, String source, long size) throws IOException {
        byte[] prefix = in.readNBytes(8);
        for (int i = 0; i < Math.min(prefix.length, MAGIC.length); i++) {
            if (prefix[i] != MAGIC[i]) {
                throw NpyFormatException.at(source, i, "magic string: expected " + MAGIC_TEXT + " but got '"
                        + escape(prefix, 0, Math.min(prefix.length, MAGIC.length)) + "'");
            }
        }
        if (prefix.length < 8) {
            throw NpyFormatException.at(source, prefix.length, "input ends inside the magic string and version:"
                    + " expected 8 bytes but got " + prefix.length);
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw NpyFormatException.at(source, 6, "format version: expected 1.0, 2.0 or 3.0 but got "
                    + major + "." + minor);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lengthBytes);
        if (lb.length < lengthBytes) {
            throw NpyFormatException.at(source, 8 + lb.length, "input ends inside the header length: expected "
                    + lengthBytes + " bytes (version " + major + ".0) but got " + lb.length);
        }
        long headerLength = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            headerLength = (headerLength << 8) | (lb[i] & 0xff);
        }
        long headerStart = 8 + lengthBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw NpyFormatException.at(source, 8, "header length: expected at most " + MAX_HEADER_BYTES
                    + " bytes but got " + headerLength);
        }
        if (size >= 0 && headerStart + headerLength > size) {
            throw NpyFormatException.at(source, 8, "header length: " + headerLength + " bytes from byte "
                    + headerStart + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] header = in.readNBytes((int) headerLength);
        if (header.length < headerLength) {
            throw NpyFormatException.at(source, headerStart + header.length, "input ends inside the header:"
                    + " header length says " + headerLength + " bytes but only " + header.length + " follow");
        }
        if (major == 3) {
            checkUtf8(header, source, headerStart);
        }
        return new HeaderParser(header, major == 3, source, headerStart).parse();
    }

    private static void checkUtf8(byte[] header, String source, long headerStart) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CoderResult r = dec.decode(in, CharBuffer.allocate(header.length), true);
        if (r.isError()) {
            throw NpyFormatException.at(source, headerStart + in.position(),
                    "header (version 3.0): expected UTF-8 but got byte '" + escape(header, in.position(),
                            Math.min(header.length, in.position() + r.length())) + "'");
        }
    }

    private static INDArray readData(InputStream in, String source, boolean sizeChecked, Header h)
            throws IOException {
        long[] shape = h.shape();
        if (h.dataBytes() == 0) {
            return Nd4j.create(h.dtype().type, shape);
        }
        boolean fortran = h.fortranOrder() && shape.length > 1;
        long[] stored = fortran ? reversed(shape) : shape;
        int n = (int) h.dataBytes();
        INDArray a = null;
        ByteBuffer dst = null;
        List<byte[]> pending = null;
        byte[] reuse = null;
        if (sizeChecked) {
            // the file holds exactly n data bytes, so the allocation is backed by real input
            a = Nd4j.createUninitialized(h.dtype().type, stored);
            dst = a.data().asNio();
            reuse = new byte[Math.min(CHUNK, n)];
        } else {
            pending = new ArrayList<>();
        }
        for (int done = 0; done < n; ) {
            int len = Math.min(CHUNK, n - done);
            byte[] chunk = reuse != null ? reuse : new byte[len];
            int got = in.readNBytes(chunk, 0, len);
            if (got < len) {
                throw NpyFormatException.at(source, h.dataOffset() + done + got, dataShort(h, (long) done + got));
            }
            toNative(chunk, len, h, source, h.dataOffset() + done);
            if (dst != null) {
                dst.put(done, chunk, 0, len);
            } else {
                pending.add(chunk);
            }
            done += len;
        }
        if (pending != null) {
            a = Nd4j.createUninitialized(h.dtype().type, stored);
            dst = a.data().asNio();
            int pos = 0;
            for (byte[] chunk : pending) {
                dst.put(pos, chunk, 0, chunk.length);
                pos += chunk.length;
            }
        }
        if (fortran) {
            // element [i, j, k] of an f-ordered (a, b, c) array sits where [k, j, i] of a c-ordered (c, b, a) does
            int[] axes = new int[shape.length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = axes.length - 1 - i;
            }
            a = a.permute(axes).dup('c');
        }
        return a;
    }

    /** Converts {@code len} file bytes in place to native element order; checks that booleans are 0 or 1. */
    private static void toNative(byte[] b, int len, Header h, String source, long offset) {
        Dtype d = h.dtype();
        if (d == Dtype.B1) {
            for (int i = 0; i < len; i++) {
                if ((b[i] & 0xfe) != 0) {
                    throw NpyFormatException.at(source, offset + i, "'|b1' element " + ((offset - h.dataOffset()) + i)
                            + ": expected 0 or 1 but got " + (b[i] & 0xff));
                }
            }
        } else if (d.swaps()) {
            swap(b, len, d.width);
        }
    }

    private static void swap(byte[] b, int len, int width) {
        for (int e = 0; e < len; e += width) {
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                byte t = b[e + i];
                b[e + i] = b[e + j];
                b[e + j] = t;
            }
        }
    }

    /**
     * A strict parser for the header dict, on the raw header bytes so offsets in messages are exact. Every
     * token numpy writes is ASCII; string contents are decoded as Latin-1 (versions 1.0 and 2.0) or UTF-8
     * (3.0, already validated).
     */
    private static final class HeaderParser {
        private final byte[] h;
        private final boolean utf8;
        private final String source;
        private final long base;
        private int pos;

        HeaderParser(byte[] header, boolean utf8, String source, long base) {
            this.h = header;
            this.utf8 = utf8;
            this.source = source;
            this.base = base;
        }

        Header parse() {
            String descr = null;
            int descrPos = -1;
            Boolean fortran = null;
            long[] shape = null;
            int shapePos = -1;
            expect('{', "opening the header dict");
            ws();
            while (peek() != '}') {
                int keyPos = pos;
                if (peek() != '\'' && peek() != '"') {
                    throw error(pos, "expected a key string ('descr', 'fortran_order' or 'shape') or '}' but got "
                            + got(pos));
                }
                String key = string();
                ws();
                expect(':', "after the key '" + key + "'");
                ws();
                switch (key) {
                    case "descr":
                        checkFirst(descr == null, key, keyPos);
                        if (peek() != '\'' && peek() != '"') {
                            throw error(pos, "'descr': expected a dtype string like '<f4' but got " + got(pos));
                        }
                        descrPos = pos;
                        descr = string();
                        break;
                    case "fortran_order":
                        checkFirst(fortran == null, key, keyPos);
                        fortran = bool();
                        break;
                    case "shape":
                        checkFirst(shape == null, key, keyPos);
                        shapePos = pos;
                        shape = shapeTuple();
                        break;
                    default:
                        throw error(keyPos, "unexpected key '" + key + "': expected only 'descr', 'fortran_order'"
                                + " and 'shape'");
                }
                ws();
                if (peek() == ',') {
                    pos++;
                    ws();
                } else if (peek() != '}') {
                    throw error(pos, "expected ',' or '}' after the value of '" + key + "' but got " + got(pos));
                }
            }
            pos++;
            ws();
            if (pos != h.length) {
                throw error(pos, "expected only padding (spaces, newline) after the header dict but got " + got(pos));
            }
            String missing = descr == null ? "descr" : fortran == null ? "fortran_order" : shape == null ? "shape" : null;
            if (missing != null) {
                throw error(0, "header dict: expected keys 'descr', 'fortran_order' and 'shape' but '" + missing
                        + "' is missing");
            }
            Dtype dtype = Dtype.ofDescr(descr);
            if (dtype == null) {
                throw error(descrPos, "'descr': unsupported dtype '" + descr + "'; expected one of " + Dtype.supported());
            }
            boolean empty = false;
            long nonZero = dtype.width;
            for (long dim : shape) {
                empty |= dim == 0;
                if (dim != 0) {
                    try {
                        nonZero = Math.multiplyExact(nonZero, dim);
                    } catch (ArithmeticException e) {
                        throw error(shapePos, "'shape' " + tuple(shape) + " of '" + descr
                                + "': expected a size below 2^63 bytes but it overflows");
                    }
                }
            }
            long bytes = empty ? 0 : nonZero;
            if (bytes > MAX_DATA_BYTES) {
                throw error(shapePos, "'shape' " + tuple(shape) + " of '" + descr + "' needs " + bytes
                        + " bytes; expected at most " + MAX_DATA_BYTES);
            }
            return new Header(dtype, fortran, shape, base + h.length, bytes);
        }

        private void checkFirst(boolean first, String key, int keyPos) {
            if (!first) {
                throw error(keyPos, "duplicate key '" + key + "': expected each key once");
            }
        }

        private boolean bool() {
            for (String word : new String[] {"True", "False"}) {
                if (matches(word) && !isNameChar(at(pos + word.length()))) {
                    pos += word.length();
                    return word.equals("True");
                }
            }
            throw error(pos, "'fortran_order': expected True or False but got " + got(pos));
        }

        private long[] shapeTuple() {
            int start = pos;
            if (peek() != '(') {
                throw error(pos, "'shape': expected a tuple like (2, 3) but got " + got(pos));
            }
            pos++;
            ws();
            List<Long> dims = new ArrayList<>();
            while (peek() != ')') {
                dims.add(dimension(dims.size()));
                if (dims.size() > MAX_RANK) {
                    throw error(start, "'shape': expected at most " + MAX_RANK + " dimensions but got more");
                }
                ws();
                if (peek() == ',') {
                    pos++;
                    ws();
                } else if (peek() == ')') {
                    if (dims.size() == 1) {
                        throw error(start, "'shape': expected a tuple but got the integer " + got(start)
                                + "; a 1-tuple is written (n,)");
                    }
                } else {
                    throw error(pos, "'shape': expected ',' or ')' but got " + got(pos));
                }
            }
            pos++;
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i);
            }
            return out;
        }

        private long dimension(int index) {
            int start = pos;
            boolean negative = peek() == '-';
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            int digits = pos;
            long v = 0;
            while (peek() >= '0' && peek() <= '9') {
                if (v > (Long.MAX_VALUE - (peek() - '0')) / 10) {
                    throw error(start, "'shape' dimension " + index + ": expected an integer below 2^63 but got "
                            + got(start));
                }
                v = v * 10 + (peek() - '0');
                pos++;
            }
            if (pos == digits || isNameChar(peek()) || peek() == '.'
                    || (pos - digits > 1 && h[digits] == '0')) {
                throw error(start, "'shape' dimension " + index + ": expected a decimal integer but got " + got(start));
            }
            if (negative && v != 0) {
                throw error(start, "'shape' dimension " + index + ": expected a non-negative size but got -" + v);
            }
            return v;
        }

        /** A quoted string without escapes; the caller has checked the opening quote. */
        private String string() {
            int quote = peek();
            int start = pos++;
            while (peek() != quote) {
                int c = peek();
                if (c < 0 || c == '\n' || c == '\r') {
                    throw error(start, "unterminated string " + got(start));
                }
                if (c == '\\') {
                    throw error(pos, "expected a string without escape sequences but got " + got(start));
                }
                pos++;
            }
            pos++;
            return new String(h, start + 1, pos - start - 2,
                    utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }

        private void expect(char c, String where) {
            if (peek() != c) {
                throw error(pos, "expected '" + c + "' " + where + " but got " + got(pos));
            }
            pos++;
        }

        private void ws() {
            while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') {
                pos++;
            }
        }

        private boolean matches(String word) {
            if (pos + word.length() > h.length) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                if (h[pos + i] != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isNameChar(int c) {
            return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        }

        private int peek() {
            return at(pos);
        }

        private int at(int i) {
            return i < h.length ? h[i] & 0xff : -1;
        }

        private String got(int from) {
            return from >= h.length ? "the end of the header" : "'" + escape(h, from, Math.min(h.length, from + 16)) + "'";
        }

        private NpyFormatException error(int at, String what) {
            return NpyFormatException.at(source, base + at, what);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code array} (FLOAT, DOUBLE, INT32, INT64, UINT8 or BOOL) to {@code out} exactly as
     * {@code numpy.save} would; {@code out} is neither flushed nor closed.
     *
     * @throws IllegalArgumentException for another data type or more than {@link #MAX_DATA_BYTES} bytes
     * @throws UncheckedIOException     when writing to {@code out} fails
     */
    public static void write(INDArray array, OutputStream out) {
        writableDtype(array);
        try {
            writeTo(array, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write npy stream: " + e.getMessage(), e);
        }
    }

    /** The body of {@link #write(INDArray, OutputStream)}, with I/O failures left checked. */
    static void writeTo(INDArray array, OutputStream out) throws IOException {
        Dtype d = writableDtype(array);
        out.write(header(d.descr, array.shape()));
        long bytes = array.length() * d.width;
        if (bytes == 0) {
            return;
        }
        INDArray c = denseC(array);
        ByteBuffer src = c.data().asNio();
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        for (int done = 0; done < bytes; ) {
            int len = (int) Math.min(CHUNK, bytes - done);
            src.get(done, chunk, 0, len);
            if (d.swaps()) {
                swap(chunk, len, d.width);
            }
            out.write(chunk, 0, len);
            done += len;
        }
    }

    /**
     * Writes {@code array} to {@code file} as {@link #write(INDArray, OutputStream)} does, atomically
     * ({@link AtomicFiles}): a temporary file in the same folder is moved over {@code file} only once
     * complete, so a failure leaves no partial file and an existing {@code file} unchanged.
     *
     * @throws IllegalArgumentException for an array that cannot be written, before any file is created
     * @throws UncheckedIOException     when writing or moving the file fails
     */
    public static void write(INDArray array, Path file) {
        checkWritable(array);
        AtomicFiles.write(file, "npy file", out -> writeTo(array, out));
    }

    /** Throws {@link IllegalArgumentException} unless {@code array} can be written. */
    static void checkWritable(INDArray array) {
        writableDtype(array);
    }

    private static Dtype writableDtype(INDArray array) {
        if (array == null) {
            throw new IllegalArgumentException("array must not be null");
        }
        Dtype d = Dtype.forWriting(array.dataType());
        if (d == null) {
            throw new IllegalArgumentException("cannot write a " + array.dataType() + " array of shape "
                    + tuple(array.shape()) + " as .npy: expected FLOAT, DOUBLE, INT32, INT64, UINT8 or BOOL");
        }
        if (array.length() > MAX_DATA_BYTES / d.width) {
            throw new IllegalArgumentException("cannot write an array of shape " + tuple(array.shape())
                    + ": expected at most " + MAX_DATA_BYTES + " bytes of data");
        }
        return d;
    }

    /**
     * numpy's header for a c-ordered array: {@code {'descr': ..., 'fortran_order': False, 'shape': ..., }},
     * spare spaces for the first axis, padding to a multiple of {@value #ALIGN} bytes and {@code '\n'}.
     */
    static byte[] header(String descr, long[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': ").append(tuple(shape)).append(", }");
        if (shape.length > 0) {
            s.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        int textLength = s.length() + 1;
        int major = 1;
        int prefix = 10;
        int pad = ALIGN - (prefix + textLength) % ALIGN;
        if (textLength + pad > 0xffff) {
            major = 2;
            prefix = 12;
            pad = ALIGN - (prefix + textLength) % ALIGN;
        }
        s.append(" ".repeat(pad)).append('\n');
        byte[] text = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        return out.put(text).array();
    }

    /** {@code a} itself if its buffer holds exactly its elements in c order from offset 0, else a c copy. */
    private static INDArray denseC(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() < a.length()) {
            return a.dup('c');
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return a.dup('c');
            }
            expected *= shape[i];
        }
        return a;
    }

    // ---------------------------------------------------------------- helpers

    /** A shape as Python writes a tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String tuple(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** Printable ASCII as is, anything else as {@code \xNN}. */
    static String escape(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }
}
