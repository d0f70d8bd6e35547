-- Versions registered through MLflow's API (not trained by CHIMP) have no CHIMP model config.
ALTER TABLE tracking_model_versions ALTER COLUMN config DROP NOT NULL;

-- Indexes for searches. Param and tag values are not indexed: they may be longer than a PostgreSQL index row.
CREATE INDEX tracking_runs_by_stage ON tracking_runs (experiment_id, lifecycle_stage, start_time);
CREATE INDEX tracking_latest_metrics_by_value ON tracking_latest_metrics (name, val);
CREATE INDEX tracking_params_by_name ON tracking_params (name, run_id);
CREATE INDEX tracking_run_tags_by_name ON tracking_run_tags (name, run_id);
CREATE INDEX tracking_experiments_by_time ON tracking_experiments (lifecycle_stage, creation_time);
CREATE INDEX tracking_registered_models_by_update ON tracking_registered_models (last_updated_time);
CREATE INDEX tracking_model_versions_by_update ON tracking_model_versions (last_updated_time);
CREATE INDEX tracking_model_aliases_by_version ON tracking_model_aliases (model_name, version);
