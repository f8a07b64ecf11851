// The webhook relay: an ATS says "something changed", the relay checks who is calling and
// triggers one rebuild. A Netlify Function (Node 20+, standard library only), served at
// /.netlify/functions/ats-webhook?source=comeet (or jusrecruit, ...).
//
// Who may call (all checks configured for the source must pass; at least one must be configured):
//   RELAY_TOKEN                      a shared secret, sent as ?token=... or an X-Relay-Token header
//   <SOURCE>_SIGNATURE_SECRET        HMAC-SHA256 of the raw body, hex or base64, optional "sha256=" or
//   <SOURCE>_SIGNATURE_HEADER        "sha256 " prefix, in this header (default X-Signature)
//   <SOURCE>_JWT_SECRET              Authorization: Bearer <JWT>, HS256 (Comeet's outbound calls sign
//   <SOURCE>_JWT_ISSUER              this way: iss = the api key, valid about 5 minutes)
// What it triggers (every one configured):
//   BUILD_HOOK_URL                   a Netlify build hook: POST ?trigger_title=...
//   DISPATCH_REPOSITORY + DISPATCH_TOKEN   a GitHub repository_dispatch (event_type careers-rebuild)
// How bursts are coalesced:
//   MIN_INTERVAL_SECONDS (default 20): a warm instance triggers at most once per interval. Netlify
//   keeps no state between instances, so this is best effort: see docs/deploy.md, "Webhook relay".
// Which events count:
//   <SOURCE>_EVENTS or RELAY_EVENTS: comma-separated words (e.g. "job,position,company,tag"); an
//   event whose name contains none of them is acknowledged and ignored. No name: always rebuild.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const MAX_BODY_BYTES = 1024 * 1024;
export const DISPATCH_EVENT = "careers-rebuild";
const METHODS = ["POST", "PUT", "DELETE"];
const JWT_LEEWAY_SECONDS = 60;
// Comeet documents tokens "valid about 5 minutes": refuse older ones even without an exp claim.
const JWT_MAX_AGE_SECONDS = 10 * 60;

function reply(status, body, headers = {}) {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

// Compare two secrets in constant time: hash both so lengths never leak through timing.
export function safeEqual(given, expected) {
  const a = createHash("sha256").update(String(given)).digest();
  const b = createHash("sha256").update(String(expected)).digest();
  return timingSafeEqual(a, b);
}

function decodeDigest(text) {
  const value = text.trim().replace(/^sha256[=\s]\s*/i, "");
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return null;
}

// HMAC-SHA256 over the raw body, as JusRecruit's design notes and Comeet's Hires API describe.
export function verifySignature(rawBody, header, secret) {
  if (!header) return false;
  const given = decodeDigest(header);
  if (!given || given.length !== 32) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

function base64urlJson(part) {
  return JSON.parse(Buffer.from(part.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
}

// Comeet's outbound calls: Authorization: Bearer <JWT>, HS256 with the partner secret, iss = api key.
export function verifyJwt(authorization, secret, { issuer, nowSeconds }) {
  const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization || "");
  if (!match) return false;
  const [, head, payload, signature] = match;
  let header;
  let claims;
  try {
    header = base64urlJson(head);
    claims = base64urlJson(payload);
  } catch {
    return false;
  }
  if (!header || header.alg !== "HS256" || !claims || typeof claims !== "object") return false;
  const expected = createHmac("sha256", secret).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  if (typeof claims.exp === "number" && nowSeconds > claims.exp + JWT_LEEWAY_SECONDS) return false;
  if (typeof claims.nbf === "number" && nowSeconds < claims.nbf - JWT_LEEWAY_SECONDS) return false;
  if (typeof claims.iat === "number" && (nowSeconds - claims.iat > JWT_MAX_AGE_SECONDS || claims.iat - nowSeconds > JWT_LEEWAY_SECONDS)) return false;
  if (typeof claims.exp !== "number" && typeof claims.iat !== "number") return false; // a token that never expires is not accepted
  if (issuer && !safeEqual(claims.iss ?? "", issuer)) return false;
  return true;
}

// The event name, where the ATS gives one: a body field or an X-...-Event header.
export function eventName(headers, body) {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    for (const key of ["event", "type", "eventType", "event_type"]) {
      if (typeof body[key] === "string" && body[key]) return body[key];
    }
  }
  for (const [key, value] of headers) {
    if (/^x-([a-z0-9-]+-)?event$/i.test(key) && value) return value;
  }
  // None, e.g. Comeet's position webhook: its method says what happened (POST created, PUT updated, DELETE deleted).
  return null;
}

function cleanTitle(text) {
  return text.replace(/[^\w .:/-]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 100);
}

async function trigger(target, fetchImpl, title, source, event) {
  const signal = AbortSignal.timeout(8000);
  if (target.kind === "netlify") {
    const url = new URL(target.url);
    url.searchParams.set("trigger_title", title);
    const response = await fetchImpl(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" }, signal });
    if (!response.ok) throw new Error(`the build hook answered ${response.status}`);
    return;
  }
  const response = await fetchImpl(`${target.api}/repos/${target.repository}/dispatches`, {
    method: "POST",
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "content-type": "application/json",
      "user-agent": "careers-webhook-relay",
      "x-github-api-version": "2022-11-28",
    },
    body: JSON.stringify({ event_type: DISPATCH_EVENT, client_payload: { source, event } }),
    signal,
  });
  if (response.status !== 204 && !response.ok) throw new Error(`GitHub answered ${response.status} to repository_dispatch`);
}

function targetsFrom(env) {
  const targets = [];
  if (env.BUILD_HOOK_URL) targets.push({ kind: "netlify", url: env.BUILD_HOOK_URL });
  if (env.DISPATCH_REPOSITORY && env.DISPATCH_TOKEN) {
    targets.push({
      kind: "github",
      repository: env.DISPATCH_REPOSITORY,
      token: env.DISPATCH_TOKEN,
      api: (env.DISPATCH_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    });
  }
  return targets;
}

export function createHandler({ env = process.env, now = () => Date.now(), fetchImpl = (...args) => fetch(...args), log = console.log } = {}) {
  let lastTrigger = Number.NEGATIVE_INFINITY; // per warm instance: see MIN_INTERVAL_SECONDS above

  return async function handler(request) {
    const url = new URL(request.url);
    const source = (url.searchParams.get("source") || "ats").toLowerCase();
    if (!/^[a-z0-9_-]{1,32}$/.test(source)) return reply(400, { error: "source must be a short name such as comeet or jusrecruit" });
    const prefix = source.toUpperCase().replace(/-/g, "_");
    const note = (outcome, extra = {}) => log(JSON.stringify({ relay: "careers", source, method: request.method, outcome, ...extra }));

    if (!METHODS.includes(request.method)) return reply(405, { error: `use ${METHODS.join(", ")}` }, { allow: METHODS.join(", ") });

    const token = env.RELAY_TOKEN;
    const signatureSecret = env[`${prefix}_SIGNATURE_SECRET`];
    const jwtSecret = env[`${prefix}_JWT_SECRET`];
    if (!token && !signatureSecret && !jwtSecret) {
      note("not-configured");
      return reply(500, { error: "relay not configured: set RELAY_TOKEN (or a signature secret for this source) in the function's environment" });
    }
    const targets = targetsFrom(env);
    if (targets.length === 0) {
      note("no-target");
      return reply(500, { error: "relay not configured: set BUILD_HOOK_URL, or DISPATCH_REPOSITORY and DISPATCH_TOKEN" });
    }

    const declared = Number(request.headers.get("content-length") || 0);
    if (declared > MAX_BODY_BYTES) return reply(413, { error: "body too large" });
    const raw = Buffer.from(await request.arrayBuffer());
    if (raw.length > MAX_BODY_BYTES) return reply(413, { error: "body too large" });

    const failures = [];
    if (token) {
      const given = url.searchParams.get("token") ?? request.headers.get("x-relay-token") ?? "";
      if (!safeEqual(given, token)) failures.push("token");
    }
    if (signatureSecret) {
      const header = env[`${prefix}_SIGNATURE_HEADER`] || "x-signature";
      if (!verifySignature(raw, request.headers.get(header), signatureSecret)) failures.push("signature");
    }
    if (jwtSecret) {
      const options = { issuer: env[`${prefix}_JWT_ISSUER`], nowSeconds: Math.floor(now() / 1000) };
      if (!verifyJwt(request.headers.get("authorization"), jwtSecret, options)) failures.push("jwt");
    }
    if (failures.length) {
      note("unauthorized", { failed: failures });
      return reply(401, { error: "unauthorized" });
    }

    let body = null;
    try {
      body = raw.length ? JSON.parse(raw.toString("utf8")) : null;
    } catch {
      body = null; // not JSON: still a change notification
    }
    const event = eventName(request.headers, body);
    const words = (env[`${prefix}_EVENTS`] || env.RELAY_EVENTS || "")
      .split(",")
      .map((w) => w.trim().toLowerCase())
      .filter(Boolean);
    if (event && words.length && !words.some((w) => event.toLowerCase().includes(w))) {
      note("ignored", { event });
      return reply(202, { status: "ignored", event });
    }

    const interval = Number(env.MIN_INTERVAL_SECONDS ?? 20) * 1000;
    const moment = now();
    if (moment - lastTrigger < interval) {
      note("coalesced", { event });
      return reply(202, { status: "coalesced", retry_after_seconds: Math.ceil((interval - (moment - lastTrigger)) / 1000) });
    }

    const title = cleanTitle(`careers: ${source} ${event || request.method.toLowerCase() + " notification"}`);
    try {
      for (const target of targets) await trigger(target, fetchImpl, title, source, event);
    } catch (error) {
      // Not remembered as a trigger: the ATS's retry (or the next edit) tries again.
      const known = error.message.startsWith("the build hook") || error.message.startsWith("GitHub");
      const reason = error.name === "TimeoutError" ? "the build trigger timed out" : known ? error.message : `the build trigger failed (${error.cause?.code || error.name})`;
      note("trigger-failed", { reason });
      return reply(502, { error: reason });
    }
    lastTrigger = moment;
    note("triggered", { event, targets: targets.map((t) => t.kind) });
    return reply(202, { status: "triggered", targets: targets.map((t) => t.kind) });
  };
}

export default createHandler();
