#!/usr/bin/env bash
# Installs chimp-chain's pinned npm tools (solc, hardhat 2) into chimp-chain/node_modules unless the installed ones
# came from the current package-lock.json (node_modules/.chimp-lock-sha256 records its hash). Idempotent; needs
# Node.js 18+ with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  # Debian's Node.js is enough (18+); needs root or sudo, as scripts/services.sh does.
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.chimp-lock-sha256 ] && [ "$(cat node_modules/.chimp-lock-sha256)" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > node_modules/.chimp-lock-sha256
