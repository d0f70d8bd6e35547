package org.chimp.serving;

/**
 * Whether a model with a Production version can answer requests.
 *
 * @param reason null when ready; otherwise why not ("loading", or why its version cannot be loaded)
 */
public record ModelReadiness(String name, boolean ready, String reason) {
}
