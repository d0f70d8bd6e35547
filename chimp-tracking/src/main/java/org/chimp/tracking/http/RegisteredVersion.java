package org.chimp.tracking.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.tracking.client.ModelVersionInfo;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.ModelRegistry;

/**
 * The answer of CHIMP's registry endpoints that make or restore a version: {@code {"model_version": ...}} with the
 * version in MLflow's form (MLflow's wire format stays explicit in {@link ModelVersionInfo}), as MLflow's own
 * create-version call answers.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RegisteredVersion(ObjectNode modelVersion) {

    public static RegisteredVersion of(ModelVersion version) {
        return new RegisteredVersion(ModelVersionInfo.of(version).toMlflowJson());
    }

    /** The answer of a rollback: the restored version and the versions it archived (always present, maybe empty). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RolledBack(ObjectNode modelVersion, List<Integer> archivedVersions) {
        public static RolledBack of(ModelRegistry.Rollback done) {
            return new RolledBack(ModelVersionInfo.of(done.restored()).toMlflowJson(), done.archived());
        }
    }
}
