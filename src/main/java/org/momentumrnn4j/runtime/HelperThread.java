package org.momentumrnn4j.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread for work the library splits in two halves outside the batch-split sweeps: the products of the
 * DTRIV matrix exponential and its gradient and large autograd products ({@link Gemm}), and the triangular solves of
 * the exponential's Padé denominator.
 *
 * <p>Handing work to a parked thread costs 0.1–0.2 ms on the 2-vCPU VM of benchmarks/RESULTS.md (the wake-up), as
 * much as half of a 256×256×256 product. Two things keep that off the caller's time:
 * <ul>
 *   <li>after each task the helper keeps polling for {@value #SPIN_MICROS} µs before it parks, so a burst of products
 *       reaches it within a microsecond; a caller that has finished its burst calls {@link #rest()}, and the helper
 *       parks at once instead of polling beside the next phase's threads (a fused sweep uses both cores);</li>
 *   <li>a caller that has finished its own half takes the other half back if the helper has not started it yet
 *       (it was parked and is still waking up), and runs it itself: a split call is never much slower than the two
 *       halves one after the other.</li>
 * </ul>
 * Only one caller at a time uses the helper: a caller that finds it busy, a call from the helper itself, or a
 * process where {@link #enabled()} is false runs both halves on its own thread, one after the other.
 *
 * <p>Library-internal; not a stable API.
 */
public final class HelperThread {
    /** How long the helper polls for the next task after finishing one. */
    static final long SPIN_MICROS = 1000;
    /** The idle helper yields its core once every this many polls. */
    static final int YIELD_EVERY = 16;

    private static final boolean ENABLED = decideEnabled();
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile Worker worker;                               // started on first use

    private HelperThread() {}

    /**
     * Whether work is split: when fused sweeps split their batch ({@link NativeRuntime#sweepThreads()} &gt; 1, which
     * implies single-threaded native calls and at least two cores), unless the system property
     * {@code momentumrnn4j.helperThread} is {@code false}.
     */
    public static boolean enabled() {
        return ENABLED;
    }

    private static boolean decideEnabled() {
        String p = System.getProperty("momentumrnn4j.helperThread");
        if (p != null && !p.isBlank()) {
            String v = p.trim().toLowerCase(java.util.Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("system property momentumrnn4j.helperThread: expected true or false, got '"
                        + p + "'");
            }
            if (v.equals("false")) {
                return false;
            }
        }
        return NativeRuntime.sweepThreads() > 1;
    }

    /**
     * Runs {@code here} on the calling thread and {@code there} on the helper (or on the calling thread, after
     * {@code here}, if the helper has not started it by then), and returns when both have finished. An exception of
     * either half is rethrown (the other's added as suppressed) after both have finished. The halves must be
     * independent: they may run concurrently, in either order.
     */
    public static void run(Runnable here, Runnable there) {
        Worker w = ENABLED ? worker() : null;
        if (w == null || Thread.currentThread() == w.thread || !BUSY.compareAndSet(false, true)) {
            here.run();
            there.run();
            return;
        }
        try {
            Task task = w.submit(there);
            Throwable mine = null;
            try {
                here.run();
            } catch (Throwable t) {
                mine = t;
            }
            Throwable theirs;
            if (w.takeBack(task)) {
                theirs = null;
                try {
                    there.run();
                } catch (Throwable t) {
                    theirs = t;
                }
            } else {
                theirs = task.await();
            }
            if (mine == null) {
                mine = theirs;
            } else if (theirs != null) {
                mine.addSuppressed(theirs);
            }
            if (mine instanceof RuntimeException e) {
                throw e;
            }
            if (mine instanceof Error e) {
                throw e;
            }
            if (mine != null) {
                throw new IllegalStateException("helper task failed", mine);
            }
        } finally {
            BUSY.set(false);
        }
    }

    /**
     * Tells the helper that no more work follows soon: it parks as soon as it is idle instead of polling for
     * {@value #SPIN_MICROS} µs. Cheap, and harmless when the helper is unused or busy.
     */
    public static void rest() {
        Worker w = worker;
        if (w != null) {
            w.rest = true;
        }
    }

    /**
     * Tells the helper that work follows soon: a parked helper starts polling (a woken core takes a few hundred
     * microseconds to run at full speed on the VM of benchmarks/RESULTS.md), so call this some time before the first
     * {@link #run}. Cheap; does nothing where {@link #enabled()} is false.
     */
    public static void wake() {
        if (ENABLED) {
            Worker w = worker();
            w.rest = false;
            LockSupport.unpark(w.thread);
        }
    }

    private static Worker worker() {
        Worker w = worker;
        if (w == null) {
            synchronized (HelperThread.class) {
                w = worker;
                if (w == null) {
                    w = new Worker();
                    worker = w;
                }
            }
        }
        return w;
    }

    /** One handed-over half: claimed by exactly one of the helper and the caller. */
    private static final class Task {
        final Runnable body;
        volatile boolean finished;
        Throwable failure;                                                 // published by the write of finished

        Task(Runnable body) {
            this.body = body;
        }

        /**
         * Waits for the helper to finish: polls, then yields the core (the helper may be waiting for it: with more
         * runnable threads than cores, a thread that only polls keeps the one it waits for off the core for a whole
         * scheduler time slice), then parks in short naps.
         */
        Throwable await() {
            int spins = 0;
            while (!finished) {
                spins++;
                if (spins < 256) {
                    Thread.onSpinWait();
                } else if (spins < 1 << 16) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(50_000);
                }
            }
            return failure;
        }
    }

    /** The polling thread. */
    private static final class Worker implements Runnable {
        final Thread thread;
        private final AtomicReference<Task> pending = new AtomicReference<>();
        private volatile boolean rest;

        Worker() {
            thread = new Thread(this, "momentumrnn4j-helper");
            thread.setDaemon(true);
            thread.start();
        }

        Task submit(Runnable r) {
            Task t = new Task(r);
            rest = false;
            pending.set(t);
            LockSupport.unpark(thread);
            return t;
        }

        /** Whether the caller got its task back (the helper had not claimed it). */
        boolean takeBack(Task t) {
            return pending.compareAndSet(t, null);
        }

        /**
         * Polls for tasks; between polls it yields the core every {@value #YIELD_EVERY} polls, so that a thread
         * sharing this core (the caller, when other work occupies the second core) is not kept off it.
         */
        @Override
        public void run() {
            long idleSince = System.nanoTime();
            int polls = 0;
            while (true) {
                Task t = pending.get();
                if (t == null || !pending.compareAndSet(t, null)) {
                    if (rest || System.nanoTime() - idleSince > SPIN_MICROS * 1_000) {
                        LockSupport.park(this);                                  // submit unparks; spurious returns loop
                        idleSince = System.nanoTime();
                    } else if (++polls % YIELD_EVERY == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                try {
                    t.body.run();
                } catch (Throwable e) {
                    t.failure = e;
                }
                idleSince = System.nanoTime();
                t.finished = true;
            }
        }
    }
}
