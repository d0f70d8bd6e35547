#!/usr/bin/env bash
# Compiles chimp-chain/contracts with the pinned solc and rewrites the committed .abi/.bin files.
# Run after editing a contract (ChimpOracleArtifactsTest fails until you do).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-install.sh
node scripts/compile.js "$@"
