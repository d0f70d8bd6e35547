-- Uploads in progress. A version number is no longer reserved before the files are stored: an upload first records
-- itself here (its files go under its own blob prefix), and only the transaction that publishes the version takes
-- the next number and removes this row. An upload killed on the way leaves a row here, never a version; the
-- store's recovery deletes its files and the row. owner is the scratch-space id of the process doing the upload,
-- which tells recovery whether that process is still running. abandoned marks rows recovery has claimed: the
-- upload can no longer publish, and the cleanup can be resumed if recovery itself is interrupted.
CREATE TABLE store_uploads (
    id          VARCHAR   NOT NULL PRIMARY KEY,
    name        VARCHAR   NOT NULL,
    blob_prefix VARCHAR   NOT NULL,
    owner       VARCHAR   NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    abandoned   BOOLEAN   NOT NULL
);

-- Where a version's files are: datasets/<name>/<version>/ for versions stored before this migration,
-- datasets/<name>/<upload id>/ afterwards.
ALTER TABLE store_datasets ADD COLUMN blob_prefix VARCHAR;
UPDATE store_datasets SET blob_prefix = 'datasets/' || name || '/' || CAST(version AS VARCHAR) || '/';
ALTER TABLE store_datasets ALTER COLUMN blob_prefix SET NOT NULL;

-- Versions reserved but never published were killed uploads: hand them to recovery and free their numbers.
INSERT INTO store_uploads (id, name, blob_prefix, owner, started_at, abandoned)
    SELECT 'v1-' || name || '-' || CAST(version AS VARCHAR), name, blob_prefix, '', created_at, TRUE
    FROM store_datasets WHERE NOT ready;
DELETE FROM store_datasets WHERE NOT ready;
ALTER TABLE store_datasets DROP COLUMN ready;
