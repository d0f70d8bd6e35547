package org.chimp.tracking.registry;

import org.chimp.api.error.ClientErrorException;

/** A model version's stage, with MLflow's names. */
public enum Stage {
    NONE("None"), STAGING("Staging"), PRODUCTION("Production"), ARCHIVED("Archived");

    private final String mlflowName;

    Stage(String mlflowName) {
        this.mlflowName = mlflowName;
    }

    /** The name MLflow's API uses ("Production"). */
    public String mlflowName() {
        return mlflowName;
    }

    /** Parses a stage case-insensitively ("production", "Production"); a 400 listing the stages otherwise. */
    public static Stage parse(String name) {
        for (Stage s : values()) {
            if (s.mlflowName.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return s;
            }
        }
        throw ClientErrorException.invalid("Unknown stage '" + name + "'; use one of None, Staging, Production, Archived");
    }
}
