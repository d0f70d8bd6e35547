package org.chimp.api.param;

import java.util.function.UnaryOperator;
import org.chimp.api.Names;

/**
 * What a string parameter holds. A name is checked with {@link Names} where it enters (the request that gives
 * it), so nothing is queued or stored under a name that later fails or that no URL can reach.
 */
public enum TextKind {
    /** Free text, only bounded in length ({@link Parameters#MAX_TEXT}). */
    TEXT(UnaryOperator.identity()),
    /** A registered model name ({@link Names#modelName}). */
    MODEL_NAME(Names::modelName),
    /** A tracking experiment name ({@link Names#experimentName}). */
    EXPERIMENT_NAME(Names::experimentName),
    /** A dataset name ({@link Names#datasetName}). */
    DATASET_NAME(Names::datasetName),
    /** A label, a class name ({@link Names#label}). */
    LABEL(Names::label),
    /** A user id ({@link Names#user}). */
    USER(Names::user);

    private final UnaryOperator<String> check;

    TextKind(UnaryOperator<String> check) {
        this.check = check;
    }

    /** Returns the value if it is of this kind; a 400 saying what to fix otherwise. */
    public String check(String value) {
        return check.apply(value);
    }
}
