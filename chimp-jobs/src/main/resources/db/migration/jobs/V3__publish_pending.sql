-- The outbox flag: set in the same statement that makes a job queued and needing a message (insert, retry of a
-- dead-lettered job), cleared once the broker confirmed the publish or a worker started the job. The recovery
-- sweep republishes queued jobs still pending after a grace period, whatever the broker (most cannot be searched
-- for a job's message).
ALTER TABLE jobs_jobs ADD COLUMN publish_pending BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX jobs_jobs_publish_pending ON jobs_jobs (publish_pending, updated_at);
