package org.momentumrnn4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HelperThreadTest {
    @Test
    void bothHalvesRunAndTheirWritesAreVisibleAfterwards() {
        for (int round = 0; round < 2_000; round++) {
            long[] out = new long[2];
            int r = round;
            HelperThread.run(() -> out[0] = r, () -> out[1] = -r);             // plain writes, read after the join
            assertEquals(r, out[0]);
            assertEquals(-r, out[1]);
        }
    }

    @Test
    void anExceptionOfEitherHalfIsRethrownAfterBothFinished() {
        AtomicInteger done = new AtomicInteger();
        IllegalStateException there = assertThrows(IllegalStateException.class,
                () -> HelperThread.run(done::incrementAndGet, () -> {
                    throw new IllegalStateException("there");
                }));
        assertEquals("there", there.getMessage());
        assertEquals(1, done.get());
        IllegalArgumentException here = assertThrows(IllegalArgumentException.class, () -> HelperThread.run(() -> {
            throw new IllegalArgumentException("here");
        }, () -> {
            throw new IllegalStateException("there");
        }));
        assertEquals("here", here.getMessage());
        assertEquals(1, here.getSuppressed().length, "the other half's exception is attached");
        assertEquals("there", here.getSuppressed()[0].getMessage());
        HelperThread.run(done::incrementAndGet, done::incrementAndGet);       // still usable after failures
        assertEquals(3, done.get());
    }

    @Test
    void nestedAndConcurrentCallsRunEveryHalfOnce() throws Exception {
        AtomicInteger count = new AtomicInteger();
        HelperThread.run(() -> HelperThread.run(count::incrementAndGet, count::incrementAndGet),
                () -> HelperThread.run(count::incrementAndGet, count::incrementAndGet));
        assertEquals(4, count.get());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                fs.add(callers.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        HelperThread.run(count::incrementAndGet, count::incrementAndGet);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            callers.shutdown();
        }
        assertEquals(4 + 4 * 500 * 2, count.get());
    }

    @Test
    void theHelperRunsTheSecondHalfWhereItIsEnabled() throws Exception {
        Thread[] ran = new Thread[1];
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        HelperThread.wake();
        // The caller waits for the other half to start before it returns from its own half, so that it does not
        // take that half back (a helper that does not start it within the timeout fails the test where enabled).
        HelperThread.run(() -> {
            try {
                started.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> {
            ran[0] = Thread.currentThread();
            started.countDown();
        });
        if (HelperThread.enabled()) {
            assertEquals("momentumrnn4j-helper", ran[0].getName());
            assertTrue(ran[0].isDaemon());
        } else {
            assertSame(Thread.currentThread(), ran[0]);
        }
    }

    @Test
    void eachHalfRunsOnceWhetherTheHelperIsPolling() {
        // After rest() the helper parks, and a caller whose own half is empty often finds the other half unclaimed and
        // takes it back; otherwise the helper runs it. Either way it runs once, and the call returns after it finished.
        AtomicInteger count = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            HelperThread.rest();
            int[] seen = new int[1];
            HelperThread.run(() -> {}, () -> seen[0] = count.incrementAndGet());
            assertEquals(i + 1, seen[0]);
        }
        assertEquals(200, count.get());
    }
}
