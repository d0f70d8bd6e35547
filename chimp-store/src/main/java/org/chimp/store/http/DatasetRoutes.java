package org.chimp.store.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.store.ManifestEntry;

/**
 * The dataset endpoints of the training API, with CHIMP's original field names: {@code GET /datasets},
 * {@code GET /datasets/{name}}, and {@code POST /datasets} (multipart part {@code file} = the zip, form field
 * {@code dataset_name}); and the life of a version: {@code POST /datasets/{name}/versions} (append),
 * {@code GET /datasets/{name}/versions/{v}} (summary), {@code .../files} (listing), {@code .../files/{path}},
 * {@code .../download} (zip) and {@code DELETE /datasets/{name}/versions/{v}}.
 */
public final class DatasetRoutes implements Routes {
    private static final int DEFAULT_LISTING = 100;

    private final DatasetStore store;
    private final Function<Context, String> caller;

    public DatasetRoutes(DatasetStore store) {
        this(store, ctx -> null);
    }

    /** @param caller the name of the user making a request, recorded as a new version's creator (null if unknown) */
    public DatasetRoutes(DatasetStore store, Function<Context, String> caller) {
        this.store = store;
        this.caller = caller;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/datasets", ctx -> send(ctx, new Datasets(store.list().stream().map(DatasetView::of).toList())));
        app.get("/datasets/{name}", ctx -> {
            String name = ctx.pathParam("name");
            send(ctx, new Versions(name, store.versions(name).stream().map(DatasetView::of).toList()));
        });
        app.post("/datasets", this::upload);
        app.post("/datasets/{name}/versions", this::append);
        app.get("/datasets/{name}/versions/{version}", ctx -> send(ctx, DatasetVersionView.of(store.info(ctx.pathParam("name"), ctx.pathParam("version")))));
        app.get("/datasets/{name}/versions/{version}/files", this::listFiles);
        app.get("/datasets/{name}/versions/{version}/files/<path>", this::oneFile);
        app.get("/datasets/{name}/versions/{version}/download", this::download);
        app.delete("/datasets/{name}/versions/{version}", ctx -> {
            String force = ctx.queryParam("force");
            if (force != null && !force.equals("true") && !force.equals("false")) {
                throw ClientErrorException.invalid("force is 'true' or 'false', got '" + Quote.text(force) + "'");
            }
            String name = ctx.pathParam("name");
            String version = ctx.pathParam("version");
            int removed = store.delete(name, version, "true".equals(force));
            send(ctx, new Deleted(name + "@" + version, removed));
        });
    }

    /** Multipart: one zip in the part 'file', or images in parts 'file' with the form field 'label' (and 'split', default train). */
    private void append(Context ctx) throws Exception {
        String name = ctx.pathParam("name");
        Names.datasetName(name);
        List<UploadedFile> files = fileParts(ctx);
        for (String field : List.of("label", "split")) {
            if (ctx.formParams(field).size() > 1) {
                throw ClientErrorException.invalid("Send at most one form field '" + field + "'");
            }
        }
        String label = ctx.formParam("label");
        String split = ctx.formParam("split");
        if (files.isEmpty()) {
            throw ClientErrorException.invalid("POST /datasets/" + name + "/versions takes a multipart/form-data body with a zip in the "
                    + "file part 'file', or images in parts 'file' and their label in the form field 'label'");
        }
        DatasetVersion v;
        if (label == null) {
            if (files.size() > 1 || split != null) {
                throw ClientErrorException.invalid("Without a 'label' field the body is one zip in the dataset layout; to add single "
                        + "images, send their label in the form field 'label'");
            }
            try (InputStream in = files.get(0).content()) {
                v = store.append(name, in, caller.apply(ctx));
            }
        } else {
            List<InputStream> opened = new ArrayList<>();
            try {
                List<DatasetStore.NamedImage> images = new ArrayList<>();
                for (UploadedFile f : files) {
                    InputStream in = f.content();
                    opened.add(in);
                    images.add(new DatasetStore.NamedImage(f.filename(), in));
                }
                v = store.appendImages(name, split == null ? "train" : split, label.trim(), images, caller.apply(ctx));
            } finally {
                for (InputStream in : opened) {
                    in.close();
                }
            }
        }
        ctx.status(201);
        send(ctx, DatasetVersionView.of(store.info(v.name(), Integer.toString(v.version()))));
    }

    private void listFiles(Context ctx) throws Exception {
        DatasetVersion v = store.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
        String prefix = ctx.queryParam("prefix") == null ? "" : ctx.queryParam("prefix");
        long offset = number(ctx, "offset", 0);
        long limit = number(ctx, "limit", DEFAULT_LISTING);
        if (limit < 1 || limit > DatasetStore.MAX_LISTING) {
            throw ClientErrorException.invalid("limit must be between 1 and " + DatasetStore.MAX_LISTING + ", got " + limit);
        }
        List<FileListing.FileView> files = store.files(v, prefix, offset, (int) limit).stream().map(FileListing.FileView::of)
                .toList();
        send(ctx, new FileListing(v.ref(), offset, files, files.size() == limit ? offset + limit : null));
    }

    private void oneFile(Context ctx) throws Exception {
        DatasetVersion v = store.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
        ManifestEntry f = store.file(v, ctx.pathParam("path"));
        String lower = f.path().toLowerCase(java.util.Locale.ROOT);
        ctx.contentType(lower.endsWith(".png") ? "image/png" : lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? "image/jpeg"
                : "application/octet-stream");
        ctx.header("ETag", "\"sha256:" + f.sha256() + "\"");
        ctx.header("Content-Length", Long.toString(f.size()));
        ctx.result(store.open(v, f));
    }

    private void download(Context ctx) throws Exception {
        DatasetVersion v = store.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + v.name() + "-" + v.version() + ".zip\"");
        ctx.header("ETag", "\"sha256:" + v.contentHash() + "\"");
        store.writeZip(v, ctx.outputStream());
    }

    private static long number(Context ctx, String param, long fallback) {
        String s = ctx.queryParam(param);
        if (s == null) {
            return fallback;
        }
        if (!s.matches("[0-9]{1,12}")) {
            throw ClientErrorException.invalid(param + " is a whole number from 0 up to 12 digits, got '" + Quote.text(s) + "'");
        }
        return Long.parseLong(s);
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
            send(ctx, DatasetView.of(store.upload(name.trim(), in, caller.apply(ctx))));
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

    private static void send(Context ctx, Object body) throws Exception {
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
    }

    /** The body of {@code GET /datasets}: every dataset's latest version. */
    record Datasets(List<DatasetView> datasets) {
    }

    /** The body of {@code GET /datasets/{name}}. */
    record Versions(String name, List<DatasetView> versions) {
    }

    /** The body of {@code DELETE /datasets/{name}/versions/{v}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Deleted(String deleted, int blobsRemoved) {
    }
}
