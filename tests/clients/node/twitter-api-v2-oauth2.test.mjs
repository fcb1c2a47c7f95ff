// twitter-api-v2 1.29's OAuth 2.0 (generateOAuth2AuthLink, loginWithOAuth2, refreshOAuth2Token,
// revokeOAuth2Token) against the sandbox: the login a Node bot does, and what X answers it.
//
// Run by tests/sandbox_real_clients.rs, or by hand with the sandbox running:
//   node --test twitter-api-v2-oauth2.test.mjs          (in tests/clients/node)

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { TwitterApi, ApiResponseError } from 'twitter-api-v2';

import { account, explain, settings, tokens } from './sandbox.mjs';
import { consent, oauth2Client, PUBLIC_CLIENT_ID, REDIRECT_URI } from './oauth2-sandbox.mjs';

const SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'];

// ANCHOR: login
/** What a Node bot does once: the authorize link, the user's consent, the code for a client. */
async function login(credentials = oauth2Client(), scope = SCOPES) {
  const app = new TwitterApi(credentials, settings); // { clientId, clientSecret? }
  const { url, codeVerifier, state } = app.generateOAuth2AuthLink(REDIRECT_URI, { scope });
  const callback = await consent(url); // the user, in a browser
  assert.equal(callback.searchParams.get('state'), state, 'check state against CSRF');
  const code = callback.searchParams.get('code');
  return { app, ...(await app.loginWithOAuth2({ code, codeVerifier, redirectUri: REDIRECT_URI })) };
}
// ANCHOR_END: login

/** The ApiResponseError `promise` rejects with. */
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ApiResponseError, `not an API error: ${e}`);
    return e;
  }
  assert.fail('the call succeeded');
}

describe('OAuth 2.0 user context (PKCE)', () => {
  test('a confidential client logs in, posts, refreshes and revokes', async () => {
    const { app, client, refreshToken, expiresIn, scope } = await login();
    assert.equal(expiresIn, 7200);
    assert.deepEqual([...scope].sort(), [...SCOPES].sort());
    assert.equal((await client.v2.me()).data.username, 'xkeys_full');
    const posted = await client.v2.tweet(`hello from twitter-api-v2 over OAuth 2.0 ${Date.now()}`);
    assert.match(posted.data.id, /^\d+$/);
    const fresh = await app.refreshOAuth2Token(refreshToken);
    assert.notEqual(fresh.refreshToken, refreshToken, 'refresh tokens rotate');
    assert.equal((await fresh.client.v2.me()).data.username, 'xkeys_full');
    const spent = await refusal(app.refreshOAuth2Token(refreshToken));
    assert.equal(spent.code, 400);
    assert.equal(spent.data.error_description, 'Value passed for the token was invalid.');
    assert.deepEqual(await app.revokeOAuth2Token(fresh.accessToken, 'access_token'), { revoked: true });
    const revoked = await refusal(fresh.client.v2.me());
    assert.equal(revoked.code, 401, explain(revoked.headers));
  });

  test('a public client logs in with its client id alone', async () => {
    const { client, refreshToken } = await login({ clientId: PUBLIC_CLIENT_ID }, ['tweet.read', 'users.read']);
    assert.equal(refreshToken, undefined, 'no offline.access, no refresh token');
    assert.equal((await client.v2.me()).data.username, 'xkeys_full');
  });

  test('a missing scope is 403 Forbidden', async () => {
    const { client } = await login(oauth2Client(), ['tweet.read', 'users.read']);
    const e = await refusal(client.v2.tweet('no tweet.write'));
    assert.equal(e.code, 403);
    assert.deepEqual(e.data, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
    assert.match(explain(e.headers), /tweet\.write/);
  });

  test('bookmarks take OAuth 2.0, not OAuth 1.0a', async () => {
    const { client } = await login(oauth2Client(), [...SCOPES, 'bookmark.write']);
    const me = (await client.v2.me()).data;
    assert.deepEqual((await client.v2.bookmark('1460323737035677698')).data, { bookmarked: true });
    const oauth1 = new TwitterApi(tokens(), settings);
    const e = await refusal(oauth1.v2.post(`users/${account().user_id}/bookmarks`, { tweet_id: '1460323737035677698' }));
    assert.equal(e.code, 403);
    assert.equal(e.data.detail, 'Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].');
    assert.equal(me.id, account().user_id);
  });
});
