package org.chimp.tracking.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import org.chimp.http.Json;

/** JSON and file requests to a CHIMP server with a bearer token; non-2xx answers become {@link TrackingClientException}s. */
final class MlflowHttp {
    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;

    MlflowHttp(URI base, String token, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    JsonNode get(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        query.forEach((k, v) -> q.add(encode(k) + "=" + encode(v)));
        return json(send(request(path + q).GET(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    JsonNode post(String path, Object body) {
        try {
            String json = Json.MAPPER.writeValueAsString(body);
            return json(send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the request body as JSON", e);
        }
    }

    /** Uploads a file as the body, streamed from disk. */
    JsonNode put(String path, Path file) {
        try {
            return json(send(request(path).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (java.io.FileNotFoundException e) {
            throw TrackingClientException.invalid("Cannot upload " + file + ": it is not a readable file");
        }
    }

    /** Downloads the body into a file, streamed to disk. */
    void download(String path, Path target) {
        HttpResponse<InputStream> r = send(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Downloading " + path + " failed", e);
        }
    }

    /** A path segment (or several, '/' kept) percent-encoded for a URL path. */
    static String encodePath(String path) {
        StringJoiner j = new StringJoiner("/");
        for (String segment : path.split("/", -1)) {
            j.add(encode(segment).replace("+", "%20"));
        }
        return j.toString();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Authorization", "Bearer " + token);
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder request, HttpResponse.BodyHandler<InputStream> handler) {
        HttpRequest r = request.build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(r, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(r.method() + " " + r.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + r.method() + " " + r.uri(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw error(r, response);
        }
        return response;
    }

    private static JsonNode json(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] body = in.readAllBytes();
            return body.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the answer of " + response.request().uri() + " failed", e);
        }
    }

    /** MLflow's {@code {"error_code", "message"}}, or CHIMP's {@code {"status-code", "error", "message"}}. */
    private static TrackingClientException error(HttpRequest r, HttpResponse<InputStream> response) {
        int status = response.statusCode();
        String text;
        try (InputStream in = response.body()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            body = null;
        }
        String code = body != null && body.hasNonNull("error_code") ? body.get("error_code").asText() : TrackingClientException.codeFor(status);
        String message = body != null && body.hasNonNull("message") ? body.get("message").asText()
                : r.method() + " " + r.uri().getPath() + " answered " + status + ": " + text;
        return new TrackingClientException(status, code, message);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
