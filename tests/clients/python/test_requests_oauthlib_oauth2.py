"""A plain requests-oauthlib 2.0 bot on OAuth 2.0 (OAuth2Session with PKCE) against the sandbox:
the login, the calls, refresh, revoke, and X's refusals, with nothing but requests-oauthlib.

Run by tests/sandbox_real_clients.rs, or by hand with the sandbox running:
    target/clients/venv/bin/python -m unittest -v test_requests_oauthlib_oauth2     (in tests/clients/python)
"""

import unittest

import oauthlib.oauth2
from requests_oauthlib import OAuth1Session, OAuth2Session

import oauth2_sandbox as o2
import xsandbox

# X's URLs, sent to the sandbox (see xsandbox.py).
xsandbox.send_x_requests_to_sandbox()
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = "https://api.x.com/2/oauth2/token"
REVOKE_URL = "https://api.x.com/2/oauth2/revoke"
API = "https://api.x.com/2"
SCOPES = ["tweet.read", "users.read", "offline.access"]


# ANCHOR: login
def login(client_id, client_secret=None, scopes=SCOPES):
    """An OAuth2Session with PKCE, logged in: the authorize URL, the user's consent, the token.

    A confidential client's secret goes in a Basic header (requests-oauthlib's default when it has
    one); a public client sends its client_id in the body, as X's docs ask.
    """
    session = OAuth2Session(client_id, redirect_uri=o2.REDIRECT_URI, scope=scopes, pkce="S256")
    url, _state = session.authorization_url(AUTHORIZE_URL)
    callback = o2.consent(url)  # the user, in a browser
    if client_secret is None:
        session.fetch_token(TOKEN_URL, authorization_response=callback, include_client_id=True)
    else:
        session.fetch_token(TOKEN_URL, authorization_response=callback, client_secret=client_secret)
    return session
# ANCHOR_END: login


class PkceLogin(unittest.TestCase):
    def test_a_public_client_logs_in_refreshes_and_revokes(self):
        public = o2.public_client_id()
        session = login(public)
        self.assertEqual(session.get(f"{API}/users/me").json()["data"]["username"], "xkeys_full")
        first = dict(session.token)
        fresh = session.refresh_token(TOKEN_URL, client_id=public)  # public: client_id in the body
        self.assertNotEqual(fresh["refresh_token"], first["refresh_token"])
        self.assertEqual(session.get(f"{API}/users/me").status_code, 200)
        revoked = session.post(REVOKE_URL, data={"token": fresh["access_token"], "token_type_hint": "access_token", "client_id": public})
        self.assertEqual((revoked.status_code, revoked.json()), (200, {"revoked": True}))
        after = session.get(f"{API}/users/me")
        self.assertEqual(after.status_code, 401, xsandbox.explain(after))

    def test_a_confidential_client_uses_basic(self):
        client_id, client_secret = o2.client()
        session = login(client_id, client_secret)
        self.assertEqual(session.get(f"{API}/users/me").status_code, 200)
        # Without the secret X answers 401 unauthorized_client, and oauthlib raises it.
        with self.assertRaises(oauthlib.oauth2.rfc6749.errors.UnauthorizedClientError) as refused:
            session.refresh_token(TOKEN_URL, client_id=client_id)
        self.assertEqual(refused.exception.description, "Missing valid authorization header")

    def test_a_cancelled_consent_comes_back_as_access_denied(self):
        session = OAuth2Session(o2.public_client_id(), redirect_uri=o2.REDIRECT_URI, scope=SCOPES, pkce="S256")
        url, state = session.authorization_url(AUTHORIZE_URL)
        callback = o2.consent(url, decision="deny")
        self.assertEqual(o2.query(callback), {"error": "access_denied", "state": state})
        with self.assertRaises(oauthlib.oauth2.rfc6749.errors.AccessDeniedError):
            session.fetch_token(TOKEN_URL, authorization_response=callback, include_client_id=True)

    def test_a_code_lives_30_seconds(self):
        session = OAuth2Session(o2.public_client_id(), redirect_uri=o2.REDIRECT_URI, scope=SCOPES, pkce="S256")
        url, _ = session.authorization_url(AUTHORIZE_URL)
        callback = o2.consent(url)
        o2.clock_advance(31)
        # X answers 400 invalid_request; oauthlib raises the first error class named so.
        with self.assertRaises(oauthlib.oauth2.rfc6749.errors.OAuth2Error) as late:
            session.fetch_token(TOKEN_URL, authorization_response=callback, include_client_id=True)
        self.assertEqual((late.exception.error, late.exception.status_code), ("invalid_request", 400))
        self.assertEqual(late.exception.description, "Value passed for the authorization code was invalid.")


class AuthenticationTypes(unittest.TestCase):
    def test_oauth1_on_bookmarks_is_403_unsupported_authentication(self):
        a = xsandbox.account()
        oauth1 = OAuth1Session(a["X_API_KEY"], a["X_API_KEY_SECRET"], a["X_ACCESS_TOKEN"], a["X_ACCESS_TOKEN_SECRET"])
        refused = oauth1.post(f"{API}/users/{a['user_id']}/bookmarks", json={"tweet_id": "1460323737035677698"})
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(
            refused.json()["detail"],
            "Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  "
            "Supported authentication types are [OAuth 2.0 User Context].",
        )

    def test_an_oauth2_token_on_v1_1_is_403(self):
        session = login(o2.public_client_id())
        refused = session.get("https://api.x.com/1.1/account/verify_credentials.json")
        self.assertEqual(refused.status_code, 403, xsandbox.explain(refused))


if __name__ == "__main__":
    unittest.main()
