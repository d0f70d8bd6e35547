package org.chimp.server.node;

import java.nio.file.Path;
import org.chimp.serving.Deployments;

/**
 * Where a node finds models and plugins beyond the registry's, and how many personal models serving keeps loaded.
 *
 * @param maxPersonalModels personal (calibrated) model versions serving keeps loaded, least recently used unloaded first
 * @param faceCascade       the Haar cascade face detection uses, or null for the detector's default (Debian's opencv-data)
 * @param pluginsDir        the folder of external plugin jars, or null for {@code <dataDir>/plugins}
 * @param invocationsModel  the model MLflow's {@code POST /invocations} runs, or null for none
 */
public record ModelSettings(int maxPersonalModels, Path faceCascade, Path pluginsDir, String invocationsModel) {
    /** The defaults: {@link Deployments#DEFAULT_MAX_PERSONAL} personal models, the default cascade and plugins folder. */
    public static ModelSettings defaults() {
        return new ModelSettings(Deployments.DEFAULT_MAX_PERSONAL, null, null, null);
    }
}
