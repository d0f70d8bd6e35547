package org.chimp.tracking.mlflow;

import java.util.stream.Stream;
import org.chimp.http.ErrorFormat;

/**
 * MLflow's {@code {"error_code", "message"}} on MLflow's paths, for the errors raised before an MLflow handler
 * runs (no token, an oversized or stalled body, an unknown route), so MLflow clients can read every error.
 */
public final class MlflowErrorFormat implements ErrorFormat {
    @Override
    public boolean appliesTo(String path) {
        return Stream.concat(MlflowRoutes.PREFIXES.stream(), ArtifactRoutes.PREFIXES.stream()).anyMatch(path::startsWith);
    }

    @Override
    public Object body(int status, String message) {
        return MlflowError.of(status, message);
    }
}
