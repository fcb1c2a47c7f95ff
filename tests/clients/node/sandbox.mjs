// What the real-client tests share: where the sandbox is, its demo accounts, the settings that point
// twitter-api-v2 at it, and the user who approves an app on its authorize page.
//
// The sandbox prints its base URL and the keys of every demo account when it starts
// (`cargo run -p xkeys-sandbox -- --port 8080`), and answers them as JSON at /sandbox/accounts; the
// tests need only X_API_BASE_URL.

import http from 'node:http';
import net from 'node:net';
import assert from 'node:assert/strict';

import { TwitterApiPluginResponseOverride } from 'twitter-api-v2';

// ANCHOR: accounts
export const BASE_URL = process.env.X_API_BASE_URL.replace(/\/$/, '');

// The sandbox's demo accounts, as GET /sandbox/accounts answers them.
const sandboxAccounts = await (await fetch(`${BASE_URL}/sandbox/accounts`)).json();

/** The demo account of a scenario: username, user_id, callback_urls and the four keys (X_API_KEY, ...). */
export function account(scenario = 'full-access') {
  const a = sandboxAccounts.accounts.find((x) => x.scenario === scenario);
  assert.ok(a, `the sandbox has no demo account ${scenario}`);
  return {
    username: a.username,
    user_id: a.user_id,
    callback_urls: a.callback_urls,
    X_API_KEY: a.api_key,
    X_API_KEY_SECRET: a.api_key_secret,
    X_ACCESS_TOKEN: a.access_token,
    X_ACCESS_TOKEN_SECRET: a.access_token_secret,
  };
}
// ANCHOR_END: accounts

/** How long a rate-limit window lasts in this sandbox (`--rate-limit-window`), in seconds. */
export const RATE_LIMIT_WINDOW = sandboxAccounts.rate_limit_window_secs;

/**
 * Forgets the sandbox's rate-limit windows (POST /sandbox/rate-limits/reset): a test that shares one
 * sandbox with earlier runs starts as on a fresh one, the rate-limited account at its limit.
 */
export async function resetRateLimits() {
  const answer = await fetch(`${BASE_URL}/sandbox/rate-limits/reset`, { method: 'POST' });
  assert.equal(answer.status, 200, 'POST /sandbox/rate-limits/reset');
}

/** The four keys of a demo account, as twitter-api-v2 takes them. */
export function tokens(scenario = 'full-access') {
  const a = account(scenario);
  return {
    appKey: a.X_API_KEY,
    appSecret: a.X_API_KEY_SECRET,
    accessToken: a.X_ACCESS_TOKEN,
    accessSecret: a.X_ACCESS_TOKEN_SECRET,
  };
}

// ANCHOR: settings
// twitter-api-v2 builds its URLs from https://api.x.com (upload.x.com for v1.1 media) and decides
// how to encode a body and parse an answer from the host name, so keep the host names: a plugin
// turns https:// into http:// before the request is signed (the sandbox speaks plain HTTP), and an
// agent connects every request to the sandbox, as an /etc/hosts entry would.
const sandbox = new URL(BASE_URL);

class ToSandbox extends http.Agent {
  createConnection() {
    return net.createConnection({ host: sandbox.hostname, port: Number(sandbox.port) });
  }
}

const plainHttp = {
  onBeforeRequestConfig({ params }) {
    params.url = params.url.replace(/^https:\/\//, 'http://');
  },
  // twitter-api-v2 reads the form-encoded answers of /oauth/ only on https://api.x.com/oauth/.
  onAfterRequest({ computedParams, response }) {
    if (computedParams.url.pathname.startsWith('/oauth/') && typeof response.data === 'string') {
      const data = Object.fromEntries(new URLSearchParams(response.data));
      return new TwitterApiPluginResponseOverride({ ...response, data });
    }
    return undefined;
  },
};

/** The second argument of `new TwitterApi(tokens, settings)`. */
export const settings = { httpAgent: new ToSandbox({ keepAlive: false }), plugins: [plainHttp] };
// ANCHOR_END: settings

/** The URL with X's origin replaced by the sandbox's. */
export function toSandbox(url) {
  return url.replace(/^https:\/\/(api|upload)\.(x|twitter)\.com/, BASE_URL);
}

/**
 * Plays the user on the authorize page: opens it, picks `username`, submits; returns the PIN.
 * The URL a client gives (https://api.x.com/oauth/authorize?...) is opened at the sandbox.
 */
export async function approve(authorizeUrl, username) {
  const page = await fetch(toSandbox(authorizeUrl));
  const html = await page.text();
  assert.equal(page.status, 200, `the authorize page ${page.url} answers ${page.status}: ${html.slice(0, 300)}`);
  const action = html.match(/<form method="post" action="([^"]*)"/)?.[1];
  assert.ok(action !== undefined, `no form on ${page.url}:\n${html.slice(0, 500)}`);
  const fields = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name, value);
  }
  const select = html.match(/<select[^>]* name="([^"]+)"/)?.[1];
  assert.ok(html.includes(`<option value="${username}">`), `the page doesn't offer ${username}`);
  fields.set(select, username);
  const allow = html.match(/<button type="submit" name="([^"]+)" value="allow">/)?.[1];
  assert.ok(allow, 'no Allow button');
  fields.set(allow, 'allow');
  const answer = await fetch(new URL(action, page.url), { method: 'POST', body: fields });
  const text = await answer.text();
  assert.equal(answer.status, 200, `submitting the form: ${answer.status} ${text.slice(0, 300)}`);
  const pin = text.match(/id="pin">(\d{7})</)?.[1];
  assert.ok(pin, `no 7-digit PIN on the answer page:\n${text.slice(0, 500)}`);
  return pin;
}

/** Seconds from now until a Unix time. */
export function secondsUntil(reset) {
  return Number(reset) - Math.floor(Date.now() / 1000);
}

/** The sandbox's explanation of a refusal, for failure messages. */
export function explain(headers) {
  const get = typeof headers?.get === 'function' ? (n) => headers.get(n) : (n) => headers?.[n];
  return get('x-sandbox-explain') ?? '(no x-sandbox-explain)';
}

/** A valid 1x1 PNG, made here (no file to ship). */
export async function tinyPng() {
  const zlib = await import('node:zlib');
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (kind, data) => {
    const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const pixels = zlib.deflateSync(Buffer.from([0, 0xff, 0, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
