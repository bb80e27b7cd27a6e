#!/usr/bin/env bash
# Sets up and runs the whole system locally: builds the binary and starts a
# cluster on loopback with the embedded defaults (Ctrl-C stops everything).
set -euo pipefail
cd "$(dirname "$0")/.."
go mod download
mkdir -p bin
go build -o bin/concord ./cmd/concord
exec bin/concord up "$@"
