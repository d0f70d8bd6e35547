package org.chimp.jobs.http;

import io.javalin.Javalin;
import org.chimp.http.Routes;
import org.chimp.jobs.JobService;

/** {@code GET /workers}: the registered workers, what they run, and whether their heartbeat is recent. */
public final class WorkerRoutes implements Routes {
    private final JobService jobs;

    public WorkerRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/workers", ctx -> ctx.json(new WorkerView.Workers(jobs.workers().stream().map(WorkerView::of).toList())));
    }
}
