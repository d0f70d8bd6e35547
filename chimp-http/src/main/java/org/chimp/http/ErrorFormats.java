package org.chimp.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;

/** The error formats of one app: the first that applies to a path wins, CHIMP's own shape otherwise. */
public final class ErrorFormats {
    private static final ErrorFormat CHIMP = new ErrorFormat() {
        @Override
        public boolean appliesTo(String path) {
            return true;
        }

        @Override
        public Object body(int status, String message) {
            return ErrorBody.of(status, message);
        }
    };

    private final List<ErrorFormat> formats;

    private ErrorFormats(List<ErrorFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /** CHIMP's shape everywhere but on the paths of the given formats. */
    public static ErrorFormats of(ErrorFormat... special) {
        return new ErrorFormats(List.of(special));
    }

    /** The body for an error on this path. */
    public Object body(String path, int status, String message) {
        for (ErrorFormat f : formats) {
            if (path != null && f.appliesTo(path)) {
                return f.body(status, message);
            }
        }
        return CHIMP.body(status, message);
    }

    /** The body serialized, for layers below Javalin that write bytes themselves. */
    public byte[] bytes(String path, int status, String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(body(path, status, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An error body could not be serialized", e);
        }
    }
}
