"""tweepy 4.17's OAuth2UserHandler (Authorization Code with PKCE) against the sandbox: the login a
tweepy bot does, the calls it makes with the user's token, and what X answers it.

Run by tests/sandbox_real_clients.rs, or by hand with the sandbox running:
    target/clients/venv/bin/python -m unittest -v test_tweepy_oauth2     (in tests/clients/python)
"""

import time
import unittest

import oauthlib.oauth2
import tweepy

import oauth2_sandbox as o2
import xsandbox

# tweepy talks to https://api.twitter.com: send it to the sandbox instead (see xsandbox.py).
xsandbox.send_x_requests_to_sandbox()

# tweepy hard-codes X's token URL; the patch above sends it to the sandbox.
TOKEN_URL = "https://api.twitter.com/2/oauth2/token"
SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access"]


# ANCHOR: login
def login(scopes=SCOPES, confidential=True, username="xkeys_full"):
    """What a tweepy bot does once: the authorize URL, the user's consent, the code for a token."""
    client_id, client_secret = o2.client()
    handler = tweepy.OAuth2UserHandler(
        client_id=client_id if confidential else o2.public_client_id(),
        redirect_uri=o2.REDIRECT_URI,
        scope=scopes,
        client_secret=client_secret if confidential else None,  # a public client has none
    )
    callback = o2.consent(handler.get_authorization_url(), username)  # the user, in a browser
    token = handler.fetch_token(callback)  # checks `state`, sends the code and the PKCE verifier
    return handler, token
# ANCHOR_END: login


class OAuth2UserHandlerFlow(unittest.TestCase):
    """tweepy's OAuth 2.0 login, then tweepy.Client with the user's access token."""

    def test_a_confidential_client_logs_in_posts_and_deletes(self):
        _, token = login()
        self.assertEqual((token["token_type"], token["expires_in"]), ("bearer", 7200))
        self.assertEqual(set(token["scope"]), set(SCOPES))
        self.assertIn("refresh_token", token, "offline.access gives a refresh token")
        client = tweepy.Client(token["access_token"])
        self.assertEqual(client.get_me(user_auth=False).data.username, "xkeys_full")
        posted = client.create_tweet(text=f"hello from tweepy over OAuth 2.0 {time.time()}", user_auth=False)
        self.assertEqual(client.delete_tweet(posted.data["id"], user_auth=False).data, {"deleted": True})

    def test_a_public_client_logs_in_with_pkce_alone(self):
        _, token = login(scopes=["tweet.read", "users.read"], confidential=False, username="xkeys_readwrite")
        self.assertNotIn("refresh_token", token, "no offline.access, no refresh token")
        me = tweepy.Client(token["access_token"]).get_me(user_auth=False)
        self.assertEqual(me.data.username, "xkeys_readwrite", "the account picked on the page")

    def test_refresh_rotates_and_a_spent_refresh_token_is_refused(self):
        handler, token = login()
        # tweepy has no refresh helper; its handler is a requests-oauthlib OAuth2Session.
        fresh = handler.refresh_token(TOKEN_URL, auth=handler.auth)
        self.assertNotEqual(fresh["refresh_token"], token["refresh_token"])
        self.assertEqual(tweepy.Client(fresh["access_token"]).get_me(user_auth=False).data.username, "xkeys_full")
        # X answers 400 invalid_request; oauthlib raises the first error class named so.
        with self.assertRaises(oauthlib.oauth2.rfc6749.errors.OAuth2Error) as spent:
            handler.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"], auth=handler.auth)
        self.assertEqual(spent.exception.error, "invalid_request")
        self.assertEqual(spent.exception.status_code, 400)
        self.assertEqual(spent.exception.description, "Value passed for the token was invalid.")

    def test_a_missing_scope_is_403_forbidden(self):
        _, token = login(scopes=["tweet.read", "users.read"])
        client = tweepy.Client(token["access_token"])
        with self.assertRaises(tweepy.Forbidden) as refused:
            client.create_tweet(text="no tweet.write", user_auth=False)
        self.assertEqual(refused.exception.api_messages, ["Forbidden"])
        self.assertIn("tweet.write", xsandbox.explain(refused.exception.response))

    def test_bookmarks_take_the_oauth2_token(self):
        _, token = login(scopes=SCOPES + ["bookmark.write"])
        client = tweepy.Client(token["access_token"])
        self.assertEqual(client.bookmark("1460323737035677698").data, {"bookmarked": True})

    def test_an_expired_token_is_401_until_refreshed(self):
        demo = o2.demo_tokens("oauth2-expired")
        with self.assertRaises(tweepy.Unauthorized) as refused:
            tweepy.Client(demo["oauth2_access_token"]).get_me(user_auth=False)
        self.assertIn("expired", xsandbox.explain(refused.exception.response))
        client_id, client_secret = o2.client("oauth2-expired")
        handler = tweepy.OAuth2UserHandler(
            client_id=client_id, redirect_uri=o2.REDIRECT_URI, scope=demo["oauth2_scopes"].split(), client_secret=client_secret
        )
        fresh = handler.refresh_token(TOKEN_URL, refresh_token=demo["oauth2_refresh_token"], auth=handler.auth)
        me = tweepy.Client(fresh["access_token"]).get_me(user_auth=False)
        self.assertEqual(me.data.username, xsandbox.account("oauth2-expired")["username"])


if __name__ == "__main__":
    unittest.main()
