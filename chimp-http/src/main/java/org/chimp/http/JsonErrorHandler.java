package org.chimp.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a request line or header it cannot parse, a URI or headers too long, an error raised
 * outside Javalin's handlers) in the app's JSON error shape instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final ErrorFormats formats;

    JsonErrorHandler(ErrorFormats formats) {
        this.formats = formats;
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        // No request was parsed, so there is no path to choose a format by: CHIMP's own shape.
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(formats.bytes(null, status, message(status, reason)));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        byte[] json = formats.bytes(request.getRequestURI(), code, message(code, message));
        response.setContentType("application/json");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        baseRequest.setHandled(true);
    }

    private static String message(int status, String reason) {
        String what = switch (status) {
            case 414 -> "The request URI is too long; send long values in a POST body instead";
            case 431 -> "The request headers are too large";
            case 413 -> "The request body is too large";
            case 408 -> "The request took too long to arrive";
            default -> "The request could not be processed";
        };
        if (status >= 500) {
            return "Internal error";
        }
        String detail = reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status)) ? "" : " (" + reason + ")";
        return what + detail;
    }
}
