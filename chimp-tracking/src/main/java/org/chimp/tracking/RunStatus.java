package org.chimp.tracking;

import java.util.Arrays;
import java.util.Locale;
import org.chimp.api.error.ClientErrorException;

/** A run's status, with MLflow's names. */
public enum RunStatus {
    RUNNING, SCHEDULED, FINISHED, FAILED, KILLED;

    /** Parses a status case-insensitively; a 400 listing the statuses otherwise. */
    public static RunStatus parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw ClientErrorException.invalid("Unknown run status '" + name + "'; use one of " + Arrays.toString(values()));
        }
    }
}
