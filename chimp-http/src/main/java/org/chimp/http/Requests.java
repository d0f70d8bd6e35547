package org.chimp.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.chimp.api.error.ClientErrorException;

/** Reading request parts with 400s that say what to send instead. */
public final class Requests {
    private Requests() {
    }

    /**
     * The body as JSON; a missing or malformed body is a 400. Parsed from the bytes, so invalid UTF-8 is refused
     * instead of turning into replacement characters that end up in names.
     */
    public static JsonNode jsonBody(Context ctx) {
        return jsonBody(ctx.bodyAsBytes(), Json.MAPPER::readTree);
    }

    /** How a caller reads a JSON body its own way (a streaming parse, say). */
    @FunctionalInterface
    public interface JsonReading<T> {
        T read(byte[] body) throws java.io.IOException;
    }

    /** The body read by {@code reading}, with the same 400s as {@link #jsonBody(Context)}. */
    public static <T> T jsonBody(byte[] body, JsonReading<T> reading) {
        if (isBlank(body)) {
            throw ClientErrorException.invalid("This endpoint needs a JSON body");
        }
        try {
            return reading.read(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ClientErrorException.invalid("The request body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw ClientErrorException.invalid("The request body could not be read as JSON", e);
        }
    }

    /** Whether a body holds nothing but white space. */
    public static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** A form field that must be present and non-blank (multipart or url-encoded). */
    public static String requiredForm(Context ctx, String name) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
            throw ClientErrorException.invalid("The form field '" + name + "' is required");
        }
        return v;
    }

    /** An integer query parameter with a default and bounds. */
    public static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw ClientErrorException.invalid("Query parameter '" + name + "' must be between " + min + " and " + max + ", got " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw ClientErrorException.invalid("Query parameter '" + name + "' must be an integer, got '" + v + "'");
        }
    }
}
