// Drives a running mcprag with an official TypeScript MCP client and prints what it observed as one JSON object on
// stdout; the .NET test asserts on it. Nothing here decides pass or fail, except that a client call which throws
// where a tool result was due is recorded as such.
//
// Environment:
//   MCPRAG_SDK        v1 (@modelcontextprotocol/sdk) | v2 (@modelcontextprotocol/client)
//   MCPRAG_PROTOCOL   2025-06-18 | 2025-11-25 | 2026-07-28
//   MCPRAG_TRANSPORT  http | stdio
//   MCPRAG_URL        the /mcp endpoint (http)
//   MCPRAG_COMMAND    JSON array: the command that starts `mcprag serve --transport stdio` (stdio)
//   MCPRAG_TOKEN_FILE the --token-file that command names (stdio); rewritten to switch callers
//   MCPRAG_TOKENS     JSON: { read, write, expired, unprovisioned, throttled }
import { writeFileSync, utimesSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const sdk = process.env.MCPRAG_SDK;
const protocol = process.env.MCPRAG_PROTOCOL;
const transportKind = process.env.MCPRAG_TRANSPORT;
const tokens = JSON.parse(process.env.MCPRAG_TOKENS);

const lib = sdk === 'v1'
  ? {
      Client: (await import('@modelcontextprotocol/sdk/client/index.js')).Client,
      Http: (await import('@modelcontextprotocol/sdk/client/streamableHttp.js')).StreamableHTTPClientTransport,
      Stdio: (await import('@modelcontextprotocol/sdk/client/stdio.js')).StdioClientTransport,
    }
  : {
      Client: (await import('@modelcontextprotocol/client')).Client,
      Http: (await import('@modelcontextprotocol/client')).StreamableHTTPClientTransport,
      Stdio: (await import('@modelcontextprotocol/client/stdio')).StdioClientTransport,
    };

/** Wraps a client transport: records the methods sent and the negotiated version, and can ask for an older revision. */
class RecordingTransport {
  constructor(inner) {
    this.inner = inner;
    this.sent = [];
    this.negotiated = undefined;
    this.initializeIds = new Set();
  }
  async start() {
    this.inner.onmessage = (message, extra) => {
      if (this.initializeIds.has(message.id) && message.result?.protocolVersion) this.negotiated = message.result.protocolVersion;
      this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.onclose?.();
    return this.inner.start();
  }
  async send(message, options) {
    if (message.method) this.sent.push(message.method);
    if (message.method === 'initialize') {
      this.initializeIds.add(message.id);
      // The client asks for its newest revision; a 2025-06-18 client is one that asks for that one.
      if (protocol === '2025-06-18') message = { ...message, params: { ...message.params, protocolVersion: protocol } };
    }
    const version = message.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
    if (version) this.negotiated = version;
    return this.inner.send(message, options);
  }
  async close() { return this.inner.close(); }
  setProtocolVersion(version) { this.negotiated = version; this.inner.setProtocolVersion?.(version); }
  get sessionId() { return this.inner.sessionId; }
  get protocolVersion() { return this.inner.protocolVersion; }
}

function clientOptions() {
  if (sdk === 'v2' && protocol === '2026-07-28') return { versionNegotiation: { mode: { pin: '2026-07-28' } } };
  return {};
}

let tokenFileTime = Math.floor(Date.now() / 1000) + 10;
async function connect(token, { fresh = false } = {}) {
  let inner;
  if (transportKind === 'http') {
    inner = new lib.Http(new URL(process.env.MCPRAG_URL), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  } else {
    // The server re-reads its token file when it changes; each switch moves the file's time forward.
    writeFileSync(process.env.MCPRAG_TOKEN_FILE, token);
    tokenFileTime += 10;
    utimesSync(process.env.MCPRAG_TOKEN_FILE, tokenFileTime, tokenFileTime);
    if (stdioClient && !fresh) return stdioClient;
    const [command, ...args] = JSON.parse(process.env.MCPRAG_COMMAND);
    inner = new lib.Stdio({ command, args, stderr: 'ignore' });
  }
  const transport = new RecordingTransport(inner);
  const client = new lib.Client({ name: `mcprag-test-${sdk}`, version: '1.0.0' }, clientOptions());
  await client.connect(transport);
  const connection = { client, transport };
  if (transportKind === 'stdio' && !stdioClient) stdioClient = connection;
  return connection;
}
let stdioClient;

function isJson(text) {
  try { JSON.parse(text); return true; } catch { return false; }
}

/** A tools/call as the agent sees it: the result, or what the client threw instead. */
async function call(client, name, args) {
  try {
    const result = await client.callTool({ name, arguments: args });
    const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
    return {
      isError: result.isError === true,
      text,
      structured: result.structuredContent ?? null,
      links: (result.content ?? []).filter((c) => c.type === 'resource_link').map((c) => c.uri),
      textIsStructuredJson: result.structuredContent !== undefined && isJson(text) && isDeepStrictEqual(JSON.parse(text), result.structuredContent),
    };
  } catch (error) {
    return { threw: `${error?.name}: ${error?.message}`, code: error?.code ?? null, status: httpStatus(error) };
  }
}

/** The HTTP status behind a transport error: 1.x puts it in `code`, 2.x in `data.status` or the message. */
function httpStatus(error) {
  // 2.x turns a 403 with error="insufficient_scope" into its step-up error.
  if (error?.name === 'InsufficientScopeError') return 403;
  if (typeof error?.data?.status === 'number') return error.data.status;
  if (typeof error?.status === 'number') return error.status;
  const match = /\b(40[13])\b/.exec(String(error?.message));
  if (match) return Number(match[1]);
  return typeof error?.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : null;
}

async function readResource(client, uri) {
  try {
    const result = await client.readResource({ uri });
    return { contents: result.contents.map((c) => ({ uri: c.uri, mimeType: c.mimeType, text: c.text })) };
  } catch (error) {
    return { threw: `${error?.name}: ${error?.message}`, code: error?.code ?? null, data: error?.data ?? null };
  }
}

async function listTools(client) {
  try {
    const result = await client.listTools();
    return { names: result.tools.map((t) => t.name).sort(), ttlMs: result.ttlMs ?? null, cacheScope: result.cacheScope ?? null };
  } catch (error) {
    return { threw: `${error?.name}: ${error?.message}`, code: error?.code ?? null };
  }
}

const facts = { sdk, protocol, transport: transportKind };
const reader = await connect(tokens.read);
facts.readTools = await listTools(reader.client);
facts.search = {};
for (const mode of ['hybrid', 'keyword', 'semantic']) {
  facts.search[mode] = await call(reader.client, 'search', { query: 'refund policy', mode });
}
const firstId = facts.search.hybrid.structured?.results?.[0]?.id ?? 'refund-policy';
facts.fetch = await call(reader.client, 'fetch', { id: firstId });
facts.page1 = await call(reader.client, 'search', { query: 'order', top_k: 2, mode: 'keyword' });
const cursor = facts.page1.structured?.next_cursor;
facts.page2 = cursor ? await call(reader.client, 'search', { query: 'order', top_k: 2, mode: 'keyword', cursor }) : null;
facts.filtered = await call(reader.client, 'search', { query: 'refund', filters: { category: ['faq', 'policy'] }, top_k: 20 });
facts.typedFilter = await call(reader.client, 'search', { query: 'refund', filters: { $and: [{ $not: { category: 'faq' } }, { product: { $exists: true } }] }, top_k: 20 });
facts.resource = await readResource(reader.client, `mcprag://documents/${encodeURIComponent(firstId)}`);
facts.missingResource = await readResource(reader.client, 'mcprag://documents/no-such-document');
facts.errors = {
  emptyQuery: await call(reader.client, 'search', { query: '' }),
  badMode: await call(reader.client, 'search', { query: 'refund', mode: 'bogus' }),
  bigTopK: await call(reader.client, 'search', { query: 'refund', top_k: 1000 }),
  missingDocument: await call(reader.client, 'fetch', { id: 'no-such-doc' }),
  hiddenTool: await call(reader.client, 'upsert_document', { id: 'x', title: 'x', text: 'x' }),
};
facts.readerSent = [...new Set(reader.transport.sent)];
facts.negotiated = reader.transport.negotiated ?? reader.transport.protocolVersion ?? null;

// A fresh connection: a client may keep the read token's tool list for its ttlMs.
const writer = await connect(tokens.write, { fresh: true });
facts.writeTools = await listTools(writer.client);
const writeId = `client-${sdk}-${protocol}-${transportKind}`;
facts.upsert = await call(writer.client, 'upsert_document', { id: writeId, title: 'Client round trip', text: 'A document written by an official TypeScript client.', attributes: { category: 'test' } });
facts.fetchWritten = await call(writer.client, 'fetch', { id: writeId });
facts.delete = await call(writer.client, 'delete_document', { id: writeId });

const expired = await connectOrThrow(tokens.expired);
facts.errors.unauthenticated = expired.client ? await call(expired.client, 'search', { query: 'refund' }) : expired;
const unprovisioned = await connectOrThrow(tokens.unprovisioned);
facts.errors.tenantNotProvisioned = unprovisioned.client ? await call(unprovisioned.client, 'search', { query: 'refund' }) : unprovisioned;
const throttled = await connect(tokens.throttled);
facts.errors.throttled = [];
for (let i = 0; i < 4; i++) facts.errors.throttled.push(await call(throttled.client, 'search', { query: 'refund', mode: 'keyword' }));

async function connectOrThrow(token) {
  try {
    return await connect(token);
  } catch (error) {
    return { threw: `${error?.name}: ${error?.message}`, code: error?.code ?? null, status: httpStatus(error), connectFailed: true };
  }
}

for (const c of new Set([reader, writer, expired, unprovisioned, throttled])) {
  await c.client?.close().catch(() => {});
}
// Exit only once the report is written: stdout is a pipe, and process.exit() would cut it short.
process.stdout.write(JSON.stringify(facts) + '\n', () => process.exit(0));
