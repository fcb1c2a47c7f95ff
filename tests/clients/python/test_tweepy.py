"""tweepy 4.17 against the sandbox: what a tweepy bot does, and what X answers it.

Run by tests/real_clients.rs (`cargo test --test real_clients`), or by hand with the sandbox running:
    target/clients/venv/bin/python -m unittest -v test_tweepy     (in tests/clients/python)
"""

import io
import struct
import time
import unittest
import zlib

import tweepy

import xsandbox
from xsandbox import account, approve, keys

# tweepy talks to https://api.twitter.com: send it to the sandbox instead (see xsandbox.py).
xsandbox.send_x_requests_to_sandbox()


def tiny_png():
    """A valid 1x1 PNG, made here (no file to ship)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# ANCHOR: bot
def post_hello(keys):
    """What a tweepy bot does: a client from its four keys, then a post. Returns both."""
    client = tweepy.Client(**keys)  # consumer_key=..., consumer_secret=..., access_token=..., ...
    posted = client.create_tweet(text=f"hello from tweepy {time.time()}")
    return client, posted.data["id"]
# ANCHOR_END: bot


class UserContext(unittest.TestCase):
    """tweepy.Client with the four keys (OAuth 1.0a user context), the way a bot posts."""

    def test_get_me_names_the_demo_user(self):
        client = tweepy.Client(**keys())
        me = client.get_me(user_fields=["created_at", "public_metrics"])
        self.assertEqual(me.data.username, account()["username"])
        self.assertEqual(str(me.data.id), account()["user_id"])
        self.assertIn("followers_count", me.data.public_metrics)
        self.assertIsNotNone(me.data.created_at)

    def test_post_then_delete(self):
        client, post_id = post_hello(keys())
        self.assertTrue(post_id.isdigit(), post_id)
        self.assertEqual(client.delete_tweet(post_id).data, {"deleted": True})

    def test_read_only_token_is_refused_with_oauth1_permissions(self):
        client = tweepy.Client(**keys("read-only"))
        with self.assertRaises(tweepy.Forbidden) as refused:
            client.create_tweet(text="a read-only token cannot post")
        response = refused.exception.response
        self.assertEqual(response.headers["x-access-level"], "read")
        self.assertTrue(response.json()["type"].endswith("/2/problems/oauth1-permissions"))
        # tweepy falls back to the problem's detail for its message.
        self.assertIn("oauth1 app permissions", refused.exception.api_messages[0])

    def test_wrong_secret_is_401_unauthorized(self):
        wrong = dict(keys(), access_token_secret="not-the-access-token-secret")
        with self.assertRaises(tweepy.Unauthorized) as refused:
            tweepy.Client(**wrong).get_me()
        self.assertEqual(refused.exception.api_messages, ["Unauthorized"])
        self.assertTrue(xsandbox.explain(refused.exception.response).startswith("signature mismatch"))

    def test_revoked_token_is_401_on_v2_and_code_89_on_v1_1(self):
        with self.assertRaises(tweepy.Unauthorized):
            tweepy.Client(**keys("revoked")).get_me()
        k = keys("revoked")
        api = tweepy.API(tweepy.OAuth1UserHandler(**k))
        with self.assertRaises(tweepy.Unauthorized) as refused:
            api.verify_credentials()
        self.assertEqual(refused.exception.api_codes, [89])

    def test_media_upload_then_post_with_the_media_id(self):
        """tweepy uploads with v1.1 media/upload (a 'media post', which stays available), then posts
        with v2."""
        api = tweepy.API(tweepy.OAuth1UserHandler(**keys()))
        media = api.media_upload("pixel.png", file=io.BytesIO(tiny_png()))
        self.assertTrue(str(media.media_id).isdigit(), media)
        client = tweepy.Client(**keys())
        posted = client.create_tweet(media_ids=[media.media_id])
        self.assertTrue(posted.data["id"].isdigit())


class PinFlow(unittest.TestCase):
    """OAuth1UserHandler: a bot gets the tokens of the account it posts as."""

    def login(self, signin_with_twitter=False, access_type=None):
        a = account()
        auth = tweepy.OAuth1UserHandler(a["X_API_KEY"], a["X_API_KEY_SECRET"], callback="oob")
        url = auth.get_authorization_url(signin_with_twitter=signin_with_twitter, access_type=access_type)
        page = "authenticate" if signin_with_twitter else "authorize"
        self.assertIn(f"/oauth/{page}?oauth_token=", url)
        pin = approve(url, "xkeys_readonly")
        token, secret = auth.get_access_token(pin)
        self.assertTrue(token.startswith(account("read-only")["user_id"] + "-"), "the token names its user")
        return tweepy.Client(consumer_key=a["X_API_KEY"], consumer_secret=a["X_API_KEY_SECRET"],
                             access_token=token, access_token_secret=secret)

    def test_authorize_and_pin(self):
        client = self.login()
        self.assertEqual(client.get_me().data.username, "xkeys_readonly")

    def test_sign_in_with_x(self):
        """get_authorization_url(signin_with_twitter=True) sends the user to /oauth/authenticate."""
        client = self.login(signin_with_twitter=True)
        self.assertEqual(client.get_me().data.username, "xkeys_readonly")

    def test_access_type_read_gives_a_read_only_token(self):
        client = self.login(access_type="read")
        with self.assertRaises(tweepy.Forbidden) as refused:
            client.create_tweet(text="read access only")
        self.assertEqual(refused.exception.response.headers["x-access-level"], "read")


class AppOnly(unittest.TestCase):
    """OAuth2AppHandler: the app's Bearer Token, for public reads."""

    def bearer(self):
        a = account()
        return tweepy.OAuth2AppHandler(a["X_API_KEY"], a["X_API_KEY_SECRET"])._bearer_token

    def test_bearer_reads_a_user(self):
        client = tweepy.Client(bearer_token=self.bearer())
        user = client.get_user(username="xkeys_readonly")
        self.assertEqual(str(user.data.id), account("read-only")["user_id"])

    def test_bearer_on_a_user_context_v2_endpoint_is_unsupported_authentication(self):
        client = tweepy.Client(bearer_token=self.bearer())
        with self.assertRaises(tweepy.Forbidden) as refused:
            client.request("GET", "/2/users/me")
        self.assertTrue(refused.exception.response.json()["type"].endswith("/2/problems/unsupported-authentication"))

    def test_bearer_on_v1_1_verify_credentials_is_code_220(self):
        """X answers 403 with v1.1 code 220 "Your credentials do not allow access to this resource"."""
        api = tweepy.API(tweepy.OAuth2BearerHandler(self.bearer()))
        with self.assertRaises(tweepy.Forbidden) as refused:
            api.verify_credentials()
        self.assertEqual(refused.exception.api_codes, [220], refused.exception.response.text)


class V1(unittest.TestCase):
    """tweepy.API: v1.1, what is left of it."""

    def test_verify_credentials(self):
        user = tweepy.API(tweepy.OAuth1UserHandler(**keys())).verify_credentials()
        self.assertEqual(user.screen_name, account()["username"])
        self.assertEqual(user.id_str, account()["user_id"])

    def test_update_status_is_453(self):
        """POST /1.1/statuses/update.json: pay-per-use access has no v1.1 posting, X answers 403
        code 453 (the most common cause of 453)."""
        api = tweepy.API(tweepy.OAuth1UserHandler(**keys()))
        with self.assertRaises(tweepy.Forbidden) as refused:
            api.update_status("posted with v1.1")
        self.assertEqual(refused.exception.api_codes, [453], refused.exception.response.text)
        self.assertIn("limited v1.1 endpoints", refused.exception.api_messages[0])


class RateLimits(unittest.TestCase):
    """wait_on_rate_limit: tweepy sleeps until x-rate-limit-reset, then tries again."""

    def setUp(self):
        # The sandbox may be shared with earlier runs: start with the rate-limited account at its limit.
        xsandbox.reset_rate_limits()

    def test_429_says_when_to_come_back(self):
        with self.assertRaises(tweepy.TooManyRequests) as limited:
            tweepy.Client(**keys("rate-limited")).get_me()
        headers = limited.exception.response.headers
        self.assertEqual(headers["x-rate-limit-remaining"], "0")
        wait = xsandbox.seconds_until(headers["x-rate-limit-reset"])
        self.assertLessEqual(wait, xsandbox.rate_limit_window(), "the reset is within one window")

    def test_a_client_that_waits_for_the_reset_gets_through(self):
        """In the rate-limited scenario x-rate-limit-reset stays put: tweepy's wait_on_rate_limit
        waits for it once, then gets through."""
        window = xsandbox.rate_limit_window()
        client = tweepy.Client(**keys("rate-limited"), wait_on_rate_limit=True)
        started = time.monotonic()
        with xsandbox.deadline(2 * window + 10, "tweepy waited for x-rate-limit-reset twice"):
            me = client.get_me()
        self.assertEqual(me.data.username, account("rate-limited")["username"])
        self.assertLessEqual(time.monotonic() - started, window + 5, "one window at most")


if __name__ == "__main__":
    unittest.main(verbosity=2)
