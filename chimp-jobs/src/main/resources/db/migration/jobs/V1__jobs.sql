-- One row per job: the record of truth, whatever the broker does with the message that carries its id.
CREATE TABLE jobs_jobs (
    id                VARCHAR PRIMARY KEY,
    queue             VARCHAR NOT NULL,
    type              VARCHAR NOT NULL,
    payload           VARCHAR NOT NULL,
    state             VARCHAR NOT NULL,
    attempts          INTEGER NOT NULL,
    max_attempts      INTEGER NOT NULL,
    priority          INTEGER NOT NULL,
    idempotency_key   VARCHAR UNIQUE,
    progress_fraction DOUBLE PRECISION,
    progress_message  VARCHAR,
    result            VARCHAR,
    error             VARCHAR,
    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL,
    next_attempt_at   TIMESTAMP
);

CREATE INDEX jobs_jobs_created ON jobs_jobs (created_at);
CREATE INDEX jobs_jobs_state_created ON jobs_jobs (state, created_at);
CREATE INDEX jobs_jobs_queue_created ON jobs_jobs (queue, created_at);
