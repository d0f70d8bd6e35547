package org.chimp.tracking.registry;

/**
 * A change in the registry that serving instances react to.
 *
 * @param version the version concerned; 0 for MODEL_DELETED, which concerns all of them
 * @param stage the version's stage after the change (for STAGE_CHANGED), before it (for VERSION_DELETED)
 * @param alias the alias set or removed (for ALIAS_SET / ALIAS_DELETED), else null
 */
public record RegistryEvent(Type type, String name, int version, Stage stage, String alias) {
    /** What changed. */
    public enum Type { VERSION_CREATED, STAGE_CHANGED, ALIAS_SET, ALIAS_DELETED, VERSION_DELETED, MODEL_DELETED }
}
