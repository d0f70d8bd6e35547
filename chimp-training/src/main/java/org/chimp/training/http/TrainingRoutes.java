package org.chimp.training.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterType;
import org.chimp.http.Routes;
import org.chimp.jobs.Job;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.runner.TrainingService;

/**
 * The CHIMP-compatible training endpoints: {@code GET /plugins[?include_details=true]},
 * {@code POST /tasks/run/{plugin}} (form field {@code datasets} = JSON map, every other field an argument) and
 * {@code GET /tasks/poll/{task_id}}.
 */
public final class TrainingRoutes implements Routes {
    /** The form field that carries the dataset map; every other field is a plugin argument. */
    public static final String DATASETS_FIELD = "datasets";

    private final TrainingService service;

    public TrainingRoutes(TrainingService service) {
        this.service = service;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/plugins", this::plugins);
        app.post("/tasks/run/{plugin}", this::run);
        app.get("/tasks/poll/{task_id}", this::poll);
    }

    private void plugins(Context ctx) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        ArrayNode list = out.putArray("plugins");
        boolean details = includeDetails(ctx.queryParam("include_details"));
        for (TrainingPlugin p : service.plugins().plugins()) {
            list.add(details ? PluginInfoJson.of(p.info()) : f.textNode(p.info().name()));
        }
        ctx.json(out);
    }

    private void run(Context ctx) {
        Map<String, String> arguments = new LinkedHashMap<>();
        String datasets = null;
        for (Map.Entry<String, List<String>> e : ctx.formParamMap().entrySet()) {
            if (e.getValue().size() != 1) {
                throw ClientErrorException.invalid("The form field '" + e.getKey() + "' was given " + e.getValue().size()
                        + " times; give each argument once");
            }
            if (DATASETS_FIELD.equals(e.getKey())) {
                datasets = e.getValue().get(0);
            } else {
                arguments.put(e.getKey(), e.getValue().get(0));
            }
        }
        Job job = service.submit(ctx.pathParam("plugin"), arguments, datasets);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", "queued");
        out.put("task_id", job.id());
        ctx.json(out);
    }

    private void poll(Context ctx) {
        String id = ctx.pathParam("task_id");
        Job job = service.task(id).orElseThrow(() -> ClientErrorException.notFound("There is no training task '" + id
                + "'; POST /tasks/run/{plugin} returns the task_id to poll"));
        JsonNode status = TaskStatusJson.of(job);
        ctx.json(status);
    }

    private static boolean includeDetails(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        JsonNode b = ParameterType.BOOLEAN.parseText(text);
        if (b == null) {
            throw ClientErrorException.invalid("Query parameter 'include_details' must be true or false, got '" + text + "'");
        }
        return b.asBoolean();
    }
}
