// OAuth 2.0 (Authorization Code with PKCE) on the sandbox, for the real-client tests: its demo
// clients, and the user who approves an app on its consent page.

import assert from 'node:assert/strict';

import { BASE_URL, explain } from './sandbox.mjs';

const served = await (await fetch(`${BASE_URL}/sandbox/accounts`)).json();

/** The callback URL every demo app registers. */
export const REDIRECT_URI = served.redirect_uri;

/** The public client (PKCE only, no secret) of the full-access demo app. */
export const PUBLIC_CLIENT_ID = served.public_client_id;

/** A demo app's confidential client, as twitter-api-v2 takes it: { clientId, clientSecret }. */
export function oauth2Client(scenario = 'full-access') {
  const a = served.accounts.find((x) => x.scenario === scenario);
  return { clientId: a.client_id, clientSecret: a.client_secret };
}

// ANCHOR: consent
/**
 * Plays the user on the consent page: opens the URL the client built (https://x.com/i/oauth2/...
 * opened at the sandbox, as a browser opens X's), picks `username`, clicks Authorize (allow) or
 * Cancel (deny); returns the URL the browser is sent back to (the callback with state and code).
 */
export async function consent(authorizeUrl, username = 'xkeys_full', decision = 'allow') {
  const page = await fetch(authorizeUrl.replace(/^https:\/\/(x|twitter)\.com/, BASE_URL));
  const html = await page.text();
  assert.equal(page.status, 200, `the consent page answers ${page.status}: ${explain(page.headers)}`);
  const fields = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name, value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'));
  }
  assert.ok(html.includes(`<option value="${username}">`), `the page doesn't offer ${username}`);
  fields.set('username', username);
  fields.set('decision', decision);
  const back = await fetch(`${BASE_URL}/i/oauth2/authorize`, { method: 'POST', body: fields, redirect: 'manual' });
  assert.equal(back.status, 302, `submitting the consent: ${back.status} ${explain(back.headers)}`);
  return new URL(back.headers.get('location'));
}
// ANCHOR_END: consent
