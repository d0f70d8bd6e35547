-- Versions stored from now on keep their files content-addressed (datasets/sha256/<hex>, stored once, shared by every
-- version that has the same bytes); a version is its manifest: one row per file, path -> sha256. Versions stored
-- before keep their files under blob_prefix; their manifest rows are filled in when first needed.
CREATE TABLE store_dataset_files (
    name       VARCHAR     NOT NULL,
    version    INTEGER     NOT NULL,
    path       VARCHAR     NOT NULL,
    sha256     VARCHAR(64) NOT NULL,
    size_bytes BIGINT      NOT NULL,
    blob_key   VARCHAR     NOT NULL,
    PRIMARY KEY (name, version, path),
    FOREIGN KEY (name, version) REFERENCES store_datasets (name, version) ON DELETE CASCADE
);
CREATE INDEX store_dataset_files_blob ON store_dataset_files (blob_key);

-- The version an append started from, and who made the version (null where unknown).
ALTER TABLE store_datasets ADD COLUMN parent_version INTEGER;
ALTER TABLE store_datasets ADD COLUMN created_by VARCHAR;
-- Deleted versions stay as rows without files, so their numbers are never given to other content.
ALTER TABLE store_datasets ADD COLUMN deleted_at TIMESTAMP;

-- The blobs an upload in progress will reference: the garbage collector leaves them alone until the upload is
-- published (then the manifest references them) or recovered (then they may go).
CREATE TABLE store_upload_blobs (
    upload_id VARCHAR NOT NULL,
    blob_key  VARCHAR NOT NULL,
    PRIMARY KEY (upload_id, blob_key)
);

-- One row that the garbage collector locks while it deletes a batch, and that an upload locks while it records its
-- blobs: so a blob is never deleted between an upload finding it stored and the upload's manifest referring to it.
CREATE TABLE store_gc_lock (id INTEGER NOT NULL PRIMARY KEY);
INSERT INTO store_gc_lock (id) VALUES (1);
