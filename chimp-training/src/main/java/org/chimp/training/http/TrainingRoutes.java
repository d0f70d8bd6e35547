package org.chimp.training.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterType;
import org.chimp.http.Routes;
import org.chimp.jobs.Job;
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
        boolean details = includeDetails(ctx.queryParam("include_details"));
        List<Object> list = service.plugins().plugins().stream()
                .<Object>map(p -> details ? PluginView.of(p.info()) : p.info().name()).toList();
        ctx.json(new Plugins(list));
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
        ctx.json(new Queued("queued", job.id()));
    }

    private void poll(Context ctx) {
        String id = ctx.pathParam("task_id");
        Job job = service.task(id).orElseThrow(() -> ClientErrorException.notFound("There is no training task '" + id
                + "'; POST /tasks/run/{plugin} returns the task_id to poll"));
        ctx.json(TaskStatusView.of(job));
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

    /** The body of {@code GET /plugins}: names, or with {@code include_details} each plugin's {@link PluginView}. */
    record Plugins(List<Object> plugins) {
    }

    /** The answer to {@code POST /tasks/run/{plugin}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Queued(String status, String taskId) {
    }
}
