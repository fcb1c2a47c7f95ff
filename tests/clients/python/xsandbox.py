"""What the real-client tests share: where the sandbox is, its demo accounts, the patch that points
tweepy at it, and the user who approves an app on its authorize page.

The sandbox prints its base URL and the keys of every demo account when it starts
(`cargo run -p xkeys-sandbox -- --port 8080`), and answers them as JSON at /sandbox/accounts; the
tests need only X_API_BASE_URL.
"""

import functools
import html.parser
import os
import re
import time
import urllib.parse

import requests

# ANCHOR: accounts
BASE_URL = os.environ["X_API_BASE_URL"].rstrip("/")


@functools.cache
def _sandbox():
    """The sandbox's demo accounts, as GET /sandbox/accounts answers them (asked once)."""
    answer = requests.get(f"{BASE_URL}/sandbox/accounts", timeout=10)
    answer.raise_for_status()
    return answer.json()


def account(scenario="full-access"):
    """The demo account of a scenario: username, user_id, callback_urls and the four keys under
    the names a bot reads them by (X_API_KEY, X_API_KEY_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET)."""
    for a in _sandbox()["accounts"]:
        if a["scenario"] == scenario:
            return {
                "username": a["username"],
                "user_id": a["user_id"],
                "callback_urls": a["callback_urls"],
                "X_API_KEY": a["api_key"],
                "X_API_KEY_SECRET": a["api_key_secret"],
                "X_ACCESS_TOKEN": a["access_token"],
                "X_ACCESS_TOKEN_SECRET": a["access_token_secret"],
            }
    raise KeyError(f"the sandbox has no demo account {scenario}")
# ANCHOR_END: accounts


def reset_rate_limits():
    """Forgets the sandbox's rate-limit windows (POST /sandbox/rate-limits/reset): a test that
    shares one sandbox with earlier runs starts as on a fresh one, the rate-limited account at its limit."""
    requests.post(f"{BASE_URL}/sandbox/rate-limits/reset", timeout=10).raise_for_status()


def rate_limit_window():
    """How long a rate-limit window lasts in this sandbox (`--rate-limit-window`), in seconds."""
    return _sandbox()["rate_limit_window_secs"]


def keys(scenario="full-access"):
    """The four keys of a demo account, as tweepy.Client takes them."""
    a = account(scenario)
    return {
        "consumer_key": a["X_API_KEY"],
        "consumer_secret": a["X_API_KEY_SECRET"],
        "access_token": a["X_ACCESS_TOKEN"],
        "access_token_secret": a["X_ACCESS_TOKEN_SECRET"],
    }


# ANCHOR: patch
# tweepy has no host option: it builds every URL from "https://api.twitter.com" (the upload host
# for media). This rewrites those origins to the sandbox's base URL in requests.Session.request,
# which every tweepy and requests-oauthlib call goes through *before* the request is prepared and
# signed, so the signature covers the URL that is really sent.
X_ORIGINS = (
    "https://api.twitter.com",
    "https://upload.twitter.com",
    "https://api.x.com",
    "https://upload.x.com",
)


def to_sandbox(url):
    """The URL with X's origin replaced by the sandbox's."""
    for origin in X_ORIGINS:
        if url == origin or url.startswith(origin + "/"):
            return BASE_URL + url[len(origin):]
    return url


def send_x_requests_to_sandbox():
    """Rewrites X's URLs to the sandbox's in every request that requests sends (once)."""
    send_to_x = requests.Session.request
    if getattr(send_to_x, "to_sandbox", False):
        return

    def send_to_sandbox(self, method, url, *args, **kwargs):
        return send_to_x(self, method, to_sandbox(url), *args, **kwargs)

    send_to_sandbox.to_sandbox = True
    requests.Session.request = send_to_sandbox


# ANCHOR_END: patch


class _Form(html.parser.HTMLParser):
    """The first form of a page: its action, hidden inputs, select options and submit buttons."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.select = None
        self.options = []
        self.buttons = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option":
            self.options.append(a.get("value"))
        elif tag == "button" and a.get("type") == "submit":
            self.buttons[a.get("value")] = a.get("name")


# ANCHOR: approve
def approve(authorize_url, username, decision="allow"):
    """Plays the user on the authorize page: opens it, picks `username`, submits; returns the PIN.

    The page is the sandbox's: the URL a client gives (https://api.x.com/oauth/authorize?...) is
    opened at the sandbox, as a browser would open X's.
    """
    page = requests.get(to_sandbox(authorize_url), timeout=10)
    assert page.status_code == 200, f"the authorize page {page.url} answers {page.status_code}: {page.text[:300]}"
    form = _Form()
    form.feed(page.text)
    assert form.action is not None, f"no form on {page.url}:\n{page.text[:500]}"
    assert username in form.options, f"the page offers {form.options}, not {username}"
    assert decision in form.buttons, f"no '{decision}' button: {form.buttons}"
    fields = dict(form.fields)
    fields[form.select] = username
    fields[form.buttons[decision]] = decision
    answer = requests.post(urllib.parse.urljoin(page.url, form.action), data=fields, timeout=10)
    assert answer.status_code == 200, f"submitting the form: {answer.status_code} {answer.text[:300]}"
    if decision != "allow":
        return None
    found = re.search(r'id="pin">(\d{7})<', answer.text)
    assert found, f"no 7-digit PIN on the answer page:\n{answer.text[:500]}"
    return found.group(1)
# ANCHOR_END: approve


def seconds_until(reset):
    """Seconds from now until a Unix time."""
    return int(reset) - int(time.time())


def explain(response):
    """The sandbox's explanation of a refusal, for failure messages."""
    return response.headers.get("x-sandbox-explain", "(no x-sandbox-explain)")


class deadline:
    """Fails the block with TimeoutError after `seconds` (SIGALRM: main thread, Unix)."""

    def __init__(self, seconds, what):
        self.seconds = int(seconds)
        self.what = what

    def _expired(self, *_):
        raise TimeoutError(f"{self.what}: still waiting after {self.seconds} s")

    def __enter__(self):
        import signal

        self._previous = signal.signal(signal.SIGALRM, self._expired)
        signal.alarm(self.seconds)
        return self

    def __exit__(self, *exc):
        import signal

        signal.alarm(0)
        signal.signal(signal.SIGALRM, self._previous)
        return False
