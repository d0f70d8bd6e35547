package org.chimp.serving;

import org.chimp.api.Model;
import org.chimp.api.TaskModel;
import org.chimp.tracking.registry.ModelVersion;

/** A registered model version together with the model built from it, of whatever task its config names. */
public record Deployment(ModelVersion version, TaskModel<?, ?> served) {
    /** The loaded model. */
    public Model<?, ?> model() {
        return served.model();
    }
}
