// `mcprag demo` as a person connects an OAuth-capable MCP client to it: the official TypeScript SDK client starts
// the authorization flow against the demo's own development authorization server, and headless Chromium (driven by
// playwright-core) opens the sign-in page, picks a tenant, keeps the offered scopes and allows; the client then
// finishes the flow and searches. Prints what it observed as one JSON object on stdout; the .NET test asserts on it.
//
// Environment:
//   MCPRAG_URL        the demo's /mcp endpoint
//   MCPRAG_TENANT     the tenant to pick on the sign-in page
//   MCPRAG_CHROMIUM   the Chromium executable (default /usr/bin/chromium)
//   MCPRAG_SCREENSHOT optional: where to save a PNG of the sign-in page as the person saw it
import http from 'node:http';
import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

console.log = console.info = (...args) => console.error(...args);

const mcpUrl = process.env.MCPRAG_URL;
const tenant = process.env.MCPRAG_TENANT;
const facts = { requests: [] };

// The client's loopback redirect URI (RFC 8252), as desktop MCP clients listen for it: it receives the code.
let callback;
const receiver = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/callback') callback = url;
  res.writeHead(url.pathname === '/callback' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end('You can close this window.');
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${receiver.address().port}/callback`;

const browser = await chromium.launch({ executablePath: process.env.MCPRAG_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });

/** The client application: registration, PKCE verifier and tokens in memory; the sign-in happens in the browser. */
class BrowserOAuthProvider {
  get redirectUrl() { return redirectUri; }
  get clientMetadata() {
    return {
      client_name: 'McpRag demo browser test',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() { return this.client; }
  saveClientInformation(client) { this.client = client; }
  tokens() { return this.current; }
  saveTokens(tokens) { this.current = tokens; }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  async redirectToAuthorization(url) {
    facts.authorization = { scope: url.searchParams.get('scope'), resource: url.searchParams.get('resource'), codeChallengeMethod: url.searchParams.get('code_challenge_method') };
    const page = await browser.newPage();
    await page.goto(url.toString());
    facts.signInPage = {
      title: await page.title(),
      text: await page.locator('body').innerText(),
      tenants: await page.locator('input[name="mcprag_tenant"]').evaluateAll((inputs) => inputs.map((i) => i.value)),
      scopes: await page.locator('input[name="mcprag_scope"]').evaluateAll((inputs) => inputs.map((i) => ({ value: i.value, checked: i.checked }))),
    };
    await page.getByLabel(tenant, { exact: true }).check();
    if (process.env.MCPRAG_SCREENSHOT) await page.screenshot({ path: process.env.MCPRAG_SCREENSHOT, fullPage: true });
    await Promise.all([page.waitForURL(`${redirectUri}**`), page.getByRole('button', { name: 'Allow' }).click()]);
    await page.close();
    facts.callback = { hasCode: Boolean(callback?.searchParams.get('code')), iss: callback?.searchParams.get('iss') ?? null, error: callback?.searchParams.get('error') ?? null };
    this.code = callback?.searchParams.get('code');
  }
}

const recordingFetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  facts.requests.push({ method: init?.method ?? 'GET', url: url.origin + url.pathname, status: response.status });
  return response;
};

const oauth = new BrowserOAuthProvider();
const newTransport = () => new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth, fetch: recordingFetch });
const first = newTransport();
try {
  await new Client({ name: 'mcprag-demo-browser-test', version: '1.0.0' }).connect(first);
  facts.firstConnect = 'connected without signing in';
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
  facts.firstConnect = 'UnauthorizedError';
  await first.finishAuth(oauth.code);
}
const client = new Client({ name: 'mcprag-demo-browser-test', version: '1.0.0' });
await client.connect(newTransport());
const claims = JSON.parse(Buffer.from(oauth.current.access_token.split('.')[1], 'base64url').toString());
facts.token = { claims, hasRefreshToken: Boolean(oauth.current.refresh_token) };
facts.registeredClientId = oauth.client?.client_id ?? null;
const result = await client.callTool({ name: 'search', arguments: { query: 'refund policy' } });
facts.search = { isError: Boolean(result.isError), structured: result.structuredContent ?? null, text: result.content?.[0]?.text ?? null };
await client.close();
await browser.close();
receiver.close();
process.stdout.write(JSON.stringify(facts));
process.exit(0);
