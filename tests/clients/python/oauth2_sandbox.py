"""OAuth 2.0 (Authorization Code with PKCE) on the sandbox, for the real-client tests: its demo
clients, and the user who approves an app on its consent page.

The sandbox answers its demo accounts at /sandbox/accounts, OAuth 2.0 clients included: each demo
app's confidential client (client_id, client_secret), the public client of the full-access app
(public_client_id), and the callback URL every demo app registers (redirect_uri).
"""

import html.parser
import os
import urllib.parse

import requests

import xsandbox

# Why OAUTHLIB_INSECURE_TRANSPORT=1: oauthlib, under tweepy and requests-oauthlib, refuses every URL
# that is not https (the token URL, and the redirect URL the user comes back on) with
# InsecureTransportError. The sandbox speaks plain http on 127.0.0.1, and X itself says to register
# http://127.0.0.1 callback URLs for local development (docs.x.com, "Developer Apps"), so the tests
# set it (oauthlib reads it at every check). Against X leave it unset: X's URLs are all https.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

# X's hosts for the consent page: tweepy uses twitter.com, twitter-api-v2 and the docs x.com.
AUTHORIZE_ORIGINS = ("https://twitter.com", "https://x.com")


def _accounts():
    return requests.get(f"{xsandbox.BASE_URL}/sandbox/accounts", timeout=10).json()


REDIRECT_URI = _accounts()["redirect_uri"]


def client(scenario="full-access"):
    """The demo app's confidential OAuth 2.0 client: (client_id, client_secret)."""
    a = next(a for a in _accounts()["accounts"] if a["scenario"] == scenario)
    return a["client_id"], a["client_secret"]


def public_client_id():
    """The public client (PKCE only, no secret) of the full-access demo app."""
    return _accounts()["public_client_id"]


def demo_tokens(scenario):
    """The OAuth 2.0 tokens the sandbox issued to a demo user when it started."""
    a = next(a for a in _accounts()["accounts"] if a["scenario"] == scenario)
    return {k: a[k] for k in ("oauth2_access_token", "oauth2_refresh_token", "oauth2_scopes")}


class _Form(html.parser.HTMLParser):
    """The consent page's form: hidden inputs and the buttons."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self.buttons = {}
        self.options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type") == "submit":
            self.buttons[a.get("value")] = a.get("name")
        elif tag == "option":
            self.options.append(a.get("value"))


def to_sandbox(url):
    """The authorize URL a client built, on the sandbox's host."""
    for origin in AUTHORIZE_ORIGINS:
        if url.startswith(origin + "/"):
            return xsandbox.BASE_URL + url[len(origin):]
    return url


# ANCHOR: consent
def consent(authorize_url, username="xkeys_full", decision="allow"):
    """Plays the user on the consent page: opens the URL the client built (on the sandbox's host, as
    a browser opens X's), picks `username`, clicks Authorize (allow) or Cancel (deny); returns the
    URL the browser is sent back to, the callback with `state` and `code` (or `error`)."""
    page = requests.get(to_sandbox(authorize_url), timeout=10)
    assert page.status_code == 200, f"{page.status_code}: {xsandbox.explain(page)}"
    form = _Form()
    form.feed(page.text)
    assert username in form.options, f"the page offers {form.options}"
    fields = dict(form.fields, username=username)
    fields[form.buttons[decision]] = decision
    back = requests.post(
        f"{xsandbox.BASE_URL}/i/oauth2/authorize", data=fields, allow_redirects=False, timeout=10
    )
    assert back.status_code == 302, f"{back.status_code}: {xsandbox.explain(back)}"
    return back.headers["Location"]
# ANCHOR_END: consent


def clock_advance(seconds):
    """Moves the sandbox's OAuth 2.0 clock forward (codes live 30 s, access tokens 2 h)."""
    answer = requests.post(f"{xsandbox.BASE_URL}/sandbox/clock", params={"advance": seconds}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def query(url):
    """The query parameters of a URL, as a dict."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
