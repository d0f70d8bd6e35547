package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.chimp.api.error.ClientErrorException;

/** MLflow's error body, and the status MLflow sends with each code. */
record MlflowError(@JsonProperty("error_code") String errorCode, String message) {
    static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";

    static MlflowError of(ClientErrorException e) {
        return of(e.status(), e.getMessage());
    }

    /** MLflow's error code for an HTTP status. */
    static MlflowError of(int status, String message) {
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> RESOURCE_DOES_NOT_EXIST;
            case 409 -> RESOURCE_ALREADY_EXISTS;
            case 429 -> "REQUEST_LIMIT_EXCEEDED";
            case 503 -> "TEMPORARILY_UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL_ERROR" : INVALID_PARAMETER_VALUE;
        };
        return new MlflowError(code, message);
    }

    /** MLflow answers 404 for missing resources and 400 for everything else the caller got wrong. */
    int status() {
        return RESOURCE_DOES_NOT_EXIST.equals(errorCode) ? 404 : 400;
    }
}
