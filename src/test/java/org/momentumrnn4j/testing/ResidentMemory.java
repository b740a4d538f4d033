package org.momentumrnn4j.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Resident memory of this process outside the Java heap, for tests that bound native memory.
 *
 * <p>ND4J 1.0.0-M2.1 allocates its buffers in libnd4j without a Java-side tally (its allocation tracker and
 * JavaCPP's {@code totalBytes()} report 0), so the process's resident pages are the measure that sees them. The
 * resident set alone is not: it also contains the Java heap, and heap pages become resident as the collector
 * first touches them, long after they were committed — inside a shared test JVM that alone moved "resident set
 * minus committed heap" by 160 MiB between two readings with no native allocation in between. This class sums
 * the {@code Rss} of every mapping in {@code /proc/self/smaps} that lies outside the heap's reserved address
 * range, which the JVM reports itself ({@code GC.heap_info}, the diagnostic command behind
 * {@code jcmd <pid> GC.heap_info}; it prints the reserved range for G1, Parallel and Serial). What remains is
 * native memory: malloc'd buffers (ND4J's among them), metaspace, code cache, thread stacks and the collector's
 * side tables.
 */
public final class ResidentMemory {
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-fA-F]+)");
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    private final long heapStart;
    private final long heapEnd;

    private ResidentMemory(long heapStart, long heapEnd) {
        this.heapStart = heapStart;
        this.heapEnd = heapEnd;
    }

    /** Whether this platform has {@code /proc/self/smaps} (Linux). */
    public static boolean available() {
        return Files.isReadable(SMAPS);
    }

    /** Reads the heap's reserved range once; it does not move for the life of the JVM. */
    public static ResidentMemory open() {
        String info = heapInfo();
        Matcher m = ADDRESS.matcher(info);
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        while (m.find()) {
            long a = Long.parseUnsignedLong(m.group(1), 16);
            lo = Math.min(lo, a);
            hi = Math.max(hi, a);
        }
        if (lo == Long.MAX_VALUE || hi <= lo) {
            throw new IllegalStateException("GC.heap_info printed no heap address range: " + info);
        }
        return new ResidentMemory(lo, hi);
    }

    /** Start (inclusive) of the heap's reserved range. */
    public long heapStart() {
        return heapStart;
    }

    /** End (exclusive) of the heap's reserved range. */
    public long heapEnd() {
        return heapEnd;
    }

    /** Resident bytes of all mappings that do not overlap the Java heap's reserved range. */
    public long outsideHeap() {
        return sum(false);
    }

    /** Resident bytes of the mappings inside the Java heap's reserved range. */
    public long insideHeap() {
        return sum(true);
    }

    private long sum(boolean inside) {
        List<String> lines;
        try {
            lines = Files.readAllLines(SMAPS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SMAPS, e);
        }
        long total = 0;
        boolean counting = false;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                long start = Long.parseUnsignedLong(line, 0, dash, 16);
                long end = Long.parseUnsignedLong(line, dash + 1, space, 16);
                boolean overlaps = start < heapEnd && end > heapStart;
                counting = overlaps == inside;
            } else if (counting && line.startsWith("Rss:")) {
                String kb = line.substring(4).trim();
                total += Long.parseLong(kb.substring(0, kb.indexOf(' '))) * 1024;
            }
        }
        return total;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String heapInfo() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return String.valueOf(out);
        } catch (JMException e) {
            throw new IllegalStateException("the JVM's GC.heap_info diagnostic command failed", e);
        }
    }

    /**
     * Asks glibc to return the free memory of its arenas to the system ({@code malloc_trim}, through the JVM's
     * {@code System.trim_native_heap} diagnostic command, JDK 17.0.9 and later). Freed native buffers that landed
     * in an arena stay resident until then, so without a trim the resident set keeps the high-water mark of
     * whatever was once allocated. Returns false when the JVM has no such command.
     */
    public static boolean trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
            return true;
        } catch (JMException e) {
            return false;
        }
    }
}
