package org.momentumrnn4j.cli;

import org.nd4j.linalg.factory.Nd4j;

/** A one-line description of the ND4J build and thread settings, printed by benchmarks. */
final class ThreadConfig {
    private ThreadConfig() {}

    static String describe() {
        var env = Nd4j.getEnvironment();
        return String.format("nd4j backend %s, blas %s, maxThreads %d, maxMasterThreads %d, OMP_NUM_THREADS=%s, "
                        + "OPENBLAS_NUM_THREADS=%s, cores %d",
                Nd4j.getBackend().getClass().getSimpleName(), Nd4j.factory().blas().getBlasVendor(), env.maxThreads(),
                env.maxMasterThreads(), System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors());
    }
}
