package org.chimp.serving;

/**
 * A version the registry asks a deployment to serve that could not be loaded; until it loads (or the registry
 * moves on), the deployment keeps serving what it had, if anything.
 *
 * @param version the version that failed
 * @param stage   the stage it was to be served for
 * @param message why, without server internals (the server log has the details)
 */
public record FailedLoad(int version, String stage, String message) {
}
