package org.chimp.tracking;

import java.util.List;
import java.util.Locale;
import org.chimp.api.error.ClientErrorException;

/** Which experiments or runs a search sees, by lifecycle stage (MLflow's view_type / run_view_type). */
public enum ViewType {
    ACTIVE_ONLY(List.of(TrackingStore.ACTIVE)),
    DELETED_ONLY(List.of(TrackingStore.DELETED)),
    ALL(List.of(TrackingStore.ACTIVE, TrackingStore.DELETED));

    private final List<String> stages;

    ViewType(List<String> stages) {
        this.stages = stages;
    }

    /** The lifecycle stages this view includes. */
    List<String> stages() {
        return stages;
    }

    /** Parses MLflow's name (ACTIVE_ONLY when null or empty); a 400 listing the names otherwise. */
    public static ViewType parse(String name) {
        if (name == null || name.isBlank()) {
            return ACTIVE_ONLY;
        }
        // Protobuf clients may send the enum's number.
        switch (name.trim()) {
            case "1": return ACTIVE_ONLY;
            case "2": return DELETED_ONLY;
            case "3": return ALL;
            default: break;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ClientErrorException.invalid("Unknown view type '" + name + "'; use ACTIVE_ONLY, DELETED_ONLY or ALL");
        }
    }
}
