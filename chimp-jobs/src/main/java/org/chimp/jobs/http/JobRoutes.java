package org.chimp.jobs.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.jobs.Callback;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobFilter;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;

/**
 * {@code GET /jobs}, {@code GET /jobs/{id}}, {@code POST /jobs/{id}/cancel} and {@code POST /jobs/{id}/retry};
 * also adds the {@link WorkerRoutes}, which belong with them.
 */
public final class JobRoutes implements Routes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final JobService jobs;

    public JobRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/jobs", this::list);
        app.get("/jobs/{id}", ctx -> ctx.json(toJson(jobs.get(ctx.pathParam("id")))));
        app.post("/jobs/{id}/cancel", ctx -> ctx.json(toJson(jobs.cancel(ctx.pathParam("id")))));
        app.post("/jobs/{id}/retry", ctx -> ctx.json(toJson(jobs.retry(ctx.pathParam("id")))));
        new WorkerRoutes(jobs).addTo(app);
    }

    private void list(Context ctx) {
        JobFilter filter = new JobFilter(state(ctx.queryParam("state")), blankToNull(ctx.queryParam("queue")),
                bool(ctx.queryParam("dead_lettered"), "dead_lettered"));
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        List<Job> page = jobs.list(filter, offset, limit);
        long total = jobs.count(filter);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("jobs");
        page.forEach(j -> items.add(toJson(j)));
        body.put("total", total);
        body.put("offset", offset);
        body.put("limit", limit);
        long next = (long) offset + page.size();
        if (page.isEmpty() || next >= total) {
            body.putNull("next_offset");
        } else {
            body.put("next_offset", next);
        }
        ctx.json(body);
    }

    /** The JSON form of a job: snake_case, ISO-8601 times, lower-case state. */
    public static ObjectNode toJson(Job job) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", job.id());
        o.put("queue", job.queue());
        o.put("type", job.type());
        o.put("state", job.state().name().toLowerCase(Locale.ROOT));
        o.put("attempts", job.attempts());
        o.put("max_attempts", job.maxAttempts());
        o.put("priority", job.priority());
        o.set("payload", job.payload());
        if (job.progress() == null) {
            o.putNull("progress");
        } else {
            o.putObject("progress").put("fraction", job.progress().fraction()).put("message", job.progress().message());
        }
        o.set("result", job.result());
        o.put("error", job.error());
        o.put("created_at", iso(job.createdAt()));
        o.put("started_at", iso(job.startedAt()));
        o.put("next_attempt_at", iso(job.nextAttemptAt()));
        o.put("finished_at", iso(job.finishedAt()));
        o.put("queued_ms", millis(job.queuedFor()));
        o.put("run_ms", millis(job.ranFor()));
        o.put("worker_id", job.workerId());
        o.put("cancel_requested", job.cancelRequested());
        o.put("dead_lettered", job.deadLettered());
        o.set("error_history", job.errorHistory());
        ObjectNode cb = o.putObject("callbacks");
        cb.set("on_success", callback(job.callbacks().onSuccess()));
        cb.set("on_failure", callback(job.callbacks().onFailure()));
        cb.put("pending", job.callbacks().pending());
        cb.put("job_id", job.callbacks().jobId());
        return o;
    }

    private static JsonNode callback(Callback cb) {
        if (cb == null) {
            return NullNode.getInstance();
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("queue", cb.queue());
        o.put("type", cb.type());
        o.set("payload", cb.payload());
        return o;
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static Boolean bool(String value, String name) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.valueOf(v);
        }
        throw ClientErrorException.invalid("Query parameter '" + name + "' must be true or false, got '" + v + "'");
    }

    private static JobState state(String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return JobState.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ClientErrorException.invalid("Unknown job state '" + v + "'; use one of " + Arrays.stream(JobState.values())
                    .map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
