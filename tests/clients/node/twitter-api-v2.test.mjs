// twitter-api-v2 1.29 against the sandbox: what a Node bot does, and what X answers it.
//
// Run by tests/real_clients.rs (`cargo test --test real_clients`), or by hand with the sandbox running:
//   node --test twitter-api-v2.test.mjs          (in tests/clients/node)

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { TwitterApi, ApiResponseError } from 'twitter-api-v2';

import { account, approve, explain, RATE_LIMIT_WINDOW, resetRateLimits, secondsUntil, tinyPng } from './sandbox.mjs';

// ANCHOR: bot
// tokens(): { appKey, appSecret, accessToken, accessSecret } of a demo account; settings: see above.
import { settings, tokens } from './sandbox.mjs';

const client = (scenario) => new TwitterApi(tokens(scenario), settings);
// ANCHOR_END: bot

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

const suffix = (e) => (e.data?.type ?? '').replace(/^https:\/\/api\.(x|twitter)\.com/, '');

describe('OAuth 1.0a user context', () => {
  test('v2.me names the demo user', async () => {
    const me = await client().v2.me({ 'user.fields': ['created_at', 'public_metrics'] });
    assert.equal(me.data.username, account().username);
    assert.equal(me.data.id, account().user_id);
    assert.ok(me.data.public_metrics.followers_count >= 0);
  });

  test('post then delete', async () => {
    const posted = await client().v2.tweet(`hello from twitter-api-v2 ${Date.now()}`);
    assert.match(posted.data.id, /^\d+$/);
    const deleted = await client().v2.deleteTweet(posted.data.id);
    assert.deepEqual(deleted.data, { deleted: true });
  });

  test('a read-only token is refused with oauth1-permissions', async () => {
    const e = await refusal(client('read-only').v2.tweet('a read-only token cannot post'));
    assert.equal(e.code, 403);
    assert.equal(e.headers['x-access-level'], 'read');
    assert.equal(suffix(e), '/2/problems/oauth1-permissions');
  });

  test('a wrong secret is 401, an auth error', async () => {
    const wrong = new TwitterApi({ ...tokens(), accessSecret: 'not-the-access-token-secret' }, settings);
    const e = await refusal(wrong.v2.me());
    assert.equal(e.code, 401);
    assert.ok(e.isAuthError);
    assert.match(explain(e.headers), /^signature mismatch/);
  });

  test('an unknown property of a post is 400 invalid-request', async () => {
    const e = await refusal(client().v2.tweet({ text: 'an unknown property', nonsense: true }));
    assert.equal(e.code, 400, JSON.stringify(e.data));
    assert.equal(suffix(e), '/2/problems/invalid-request');
    assert.ok(e.data.errors.some((x) => x.message.includes('nonsense')), JSON.stringify(e.data));
  });

  test('upload an image with v2 media upload, post it without text', async () => {
    const mediaId = await client().v2.uploadMedia(await tinyPng(), { media_type: 'image/png' });
    assert.match(mediaId, /^\d+$/);
    const posted = await client().v2.tweet({ media: { media_ids: [mediaId] } });
    assert.match(posted.data.id, /^\d+$/);
  });

  test('a post with a media id nobody uploaded is 400', async () => {
    const e = await refusal(client().v2.tweet({ text: 'ghost media', media: { media_ids: ['1234567890123456789'] } }));
    assert.equal(e.code, 400, JSON.stringify(e.data));
  });
});

describe('direct messages', () => {
  const to = () => account('read-only').user_id;

  test('sendDmToParticipant', async () => {
    const sent = await client().v2.sendDmToParticipant(to(), { text: 'hi' });
    assert.match(sent.data.dm_event_id, /^\d+$/);
  });

  test('createDmConversation then sendDmInConversation', async () => {
    const group = await client().v2.createDmConversation({
      conversation_type: 'Group',
      participant_ids: [to(), account('read-write').user_id],
      message: { text: 'hello, group' },
    });
    const again = await client().v2.sendDmInConversation(group.data.dm_conversation_id, { text: 'and again' });
    assert.equal(again.data.dm_conversation_id, group.data.dm_conversation_id);
  });

  test('a read-write token cannot send DMs', async () => {
    const e = await refusal(client('read-write').v2.sendDmToParticipant(to(), { text: 'no DM permission' }));
    assert.equal(e.code, 403);
    assert.equal(suffix(e), '/2/problems/oauth1-permissions');
  });
});

describe('PIN flow', () => {
  const app = () => new TwitterApi({ appKey: tokens().appKey, appSecret: tokens().appSecret }, settings);

  async function login(linkMode) {
    // generateAuthLink sends oauth_callback=oob in the form body, the other oauth_* in the header.
    const link = await app().generateAuthLink('oob', linkMode ? { linkMode } : undefined);
    assert.equal(link.oauth_callback_confirmed, 'true');
    assert.match(link.url, new RegExp(`/oauth/${linkMode ?? 'authenticate'}\\?oauth_token=`));
    const pin = await approve(link.url, 'xkeys_readwrite');
    const pending = new TwitterApi(
      { ...tokens(), accessToken: link.oauth_token, accessSecret: link.oauth_token_secret },
      settings,
    );
    // login sends oauth_token in the header and oauth_token + oauth_verifier in the form body.
    return pending.login(pin);
  }

  test('generateAuthLink(oob, authorize) and login(pin)', async () => {
    const { client: logged, screenName, userId } = await login('authorize');
    assert.equal(screenName, 'xkeys_readwrite');
    assert.equal(userId, account('read-write').user_id);
    assert.equal((await logged.v2.me()).data.username, 'xkeys_readwrite');
  });

  test('the default link mode, authenticate', async () => {
    const { client: logged } = await login();
    assert.equal((await logged.v2.me()).data.username, 'xkeys_readwrite');
  });
});

describe('app-only Bearer Token', () => {
  test('appLogin then a public lookup', async () => {
    const bearer = await app().appLogin();
    const user = await bearer.v2.userByUsername('xkeys_readonly');
    assert.equal(user.data.id, account('read-only').user_id);
  });

  test('Bearer on v2 users/me is unsupported-authentication', async () => {
    const bearer = await app().appLogin();
    const e = await refusal(bearer.v2.me());
    assert.equal(e.code, 403);
    assert.equal(suffix(e), '/2/problems/unsupported-authentication');
  });

  test('Bearer on v1.1 verify_credentials is 403 code 220', async () => {
    const bearer = await app().appLogin();
    const e = await refusal(bearer.currentUser());
    assert.equal(e.code, 403);
    assert.ok(e.hasErrorCode(220), JSON.stringify(e.data));
  });

  function app() {
    return new TwitterApi({ appKey: tokens().appKey, appSecret: tokens().appSecret }, settings);
  }
});

describe('v1.1', () => {
  test('currentUser (verify_credentials)', async () => {
    const me = await client().currentUser();
    assert.equal(me.screen_name, account().username);
  });

  test('v1.tweet is 403 code 453', async () => {
    const e = await refusal(client().v1.tweet('posted with v1.1'));
    assert.equal(e.code, 403, JSON.stringify(e.data));
    assert.ok(e.hasErrorCode(453), JSON.stringify(e.data));
  });
});

describe('rate limits', () => {
  test('a bot that waits for x-rate-limit-reset gets through', async () => {
    await resetRateLimits(); // the sandbox may be shared with earlier runs
    const limited = client('rate-limited');
    const e = await refusal(limited.v2.me());
    assert.equal(e.code, 429);
    assert.ok(e.rateLimitError);
    assert.equal(e.rateLimit.remaining, 0);
    const wait = secondsUntil(e.rateLimit.reset);
    assert.ok(wait <= RATE_LIMIT_WINDOW, `the reset is ${wait} s away, more than one window`);
    await new Promise((resolve) => setTimeout(resolve, (Math.max(wait, 0) + 1) * 1000));
    const me = await limited.v2.me();
    assert.equal(me.data.username, account('rate-limited').username);
  });
});
