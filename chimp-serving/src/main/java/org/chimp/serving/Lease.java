package org.chimp.serving;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.Task;
import org.chimp.api.TaskModel;
import org.chimp.tracking.registry.ModelVersion;

/**
 * The right to use one deployment until {@link #close()}: while any lease is open its model is not closed, even
 * if a newer version has been swapped in meanwhile. Use it in try-with-resources.
 */
public final class Lease implements AutoCloseable {
    private final Deployments.Loaded loaded;
    private final FailedLoad failedLoad;
    private final boolean personal;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(Deployments.Loaded loaded, FailedLoad failedLoad) {
        this(loaded, failedLoad, false);
    }

    Lease(Deployments.Loaded loaded, FailedLoad failedLoad, boolean personal) {
        this.loaded = loaded;
        this.failedLoad = failedLoad;
        this.personal = personal;
    }

    /** True when this is a user's personal (calibrated) version rather than the stage's. */
    public boolean personal() {
        return personal;
    }

    /** The deployment this lease holds. */
    public Deployment deployment() {
        return loaded.deployment();
    }

    /** The model version being served, as the registry has it now (its stage may no longer be the one served). */
    public ModelVersion version() {
        return loaded.version();
    }

    /** The newer version that should answer instead but failed to load, if any. */
    public Optional<FailedLoad> failedLoad() {
        return Optional.ofNullable(failedLoad);
    }

    /** The loaded model; valid until this lease is closed. */
    public Model<?, ?> model() {
        return loaded.deployment().model();
    }

    /**
     * Runs {@code run} (a call of {@link #model()}) timed as this version's inference ({@code chimp.inference}):
     * the one place serving's endpoints measure model time.
     */
    public <T> T timed(Supplier<T> run) {
        return loaded.timer().time(loaded.deployment().version(), personal, run);
    }

    /**
     * Runs a request's inputs on {@code model} (this lease's model) as {@link #timed} does, but as a request: a 503
     * at once when this version already has its limit of requests in flight, nothing run if {@code gone} says the
     * client left before its turn, and, when the version has batching on, run in one model call together with other
     * requests' inputs.
     */
    public <I, O> List<O> runRequest(Model<I, O> model, List<I> inputs, BooleanSupplier gone) {
        return runBatched(inputs, gone, batch -> model.runBatch(batch, RunContext.defaults()));
    }

    /**
     * {@link #runRequest} for other units of work (rows of a preprocessed tensor): {@code run} gets the items of one
     * or more requests and returns one result per item, in order.
     */
    public <T, O> List<O> runBatched(List<T> items, BooleanSupplier gone, Function<List<T>, List<O>> run) {
        return loaded.queue().runBatched(items, gone, batch -> timed(() -> run.apply(batch)));
    }

    /** Runs a request's own call (not batched: preprocessed tensors, say) under the same limit as {@link #runRequest}. */
    public <T> T request(Supplier<T> run, BooleanSupplier gone) {
        return loaded.queue().run(() -> timed(run), gone);
    }

    /** How this version takes requests (its queue bound and batching). */
    public QueueConfig queueConfig() {
        return loaded.queue().config();
    }

    /** The loaded model with its task, whose data types read its inputs and write its outputs. */
    public TaskModel<?, ?> served() {
        return loaded.deployment().served();
    }

    /** The loaded model as one of the given task; a 400 naming the model and both tasks if it is of another. */
    public <I, O> Model<I, O> model(Task<I, O> task) {
        return served().as(task, "Model '" + version().name() + "' version " + version().version());
    }

    /** Releases the model; closing twice releases once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            loaded.release();
        }
    }
}
