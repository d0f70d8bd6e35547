package org.chimp.jobs.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
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
        app.get("/jobs/{id}", ctx -> ctx.json(JobView.of(jobs.get(ctx.pathParam("id")))));
        app.post("/jobs/{id}/cancel", ctx -> ctx.json(JobView.of(jobs.cancel(ctx.pathParam("id")))));
        app.post("/jobs/{id}/retry", ctx -> ctx.json(JobView.of(jobs.retry(ctx.pathParam("id")))));
        new WorkerRoutes(jobs).addTo(app);
    }

    private void list(Context ctx) {
        JobFilter filter = new JobFilter(state(ctx.queryParam("state")), blankToNull(ctx.queryParam("queue")),
                bool(ctx.queryParam("dead_lettered"), "dead_lettered"));
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        List<Job> page = jobs.list(filter, offset, limit);
        long total = jobs.count(filter);
        long next = (long) offset + page.size();
        ctx.json(new JobPage(page.stream().map(JobView::of).toList(), total, offset, limit,
                page.isEmpty() || next >= total ? null : next));
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
}
