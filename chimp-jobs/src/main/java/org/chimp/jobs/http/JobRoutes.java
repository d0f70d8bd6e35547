package org.chimp.jobs.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;

/** {@code GET /jobs}, {@code GET /jobs/{id}} and {@code POST /jobs/{id}/cancel}. */
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
    }

    private void list(Context ctx) {
        JobState state = state(ctx.queryParam("state"));
        String queue = blankToNull(ctx.queryParam("queue"));
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        List<Job> page = jobs.list(state, queue, offset, limit);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("jobs");
        page.forEach(j -> items.add(toJson(j)));
        body.put("total", jobs.count(state, queue));
        body.put("offset", offset);
        body.put("limit", limit);
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
        o.put("finished_at", iso(job.finishedAt()));
        return o;
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
