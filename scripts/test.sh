#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need, checks
# formatting, vet and generated code, then runs the whole Go suite (which
# includes the interop tests against real ORBs).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# Tests that need omniORB, g++, Java... fail instead of skipping.
export CONCORD_REQUIRE_TOOLS=1
export CONCORD_PYTHON="${CONCORD_PY_VENV:-$HOME/.cache/concord/py-venv}/bin/python3"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== generated code is up to date"
scripts/check-generated.sh

echo "== go test"
go test -count=1 -timeout 25m ./... 2>&1 | tee /tmp/concord-test.log
