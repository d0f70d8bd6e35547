package org.chimp.tracking.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.Metric;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;

/** The tracking client over the stores of this process. */
public final class LocalTrackingClient implements TrackingClient {
    private final TrackingStore tracking;
    private final ModelRegistry registry;

    public LocalTrackingClient(TrackingStore tracking, ModelRegistry registry) {
        this.tracking = tracking;
        this.registry = registry;
    }

    @Override
    public String createExperiment(String name) {
        return call(() -> tracking.createExperiment(name, null, Map.of()));
    }

    @Override
    public String getOrCreateExperiment(String name) {
        return call(() -> tracking.getOrCreateExperiment(name));
    }

    @Override
    public RunHandle startRun(String experimentName, String runName, Map<String, String> tags) {
        return call(() -> new LocalRun(tracking.startRun(tracking.getOrCreateExperiment(experimentName), runName, tags)));
    }

    @Override
    public Optional<ModelVersionInfo> latest(String name, Stage stage) {
        return call(() -> registry.latest(name, stage).map(ModelVersionInfo::of));
    }

    @Override
    public ModelVersionInfo transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        return call(() -> ModelVersionInfo.of(registry.transitionStage(name, version, stage, archiveExisting)));
    }

    @Override
    public ModelVersionInfo rollback(String name) {
        return call(() -> ModelVersionInfo.of(registry.rollback(name).restored()));
    }

    @Override
    public List<Path> downloadArtifacts(String runId, String artifactDir, Path targetDir) {
        return call(() -> {
            String prefix = artifactDir.isEmpty() ? "" : artifactDir + "/";
            List<Path> files = new ArrayList<>();
            for (String path : tracking.listArtifacts(runId)) {
                if (path.startsWith(prefix)) {
                    Path target = ArtifactFiles.target(targetDir, path.substring(prefix.length()));
                    try (InputStream in = tracking.openArtifact(runId, path)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Downloading artifact " + path + " of run " + runId + " failed", e);
                    }
                    files.add(target);
                }
            }
            return files;
        });
    }

    /** Runs a store call, reporting the caller's mistakes as a remote server would. */
    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ClientErrorException e) {
            throw TrackingClientException.of(e);
        }
    }

    private final class LocalRun implements RunHandle {
        private final ActiveRun run;

        LocalRun(ActiveRun run) {
            this.run = run;
        }

        @Override
        public String id() {
            return run.id();
        }

        @Override
        public String experimentId() {
            return run.experimentId();
        }

        @Override
        public String artifactUri() {
            return run.artifactUri();
        }

        @Override
        public void logBatch(List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
            call(() -> {
                tracking.logBatch(run.id(), metrics, params, tags);
                return null;
            });
        }

        @Override
        public void logArtifact(String artifactPath, Path file) {
            call(() -> {
                run.logArtifact(artifactPath, file);
                return null;
            });
        }

        @Override
        public ModelVersionInfo registerModel(String name, ModelSpec model) {
            return call(() -> ModelVersionInfo.of(registry.registerModel(run, name, model.task(), model.architecture(),
                    model.parameters(), model.artifacts())));
        }

        @Override
        public void end(boolean success) {
            call(() -> {
                run.end(success);
                return null;
            });
        }
    }
}
