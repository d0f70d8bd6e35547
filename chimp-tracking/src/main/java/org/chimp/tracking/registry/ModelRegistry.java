package org.chimp.tracking.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;

/** Registered models and their versions, stages and aliases; every change is published to the listeners. */
public final class ModelRegistry {
    public ModelRegistry(DataSource ds, ArtifactStore artifacts) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Calls the listener after every committed change, in this process. */
    public void addListener(Consumer<RegistryEvent> listener) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Stores the artifact files (content-addressed), logs them as run artifacts under {@code model/}, builds the
     * model config from task, architecture, artifact refs and parameters, and creates the next version of the
     * registered model (creating the model if needed), linked to the run.
     */
    public ModelVersion registerModel(ActiveRun run, String name, String task, String architecture,
                                      ObjectNode parameters, Map<String, Path> artifactFiles) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Moves a version to a stage; with {@code archiveExisting}, other versions in that stage become Archived. */
    public ModelVersion transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The newest version in a stage, if any. */
    public Optional<ModelVersion> latest(String name, Stage stage) {
        throw new UnsupportedOperationException("not yet");
    }

    /** One version; 404 if the model or the version does not exist. */
    public ModelVersion version(String name, int version) {
        throw new UnsupportedOperationException("not yet");
    }

    /** True if a registered model of that name exists. */
    public boolean exists(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Names of all registered models. */
    public List<String> names() {
        throw new UnsupportedOperationException("not yet");
    }
}
