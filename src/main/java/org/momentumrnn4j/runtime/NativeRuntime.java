package org.momentumrnn4j.runtime;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ND4J native build this process runs on, and the thread configuration the library chooses for it.
 *
 * <p>libnd4j runs its ops on an OpenMP pool and OpenBLAS keeps its own pthread pool; on small machines both spin
 * after each call, so a GEMM followed by an elementwise op fights for the cores (shared/perf-notes.md, "the
 * thread trap": 2–10×). The library therefore configures threads once, the first time a recurrent layer or the
 * trainer is used (or when {@link #configure()} is called explicitly), according to the detected build:
 * <ul>
 *   <li>{@link Build#OPENBLAS} (the plain {@code linux-x86_64} classifier): one master thread for libnd4j's
 *       elementwise ops ({@code Environment.setMaxMasterThreads(1)}) and the BLAS pool left at its size;</li>
 *   <li>{@link Build#ONEDNN} (the {@code -onednn-avx512} classifiers): the defaults are kept (lowering the
 *       master threads there causes stalls of several milliseconds).</li>
 * </ul>
 * The system property {@value #PROPERTY} overrides the choice: {@code auto} (the default, above), {@code none}
 * (leave ND4J exactly as the user configured it), or a positive integer {@code n} (master threads 1, libnd4j and
 * BLAS pools of {@code n} threads). Environment variables ({@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS})
 * keep their usual meaning for the pools' initial sizes.
 *
 * <p>Training uses the cores by splitting the batch, not the GEMMs: a fused sweep (one layer over a whole
 * sequence) runs its batch in {@link #sweepThreads()} slices on as many Java threads, each slice with
 * single-threaded native calls (measured on 2 cores, MomentumLSTM forward + backward, shape A: 65.8 → 43.5 ms median;
 * B: 192.9 → 145.6 ms;
 * benchmarks/RESULTS.md). That needs single-threaded native calls, so {@code auto} chooses it only where they
 * are: on the OpenBLAS build (where it then sets the BLAS pool to one thread) and on oneDNN builds when
 * {@code OMP_NUM_THREADS=1} (oneDNN sizes its pool from OpenMP, which cannot be changed per call from Java).
 * The system property {@value #SWEEP_PROPERTY} overrides: {@code auto} or a positive count ({@code 1} turns the
 * split off).
 */
public final class NativeRuntime {
    /** System property overriding the thread configuration: {@code auto}, {@code none} or a thread count. */
    public static final String PROPERTY = "momentumrnn4j.threads";

    /** System property overriding the batch split of fused sweeps: {@code auto} or a thread count. */
    public static final String SWEEP_PROPERTY = "momentumrnn4j.sweepThreads";

    private static final Logger LOG = LoggerFactory.getLogger(NativeRuntime.class);
    private static volatile String applied;

    /** Which libnd4j build is loaded. */
    public enum Build {
        /** libnd4j with OpenBLAS (the plain classifier). */
        OPENBLAS,
        /** libnd4j with oneDNN linked in (the {@code -onednn*} classifiers). */
        ONEDNN,
        /** Anything else (for example MKL or another backend). */
        OTHER
    }

    private NativeRuntime() {}

    private static final class BuildHolder {
        static final String INFO = buildInfo();
        static final Build BUILD = detect(INFO);

        private static String buildInfo() {
            try {
                Nd4j.getBackend();
                return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            } catch (Throwable t) {
                return "";
            }
        }
    }

    static Build detect(String buildInfo) {
        if (buildInfo.contains("HAVE_ONEDNN") || buildInfo.contains("HAVE_MKLDNN")) {
            return Build.ONEDNN;
        }
        if (buildInfo.contains("HAVE_OPENBLAS")) {
            return Build.OPENBLAS;
        }
        return Build.OTHER;
    }

    /** The loaded libnd4j build. */
    public static Build build() {
        return BuildHolder.BUILD;
    }

    /** Parses the value of {@value #PROPERTY}: {@code auto}, {@code none} or a positive thread count. */
    static Object parse(String value) {
        String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto") || v.equals("none")) {
            return v;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("system property " + PROPERTY + ": expected auto, none or a positive "
                + "integer, got '" + value + "'");
    }

    /**
     * Applies the thread configuration once per process (later calls return the first result). Returns a
     * description of what was done.
     */
    public static String configure() {
        String a = applied;
        if (a != null) {
            return a;
        }
        synchronized (NativeRuntime.class) {
            if (applied == null) {
                applied = apply(parse(System.getProperty(PROPERTY)), build());
                LOG.debug("MomentumRNN4J thread configuration: {}", applied);
            }
            return applied;
        }
    }

    private static String apply(Object choice, Build build) {
        var env = Nd4j.getEnvironment();
        if ("none".equals(choice)) {
            return "none (left as configured)";
        }
        if (choice instanceof Integer n) {
            env.setMaxMasterThreads(1);
            env.setMaxThreads(n);
            Nd4j.factory().blas().setMaxThreads(n);
            return "explicit: " + n + " threads, 1 master thread";
        }
        if (build == Build.OPENBLAS) {
            env.setMaxMasterThreads(1);
            if (sweepThreads() > 1) {
                Nd4j.factory().blas().setMaxThreads(1);
                return "auto (OpenBLAS build): 1 master thread, BLAS 1 thread, batch split over " + sweepThreads() + " threads";
            }
            return "auto (OpenBLAS build): 1 master thread";
        }
        return "auto (" + build + " build): ND4J defaults";
    }

    private static final class SweepHolder {
        static final int THREADS = sweepThreads(System.getProperty(SWEEP_PROPERTY), System.getProperty(PROPERTY), build(),
                System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors());
    }

    /**
     * How many threads a fused sweep splits its batch over (1 = no split); decided once per process, see the
     * class comment. A sweep uses at most one thread per 4 samples of its batch.
     */
    public static int sweepThreads() {
        return SweepHolder.THREADS;
    }

    /** The choice of {@link #sweepThreads()} from its inputs. */
    static int sweepThreads(String property, String threadsProperty, Build build, String ompNumThreads, int cores) {
        if (property != null && !property.isBlank() && !property.trim().equalsIgnoreCase("auto")) {
            try {
                int n = Integer.parseInt(property.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("system property " + SWEEP_PROPERTY + ": expected auto or a positive thread count, got '"
                    + property + "'");
        }
        boolean nativeAuto = threadsProperty == null || threadsProperty.isBlank() || threadsProperty.trim().equalsIgnoreCase("auto");
        if (cores <= 1 || !nativeAuto) {
            return 1;                                                          // one core, or native threads set by the user
        }
        return switch (build) {
            case OPENBLAS -> cores;
            case ONEDNN -> "1".equals(ompNumThreads == null ? null : ompNumThreads.trim()) ? cores : 1;
            default -> 1;
        };
    }

    /** One line describing the native build and the thread settings, for benchmark output. */
    public static String describe() {
        var env = Nd4j.getEnvironment();
        String classifier = System.getProperty("org.bytedeco.javacpp.platform.extension",
                System.getProperty("javacpp.platform.extension", ""));
        return String.format(Locale.ROOT, "nd4j build %s (platform %s, extension property '%s'), blas %s, threads: libnd4j %d, master %d, "
                        + "blas %d, config '%s', sweep threads %d; OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s, cores %d",
                build(), org.bytedeco.javacpp.Loader.getPlatform(), classifier, Nd4j.factory().blas().getBlasVendor(),
                env.maxThreads(), env.maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(),
                applied == null ? "not applied" : applied, sweepThreads(), System.getenv("OMP_NUM_THREADS"),
                System.getenv("OPENBLAS_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"),
                Runtime.getRuntime().availableProcessors());
    }
}
