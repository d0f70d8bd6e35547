-- The embedded broker's messages. A row exists from publish until ack; receipt is null while nobody holds it.
-- job_id is unique so that publishing a job that already has a message is a no-op (the recovery sweep relies
-- on it).
CREATE TABLE jobs_broker_messages (
    id             VARCHAR PRIMARY KEY,
    queue          VARCHAR NOT NULL,
    job_id         VARCHAR NOT NULL UNIQUE,
    priority       INTEGER NOT NULL,
    visible_at     TIMESTAMP NOT NULL,
    delivery_count INTEGER NOT NULL,
    receipt        VARCHAR
);

CREATE INDEX jobs_broker_messages_ready ON jobs_broker_messages (queue, priority, visible_at);
