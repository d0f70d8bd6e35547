-- The sequencer's memory: how far it has read each oracle's logs, and every on-chain job it has seen.

-- The last block whose logs were fully turned into jobs; its hash detects a reorganisation on restart.
CREATE TABLE chain_cursor (
    chain_id     BIGINT       NOT NULL,
    contract     VARCHAR(42)  NOT NULL,
    block_number BIGINT       NOT NULL,
    block_hash   VARCHAR(66)  NOT NULL,
    updated_at   TIMESTAMP    NOT NULL,
    PRIMARY KEY (chain_id, contract)
);

-- One row per on-chain job (chain id + contract + job id). fingerprint is the sha256 of its JobCreated log
-- (topics and data): after a reorganisation the same job id may name another request, which gets a new fingerprint.
CREATE TABLE chain_jobs (
    job_key       VARCHAR(200) NOT NULL PRIMARY KEY,
    chain_id      BIGINT       NOT NULL,
    contract      VARCHAR(42)  NOT NULL,
    job_id        VARCHAR(78)  NOT NULL,
    model_id      VARCHAR(78)  NOT NULL,
    requester     VARCHAR(42)  NOT NULL,
    fingerprint   VARCHAR(64)  NOT NULL,
    deadline      BIGINT       NOT NULL,
    created_block BIGINT       NOT NULL,
    created_tx    VARCHAR(66)  NOT NULL,
    input_hex     TEXT         NOT NULL,
    seed          VARCHAR(78)  NOT NULL,
    generation    INT          NOT NULL,
    chimp_job_id  VARCHAR(64),
    state         VARCHAR(16)  NOT NULL,
    output_hash   VARCHAR(66),
    output_uri    VARCHAR(600),
    tx_kind       VARCHAR(8),
    tx_hash       VARCHAR(66),
    tx_nonce      BIGINT,
    tx_raw        TEXT,
    tx_block      BIGINT,
    error         VARCHAR(600),
    created_at    TIMESTAMP    NOT NULL,
    updated_at    TIMESTAMP    NOT NULL
);
CREATE INDEX chain_jobs_listing ON chain_jobs (chain_id, contract, created_block);
CREATE INDEX chain_jobs_tx_block ON chain_jobs (tx_block);
