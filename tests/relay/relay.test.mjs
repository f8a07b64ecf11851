// The webhook relay over real HTTP on 127.0.0.1: a small server wraps the Netlify handler, and a
// loopback stand-in plays the build hook and GitHub's repository_dispatch endpoint.
// Run: node --test tests/relay/*.test.mjs

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";

import relay, { createHandler, DISPATCH_EVENT, MAX_BODY_BYTES } from "../../netlify/functions/ats-webhook.mjs";

const TOKEN = "relay-token-0f3c9a7e5d";
const SECRET = "jusrecruit-signing-secret-77aa";
const JWT_SECRET = "comeet-partner-secret-19bd";
const HOOK_ID = "5c23354f454e1350f8543e78";

// -- loopback servers ---------------------------------------------------------------------------

async function listen(server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${server.address().port}`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Serves `current.handler` the way Netlify does: a web Request in, a web Response out.
function relayServer(current) {
  return http.createServer(async (req, res) => {
    const body = await readBody(req);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
    });
    const response = await current.handler(request, {});
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}

// The build hook and GitHub API stand-in: records every request, answers `status`.
const hook = { requests: [], status: 200 };
const hookServer = http.createServer(async (req, res) => {
  const body = (await readBody(req)).toString("utf8");
  hook.requests.push({ method: req.method, url: new URL(req.url, "http://x"), headers: req.headers, body });
  res.writeHead(hook.status, { "content-type": "application/json" });
  res.end(hook.status === 204 ? undefined : "{}");
});

const current = { handler: null };
const server = relayServer(current);
let relayUrl;
let hookUrl;
let clock;

before(async () => {
  relayUrl = await listen(server);
  hookUrl = await listen(hookServer);
});
after(() => {
  server.close();
  hookServer.close();
});
beforeEach(() => {
  hook.requests = [];
  hook.status = 200;
  clock = 1_793_534_400_000;
});

const logs = [];
function useRelay(env) {
  current.handler = createHandler({ env: { BUILD_HOOK_URL: `${hookUrl}/build_hooks/${HOOK_ID}`, ...env }, now: () => clock, log: (line) => logs.push(line) });
}

async function send(path, { method = "POST", body = "{}", headers = {} } = {}) {
  const response = await fetch(`${relayUrl}${path}`, { method, body: ["GET", "HEAD"].includes(method) ? undefined : body, headers: { "content-type": "application/json", ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

function hmac(body, secret = SECRET) {
  return createHmac("sha256", secret).update(body).digest();
}

function b64url(value) {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function jwt(claims, { secret = JWT_SECRET, alg = "HS256" } = {}) {
  const head = b64url({ alg, typ: "JWT" });
  const payload = b64url(claims);
  const signature = createHmac("sha256", secret).update(`${head}.${payload}`).digest("base64url");
  return `${head}.${payload}.${signature}`;
}

const COMEET_POSITION = JSON.stringify({ uid: "87.405", name: "Account Executive, Austin", time_updated: "2017-05-26T14:22:46Z" });

// -- shared secret --------------------------------------------------------------------------------

describe("shared token", () => {
  test("a token in the query triggers one build with a title", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?source=comeet&token=${TOKEN}`, { method: "PUT", body: COMEET_POSITION });
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.json, { status: "triggered", targets: ["netlify"] });
    assert.equal(hook.requests.length, 1);
    const [call] = hook.requests;
    assert.equal(call.method, "POST");
    assert.equal(call.url.pathname, `/build_hooks/${HOOK_ID}`);
    assert.equal(call.url.searchParams.get("trigger_title"), "careers: comeet put notification");
  });

  test("a token in the X-Relay-Token header is accepted", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { headers: { "x-relay-token": TOKEN } });
    assert.equal(reply.status, 202);
    assert.equal(hook.requests.length, 1);
  });

  for (const [name, path, headers] of [
    ["a wrong token", `?token=${TOKEN}x`, {}],
    ["a token prefix", `?token=${TOKEN.slice(0, -1)}`, {}],
    ["no token", "", {}],
    ["a wrong header token", "", { "x-relay-token": "nope" }],
  ]) {
    test(`${name} is refused with 401 and triggers nothing`, async () => {
      useRelay({ RELAY_TOKEN: TOKEN });
      const reply = await send(`/.netlify/functions/ats-webhook${path}`, { headers });
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.json, { error: "unauthorized" });
      assert.equal(hook.requests.length, 0);
    });
  }

  test("an unconfigured relay refuses every call", async () => {
    useRelay({});
    const reply = await send("/.netlify/functions/ats-webhook?token=anything");
    assert.equal(reply.status, 500);
    assert.equal(reply.json.error, "relay not configured: set RELAY_TOKEN (or a signature secret for this source) in the function's environment");
    assert.equal(hook.requests.length, 0);
  });

  test("a relay without a build target says which variables to set", async () => {
    current.handler = createHandler({ env: { RELAY_TOKEN: TOKEN }, now: () => clock, log: () => {} });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(reply.status, 500);
    assert.equal(reply.json.error, "relay not configured: set BUILD_HOOK_URL, or DISPATCH_REPOSITORY and DISPATCH_TOKEN");
  });
});

// -- methods and sizes ------------------------------------------------------------------------------

describe("requests", () => {
  test("Comeet's DELETE position webhook triggers a build", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?source=comeet&token=${TOKEN}`, { method: "DELETE", body: JSON.stringify({ uid: "87.405" }) });
    assert.equal(reply.status, 202);
    assert.equal(hook.requests[0].url.searchParams.get("trigger_title"), "careers: comeet delete notification");
  });

  test("GET is refused with 405 and an Allow header", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`, { method: "GET" });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.get("allow"), "POST, PUT, DELETE");
    assert.equal(hook.requests.length, 0);
  });

  test("a body over 1 MiB is refused with 413", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`, { body: "x".repeat(MAX_BODY_BYTES + 1) });
    assert.equal(reply.status, 413);
    assert.equal(hook.requests.length, 0);
  });

  test("a malformed source name is refused with 400", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?source=../etc&token=${TOKEN}`);
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error, "source must be a short name such as comeet or jusrecruit");
  });

  test("a body that is not JSON still triggers a build", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`, { body: "uid=87.405", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(reply.status, 202);
    assert.equal(hook.requests.length, 1);
  });

  test("the default export is a ready handler", () => {
    assert.equal(typeof relay, "function");
  });
});

// -- HMAC signatures ---------------------------------------------------------------------------------

describe("HMAC-SHA256 signature", () => {
  const body = JSON.stringify({ event: "job.updated", data: { id: "66a1f0" } });
  const env = { JUSRECRUIT_SIGNATURE_SECRET: SECRET };

  for (const [name, value] of [
    ["hex", hmac(body).toString("hex")],
    ["upper-case hex", hmac(body).toString("hex").toUpperCase()],
    ["base64", hmac(body).toString("base64")],
    ["base64url", hmac(body).toString("base64url")],
    ["sha256= prefixed hex", `sha256=${hmac(body).toString("hex")}`],
    ["'sha256 ' prefixed hex (Comeet Hires style)", `sha256 ${hmac(body).toString("hex")}`],
    ["sha256= prefixed base64", `sha256=${hmac(body).toString("base64")}`],
  ]) {
    test(`a valid ${name} signature is accepted`, async () => {
      useRelay(env);
      const reply = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body, headers: { "x-signature": value } });
      assert.equal(reply.status, 202);
      assert.equal(hook.requests.length, 1);
      assert.equal(hook.requests[0].url.searchParams.get("trigger_title"), "careers: jusrecruit job.updated");
    });
  }

  for (const [name, value] of [
    ["a signature of another body", hmac(`${body} `).toString("hex")],
    ["a signature with another secret", hmac(body, "other").toString("hex")],
    ["a truncated signature", hmac(body).toString("hex").slice(0, 40)],
    ["garbage", "not-a-signature"],
  ]) {
    test(`${name} is refused`, async () => {
      useRelay(env);
      const reply = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body, headers: { "x-signature": value } });
      assert.equal(reply.status, 401);
      assert.equal(hook.requests.length, 0);
    });
  }

  test("a missing signature header is refused", async () => {
    useRelay(env);
    const reply = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body });
    assert.equal(reply.status, 401);
  });

  test("the header name is configurable", async () => {
    useRelay({ ...env, JUSRECRUIT_SIGNATURE_HEADER: "X-JusRecruit-Signature" });
    const signature = `sha256=${hmac(body).toString("hex")}`;
    const wrongHeader = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body, headers: { "x-signature": signature } });
    assert.equal(wrongHeader.status, 401);
    const reply = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body, headers: { "x-jusrecruit-signature": signature } });
    assert.equal(reply.status, 202);
  });

  test("with a token and a signature configured, both are required", async () => {
    useRelay({ ...env, RELAY_TOKEN: TOKEN });
    const signature = hmac(body).toString("hex");
    const tokenOnly = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body });
    assert.equal(tokenOnly.status, 401);
    const signatureOnly = await send("/.netlify/functions/ats-webhook?source=jusrecruit", { body, headers: { "x-signature": signature } });
    assert.equal(signatureOnly.status, 401);
    const both = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body, headers: { "x-signature": signature } });
    assert.equal(both.status, 202);
  });

  test("another source is not checked with this source's secret", async () => {
    useRelay({ ...env, RELAY_TOKEN: TOKEN });
    const reply = await send(`/.netlify/functions/ats-webhook?source=comeet&token=${TOKEN}`, { method: "PUT", body: COMEET_POSITION });
    assert.equal(reply.status, 202);
  });
});

// -- Comeet's JWT -------------------------------------------------------------------------------------

describe("Comeet Authorization: Bearer <JWT>", () => {
  const env = { COMEET_JWT_SECRET: JWT_SECRET, COMEET_JWT_ISSUER: "comeet-api-key" };
  const nowSeconds = () => Math.floor(clock / 1000);
  const call = (token) => send("/.netlify/functions/ats-webhook?source=comeet", { method: "PUT", body: COMEET_POSITION, headers: { authorization: `Bearer ${token}` } });

  test("a valid HS256 token is accepted", async () => {
    useRelay(env);
    const reply = await call(jwt({ iss: "comeet-api-key", iat: nowSeconds(), exp: nowSeconds() + 300 }));
    assert.equal(reply.status, 202);
    assert.equal(hook.requests.length, 1);
  });

  for (const [name, claims, options] of [
    ["an expired token", () => ({ iss: "comeet-api-key", iat: nowSeconds() - 900, exp: nowSeconds() - 600 }), {}],
    ["a token issued too long ago", () => ({ iss: "comeet-api-key", iat: nowSeconds() - 3600 }), {}],
    ["a token without iat or exp", () => ({ iss: "comeet-api-key" }), {}],
    ["a token from another issuer", () => ({ iss: "someone-else", iat: nowSeconds(), exp: nowSeconds() + 300 }), {}],
    ["a token signed with another secret", () => ({ iss: "comeet-api-key", iat: nowSeconds(), exp: nowSeconds() + 300 }), { secret: "wrong" }],
    ["a token claiming alg none", () => ({ iss: "comeet-api-key", iat: nowSeconds(), exp: nowSeconds() + 300 }), { alg: "none" }],
  ]) {
    test(`${name} is refused`, async () => {
      useRelay(env);
      const reply = await call(jwt(claims(), options));
      assert.equal(reply.status, 401);
      assert.equal(hook.requests.length, 0);
    });
  }

  test("a missing Authorization header is refused", async () => {
    useRelay(env);
    const reply = await send("/.netlify/functions/ats-webhook?source=comeet", { method: "PUT", body: COMEET_POSITION });
    assert.equal(reply.status, 401);
  });
});

// -- coalescing -----------------------------------------------------------------------------------

describe("bursts", () => {
  test("a burst of edits inside MIN_INTERVAL_SECONDS triggers one build", async () => {
    useRelay({ RELAY_TOKEN: TOKEN, MIN_INTERVAL_SECONDS: "30" });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      const reply = await send(`/.netlify/functions/ats-webhook?source=comeet&token=${TOKEN}`, { method: "PUT", body: COMEET_POSITION });
      statuses.push(reply.json.status);
      clock += 5_000;
    }
    assert.deepEqual(statuses, ["triggered", "coalesced", "coalesced", "coalesced", "coalesced"]);
    assert.equal(hook.requests.length, 1);
  });

  test("after the interval, the next edit triggers again", async () => {
    useRelay({ RELAY_TOKEN: TOKEN, MIN_INTERVAL_SECONDS: "30" });
    await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    clock += 29_000;
    const inside = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.deepEqual(inside.json, { status: "coalesced", retry_after_seconds: 1 });
    clock += 1_000;
    const outside = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(outside.json.status, "triggered");
    assert.equal(hook.requests.length, 2);
  });

  test("a failed build hook answers 502 and is not remembered, so the retry triggers", async () => {
    useRelay({ RELAY_TOKEN: TOKEN });
    hook.status = 500;
    const failed = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(failed.status, 502);
    assert.deepEqual(failed.json, { error: "the build hook answered 500" });
    hook.status = 200;
    const retried = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(retried.json.status, "triggered");
    assert.equal(hook.requests.length, 2);
  });

  test("an unreachable build hook answers 502 with the connection error", async () => {
    const closed = http.createServer();
    const deadUrl = await listen(closed);
    closed.close();
    await once(closed, "close");
    current.handler = createHandler({ env: { RELAY_TOKEN: TOKEN, BUILD_HOOK_URL: `${deadUrl}/build_hooks/x` }, now: () => clock, log: () => {} });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(reply.status, 502);
    assert.equal(reply.json.error, "the build trigger failed (ECONNREFUSED)");
  });
});

// -- events -----------------------------------------------------------------------------------------

describe("event filter", () => {
  const env = { RELAY_TOKEN: TOKEN, JUSRECRUIT_EVENTS: "job, position, company, tag" };

  test("an event outside the list is acknowledged and ignored", async () => {
    useRelay(env);
    const reply = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body: JSON.stringify({ event: "candidate.created" }) });
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.json, { status: "ignored", event: "candidate.created" });
    assert.equal(hook.requests.length, 0);
  });

  test("a listed event (in the body's type field) triggers", async () => {
    useRelay(env);
    const reply = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body: JSON.stringify({ type: "JOB_PUBLISHED" }) });
    assert.equal(reply.json.status, "triggered");
  });

  test("an event name in an X-...-Event header counts", async () => {
    useRelay(env);
    const reply = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { headers: { "x-jusrecruit-event": "interview.scheduled" } });
    assert.equal(reply.json.status, "ignored");
  });

  test("a call without an event name always triggers", async () => {
    useRelay(env);
    const reply = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body: "{}" });
    assert.equal(reply.json.status, "triggered");
  });
});

// -- GitHub repository_dispatch ---------------------------------------------------------------------

describe("GitHub target", () => {
  test("a repository_dispatch is sent with the token and event type", async () => {
    hook.status = 204;
    current.handler = createHandler({
      env: { RELAY_TOKEN: TOKEN, DISPATCH_REPOSITORY: "acme/careers", DISPATCH_TOKEN: "github_pat_123", DISPATCH_API_URL: hookUrl },
      now: () => clock,
      log: () => {},
    });
    const reply = await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body: JSON.stringify({ event: "job.closed" }) });
    assert.deepEqual(reply.json, { status: "triggered", targets: ["github"] });
    const [call] = hook.requests;
    assert.equal(call.url.pathname, "/repos/acme/careers/dispatches");
    assert.equal(call.headers.authorization, "Bearer github_pat_123");
    assert.deepEqual(JSON.parse(call.body), { event_type: DISPATCH_EVENT, client_payload: { source: "jusrecruit", event: "job.closed" } });
  });

  test("a refused dispatch answers 502 naming GitHub's status", async () => {
    hook.status = 404;
    current.handler = createHandler({
      env: { RELAY_TOKEN: TOKEN, DISPATCH_REPOSITORY: "acme/careers", DISPATCH_TOKEN: "github_pat_123", DISPATCH_API_URL: hookUrl },
      now: () => clock,
      log: () => {},
    });
    const reply = await send(`/.netlify/functions/ats-webhook?token=${TOKEN}`);
    assert.equal(reply.status, 502);
    assert.deepEqual(reply.json, { error: "GitHub answered 404 to repository_dispatch" });
  });
});

// -- secrets ------------------------------------------------------------------------------------------

test("no secret reaches a response or a log line", async () => {
  logs.length = 0;
  useRelay({ RELAY_TOKEN: TOKEN, JUSRECRUIT_SIGNATURE_SECRET: SECRET });
  const body = JSON.stringify({ event: "job.updated" });
  const replies = [
    await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body, headers: { "x-signature": hmac(body).toString("hex") } }),
    await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body, headers: { "x-signature": "bad" } }),
    await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=wrong`, { body }),
  ];
  hook.status = 500;
  clock += 60_000;
  replies.push(await send(`/.netlify/functions/ats-webhook?source=jusrecruit&token=${TOKEN}`, { body, headers: { "x-signature": hmac(body).toString("hex") } }));
  const seen = [...replies.map((r) => r.text), ...logs].join("\n");
  assert.ok(logs.length >= 4);
  for (const secret of [TOKEN, SECRET, HOOK_ID]) assert.ok(!seen.includes(secret), `${secret} leaked`);
});
