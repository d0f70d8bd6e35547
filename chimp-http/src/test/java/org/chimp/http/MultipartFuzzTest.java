package org.chimp.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Multipart bodies as an attacker sends them: a valid upload with bytes flipped, cut, inserted, or its headers and
 * boundary mangled. Whatever arrives, the answer is 2xx or a 4xx with a JSON message, never a 500, and no temp file
 * outlives its request.
 */
class MultipartFuzzTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String VALID = "--XyZ\r\nContent-Disposition: form-data; name=\"dataset_name\"\r\n\r\nfaces\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faces.zip\"\r\nContent-Type: application/zip\r\n\r\n"
            + "PK\u0003\u0004 zip bytes would be here\r\n--XyZ--\r\n";
    private static Path spool;
    private static Javalin app;

    @BeforeContainer
    static void start() throws IOException {
        spool = Files.createTempDirectory("multipart-fuzz");
        app = TestApps.hardened(spool, ServerLimits.defaults(1 << 20), ErrorFormats.of());
        app.post("/upload", ctx -> {
            StringBuilder out = new StringBuilder("fields=" + ctx.formParamMap().keySet());
            for (UploadedFile f : ctx.uploadedFiles()) {
                out.append(' ').append(f.filename()).append('=').append(f.content().readAllBytes().length);
            }
            ctx.result(out.toString());
        });
        app.start();
    }

    @AfterContainer
    static void stop() throws IOException {
        app.stop();
        try (var files = Files.walk(spool)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 300)
    void mutatedUploadsAreAnsweredWithoutA500(@ForAll("mutatedBodies") byte[] body, @ForAll("contentTypes") String type)
            throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/upload"))
                .header("Authorization", "Bearer " + HardenedServerTest.TOKEN).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        if (r.statusCode() >= 400) {
            assertThat(r.body()).contains("\"message\"");
        }
        assertThat(HardenedServerTest.filesIn(spool)).isZero();
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("multipart/form-data; boundary=XyZ", "multipart/form-data; boundary=XyZ", "multipart/form-data",
                "multipart/form-data; boundary=", "multipart/form-data; boundary=\"XyZ\"", "multipart/mixed; boundary=XyZ",
                "multipart/form-data; boundary=" + "b".repeat(5000), "application/json", "text/plain");
    }

    @Provide
    Arbitrary<byte[]> mutatedBodies() {
        byte[] valid = VALID.getBytes(StandardCharsets.ISO_8859_1);
        Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length - 1);
        Arbitrary<byte[]> flipped = Combinators.combine(at, Arbitraries.bytes()).as((i, b) -> {
            byte[] out = valid.clone();
            out[i] = b;
            return out;
        });
        Arbitrary<byte[]> cut = at.map(i -> java.util.Arrays.copyOf(valid, i));
        Arbitrary<byte[]> inserted = Combinators.combine(at, Arbitraries.of("\r\n", "--XyZ\r\n", "--XyZ--", "\u0000",
                "Content-Disposition: form-data; name=\"" + "n".repeat(3000) + "\"\r\n", "\r\n\r\n")).as((i, s) -> {
            byte[] ins = s.getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[valid.length + ins.length];
            System.arraycopy(valid, 0, out, 0, i);
            System.arraycopy(ins, 0, out, i, ins.length);
            System.arraycopy(valid, i, out, i + ins.length, valid.length - i);
            return out;
        });
        Arbitrary<byte[]> manyParts = Arbitraries.integers().between(900, 1100).map(n -> {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < n; k++) {
                b.append("--XyZ\r\nContent-Disposition: form-data; name=\"f").append(k).append("\"\r\n\r\nv\r\n");
            }
            return b.append("--XyZ--\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        });
        return Arbitraries.frequencyOf(Tuple.of(4, flipped), Tuple.of(3, cut), Tuple.of(3, inserted),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)), Tuple.of(1, manyParts));
    }
}
