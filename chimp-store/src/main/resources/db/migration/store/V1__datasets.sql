-- One row per dataset version. A version number is reserved (ready = FALSE) before its files are stored, so two
-- concurrent uploads of one name never share a number; readers only ever see ready versions.
CREATE TABLE store_datasets (
    name         VARCHAR   NOT NULL,
    version      INTEGER   NOT NULL,
    content_hash VARCHAR   NOT NULL,
    file_count   BIGINT    NOT NULL,
    size_bytes   BIGINT    NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    ready        BOOLEAN   NOT NULL,
    PRIMARY KEY (name, version)
);

-- How many images each label of each split holds.
CREATE TABLE store_dataset_labels (
    name    VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    split   VARCHAR NOT NULL,
    label   VARCHAR NOT NULL,
    files   INTEGER NOT NULL,
    PRIMARY KEY (name, version, split, label),
    FOREIGN KEY (name, version) REFERENCES store_datasets (name, version) ON DELETE CASCADE
);
