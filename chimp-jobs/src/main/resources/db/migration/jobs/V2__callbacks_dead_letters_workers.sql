-- Callbacks (link / link_error), dead letters, and which worker ran a job's current or last attempt.
-- callback_pending is set in the same statement that stores a final outcome with a callback for it, and cleared
-- once the callback job is submitted (its idempotency key makes a repeated submit return the same job).
ALTER TABLE jobs_jobs ADD COLUMN on_success VARCHAR;
ALTER TABLE jobs_jobs ADD COLUMN on_failure VARCHAR;
ALTER TABLE jobs_jobs ADD COLUMN callback_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs_jobs ADD COLUMN callback_job_id VARCHAR;
ALTER TABLE jobs_jobs ADD COLUMN dead_lettered BOOLEAN NOT NULL DEFAULT FALSE;
-- A JSON array of the errors of earlier dead-lettered runs that were retried.
ALTER TABLE jobs_jobs ADD COLUMN error_history VARCHAR;
ALTER TABLE jobs_jobs ADD COLUMN worker_id VARCHAR;

CREATE INDEX jobs_jobs_callback_pending ON jobs_jobs (callback_pending, updated_at);
CREATE INDEX jobs_jobs_dead_lettered_created ON jobs_jobs (dead_lettered, created_at);

-- One row per live worker, refreshed every heartbeat; deleted on close, pruned when stale (a killed process).
CREATE TABLE jobs_workers (
    id             VARCHAR PRIMARY KEY,
    host           VARCHAR NOT NULL,
    pid            BIGINT NOT NULL,
    queues         VARCHAR NOT NULL,
    concurrency    INTEGER NOT NULL,
    heartbeat_ms   BIGINT NOT NULL,
    state          VARCHAR NOT NULL,
    current_jobs   VARCHAR NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    last_heartbeat TIMESTAMP NOT NULL
);
