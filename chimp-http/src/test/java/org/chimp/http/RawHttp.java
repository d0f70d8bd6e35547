package org.chimp.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A hand-driven HTTP/1.1 connection, for requests no well-behaved client sends (short, slow, malformed). */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Tells the server nothing more will come (the request body ends here). */
    RawHttp endOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** The status line and the body of the first response, read until the server closes or Content-Length is met. */
    Response read() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
                Response r = Response.parse(all.toString(StandardCharsets.UTF_8));
                if (r != null) {
                    return r;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete response within the timeout; got: " + all, e);
        }
        Response r = Response.parse(all.toString(StandardCharsets.UTF_8));
        if (r == null) {
            throw new IOException("connection closed before a complete response; got: " + all);
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A parsed response. */
    record Response(int status, String headers, String body) {
        static Response parse(String raw) {
            int end = raw.indexOf("\r\n\r\n");
            if (end < 0) {
                return null;
            }
            String head = raw.substring(0, end);
            String body = raw.substring(end + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    int len = Integer.parseInt(line.substring(15).trim());
                    return body.getBytes(StandardCharsets.UTF_8).length >= len ? new Response(status, head, body.substring(0, len)) : null;
                }
            }
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                return body.endsWith("0\r\n\r\n") ? new Response(status, head, dechunk(body)) : null;
            }
            return new Response(status, head, body);
        }

        private static String dechunk(String body) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (true) {
                int eol = body.indexOf("\r\n", i);
                int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(body, eol + 2, eol + 2 + size);
                i = eol + 2 + size + 2;
            }
        }
    }
}
