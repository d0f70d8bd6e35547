package org.chimp.tracking.client;

import org.chimp.api.error.ClientErrorException;

/**
 * A request the tracking server (or the local store) refused, with MLflow's error code
 * ({@code RESOURCE_DOES_NOT_EXIST}, {@code INVALID_PARAMETER_VALUE}, ...), the HTTP status and the server's message.
 */
public final class TrackingClientException extends RuntimeException {
    public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    public static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private final int status;
    private final String errorCode;

    public TrackingClientException(int status, String errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The same error as a remote server would report it. */
    static TrackingClientException of(ClientErrorException e) {
        // MLflow's server sends RESOURCE_ALREADY_EXISTS with a 400; the local client reports what it would.
        int status = e.status() == 409 ? 400 : e.status();
        TrackingClientException t = new TrackingClientException(status, codeFor(e.status()), e.getMessage());
        t.initCause(e);
        return t;
    }

    static TrackingClientException invalid(String message) {
        return new TrackingClientException(400, INVALID_PARAMETER_VALUE, message);
    }

    static TrackingClientException notFound(String message) {
        return new TrackingClientException(404, RESOURCE_DOES_NOT_EXIST, message);
    }

    /** MLflow's code for a status, for answers that came without one (CHIMP's own error shape). */
    static String codeFor(int status) {
        return switch (status) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> RESOURCE_DOES_NOT_EXIST;
            case 409 -> RESOURCE_ALREADY_EXISTS;
            default -> status >= 500 ? INTERNAL_ERROR : INVALID_PARAMETER_VALUE;
        };
    }

    /** The HTTP status: 404 for a missing resource, 400 for invalid input and (as MLflow) for a name already taken. */
    public int status() {
        return status;
    }

    /** MLflow's error code. */
    public String errorCode() {
        return errorCode;
    }
}
