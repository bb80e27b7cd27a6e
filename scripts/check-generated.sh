#!/usr/bin/env bash
# Regenerates all committed generated code and fails when anything changed,
# so generated files can never drift from their sources.
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./...
if ! git diff --quiet --exit-code -- . ; then
	echo "generated code is stale; run 'go generate ./...' and commit:"
	git --no-pager diff --stat -- .
	exit 1
fi
untracked=$(git ls-files --others --exclude-standard)
if [ -n "$untracked" ]; then
	echo "go generate created files that are not committed:"; echo "$untracked"; exit 1
fi
