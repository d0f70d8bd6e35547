#!/usr/bin/env bash
# Installs chimp-chain's pinned npm tools (solc, hardhat 2) into chimp-chain/node_modules unless the installed ones
# came from the current package-lock.json (node_modules/.chimp-lock-sha256 records its hash). Idempotent; needs
# Node.js 18+ with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.chimp-lock-sha256 ] && [ "$(cat node_modules/.chimp-lock-sha256)" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > node_modules/.chimp-lock-sha256
