-- The recovery sweep's indexes held updated_at, which every state change moves: each update of a job rewrote
-- both index entries although their flags rarely change. Indexed on the flag alone, an update that leaves the flag
-- as it is leaves the index alone; the few flagged rows are filtered by updated_at after the index lookup.
DROP INDEX jobs_jobs_publish_pending;
DROP INDEX jobs_jobs_callback_pending;
CREATE INDEX jobs_jobs_publish_pending ON jobs_jobs (publish_pending);
CREATE INDEX jobs_jobs_callback_pending ON jobs_jobs (callback_pending);
