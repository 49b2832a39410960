#!/usr/bin/env bash
# The editor's API and document types, generated from the server's OpenAPI schema.
#   scripts/gen-api-types.sh          rewrite frontend/src/api/schema.d.ts (commit the result)
#   scripts/gen-api-types.sh --check  fail when the committed file is not what the schema generates
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=frontend/src/api/schema.d.ts
PYTHON_BIN=${PYTHON_BIN:-.venv/bin/python}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A clean environment, so the schema does not depend on whoever runs this (database, limits,
# debug): the committed file must be reproducible on any machine.
env -i PATH="$PATH" HOME="${HOME:-/tmp}" SOPSTUDIO_TESTING=1 LOG_LEVEL=WARNING \
  "$PYTHON_BIN" manage.py spectacular --format openapi-json --file "$work/schema.json"
(cd frontend && npx --no-install openapi-typescript "$work/schema.json" --output "$work/schema.d.ts" >/dev/null)

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$OUT" "$work/schema.d.ts" >"$work/diff"; then
    head -n 80 "$work/diff" >&2
    echo "$OUT is not what the current API schema generates: run \`make api-types\` and commit it." >&2
    exit 1
  fi
  echo "$OUT matches the API schema."
else
  cp "$work/schema.d.ts" "$OUT"
  echo "Wrote $OUT"
fi
