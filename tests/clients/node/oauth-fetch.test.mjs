// A plain Node bot: oauth-1.0a 2.2 signs, fetch sends. It reads its base URL from X_API_BASE_URL,
// so it needs no patch.
//
// Run by tests/real_clients.rs (`cargo test --test real_clients`), or by hand with the sandbox running:
//   node --test oauth-fetch.test.mjs          (in tests/clients/node)

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { approve, explain, RATE_LIMIT_WINDOW, resetRateLimits, secondsUntil, tinyPng } from './sandbox.mjs';

// ANCHOR: sign
import crypto from 'node:crypto';

import OAuth from 'oauth-1.0a';

// BASE_URL is process.env.X_API_BASE_URL: https://api.x.com for X, the sandbox's address in tests.
// account() gives a demo account's keys, under the names a bot reads from its environment.
import { account, BASE_URL } from './sandbox.mjs';

function signer(scenario = 'full-access') {
  const a = account(scenario);
  const oauth = new OAuth({
    consumer: { key: a.X_API_KEY, secret: a.X_API_KEY_SECRET },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => crypto.createHmac('sha1', key).update(base).digest('base64'),
  });
  const token = { key: a.X_ACCESS_TOKEN, secret: a.X_ACCESS_TOKEN_SECRET };
  // A JSON body is not part of the signature: sign the URL (and its query) only.
  return (method, url) => oauth.toHeader(oauth.authorize({ url, method }, token));
}

async function call(method, path, body, scenario) {
  const url = `${BASE_URL}${path}`;
  const headers = { ...signer(scenario)(method, url) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { response, json: await response.json().catch(() => null) };
}
// ANCHOR_END: sign

describe('signed calls', () => {
  test('GET /2/users/me', async () => {
    const { response, json } = await call('GET', '/2/users/me');
    assert.equal(response.status, 200, explain(response.headers));
    assert.equal(json.data.username, account().username);
  });

  test('POST /2/tweets with JSON', async () => {
    const { response, json } = await call('POST', '/2/tweets', { text: `hello from fetch ${Date.now()}` });
    assert.equal(response.status, 201, JSON.stringify(json));
    assert.match(json.data.id, /^\d+$/);
  });

  test('an unknown property is 400 invalid-request with errors[]', async () => {
    const { response, json } = await call('POST', '/2/tweets', { text: `unknown ${Date.now()}`, reply_settings: 'following', nonsense: 1 });
    assert.equal(response.status, 400, JSON.stringify(json));
    assert.match(json.type, /\/2\/problems\/invalid-request$/);
    assert.ok(Array.isArray(json.errors) && json.errors.length > 0);
  });

  test('a value outside the schema is 400, reply_settings enum', async () => {
    const { response, json } = await call('POST', '/2/tweets', { text: `enum ${Date.now()}`, reply_settings: 'everyone-ish' });
    assert.equal(response.status, 400, JSON.stringify(json));
    assert.match(json.type, /\/2\/problems\/invalid-request$/);
  });
});

describe('media', () => {
  test('simple v2 upload (multipart), then a post with the media id', async () => {
    const url = `${BASE_URL}/2/media/upload`;
    const form = new FormData();
    form.set('media', new Blob([await tinyPng()], { type: 'image/png' }), 'pixel.png');
    form.set('media_category', 'tweet_image');
    // A multipart body is not part of the signature either.
    const response = await fetch(url, { method: 'POST', headers: signer()('POST', url), body: form });
    const json = await response.json().catch(() => null);
    assert.equal(response.status, 200, `${JSON.stringify(json)} ${explain(response.headers)}`);
    const mediaId = json.data.id;
    assert.match(mediaId, /^\d+$/);
    const posted = await call('POST', '/2/tweets', { media: { media_ids: [mediaId] } });
    assert.equal(posted.response.status, 201, JSON.stringify(posted.json));
  });
});

describe('PIN flow by hand', () => {
  const app = () => {
    const a = account();
    return new OAuth({
      consumer: { key: a.X_API_KEY, secret: a.X_API_KEY_SECRET },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => crypto.createHmac('sha1', key).update(base).digest('base64'),
    });
  };

  async function requestToken(data, bodyOverride) {
    const url = `${BASE_URL}/oauth/request_token`;
    const oauth = app();
    const signed = oauth.authorize({ url, method: 'POST', data });
    const body = new URLSearchParams(bodyOverride ?? data);
    return fetch(url, { method: 'POST', headers: oauth.toHeader(signed), body });
  }

  test('oauth_callback in the body, the rest in the header', async () => {
    const response = await requestToken({ oauth_callback: 'oob' });
    const text = await response.text();
    assert.equal(response.status, 200, `${text} ${explain(response.headers)}`);
    assert.match(text, /oauth_callback_confirmed=true/);
  });

  test('a parameter given twice with different values is refused', async () => {
    const url = `${BASE_URL}/oauth/request_token`;
    const oauth = app();
    // The header says oob, the body says otherwise: X does not accept a parameter twice.
    const signed = oauth.authorize({ url, method: 'POST', data: { oauth_callback: 'oob' } });
    const header = oauth.toHeader({ ...signed, oauth_callback: 'oob' });
    const response = await fetch(url, {
      method: 'POST',
      headers: header,
      body: new URLSearchParams({ oauth_callback: 'http://127.0.0.1/other' }),
    });
    assert.equal(response.status, 401, await response.text());
    assert.match(explain(response.headers), /oauth_callback/);
  });

  test('access_token as X documents it: the request token and verifier in the query, no signature', async () => {
    const text = await (await headerOnlyRequestToken()).text();
    const token = new URLSearchParams(text);
    const pin = await approve(`${BASE_URL}/oauth/authorize?oauth_token=${token.get('oauth_token')}`, 'xkeys_full');
    const query = new URLSearchParams({ oauth_token: token.get('oauth_token'), oauth_verifier: pin });
    const response = await fetch(`${BASE_URL}/oauth/access_token?${query}`, { method: 'POST' });
    const answer = await response.text();
    assert.equal(response.status, 200, `${answer} ${explain(response.headers)}`);
    const access = new URLSearchParams(answer);
    assert.equal(access.get('screen_name'), 'xkeys_full');
    assert.ok(access.get('oauth_token').startsWith(`${access.get('user_id')}-`));
  });

  async function headerOnlyRequestToken() {
    const url = `${BASE_URL}/oauth/request_token`;
    const oauth = app();
    const signed = oauth.authorize({ url, method: 'POST', data: { oauth_callback: 'oob' } });
    return fetch(url, { method: 'POST', headers: oauth.toHeader({ ...signed, oauth_callback: 'oob' }) });
  }
});

describe('rate limits', () => {
  test('wait for x-rate-limit-reset, sign again, get through', async () => {
    await resetRateLimits(); // the sandbox may be shared with earlier runs
    const first = await call('GET', '/2/users/me', undefined, 'rate-limited');
    assert.equal(first.response.status, 429);
    assert.deepEqual(first.json, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    const wait = secondsUntil(first.response.headers.get('x-rate-limit-reset'));
    assert.ok(wait <= RATE_LIMIT_WINDOW, `the reset is ${wait} s away, more than one window`);
    await new Promise((resolve) => setTimeout(resolve, (Math.max(wait, 0) + 1) * 1000));
    const again = await call('GET', '/2/users/me', undefined, 'rate-limited');
    assert.equal(again.response.status, 200, JSON.stringify(again.json));
  });
});
