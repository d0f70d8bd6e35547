package org.chimp.store;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Routes;

/**
 * The dataset endpoints of the training API, with CHIMP's original field names: {@code GET /datasets},
 * {@code GET /datasets/{name}}, and {@code POST /datasets} (multipart part {@code file} = the zip, form field
 * {@code dataset_name}).
 */
public final class DatasetRoutes implements Routes {
    private final DatasetStore store;

    public DatasetRoutes(DatasetStore store) {
        this.store = store;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/datasets", ctx -> send(ctx, Map.of("datasets", store.list().stream().map(DatasetRoutes::toJson).toList())));
        app.get("/datasets/{name}", ctx -> {
            String name = ctx.pathParam("name");
            send(ctx, Map.of("name", name, "versions", store.versions(name).stream().map(DatasetRoutes::toJson).toList()));
        });
        app.post("/datasets", this::upload);
    }

    private void upload(Context ctx) throws Exception {
        List<UploadedFile> files = fileParts(ctx);
        if (files.size() > 1) {
            throw ClientErrorException.invalid("POST /datasets takes one zip in the file part 'file'; this request has "
                    + files.size() + " of them: send one file (zip several folders into one dataset zip)");
        }
        if (ctx.formParams("dataset_name").size() > 1) {
            throw ClientErrorException.invalid("POST /datasets takes one form field 'dataset_name'; this request has "
                    + ctx.formParams("dataset_name").size() + ": send one");
        }
        UploadedFile file = files.isEmpty() ? null : files.get(0);
        String name = ctx.formParam("dataset_name");
        List<String> missing = new ArrayList<>();
        if (file == null) {
            missing.add("the file part 'file' (the dataset zip)");
        }
        if (name == null || name.isBlank()) {
            missing.add("the form field 'dataset_name'");
        }
        if (!missing.isEmpty()) {
            throw ClientErrorException.invalid("POST /datasets takes a multipart/form-data body; this one lacks "
                    + String.join(" and ", missing));
        }
        try (InputStream in = file.content()) {
            send(ctx, toJson(store.upload(name.trim(), in)));
        }
    }

    /** The parts named 'file'; a body Jetty cannot parse as multipart (cut short, wrong boundary) is a 400. */
    private static List<UploadedFile> fileParts(Context ctx) throws Exception {
        try {
            return ctx.uploadedFiles("file");
        } catch (Exception e) {
            // Jetty's parser throws IOException through Kotlin, undeclared.
            if (e instanceof IOException) {
                throw ClientErrorException.invalid("The multipart/form-data body could not be read (" + e.getMessage()
                        + "); send the zip as the file part 'file' and the form field 'dataset_name', as curl -F does", e);
            }
            throw e;
        }
    }

    /** The JSON form of a version, as the endpoints return it. */
    public static Map<String, Object> toJson(DatasetVersion v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", v.name());
        json.put("version", v.version());
        json.put("ref", v.ref());
        json.put("content_hash", v.contentHash());
        json.put("files", v.fileCount());
        json.put("bytes", v.sizeBytes());
        json.put("splits", v.splits());
        json.put("created_at", v.createdAt().toString());
        return json;
    }

    private static void send(Context ctx, Object body) throws Exception {
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
    }
}
