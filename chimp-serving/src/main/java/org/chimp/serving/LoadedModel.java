package org.chimp.serving;

/**
 * What one deployment slot serves, for listings.
 *
 * @param stage        the stage the slot serves (Production or Staging)
 * @param version      the version answering
 * @param versionStage the stage the registry gives that version now: differs from {@code stage} when a newer
 *                     version replaced it in the registry but failed to load
 * @param failedLoad   the newer version that failed to load, or null
 */
public record LoadedModel(String name, String stage, int version, String versionStage, FailedLoad failedLoad) {
    /** A version served in the stage it has, with no failed newer version. */
    public LoadedModel(String name, String stage, int version) {
        this(name, stage, version, stage, null);
    }
}
