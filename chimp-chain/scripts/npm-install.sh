#!/usr/bin/env bash
# Installs chimp-chain's pinned npm tools (solc, hardhat 2) into chimp-chain/node_modules when they are missing
# or older than package-lock.json. Idempotent; needs Node.js 18+ with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
