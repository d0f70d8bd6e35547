package org.chimp.serving;

/** What one deployment slot serves, for listings. */
public record LoadedModel(String name, String stage, int version) {
}
