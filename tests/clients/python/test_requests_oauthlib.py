"""A plain bot on requests-oauthlib 2.0 (oauthlib 3.3) against the sandbox: it reads its base URL
from X_API_BASE_URL, so it needs no patch.

Run by tests/real_clients.rs (`cargo test --test real_clients`), or by hand with the sandbox running:
    target/clients/venv/bin/python -m unittest -v test_requests_oauthlib   (in tests/clients/python)
"""

import email.utils
import time
import unittest
import urllib.parse

from oauthlib.oauth1 import SIGNATURE_TYPE_BODY

import xsandbox
from xsandbox import approve

# ANCHOR: bot
import requests
from requests_oauthlib import OAuth1, OAuth1Session

# BASE_URL is os.environ["X_API_BASE_URL"]: https://api.x.com for X, the sandbox's address in tests.
# account() gives a demo account's keys, under the names a bot reads from its environment.
from xsandbox import BASE_URL, account

TIMEOUT = 10  # seconds; requests has no timeout of its own


def oauth1(scenario="full-access", **extra):
    a = account(scenario)  # the four keys a bot reads from its environment: X_API_KEY, ...
    return OAuth1(a["X_API_KEY"], a["X_API_KEY_SECRET"], a["X_ACCESS_TOKEN"], a["X_ACCESS_TOKEN_SECRET"], **extra)


def post_json(path, body, scenario="full-access"):
    return requests.post(f"{BASE_URL}{path}", json=body, auth=oauth1(scenario), timeout=TIMEOUT)
# ANCHOR_END: bot


def request_token(scenario="full-access", callback="oob", **session_args):
    a = account(scenario)
    session = OAuth1Session(a["X_API_KEY"], client_secret=a["X_API_KEY_SECRET"], callback_uri=callback, **session_args)
    return session, session.fetch_request_token(f"{BASE_URL}/oauth/request_token", timeout=TIMEOUT)


def pin_login(scenario="full-access", username="xkeys_full"):
    """The whole PIN flow; returns an OAuth1 for the new token."""
    a = account(scenario)
    session, token = request_token(scenario)
    pin = approve(session.authorization_url(f"{BASE_URL}/oauth/authorize"), username)
    access = OAuth1Session(
        a["X_API_KEY"], client_secret=a["X_API_KEY_SECRET"],
        resource_owner_key=token["oauth_token"], resource_owner_secret=token["oauth_token_secret"], verifier=pin,
    ).fetch_access_token(f"{BASE_URL}/oauth/access_token", timeout=TIMEOUT)
    return OAuth1(a["X_API_KEY"], a["X_API_KEY_SECRET"], access["oauth_token"], access["oauth_token_secret"])


def problem_type(response):
    return response.json().get("type", "")


class Requests(unittest.TestCase):
    def test_get_me(self):
        r = requests.get(f"{BASE_URL}/2/users/me", auth=oauth1(), timeout=TIMEOUT)
        self.assertEqual(r.status_code, 200, xsandbox.explain(r))
        self.assertEqual(r.json()["data"]["username"], account()["username"])
        self.assertEqual(r.headers["x-access-level"], "read-write-directmessages")

    def test_user_fields_of_the_2_167_schema(self):
        """users-me.v2.167.json: `subscribes_to_you` is a user field; `pinned_tweet_id` and
        `most_recent_post_id` are not (the second is an expansion)."""
        ok = requests.get(f"{BASE_URL}/2/users/me", params={"user.fields": "subscribes_to_you,created_at"},
                          auth=oauth1(), timeout=TIMEOUT)
        self.assertEqual(ok.status_code, 200, ok.text)
        for wrong in ["pinned_tweet_id", "most_recent_post_id"]:
            r = requests.get(f"{BASE_URL}/2/users/me", params={"user.fields": wrong}, auth=oauth1(), timeout=TIMEOUT)
            self.assertEqual(r.status_code, 400, f"user.fields={wrong}: {r.text}")
            self.assertTrue(problem_type(r).endswith("/2/problems/invalid-request"))

    def test_post_with_an_unknown_property_is_400_invalid_request(self):
        """CreatePostsRequest has additionalProperties:false (tweets-create-delete.v2.167.json)."""
        r = post_json("/2/tweets", {"text": "an unknown property", "nonsense": True})
        self.assertEqual(r.status_code, 400, r.text)
        body = r.json()
        self.assertTrue(body["type"].endswith("/2/problems/invalid-request"), body)
        self.assertEqual(body["title"], "Invalid Request")
        self.assertTrue(any("nonsense" in e["message"] for e in body["errors"]), body)

    def test_a_poll_needs_no_text(self):
        """`text` is optional in the 2.167 schema: a poll-only post is valid."""
        r = post_json("/2/tweets", {"poll": {"options": ["yes", "no"], "duration_minutes": 60}})
        self.assertEqual(r.status_code, 201, r.text)
        self.assertIn("id", r.json()["data"])

    def test_a_post_without_text_or_media_is_400(self):
        r = post_json("/2/tweets", {})
        self.assertEqual(r.status_code, 400, r.text)
        self.assertTrue(problem_type(r).endswith("/2/problems/invalid-request"))

    def test_problem_types_come_with_both_hosts(self):
        """X's problem `type` URIs start with https://api.x.com/ or https://api.twitter.com/: a bot
        must compare the suffix."""
        seen = set()
        for i in range(4):
            r = post_json("/2/tweets", {"text": f"read-only {i}"}, scenario="read-only")
            self.assertEqual(r.status_code, 403)
            kind = problem_type(r)
            self.assertTrue(kind.endswith("/2/problems/oauth1-permissions"), kind)
            seen.add(kind[: -len("/2/problems/oauth1-permissions")])
        self.assertEqual(seen, {"https://api.x.com", "https://api.twitter.com"})


class DirectMessages(unittest.TestCase):
    """dm-create.v2.167.json: three ways to send a DM."""

    def test_send_to_a_participant(self):
        r = post_json(f"/2/dm_conversations/with/{account('read-only')['user_id']}/messages", {"text": "hi"})
        self.assertEqual(r.status_code, 201, r.text)
        self.assertEqual(set(r.json()["data"]), {"dm_conversation_id", "dm_event_id"})

    def test_an_unknown_property_is_400(self):
        """The DM request schemas have additionalProperties:false."""
        r = post_json(f"/2/dm_conversations/with/{account('read-only')['user_id']}/messages",
                      {"text": "hi", "nonsense": 1})
        self.assertEqual(r.status_code, 400, r.text)
        self.assertTrue(problem_type(r).endswith("/2/problems/invalid-request"))

    def test_a_group_conversation_then_a_message_in_it(self):
        """POST /2/dm_conversations and /2/dm_conversations/:id/messages."""
        group = post_json("/2/dm_conversations", {
            "conversation_type": "Group",
            "participant_ids": [account("read-only")["user_id"], account("read-write")["user_id"]],
            "message": {"text": "hello, group"},
        })
        self.assertEqual(group.status_code, 201, group.text)
        conversation = group.json()["data"]["dm_conversation_id"]
        again = post_json(f"/2/dm_conversations/{conversation}/messages", {"text": "and again"})
        self.assertEqual(again.status_code, 201, again.text)
        self.assertEqual(again.json()["data"]["dm_conversation_id"], conversation)


class PinFlow(unittest.TestCase):
    def test_oauth1_session_pin_flow(self):
        auth = pin_login()
        r = requests.get(f"{BASE_URL}/2/users/me", auth=auth, timeout=TIMEOUT)
        self.assertEqual(r.json()["data"]["username"], "xkeys_full")

    def test_request_token_signed_in_the_body(self):
        """oauthlib's SIGNATURE_TYPE_BODY puts every oauth_* parameter in the form body (RFC 5849
        §3.5.2)."""
        _, token = request_token(signature_type=SIGNATURE_TYPE_BODY)
        self.assertEqual(token.get("oauth_callback_confirmed"), "true")

    def test_access_token_as_x_documents_it(self):
        """X's reference: POST /oauth/access_token?oauth_token=...&oauth_verifier=..., "Authentication:
        Not required", and its curl example sends no Authorization header."""
        session, token = request_token()
        pin = approve(session.authorization_url(f"{BASE_URL}/oauth/authorize"), "xkeys_full")
        query = urllib.parse.urlencode({"oauth_token": token["oauth_token"], "oauth_verifier": pin})
        r = requests.post(f"{BASE_URL}/oauth/access_token?{query}", timeout=TIMEOUT)
        self.assertEqual(r.status_code, 200, f"{r.text} {xsandbox.explain(r)}")
        answer = dict(urllib.parse.parse_qsl(r.text))
        self.assertEqual(answer["screen_name"], "xkeys_full")
        self.assertTrue(answer["oauth_token"].startswith(answer["user_id"] + "-"))

    def test_a_web_callback_not_registered_is_415(self):
        """A callback URL must be one of the app's (at most 10, exact match): X answers 403 code
        415 "Callback URL not approved for this client application."."""
        a = account()
        session = OAuth1Session(a["X_API_KEY"], client_secret=a["X_API_KEY_SECRET"],
                                callback_uri="https://attacker.example/steal")
        r = session.post(f"{BASE_URL}/oauth/request_token", timeout=TIMEOUT)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertEqual(r.json()["errors"][0]["code"], 415)

    def test_a_registered_web_callback_gets_the_verifier(self):
        """The app's registered callback: the authorize page sends the user back to it with
        oauth_token and oauth_verifier."""
        a = account()
        callback = a["callback_urls"][0]
        session, token = request_token(callback=callback)
        self.assertEqual(token["oauth_callback_confirmed"], "true")
        page = requests.get(session.authorization_url(f"{BASE_URL}/oauth/authorize"), timeout=TIMEOUT)
        form = xsandbox._Form()
        form.feed(page.text)
        fields = dict(form.fields, **{form.select: "xkeys_full", form.buttons["allow"]: "allow"})
        answer = requests.post(urllib.parse.urljoin(page.url, form.action), data=fields, timeout=TIMEOUT,
                               allow_redirects=False)
        self.assertIn(answer.status_code, (302, 303), answer.text[:300])
        back = urllib.parse.urlsplit(answer.headers["location"])
        self.assertEqual(urllib.parse.urlunsplit(back._replace(query="")), callback)
        self.assertEqual(dict(urllib.parse.parse_qsl(back.query))["oauth_token"], token["oauth_token"])


class V1(unittest.TestCase):
    def test_v1_unavailable_still_revokes_a_token(self):
        """The 453 message says "limited v1.1 endpoints (e.g. media post, oauth)" stay: revoking a
        token with POST /1.1/oauth/invalidate_token works."""
        auth = pin_login("v1-unavailable", "xkeys_nov1")
        r = requests.post(f"{BASE_URL}/1.1/oauth/invalidate_token", auth=auth, timeout=TIMEOUT)
        self.assertEqual(r.status_code, 200, r.text)
        again = requests.get(f"{BASE_URL}/2/users/me", auth=auth, timeout=TIMEOUT)
        self.assertEqual(again.status_code, 401)

    def test_v1_unavailable_verify_credentials_is_453(self):
        r = requests.get(f"{BASE_URL}/1.1/account/verify_credentials.json", auth=oauth1("v1-unavailable"),
                         timeout=TIMEOUT)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["errors"][0]["code"], 453)

    def test_an_unknown_token_is_code_89_and_not_called_revoked(self):
        """X answers 89 "Invalid or expired token" for a token it doesn't know; the sandbox's
        explanation must say unknown, not revoked."""
        a = account()
        made_up = OAuth1(a["X_API_KEY"], a["X_API_KEY_SECRET"], a["user_id"] + "-NoSuchTokenNoSuchTokenNoSuchToken01",
                         "NoSuchSecretNoSuchSecretNoSuchSecretNoSuch01")
        r = requests.get(f"{BASE_URL}/1.1/account/verify_credentials.json", auth=made_up, timeout=TIMEOUT)
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json()["errors"][0]["code"], 89)
        self.assertIn("unknown token", xsandbox.explain(r))
        self.assertNotIn("revoked", xsandbox.explain(r))

    def test_another_apps_token_is_not_called_revoked(self):
        a, other = account(), account("read-write")
        mixed = OAuth1(a["X_API_KEY"], a["X_API_KEY_SECRET"], other["X_ACCESS_TOKEN"], other["X_ACCESS_TOKEN_SECRET"])
        r = requests.get(f"{BASE_URL}/1.1/account/verify_credentials.json", auth=mixed, timeout=TIMEOUT)
        self.assertEqual(r.status_code, 401)
        self.assertIn("another app", xsandbox.explain(r))


class Clock(unittest.TestCase):
    def test_a_bot_that_follows_the_date_header_gets_through_and_the_reset_is_after_it(self):
        """clock-skew: the server's clock runs ahead. A bot reads `date` from the 401, signs with
        the server's time, and gets in; x-rate-limit-reset must then lie after that `date`."""
        url = f"{BASE_URL}/2/users/me"
        first = requests.get(url, auth=oauth1("clock-skew"), timeout=TIMEOUT)
        self.assertEqual(first.status_code, 401)
        server_now = email.utils.parsedate_to_datetime(first.headers["date"]).timestamp()
        offset = int(server_now - time.time())
        self.assertGreater(offset, 300, "the server clock is ahead by more than the window")
        fixed = requests.get(url, auth=oauth1("clock-skew", timestamp=str(int(time.time()) + offset)),
                             timeout=TIMEOUT)
        self.assertEqual(fixed.status_code, 200, xsandbox.explain(fixed))
        date = email.utils.parsedate_to_datetime(fixed.headers["date"]).timestamp()
        reset = int(fixed.headers["x-rate-limit-reset"])
        self.assertGreater(reset, date, "x-rate-limit-reset is in the server's future")
        self.assertLessEqual(reset - date, xsandbox.rate_limit_window() + 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
