// The MCP authorization flow as OAuth-capable MCP clients run it, against a real, independent OpenID provider:
// `oidc-provider` (a certified implementation) on a loopback port with dynamic client registration, PKCE, resource
// indicators and JWT access tokens, and the official TypeScript SDK's OAuth client (`auth()` driven by an
// OAuthClientProvider whose interaction step signs in and consents the way a person would, by posting the provider's
// own interaction forms). Prints what it observed as one JSON object on stdout; the .NET test asserts on it.
//
// Environment:
//   MCPRAG_URL           the mcprag /mcp endpoint (its canonical resource URL)
//   MCPRAG_ISSUER_PORT   loopback port for the OpenID provider (mcprag's Authority is http://127.0.0.1:<port>)
//   MCPRAG_TENANT_CLAIM  claim the provider puts the signed-in account's tenant in (tenant_id | custom:tenant_id)
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';

// stdout carries the facts only: the provider's notices go to stderr.
console.log = console.info = (...args) => console.error(...args);

const mcpUrl = process.env.MCPRAG_URL;
const issuer = `http://127.0.0.1:${Number(process.env.MCPRAG_ISSUER_PORT)}`;
const tenantClaim = process.env.MCPRAG_TENANT_CLAIM;
// Another resource server this provider issues tokens for; only an identifier, nothing listens there.
const otherResource = `${issuer}/other-resource/mcp`;
const redirectUri = 'http://127.0.0.1:8976/callback';
const accounts = { carol: 'tenant-c', dave: 'tenant-d', olga: 'tenant-oauth' };

// ---------------------------------------------------------------------------------------------- the OpenID provider

const rsaKey = (kid) => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });
const run = randomBytes(4).toString('hex');
const keys = { first: rsaKey(`first-${run}`), rotated: rsaKey(`rotated-${run}`) };
const resourceServer = { ttl: 300, signingKid: keys.first.kid };
const cookieKeys = [randomBytes(32).toString('base64url')];
const tokenGrants = [];

function providerWith(jwks) {
  const provider = new Provider(issuer, {
    jwks: { keys: jwks },
    cookies: { keys: cookieKeys },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== mcpUrl && resource !== otherResource) throw new errors.InvalidTarget();
          return {
            scope: 'rag:read rag:write',
            audience: resource,
            accessTokenTTL: resourceServer.ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256', kid: resourceServer.signingKid } },
          };
        },
      },
    },
    // Listed so registration accepts them; they are granted per resource (getResourceServerInfo).
    scopes: ['openid', 'offline_access', 'rag:read', 'rag:write'],
    pkce: { required: () => true },
    findAccount: (_ctx, id) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    // The tenant comes from the signed-in account, as a claim of the access token.
    extraTokenClaims: (_ctx, token) => (token.kind === 'AccessToken' && token.accountId ? { [tenantClaim]: accounts[token.accountId] } : undefined),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every authorization asks for consent (only the grant just given counts), so a person can grant less than
    // requested and step up later.
    loadExistingGrant: (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  provider.on('grant.success', (ctx) => tokenGrants.push(ctx.oidc.params.grant_type));
  return provider;
}

// The provider holds both keys from the start but publishes only what `published` lists at its jwks_uri, so the
// test decides when the new key appears (first) and when the provider signs with it (later).
const current = providerWith([keys.first, keys.rotated]);
let published = [keys.first];
const publicJwk = ({ kty, n, e, kid, use, alg }) => ({ kty, n, e, kid, use, alg });

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

/** The provider's interaction pages: the details as JSON, a login form and a consent form, as a sign-in UI has them. */
async function interaction(req, res, uid, action) {
  const provider = current;
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ prompt: details.prompt.name, scope: details.params.scope, resource: details.params.resource, missing: details.prompt.details }));
      return;
    }
    const form = await readJson(req);
    if (action === 'login') {
      if (!accounts[form.account]) throw new Error('no such account');
      await provider.interactionFinished(req, res, { login: { accountId: form.account } }, { mergeWithLastSubmission: false });
      return;
    }
    if (action === 'consent') {
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      for (const [resource, scopes] of Object.entries(details.prompt.details.missingResourceScopes ?? {})) {
        const granted = scopes.filter((s) => form.scopes.includes(s));
        const declined = scopes.filter((s) => !form.scopes.includes(s));
        if (granted.length) grant.addResourceScope(resource, granted.join(' '));
        if (declined.length) grant.rejectResourceScope(resource, declined.join(' '));
      }
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    throw new Error('unknown interaction action');
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: String(error.message ?? error) }));
  }
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, issuer).pathname;
  if (path === '/jwks') {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: published.map(publicJwk) }));
    return undefined;
  }
  const match = /^\/interaction\/([^/?]+)(?:\/(login|consent))?$/.exec(path);
  if (match) return void interaction(req, res, match[1], match[2]);
  return current.callback()(req, res);
});
await new Promise((resolve) => server.listen(Number(process.env.MCPRAG_ISSUER_PORT), '127.0.0.1', resolve));

// ------------------------------------------------------------------------------------------------ the MCP client

/** Cookies of one browser profile, by name (the provider's cookies do not collide across paths). */
class CookieJar {
  constructor() { this.cookies = new Map(); }
  store(headers) {
    for (const line of headers) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }
  header() { return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '); }
}

/**
 * A person at the provider's sign-in page: follows redirects, signs in as `account` when asked, and consents to
 * `consent` (declining other requested scopes). Returns the authorization code the redirect URI receives.
 */
async function signInAndConsent(jar, startUrl, account, consent, prompts) {
  let url = startUrl.toString();
  let method = 'GET';
  let body;
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(redirectUri)) {
      const params = new URL(url).searchParams;
      if (!params.get('code')) throw new Error(`authorization failed: ${params.get('error')} ${params.get('error_description')}`);
      return params.get('code');
    }
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    jar.store(response.headers.getSetCookie());
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location'), url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const page = new URL(url);
    if (response.status === 200 && /^\/interaction\/[^/]+$/.test(page.pathname)) {
      const details = await response.json();
      prompts.push(details.prompt);
      method = 'POST';
      url = `${page.origin}${page.pathname}/${details.prompt}`;
      body = JSON.stringify(details.prompt === 'login' ? { account } : { scopes: consent });
      continue;
    }
    throw new Error(`unexpected ${response.status} at ${page.pathname}: ${await response.text()}`);
  }
  throw new Error('too many redirects');
}

/** The client application's OAuth state and its person: registration, PKCE verifier, tokens, and the sign-in step. */
class ScriptedOAuthProvider {
  constructor(account, consent, { resource, refresh = true } = {}) {
    this.account = account;
    this.consent = consent;
    this.resource = resource;
    this.jar = new CookieJar();
    this.authorizations = [];
    this.prompts = [];
    this.tokenHistory = [];
    this.requests = [];
    this.code = undefined;
    this.refresh = refresh;
    // A client that asks for another resource than the metadata names: it gets a token for another server.
    if (resource) this.validateResourceURL = async () => new URL(resource);
  }
  get redirectUrl() { return redirectUri; }
  get clientMetadata() {
    return {
      client_name: `mcprag test client (${this.account})`,
      redirect_uris: [redirectUri],
      grant_types: this.refresh ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    };
  }
  clientInformation() { return this.client; }
  saveClientInformation(client) { this.client = client; }
  tokens() { return this.current; }
  saveTokens(tokens) { this.current = tokens; this.tokenHistory.push(tokens.access_token); }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  async redirectToAuthorization(url) {
    this.authorizations.push({
      scope: url.searchParams.get('scope'),
      resource: url.searchParams.get('resource'),
      codeChallengeMethod: url.searchParams.get('code_challenge_method'),
      hasCodeChallenge: Boolean(url.searchParams.get('code_challenge')),
    });
    this.code = await signInAndConsent(this.jar, url, this.account, this.consent, this.prompts);
  }
}

/** fetch as the SDK sees it, recording every request it makes (MCP endpoint, metadata, provider). */
const recordingFetch = (oauth) => async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  oauth.requests.push({
    method: init?.method ?? 'GET',
    url: url.origin + url.pathname,
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    grantType: init?.body instanceof URLSearchParams ? init.body.get('grant_type') : undefined,
  });
  return response;
};

const newTransport = (oauth) => new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth, fetch: recordingFetch(oauth) });

/** Connects as a spec-following client does: on 401 the SDK runs the flow; after the redirect, finish and reconnect. */
async function connect(oauth) {
  const first = newTransport(oauth);
  try {
    const client = new Client({ name: 'mcprag-oauth-test', version: '1.0.0' });
    await client.connect(first);
    return { client, transport: first };
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await first.finishAuth(oauth.code);
  }
  const transport = newTransport(oauth);
  const client = new Client({ name: 'mcprag-oauth-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());

async function search(client, query) {
  const result = await client.callTool({ name: 'search', arguments: { query } });
  return { isError: Boolean(result.isError), structured: result.structuredContent ?? null, text: result.content?.[0]?.text ?? null };
}

const mcpStatuses = (oauth, from = 0) => oauth.requests.slice(from).filter((r) => r.url === mcpUrl).map((r) => r.status);
const facts = { issuer, resource: mcpUrl, tenantClaim };

// 1. Two tenants, each through the whole flow from the first 401.
console.error('phase 1');
for (const account of ['carol', 'dave']) {
  const oauth = new ScriptedOAuthProvider(account, ['rag:read', 'rag:write']);
  const { client } = await connect(oauth);
  const token = oauth.tokenHistory.at(-1);
  facts[account] = {
    requests: oauth.requests,
    authorizations: oauth.authorizations,
    prompts: oauth.prompts,
    registeredClientId: oauth.client?.client_id ?? null,
    tokenHeader: headerOf(token),
    tokenClaims: claimsOf(token),
    hasRefreshToken: Boolean(oauth.current.refresh_token),
    search: await search(client, 'refund policy'),
  };
  await client.close();
}

// 2. An expired access token is refreshed by the client, and the call then works.
console.error('phase 2');
{
  const oauth = new ScriptedOAuthProvider('carol', ['rag:read']);
  resourceServer.ttl = 2;
  const { client } = await connect(oauth);
  resourceServer.ttl = 300;
  const expired = oauth.tokenHistory.at(-1);
  const exp = claimsOf(expired).exp;
  while (Date.now() / 1000 <= exp + 1) await new Promise((r) => setTimeout(r, 250));
  const before = oauth.requests.length;
  const result = await search(client, 'refund policy');
  facts.refresh = {
    expiredTokenLifetime: exp - claimsOf(expired).iat,
    statuses: mcpStatuses(oauth, before),
    grants: oauth.requests.slice(before).filter((r) => r.grantType).map((r) => r.grantType),
    tokenChanged: oauth.tokenHistory.at(-1) !== expired,
    search: result,
  };
  await client.close();
}

// 3. A token the provider issued for another resource is refused.
console.error('phase 3');
{
  const oauth = new ScriptedOAuthProvider('carol', ['rag:read'], { resource: otherResource });
  let error = null;
  try {
    await connect(oauth);
  } catch (e) {
    error = String(e.message ?? e);
  }
  facts.otherResource = {
    authorizations: oauth.authorizations,
    audiences: oauth.tokenHistory.map((t) => claimsOf(t).aud),
    statuses: mcpStatuses(oauth),
    error,
  };
}

// 4. A read-only token on a write tool: 403 insufficient_scope, the client steps up with rag:write, the write succeeds.
console.error('phase 4');
// This client registers without refresh tokens: SDK 1.32.2 answers insufficient_scope by refreshing when it holds a
// refresh token (the refreshed token has the old scopes), and re-authorizes with the challenge's scope only without one.
{
  const oauth = new ScriptedOAuthProvider('olga', ['rag:read'], { refresh: false });
  const { client, transport } = await connect(oauth);
  const readOnly = claimsOf(oauth.tokenHistory.at(-1)).scope;
  oauth.consent = ['rag:read', 'rag:write'];
  const before = oauth.requests.length;
  const upsert = { name: 'upsert_document', arguments: { id: 'oauth-step-up', title: 'Step-up note', text: 'Written after the client asked for rag:write.' } };
  let firstError = null;
  let result;
  try {
    result = await client.callTool(upsert);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    firstError = e.constructor.name;
    await transport.finishAuth(oauth.code);
    result = await client.callTool(upsert);
  }
  const forbidden = oauth.requests.slice(before).find((r) => r.status === 403);
  facts.stepUp = {
    readOnlyScope: readOnly,
    forbiddenStatus: forbidden?.status ?? null,
    forbiddenChallenge: forbidden?.wwwAuthenticate ?? null,
    firstError,
    stepUpAuthorization: oauth.authorizations.at(-1),
    prompts: oauth.prompts,
    writeScope: claimsOf(oauth.tokenHistory.at(-1)).scope,
    upsert: { isError: Boolean(result.isError), structured: result.structuredContent ?? null, text: result.content?.[0]?.text ?? null },
  };
  await client.close();
}

// 5. The provider rotates its signing key: it publishes the new key first, then signs with it; calls keep working.
console.error('phase 5');
{
  const oauth = new ScriptedOAuthProvider('carol', ['rag:read']);
  const { client } = await connect(oauth);
  const phase = async (label) => {
    const before = oauth.requests.length;
    await auth(oauth, { serverUrl: new URL(mcpUrl), fetchFn: recordingFetch(oauth) });
    const token = oauth.tokenHistory.at(-1);
    const result = await search(client, 'refund policy');
    return { label, kid: headerOf(token).kid, statuses: mcpStatuses(oauth, before), search: result };
  };
  const phases = [await phase('before')];
  published = [keys.first, keys.rotated];
  phases.push(await phase('published'));
  resourceServer.signingKid = keys.rotated.kid;
  phases.push(await phase('rotated'));
  const jwks = await (await fetch(`${issuer}/jwks`)).json();
  facts.rotation = { phases, firstKid: keys.first.kid, rotatedKid: keys.rotated.kid, publishedKids: jwks.keys.map((k) => k.kid) };
  await client.close();
}

facts.tokenGrants = tokenGrants;
process.stdout.write(JSON.stringify(facts));
server.close();
process.exit(0);
