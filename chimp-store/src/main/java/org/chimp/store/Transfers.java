package org.chimp.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blob transfers a few at a time: against S3 each small object costs a round trip or two, so a dataset of
 * thousands of images goes many times faster with several in flight. The first failure stops the rest and is thrown.
 */
final class Transfers {
    /** Transfers in flight per dataset operation. */
    static final int PARALLELISM = 8;
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** One transfer. */
    @FunctionalInterface
    interface Transfer<T> {
        void run(T item) throws IOException;
    }

    private Transfers() {
    }

    static <T> void each(List<T> items, Transfer<T> transfer) throws IOException {
        if (items.size() <= 1) {
            for (T item : items) {
                transfer.run(item);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLELISM, items.size()), r -> {
            Thread t = new Thread(r, "chimp-transfer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = items.stream().<Future<?>>map(item -> pool.submit(() -> {
                transfer.run(item);
                return null;
            })).toList();
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new UncheckedIOException(new IOException(cause));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while transferring blobs", e);
        } finally {
            // No transfer may still be writing once this returns or throws: the caller may be removing what was written.
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                    throw new IOException("Blob transfers did not stop within 5 minutes of being cancelled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
