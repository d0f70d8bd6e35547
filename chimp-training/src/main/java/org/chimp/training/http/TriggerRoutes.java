package org.chimp.training.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.training.triggers.Triggers;

/**
 * Retraining triggers: {@code POST /api/2.0/chimp/triggers {"dataset", "plugin", "arguments": {..}, "min_new_files",
 * "dataset_key"?}} watches a dataset name, {@code GET /api/2.0/chimp/triggers} lists the triggers,
 * {@code DELETE /api/2.0/chimp/triggers/{id}} removes one.
 */
public final class TriggerRoutes implements Routes {
    public static final String PATH = "/api/2.0/chimp/triggers";
    /** The most arguments a trigger may carry. */
    static final int MAX_ARGUMENTS = 64;

    private final Triggers triggers;

    public TriggerRoutes(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public void addTo(Javalin app) {
        app.post(PATH, this::create);
        app.get(PATH, this::list);
        app.delete(PATH + "/{id}", ctx -> {
            triggers.delete(ctx.pathParam("id"));
            ctx.json(Map.of());
        });
    }

    private void create(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx);
        String usage = "POST " + PATH + " takes {\"dataset\": \"faces\", \"plugin\": \"emotion-cnn\", \"arguments\": {\"epochs\": 20}, "
                + "\"min_new_files\": 100}";
        if (!body.isObject()) {
            throw ClientErrorException.invalid(usage);
        }
        String dataset = text(body, "dataset", usage, true);
        String plugin = text(body, "plugin", usage, true);
        String key = text(body, "dataset_key", usage, false);
        JsonNode min = body.get("min_new_files");
        if (min == null || !min.canConvertToLong() || !min.isIntegralNumber()) {
            throw ClientErrorException.invalid("'min_new_files' must be a whole number of files; " + usage);
        }
        JsonNode args = body.path("arguments");
        Map<String, String> arguments = new LinkedHashMap<>();
        if (!args.isMissingNode() && !args.isNull()) {
            if (!args.isObject() || args.size() > MAX_ARGUMENTS) {
                throw ClientErrorException.invalid("'arguments' must be an object of at most " + MAX_ARGUMENTS + " plugin arguments; " + usage);
            }
            args.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw ClientErrorException.invalid("Argument '" + e.getKey() + "' must be a string, number or boolean");
                }
                arguments.put(e.getKey(), e.getValue().asText());
            });
        }
        ctx.json(new Created(TriggerView.of(triggers.create(dataset, plugin, arguments, key, min.asLong()))));
    }

    private void list(Context ctx) {
        ctx.json(new Listed(triggers.list().stream().map(TriggerView::of).toList()));
    }

    private static String text(JsonNode body, String field, String usage, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ClientErrorException.invalid("'" + field + "' is required; " + usage);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ClientErrorException.invalid("'" + field + "' must be a string; " + usage);
        }
        return v.asText();
    }

    /** The answer to creating a trigger. */
    record Created(TriggerView trigger) {
    }

    /** The body of the listing. */
    record Listed(List<TriggerView> triggers) {
    }
}
