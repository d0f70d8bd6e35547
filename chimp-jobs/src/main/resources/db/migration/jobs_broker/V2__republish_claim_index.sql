-- republish: the job was published again while its message was held (e.g. a dead-lettered job retried between
-- its worker storing the failure and acking): the ack then makes the message visible again instead of deleting it.
ALTER TABLE jobs_broker_messages ADD COLUMN republish BOOLEAN NOT NULL DEFAULT FALSE;

-- Matches the claim query (one queue, visible, most urgent first, oldest first), so a claim reads the first few
-- index entries instead of sorting every visible message.
DROP INDEX jobs_broker_messages_ready;
CREATE INDEX jobs_broker_messages_claim ON jobs_broker_messages (queue, priority DESC, visible_at, id);
