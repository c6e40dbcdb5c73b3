#!/usr/bin/env bash
# Runs the README's `dotnet run --project src/McpServer -- …` commands as typed, from the root of a fresh clone of
# this repository: relative paths and `--config` resolve against the folder the command was typed in, and the index
# lands in that clone's ./.mcprag/ (not in the per-user folder, not in src/McpServer).
# Exit status: 0 when every check holds.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 HOME="$work/home"
unset XDG_DATA_HOME
mkdir -p "$HOME"

git clone --quiet --no-hardlinks "$root" "$work/clone"
cd "$work/clone"
mkdir somefolder
printf -- '---\ntitle: Trail map\n---\nThe ridge trail starts at the north car park.\n' > somefolder/trail-map.md
printf '{ "McpRag": { "Tenants": { "File": "samples/tenants.json" } } }\n' > my.json

fail() { echo "check-dotnet-run: $*" >&2; exit 1; }

dotnet run --project src/McpServer -- ingest --tenant tenant-c ./somefolder 2>"$work/ingest.log" || { cat "$work/ingest.log" >&2; fail "ingest with a relative path failed"; }
grep -q "1 documents" "$work/ingest.log" || { cat "$work/ingest.log" >&2; fail "ingest did not index the one document"; }
[[ -d .mcprag ]] || fail "no ./.mcprag/ in the folder the command was typed in"
[[ ! -e src/McpServer/.mcprag ]] || fail "data went to src/McpServer/.mcprag"
[[ ! -e "$HOME/.local/share/mcprag" ]] || fail "data went to the per-user folder"

dotnet run --project src/McpServer -- ingest --tenant tenant-c --config my.json ./somefolder 2>"$work/config.log" || { cat "$work/config.log" >&2; fail "--config with a relative path failed"; }
grep -q "1 documents" "$work/config.log" || { cat "$work/config.log" >&2; fail "ingest --config my.json did not run"; }

echo "check-dotnet-run: dotnet run from the clone's root uses ./.mcprag/, relative paths and --config my.json"
