package org.chimp.tracking;

/**
 * One entry of a run's artifact directory, as MLflow's {@code FileInfo}.
 *
 * @param path     relative to the run's artifact root ({@code model/model.onnx})
 * @param fileSize bytes, null for a directory
 */
public record ArtifactFile(String path, boolean isDir, Long fileSize) {
}
