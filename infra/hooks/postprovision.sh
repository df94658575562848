#!/bin/sh
# Writes functions/<Context>/local.settings.json from the LOCAL_SETTINGS output of infra/main.bicep, so each app
# can run with `func start` against the provisioned Event Hubs and state tables, signed in as the developer
# (identity-based connections; the host itself uses Azurite through UseDevelopmentStorage=true).
# It never fails: the files only serve local runs, and a failing hook would stop `azd up` before it deploys the code.
set -u

warn() {
  echo "postprovision: warning: $*; local.settings.json not written, the deployment goes on." >&2
}

root=$(cd "$(dirname "$0")/../.." && pwd)
if ! settings=$(azd env get-value LOCAL_SETTINGS); then
  warn "azd env get-value LOCAL_SETTINGS failed"
  exit 0
fi

if command -v jq >/dev/null 2>&1; then
  for context in $(printf '%s' "$settings" | jq -r '.[].context'); do
    dir="$root/functions/$context"
    if [ ! -d "$dir" ]; then
      echo "postprovision: $dir does not exist; skipping $context" >&2
      continue
    fi
    if printf '%s' "$settings" \
      | jq --arg c "$context" '{ IsEncrypted: false, Values: (.[] | select(.context == $c) | .values) }' \
      > "$dir/local.settings.json"; then
      echo "postprovision: wrote $dir/local.settings.json"
    else
      warn "could not write $dir/local.settings.json"
    fi
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
' "$root" || warn "python3 could not write the files"
else
  warn "neither jq nor python3 is installed (install one, or run infra/hooks/postprovision.ps1 with pwsh)"
fi
exit 0
