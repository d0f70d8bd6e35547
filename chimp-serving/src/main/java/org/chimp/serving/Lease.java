package org.chimp.serving;

import java.util.concurrent.atomic.AtomicBoolean;
import org.chimp.api.Model;
import org.chimp.api.classification.Classification;
import org.chimp.api.image.Image;
import org.chimp.tracking.registry.ModelVersion;

/**
 * The right to use one deployment until {@link #close()}: while any lease is open its model is not closed, even
 * if a newer version has been swapped in meanwhile. Use it in try-with-resources.
 */
public final class Lease implements AutoCloseable {
    private final Deployments.Loaded loaded;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(Deployments.Loaded loaded) {
        this.loaded = loaded;
    }

    /** The deployment this lease holds. */
    public Deployment deployment() {
        return loaded.deployment();
    }

    /** The model version being served. */
    public ModelVersion version() {
        return loaded.deployment().version();
    }

    /** The loaded model; valid until this lease is closed. */
    public Model<Image, Classification> model() {
        return loaded.deployment().model();
    }

    /** Releases the model; closing twice releases once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            loaded.release();
        }
    }
}
