package org.chimp.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.http.HttpStatus;

/** The error shape every CHIMP endpoint answers with, as CHIMP's originals did. */
public record ErrorBody(@JsonProperty("status-code") int statusCode, String error, String message) {
    /** An error body with the standard reason phrase for the status. */
    public static ErrorBody of(int status, String message) {
        return new ErrorBody(status, HttpStatus.forStatus(status).getMessage(), message);
    }
}
