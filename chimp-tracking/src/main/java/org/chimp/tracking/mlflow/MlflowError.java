package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.chimp.api.error.ClientErrorException;

/** MLflow's error body, and the status MLflow sends with each code. */
record MlflowError(@JsonProperty("error_code") String errorCode, String message) {
    static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";

    static MlflowError of(ClientErrorException e) {
        return switch (e.status()) {
            case 404 -> new MlflowError(RESOURCE_DOES_NOT_EXIST, e.getMessage());
            case 409 -> new MlflowError(RESOURCE_ALREADY_EXISTS, e.getMessage());
            default -> new MlflowError(INVALID_PARAMETER_VALUE, e.getMessage());
        };
    }

    /** MLflow answers 404 for missing resources and 400 for everything else the caller got wrong. */
    int status() {
        return RESOURCE_DOES_NOT_EXIST.equals(errorCode) ? 404 : 400;
    }
}
