package org.chimp.api.error;

/**
 * A failure caused by the caller's input, not by CHIMP. The message is shown to the caller verbatim, so it must
 * say what was wrong and how to fix it; {@link #status()} is the HTTP status (4xx) every layer maps it to.
 * Code that raises one must not have changed anything yet: bad input changes nothing.
 */
public final class ClientErrorException extends RuntimeException {
    private final int status;

    private ClientErrorException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** 400: a value is malformed, missing or out of range. */
    public static ClientErrorException invalid(String message) {
        return new ClientErrorException(400, message, null);
    }

    /** 400 with the low-level cause kept for the logs. */
    public static ClientErrorException invalid(String message, Throwable cause) {
        return new ClientErrorException(400, message, cause);
    }

    /** 401: no valid credentials. */
    public static ClientErrorException unauthorized(String message) {
        return new ClientErrorException(401, message, null);
    }

    /** 404: the named thing does not exist. */
    public static ClientErrorException notFound(String message) {
        return new ClientErrorException(404, message, null);
    }

    /** 409: the request conflicts with the current state. */
    public static ClientErrorException conflict(String message) {
        return new ClientErrorException(409, message, null);
    }

    /** 413: the upload is larger than the configured limit. */
    public static ClientErrorException tooLarge(String message) {
        return new ClientErrorException(413, message, null);
    }

    /** The HTTP status this error maps to. */
    public int status() {
        return status;
    }
}
