package org.momentumrnn4j.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * Prints (to stdout) the runtime configuration a benchmark result depends on: the ND4J backend and the
 * native classifier that was loaded, BLAS vendor and threads, libnd4j thread limits, the thread-related
 * environment variables, and the JVM/CPU. Call it from a {@code @Setup(Level.Trial)} method.
 *
 * <p>Optional thread pinning, applied before printing (pass with JMH's {@code -jvmArgsAppend}):
 * {@code -Dbench.nd4j.maxMasterThreads=N}, {@code -Dbench.nd4j.maxThreads=N},
 * {@code -Dbench.blas.maxThreads=N}. Environment variables such as {@code OMP_NUM_THREADS} must be set
 * on the {@code java -jar} command: JMH's forked JVMs inherit them.
 */
public final class BenchEnvironment {
    /** Environment variables that change how many threads libnd4j (OpenMP) and the BLAS use. */
    static final List<String> THREAD_ENV = List.of(
            "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "SD_MAX_THREADS", "SD_MASTER_THREADS",
            "OMP_WAIT_POLICY", "OMP_PROC_BIND", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    /** Native-library variants of nd4j-native, as classifier suffixes after the platform. */
    private static final List<String> CLASSIFIER_EXTENSIONS = List.of(
            "", "-avx2", "-avx512", "-onednn", "-onednn-avx2", "-onednn-avx512", "-compat");

    private static volatile boolean printed;

    private BenchEnvironment() {}

    /** Applies the optional {@code bench.*} thread settings and prints the configuration once per JVM. */
    public static synchronized void printOnce(String benchmark) {
        if (printed) {
            return;
        }
        printed = true;
        org.momentumrnn4j.runtime.NativeRuntime.configure();   // the library's own choice, as users get it
        applyThreadSettings();                                 // then the optional bench.* overrides
        System.out.println(describe(benchmark));
        System.out.flush();
    }

    static void applyThreadSettings() {
        Integer master = Integer.getInteger("bench.nd4j.maxMasterThreads");
        Integer max = Integer.getInteger("bench.nd4j.maxThreads");
        Integer blas = Integer.getInteger("bench.blas.maxThreads");
        if (master != null) {
            Nd4j.getEnvironment().setMaxMasterThreads(master);
        }
        if (max != null) {
            Nd4j.getEnvironment().setMaxThreads(max);
        }
        if (blas != null) {
            Nd4j.factory().blas().setMaxThreads(blas);
        }
    }

    /** The configuration as text, one {@code key: value} per line. */
    public static String describe(String benchmark) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ---- benchmark environment (").append(benchmark).append(") ----\n");
        Runtime rt = Runtime.getRuntime();
        line(sb, "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " arch=" + System.getProperty("os.arch"));
        line(sb, "availableProcessors", rt.availableProcessors());
        line(sb, "maxHeap", (rt.maxMemory() >> 20) + " MiB");
        line(sb, "jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (String name : THREAD_ENV) {
            String v = System.getenv(name);
            line(sb, "env " + name, v == null ? "(unset)" : v);
        }
        for (String p : List.of("bench.nd4j.maxMasterThreads", "bench.nd4j.maxThreads", "bench.blas.maxThreads",
                "org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxphysicalbytes",
                "org.bytedeco.javacpp.platform.extension")) {
            String v = System.getProperty(p);
            if (v != null) {
                line(sb, "property " + p, v);
            }
        }
        try {
            Nd4jBackend backend = Nd4j.getBackend();
            line(sb, "nd4j backend", backend.getClass().getName());
            line(sb, "nd4j native classifier", nativeClassifier());
            line(sb, "nd4j dataType", Nd4j.dataType() + " (default floating point "
                    + Nd4j.defaultFloatingPointType() + ")");
            line(sb, "nd4j executioner", Nd4j.getExecutioner().getClass().getSimpleName()
                    + " type=" + Nd4j.getExecutioner().type());
            Environment env = Nd4j.getEnvironment();
            line(sb, "nd4j env maxThreads", env.maxThreads());
            line(sb, "nd4j env maxMasterThreads", env.maxMasterThreads());
            line(sb, "nd4j env isCPU", env.isCPU());
            line(sb, "nd4j env helpersAllowed", env.helpersAllowed());
            line(sb, "nd4j env blasVersion", env.blasMajorVersion() + "." + env.blasMinorVersion() + "."
                    + env.blasPatchVersion());
            line(sb, "nd4j env elementwiseThreshold", env.elementwiseThreshold());
            line(sb, "nd4j env tadThreshold", env.tadThreshold());
            line(sb, "momentumrnn4j runtime", org.momentumrnn4j.runtime.NativeRuntime.describe());
            Blas blas = Nd4j.factory().blas();
            line(sb, "blas vendor", blas.getBlasVendor() + " maxThreads=" + blas.getMaxThreads());
            line(sb, "nd4j blasWrapper", Nd4j.getBlasWrapper().getClass().getSimpleName());
            Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
            Map<String, String> sorted = new TreeMap<>();
            info.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
            sorted.forEach((k, v) -> line(sb, "nd4j info " + k, v));
            String build = backend.buildInfo();
            if (build != null && !build.isBlank()) {
                line(sb, "nd4j buildInfo", build.strip().replace("\n", " | "));
            }
        } catch (RuntimeException | LinkageError e) {
            line(sb, "nd4j", "unavailable: " + e);
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp == null) {
            sb.append("# WARNING: OMP_NUM_THREADS is unset; the library tests run with OMP_NUM_THREADS=1.\n");
        }
        sb.append("# ------------------------------------------------------------");
        return sb.toString();
    }

    /** Which nd4j-native native library variants are on the class path, e.g. {@code linux-x86_64}. */
    static String nativeClassifier() {
        String platform = Loader.getPlatform();
        StringBuilder found = new StringBuilder();
        ClassLoader cl = BenchEnvironment.class.getClassLoader();
        for (String ext : CLASSIFIER_EXTENSIONS) {
            String dir = "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + ext + "/";
            if (cl.getResource(dir + "libjnind4jcpu.so") != null || cl.getResource(dir + "jnind4jcpu.dll") != null
                    || cl.getResource(dir + "libjnind4jcpu.dylib") != null) {
                if (found.length() > 0) {
                    found.append(", ");
                }
                found.append(platform).append(ext);
            }
        }
        return found.length() == 0 ? "none found for platform " + platform : found.toString();
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append("# ").append(key).append(": ").append(value).append('\n');
    }
}
