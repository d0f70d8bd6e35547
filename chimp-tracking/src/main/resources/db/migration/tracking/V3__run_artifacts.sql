-- Run artifacts are content-addressed: their bytes live once in the blob store under artifacts/sha256/<hex>
-- (chimp-store's ArtifactStore, shared with model weights); this table maps a run's artifact path to them.
-- Artifacts logged before this table existed stay under their path key and are read from there.
CREATE TABLE tracking_run_artifacts (
    run_id     VARCHAR NOT NULL REFERENCES tracking_runs (run_id),
    path       VARCHAR NOT NULL,
    sha256     CHAR(64) NOT NULL,
    size_bytes BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
);
-- For a garbage collector that looks for blobs no mapping uses any more.
CREATE INDEX tracking_run_artifacts_by_sha256 ON tracking_run_artifacts (sha256);
