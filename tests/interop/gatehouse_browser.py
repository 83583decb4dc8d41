"""A scripted browser through Gatehouse's pages, shared by the Python interop scripts under tests/interop/.

The library under test (authlib, pysaml2, python3-saml) plays the client; this module plays the user's browser
between it and Gatehouse: a requests session (cookie jar) that follows no redirect by itself, the real /login and
/login/factor forms submitted as a browser would (every named input, the CSRF field included), and the run of a
script: the step it is at, a watchdog, and one line on stderr naming the step when it fails (exit 1).

The scripts run as `python tests/interop/<script>.py …`, which puts this directory on sys.path.
"""

import html.parser
import signal
import sys
from urllib.parse import urljoin, urlsplit

import requests

TIMEOUT_S = 10
WATCHDOG_S = 60
MAX_STEPS = 10

step = "starting"


def at_step(name):
    """Names the step the script is at, for the failure message and the watchdog."""
    global step
    step = name


class StepError(Exception):
    pass


def fail(message):
    raise StepError(message)


def run(label, main, args, errors=(Exception,)):
    """Runs `main(*args)` under a watchdog; a StepError, or one of `errors`, is printed with the step, exit 1."""

    def watchdog(_signum, _frame):
        print(f"{label} interop: no result within {WATCHDOG_S} s (step: {step})", file=sys.stderr)
        sys.exit(1)

    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(WATCHDOG_S)
    try:
        main(*args)
    except StepError as e:
        print(f"{label} interop failed at step {step!r}: {e}", file=sys.stderr)
        sys.exit(1)
    except errors as e:
        print(f"{label} interop failed at step {step!r}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        signal.alarm(0)


class Forms(html.parser.HTMLParser):
    """Every <form> of a page: its action, method and named inputs (name -> value), as a browser submits them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "id": attrs.get("id"), "inputs": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value") or ""


def forms_of(page):
    parser = Forms()
    parser.feed(page.text)
    return parser.forms


def text(response):
    """A page's text, shortened, for error messages."""
    parser = html.parser.HTMLParser()
    chunks = []
    parser.handle_data = chunks.append
    parser.feed(response.text)
    return " ".join(" ".join(chunks).split())[:500]


def browse(browser, method, url, **kwargs):
    """One request, no redirect followed: the script decides where the browser goes next."""
    try:
        return browser.request(method, url, allow_redirects=False, timeout=TIMEOUT_S, **kwargs)
    except requests.RequestException as e:
        fail(f"{method} {url} failed: {e}")


def submit_form(browser, page_url, path, fields):
    """Loads `page_url`, finds its POST form to `path` and submits it with `fields` filled in; returns where
    Gatehouse sends the browser next."""
    page = browse(browser, "GET", page_url)
    if page.status_code != 200:
        fail(f"{page_url}: {page.status_code} {text(page)}")
    form = next((f for f in forms_of(page) if urlsplit(f["action"]).path == path and f["method"] == "post"), None)
    if form is None:
        fail(f"no form posting to {path} on {page_url}: {text(page)}")
    if not form["inputs"].get("csrf"):
        fail(f"the form on {page_url} has no CSRF field: {sorted(form['inputs'])}")
    done = browse(browser, "POST", urljoin(page_url, form["action"]), data=dict(form["inputs"], **fields))
    location = done.headers.get("location")
    if not location:
        fail(f"{path} not accepted: {done.status_code} {text(done)}")
    return urljoin(page_url, location)


def sign_in(browser, login_url, username, password):
    """Fills in and posts the /login form at `login_url`; returns where Gatehouse sends the browser next."""
    return submit_form(browser, login_url, "/login", {"username": username, "password": password})


def through_sign_in(base, location, username, password, totp_code):
    """Follows Gatehouse from `location` through /login (and the factor form) to the page that posts the
    SAMLResponse; returns the browser, the page and its form."""
    browser = requests.Session()
    page = None
    for _ in range(MAX_STEPS):
        parts = urlsplit(location)
        if f"{parts.scheme}://{parts.netloc}" != base:
            fail(f"sent away from Gatehouse before the response: {location}")
        if parts.path == "/login":
            at_step("signing in")
            location = sign_in(browser, location, username, password)
            continue
        if parts.path == "/login/factor":
            if not totp_code:
                fail("a second factor was asked for, but no code was given")
            at_step("second factor")
            location = submit_form(browser, location, "/login/factor", {"method": "totp", "code": totp_code})
            continue
        at_step("single sign-on")
        page = browse(browser, "GET", location)
        if "location" in page.headers:
            location = urljoin(location, page.headers["location"])
            continue
        break
    if page is None or page.status_code != 200:
        fail(f"no response page: {getattr(page, 'status_code', None)} {text(page) if page is not None else ''}")
    if "no-store" not in page.headers.get("cache-control", ""):
        fail(f"the response page may be cached: {page.headers.get('cache-control')!r}")
    form = next((f for f in forms_of(page) if "SAMLResponse" in f["inputs"]), None)
    if form is None:
        fail(f"no SAMLResponse form: {text(page)}")
    return browser, page, form


def signed_out(base, browser):
    """Whether Gatehouse has forgotten the browser's session: its account page sends it to /login."""
    account = browse(browser, "GET", f"{base}/account")
    return account.status_code in (302, 303) and "/login" in account.headers.get("location", "")
