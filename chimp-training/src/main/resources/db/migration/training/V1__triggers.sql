-- Retraining triggers: a dataset name watched for new versions; enough new files start a training task.
CREATE TABLE training_triggers (
    id                VARCHAR PRIMARY KEY,
    dataset           VARCHAR NOT NULL,
    dataset_key       VARCHAR NOT NULL,
    plugin            VARCHAR NOT NULL,
    arguments         VARCHAR NOT NULL,
    min_new_files     BIGINT NOT NULL,
    seen_version      INTEGER NOT NULL,
    seen_file_count   BIGINT NOT NULL,
    last_task_id      VARCHAR,
    created_at        BIGINT NOT NULL
);
CREATE INDEX training_triggers_dataset ON training_triggers (dataset);
