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

# The benchmark's `eval --dataset DIR` (README, Performance) with a relative folder: a BEIR collection of two
# documents and one judged query, scored through the real ingest and search paths.
mkdir -p tinybeir/qrels
printf '{"_id": "d1", "title": "Trail map", "text": "The ridge trail starts at the north car park."}\n{"_id": "d2", "title": "Opening hours", "text": "The visitor centre opens at nine."}\n' > tinybeir/corpus.jsonl
printf '{"_id": "q1", "text": "where does the ridge trail start"}\n' > tinybeir/queries.jsonl
printf 'query-id\tcorpus-id\tscore\nq1\td1\t1\n' > tinybeir/qrels/test.tsv
dotnet run --project bench/McpRag.Benchmarks -- eval --dataset ./tinybeir --modes keyword >"$work/eval.out" 2>"$work/eval.log" || { cat "$work/eval.log" >&2; fail "bench eval with a relative dataset folder failed"; }
grep -q "| keyword | 1.000 |" "$work/eval.out" || { cat "$work/eval.out" "$work/eval.log" >&2; fail "bench eval did not rank the judged document first"; }

echo "check-dotnet-run: dotnet run from the clone's root uses ./.mcprag/, relative paths and --config my.json; the benchmark reads a relative dataset folder"
