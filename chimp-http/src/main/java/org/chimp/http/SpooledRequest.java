package org.chimp.http;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.chimp.api.error.ClientErrorException;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * The request as its handler sees it once {@link BodySpooler} has received the whole body: the body is read from
 * the spool, and multipart parts are parsed from it (Jetty's own parser would read the already drained socket).
 * A malformed multipart body is the caller's mistake: a 400 that says what was wrong.
 */
final class SpooledRequest extends HttpServletRequestWrapper {
    /** The attribute Javalin puts the multipart limits in before asking for parts. */
    static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final SpooledBody body;
    private final int maxParts;
    private final File partsDir;
    private MultiPartFormInputStream multipart;

    SpooledRequest(HttpServletRequest request, SpooledBody body, int maxParts, File partsDir) {
        super(request);
        this.body = body;
        this.maxParts = maxParts;
        this.partsDir = partsDir;
    }

    @Override
    public int getContentLength() {
        return (int) Math.min(Integer.MAX_VALUE, body.size());
    }

    @Override
    public long getContentLengthLong() {
        return body.size();
    }

    @Override
    public ServletInputStream getInputStream() {
        return new SpoolStream(body.open());
    }

    @Override
    public BufferedReader getReader() {
        String enc = getCharacterEncoding();
        Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
        return new BufferedReader(new InputStreamReader(body.open(), cs));
    }

    @Override
    public Collection<Part> getParts() throws IOException {
        return multipart().getParts();
    }

    @Override
    public Part getPart(String name) throws IOException {
        return multipart().getPart(name);
    }

    private MultiPartFormInputStream multipart() throws IOException {
        if (multipart == null) {
            String type = getContentType();
            if (type == null || !type.toLowerCase().startsWith("multipart/form-data") || !type.toLowerCase().contains("boundary=")) {
                throw ClientErrorException.invalid("This endpoint needs a multipart/form-data body with a boundary, got "
                        + (type == null ? "no Content-Type" : "'" + type + "'"));
            }
            MultipartConfigElement config = (MultipartConfigElement) getAttribute(MULTIPART_CONFIG);
            if (config == null) {
                config = new MultipartConfigElement(partsDir.getPath());
            }
            multipart = new MultiPartFormInputStream(body.open(), type, config, partsDir, maxParts);
        }
        try {
            multipart.getParts();
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("exceeds")) {
                throw ClientErrorException.tooLarge("A multipart part is larger than this endpoint accepts: " + describe(e));
            }
            throw ClientErrorException.invalid("The multipart body is malformed: " + describe(e), e);
        } catch (IOException e) {
            throw ClientErrorException.invalid("The multipart body is malformed: " + describe(e)
                    + "; send one part per field, each with a Content-Disposition, and end with the closing boundary", e);
        }
        return multipart;
    }

    /** Deletes the parts' temp files; called when the request is done. */
    void deleteParts() {
        if (multipart != null) {
            multipart.deleteParts();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Jetty's messages name temp files on over-size parts; only the reason is the caller's business.
        return m.replaceAll("/\\S+", "").trim();
    }

    /** A finished, always-ready stream over the spooled bytes. */
    private static final class SpoolStream extends ServletInputStream {
        private final InputStream in;
        private boolean finished;

        SpoolStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            finished = b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            finished = n < 0;
            return n;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                listener.onDataAvailable();
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
