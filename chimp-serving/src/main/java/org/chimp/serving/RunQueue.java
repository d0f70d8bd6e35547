package org.chimp.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;

/**
 * The requests of one loaded model version: at most {@link QueueConfig#capacity()} in flight, a request beyond that
 * refused at once (503 with {@code Retry-After}) rather than left waiting behind work it cannot overtake. With
 * batching on, requests join an open batch; the first request of a batch leads it: it waits until the batch is full
 * or its delay is up, runs every input in one model call, and hands each request its own slice of the results. No
 * thread of its own, so nothing is left running when a version is swapped out. A request whose client has gone by
 * the time it would run is dropped from its batch and not run.
 */
final class RunQueue {
    private final String what;
    private final QueueConfig config;
    private final Semaphore inFlight;
    /** The batch taking requests now, or null. Guarded by {@code this}. */
    private Batch open;

    RunQueue(String what, QueueConfig config) {
        this.what = what;
        this.config = config;
        this.inFlight = new Semaphore(config.capacity());
    }

    QueueConfig config() {
        return config;
    }

    /** Runs one request's own call (no batching) within the bound. */
    <T> T run(Supplier<T> call, BooleanSupplier gone) {
        enter();
        try {
            checkPresent(gone);
            return call.get();
        } finally {
            inFlight.release();
        }
    }

    /**
     * Runs {@code inputs} within the bound, batched with other requests' inputs when batching is on:
     * {@code runBatch} gets the concatenated inputs and must return one result per input, in order.
     */
    <I, O> List<O> runBatched(List<I> inputs, BooleanSupplier gone, Function<List<I>, List<O>> runBatch) {
        if (!config.batching()) {
            return run(() -> runBatch.apply(inputs), gone);
        }
        enter();
        try {
            return join(new Request<>(inputs, gone), runBatch);
        } finally {
            inFlight.release();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <I, O> List<O> join(Request<I, O> request, Function<List<I>, List<O>> runBatch) {
        Batch batch;
        boolean leader = false;
        synchronized (this) {
            if (open == null || open.size + request.inputs.size() > config.maxBatch()) {
                open = new Batch();
                leader = true;
            }
            batch = open;
            batch.add(request);
            if (batch.size >= config.maxBatch()) {
                open = null; // full: its leader runs it now
                notifyAll();
            }
        }
        if (leader) {
            awaitClose(batch);
            batch.run((Function) runBatch);
        }
        try {
            return request.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("Interrupted while waiting for the batch", 1);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Waits until the batch is full or its delay is up, then closes it to newcomers. */
    private synchronized void awaitClose(Batch batch) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxDelayMs());
        try {
            long left;
            while (open == batch && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // run what is there now
        }
        if (open == batch) {
            open = null;
        }
    }

    private void enter() {
        if (!inFlight.tryAcquire()) {
            throw new BusyException(what + " has " + config.capacity() + " requests in flight, its limit; try again shortly", 1);
        }
    }

    private static void checkPresent(BooleanSupplier gone) {
        if (gone.getAsBoolean()) {
            throw new BusyException("The client went away before its request ran; nothing was run", 1);
        }
    }

    /** One request in a batch: its inputs, how to tell its client left, and where its results go. */
    private record Request<I, O>(List<I> inputs, BooleanSupplier gone, CompletableFuture<List<O>> result) {
        Request(List<I> inputs, BooleanSupplier gone) {
            this(inputs, gone, new CompletableFuture<>());
        }
    }

    /** Requests run together. Filled under the queue's lock, run by its leader once closed. */
    private static final class Batch {
        private final List<Request<Object, Object>> requests = new ArrayList<>();
        private int size;

        @SuppressWarnings("unchecked")
        void add(Request<?, ?> r) {
            requests.add((Request<Object, Object>) r);
            size += r.inputs().size();
        }

        void run(Function<List<Object>, List<Object>> runBatch) {
            List<Request<Object, Object>> present = new ArrayList<>();
            List<Object> inputs = new ArrayList<>();
            for (Request<Object, Object> r : requests) {
                try {
                    checkPresent(r.gone());
                    present.add(r);
                    inputs.addAll(r.inputs());
                } catch (RuntimeException e) {
                    r.result().completeExceptionally(e);
                }
            }
            if (present.isEmpty()) {
                return;
            }
            try {
                List<Object> results = results(runBatch, inputs);
                int at = 0;
                for (Request<Object, Object> r : present) {
                    r.result().complete(new ArrayList<>(results.subList(at, at + r.inputs().size())));
                    at += r.inputs().size();
                }
            } catch (ClientErrorException e) {
                if (present.size() == 1) {
                    present.get(0).result().completeExceptionally(e);
                    return;
                }
                // One request's bad input must not fail the others batched with it: each runs alone to get its own answer.
                for (Request<Object, Object> r : present) {
                    try {
                        r.result().complete(results(runBatch, r.inputs()));
                    } catch (RuntimeException | Error alone) {
                        r.result().completeExceptionally(alone);
                    }
                }
            } catch (RuntimeException | Error e) {
                present.forEach(r -> r.result().completeExceptionally(e));
            }
        }

        private static List<Object> results(Function<List<Object>, List<Object>> runBatch, List<Object> inputs) {
            List<Object> results = runBatch.apply(inputs);
            if (results.size() != inputs.size()) {
                throw new IllegalStateException("the model returned " + results.size() + " results for " + inputs.size() + " inputs");
            }
            return results;
        }
    }
}
