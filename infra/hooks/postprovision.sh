#!/bin/sh
# Writes functions/<Context>/local.settings.json from the LOCAL_SETTINGS output of infra/main.bicep, so each app
# can run with `func start` against the provisioned Event Hubs and state tables, signed in as the developer
# (identity-based connections; the host itself uses Azurite through UseDevelopmentStorage=true).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
settings=$(azd env get-value LOCAL_SETTINGS)

if command -v jq >/dev/null 2>&1; then
  for context in $(printf '%s' "$settings" | jq -r '.[].context'); do
    dir="$root/functions/$context"
    if [ ! -d "$dir" ]; then
      echo "postprovision: $dir does not exist; skipping $context" >&2
      continue
    fi
    printf '%s' "$settings" \
      | jq --arg c "$context" '{ IsEncrypted: false, Values: (.[] | select(.context == $c) | .values) }' \
      > "$dir/local.settings.json"
    echo "postprovision: wrote $dir/local.settings.json"
  done
elif command -v python3 >/dev/null 2>&1; then
  printf '%s' "$settings" | python3 -c '
import json, os, sys
root = sys.argv[1]
for entry in json.load(sys.stdin):
    folder = os.path.join(root, "functions", entry["context"])
    if not os.path.isdir(folder):
        print(f"postprovision: {folder} does not exist; skipping", file=sys.stderr)
        continue
    path = os.path.join(folder, "local.settings.json")
    with open(path, "w") as f:
        json.dump({"IsEncrypted": False, "Values": entry["values"]}, f, indent=2)
        f.write("\n")
    print(f"postprovision: wrote {path}")
' "$root"
else
  echo "postprovision: install jq or python3 to write local.settings.json files (or run postprovision.ps1 with pwsh)." >&2
  exit 1
fi
