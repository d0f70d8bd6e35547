package org.chimp.models.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bounded pool of ONNX Runtime sessions of one model file, each with its own reused direct input buffer. One shared
 * session serialises part of every run inside ONNX Runtime and a fresh heap buffer per call is copied once more into
 * native memory; a session per concurrent run with a buffer ONNX Runtime reads in place avoids both. Sessions past
 * the first open on demand, up to {@code max} ({@value #SIZE_PROPERTY}, default: the available processors), so an
 * idle model holds one.
 */
final class SessionPool implements AutoCloseable {
    /** System property bounding the sessions per loaded model. */
    static final String SIZE_PROPERTY = "chimp.onnx.sessions";
    private static final System.Logger LOG = System.getLogger(SessionPool.class.getName());

    private final Path file;
    private final int max;
    private final LinkedBlockingQueue<Worker> idle = new LinkedBlockingQueue<>();
    /** Every session opened, for close(). Guarded by {@code this}. */
    private final List<Worker> all = new ArrayList<>();
    private boolean closed;

    SessionPool(OrtSession first, Path file, int max) {
        this.file = file;
        this.max = Math.max(1, max);
        Worker w = new Worker(first);
        all.add(w);
        idle.add(w);
    }

    /** The configured bound: {@value #SIZE_PROPERTY}, else the number of processors. */
    static int configuredSize() {
        return Math.max(1, Integer.getInteger(SIZE_PROPERTY, Runtime.getRuntime().availableProcessors()));
    }

    /** Sessions opened so far. */
    synchronized int opened() {
        return all.size();
    }

    /** Runs {@code run} with a session of its own, waiting for one when {@code max} are busy. */
    <T> T with(Function<Worker, T> run) {
        Worker w = take();
        try {
            return run.apply(w);
        } finally {
            idle.add(w);
        }
    }

    private Worker take() {
        while (true) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("The model has been closed; it cannot run any more");
                }
            }
            Worker w = idle.poll();
            if (w == null) {
                w = openAnother();
            }
            try {
                // Polled, not taken: a run waiting here must notice a close instead of waiting forever.
                if (w != null || (w = idle.poll(100, TimeUnit.MILLISECONDS)) != null) {
                    return w;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for an ONNX session", e);
            }
        }
    }

    /** A new session if the bound allows; null if not (or if opening fails: the open ones carry on). */
    private Worker openAnother() {
        synchronized (this) {
            if (closed || all.size() >= max) {
                return null;
            }
            try (OrtSession.SessionOptions options = OnnxSessions.options()) {
                Worker w = new Worker(OnnxSessions.environment().createSession(file.toString(), options));
                all.add(w);
                return w;
            } catch (OrtException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not open another ONNX session of {0} ({1}); the {2} open keep serving",
                        file.getFileName(), e.getMessage(), all.size());
                return null;
            }
        }
    }

    /** Closes every session; the caller guarantees no run is in flight. */
    @Override
    public synchronized void close() {
        closed = true;
        all.forEach(w -> OnnxSessions.close(w.session));
        idle.clear();
    }

    /** One session and the direct buffer its input tensors are made over; used by one thread at a time. */
    static final class Worker {
        final OrtSession session;
        private FloatBuffer buffer = FloatBuffer.allocate(0);

        Worker(OrtSession session) {
            this.session = session;
        }

        /** A tensor of {@code shape} over this worker's buffer, filled with {@code values}; close it after the run. */
        OnnxTensor tensor(float[] values, long[] shape) throws OrtException {
            if (buffer.capacity() < values.length) {
                buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            buffer.clear();
            buffer.put(values);
            buffer.flip();
            return OnnxTensor.createTensor(OnnxSessions.environment(), buffer, shape);
        }
    }
}
