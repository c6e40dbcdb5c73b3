#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against the real `mcprag serve
# --transport http` endpoint with authentication on. The suite sends no token, so a small loopback proxy adds a
# development token and forwards Host and Origin unchanged (the DNS-rebinding scenario depends on them).
# Needs: dotnet, node >= 20, npm. The npm packages go to a temporary folder and are removed afterwards.
# Exit status: 0 when every scenario passes.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
scenarios=(server-initialize ping tools-list logging-set-level server-sse-multiple-streams dns-rebinding-protection)
suite_version="0.1.16"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "conformance: installing @modelcontextprotocol/conformance@$suite_version" >&2
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$suite_version" glob@10 >/dev/null)

# The suite calls fs.globSync (Node 22); on older Node, resolve 'fs' to a module that adds it from the glob package.
cat > "$work/fs-with-glob.mjs" <<'JS'
export * from 'node:fs';
import fs from 'node:fs';
import { globSync as globPackageSync } from 'glob';
export default fs;
export const globSync = fs.globSync ?? ((pattern, options) => globPackageSync(pattern, options));
JS
cat > "$work/fs-hooks.mjs" <<'JS'
const replacement = new URL('./fs-with-glob.mjs', import.meta.url).href;
export async function resolve(specifier, context, nextResolve) {
  const fromReplacement = (context.parentURL ?? '').endsWith('/fs-with-glob.mjs');
  if ((specifier === 'fs' || specifier === 'node:fs') && !fromReplacement) {
    return { url: replacement, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
JS
cat > "$work/node-compat.mjs" <<'JS'
import { register } from 'node:module';
register('./fs-hooks.mjs', import.meta.url);
JS
# Adds "Authorization: Bearer $MCP_TOKEN" to requests without one; everything else, Host and Origin included, is forwarded as is.
cat > "$work/bearer-proxy.mjs" <<'JS'
import http from 'node:http';
const [listenPort, targetPort] = process.argv.slice(2).map(Number);
const token = process.env.MCP_TOKEN;
const handler = (req, res) => {
  const headers = { ...req.headers };
  if (!headers.authorization) headers.authorization = `Bearer ${token}`;
  const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  req.pipe(upstream);
};
for (const host of ['127.0.0.1', '::1']) {
  http.createServer(handler).listen(listenPort, host).on('error', () => {});
}
JS

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

server_dll="$root/src/McpServer/bin/Debug/net10.0/mcprag.dll"
if [[ ! -f "$server_dll" ]]; then
  dotnet build "$root/src/McpServer/McpRag.McpServer.csproj" -v quiet >&2
fi

server_port="$(free_port)"
proxy_port="$(free_port)"
mkdir -p "$work/data"
# The resource URL is this server's endpoint: the development tokens below carry it as their audience.
cat > "$work/mcprag.json" <<JSON
{ "McpRag": { "DataDir": "$work/data", "Tenants": { "File": "$root/samples/tenants.json" }, "Auth": { "ResourceUrl": "http://127.0.0.1:$server_port/mcp" } } }
JSON

dotnet "$server_dll" serve --transport http --dev --urls "http://127.0.0.1:$server_port" --config "$work/mcprag.json" 2>"$work/server.log" &
pids+=("$!")
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$server_port/.well-known/oauth-protected-resource/mcp" >/dev/null; then break; fi
  sleep 0.5
done
curl -fs "http://127.0.0.1:$server_port/.well-known/oauth-protected-resource/mcp" >/dev/null || { echo "conformance: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

token="$(dotnet "$server_dll" token issue --tenant tenant-a --subject conformance --scope rag:read --ttl 30m --config "$work/mcprag.json")"
MCP_TOKEN="$token" node "$work/bearer-proxy.mjs" "$proxy_port" "$server_port" &
pids+=("$!")
sleep 0.5

# Unauthenticated requests must still be refused by the server itself.
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
  --data '{"jsonrpc":"2.0","id":1,"method":"ping"}' "http://127.0.0.1:$server_port/mcp")"
[[ "$status" == "401" ]] || { echo "conformance: unauthenticated request got $status, expected 401" >&2; exit 1; }

passed=0
failed=0
for scenario in "${scenarios[@]}"; do
  if (cd "$work" && node --import ./node-compat.mjs node_modules/@modelcontextprotocol/conformance/dist/index.js server \
        --url "http://localhost:$proxy_port/mcp" --scenario "$scenario") >"$work/$scenario.log" 2>&1; then
    echo "conformance: $scenario passed"
    passed=$((passed + 1))
  else
    echo "conformance: $scenario FAILED"
    cat "$work/$scenario.log"
    failed=$((failed + 1))
  fi
done

echo "conformance: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
