"""Pushed Authorization Requests (RFC 9126): Python's authlib 1.9 against Gatehouse.

    python tests/interop/oidc_authlib_par.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD

authlib has no PAR helper of its own, so the script does what an authlib application does: OAuth2Session builds
the authorization request (PKCE S256, state, nonce); its parameters are POSTed to the discovered
`pushed_authorization_request_endpoint` with authlib's own client authentication (client_secret_basic, the
session's `client_auth`); the browser is sent to /authorize with only client_id and request_uri; the real sign-in
form is driven with a requests session; then authlib's fetch_token redeems the code with the PKCE verifier. Last,
the same request_uri again: refused on Gatehouse's page (400, no redirect).

The client must be confidential and trusted (no consent page); the user must have a password and no second factor.

On success prints one JSON line (see `result` in main); on failure prints the step and the error to stderr and
exits 1.
"""

import json
import sys
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError

from gatehouse_browser import TIMEOUT_S, at_step, browse, fail, run, sign_in, text

MAX_REDIRECTS = 10


def authorize(browser, start, issuer, redirect_uri, username, password):
    """Follows Gatehouse's redirects, signing in on the way, until one leads to the redirect URI; returns that."""
    location = start
    for _ in range(MAX_REDIRECTS):
        if location.startswith(redirect_uri):
            return location
        page = browse(browser, "GET", location)
        if "location" not in page.headers:
            fail(f"no redirect from {location}: {page.status_code} {text(page)}")
        target = urljoin(location, page.headers["location"])
        parts = urlsplit(target)
        if f"{parts.scheme}://{parts.netloc}" == issuer and parts.path == "/login":
            at_step("signing in")
            location = sign_in(browser, target, username, password)
            at_step("authorizing")
        else:
            location = target
    fail(f"more than {MAX_REDIRECTS} redirects without reaching {redirect_uri}")


def main(issuer, client_id, client_secret, redirect_uri, username, password):
    at_step("discovery")
    metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    metadata = metadata.json()
    par_endpoint = metadata.get("pushed_authorization_request_endpoint")
    if not par_endpoint:
        fail("discovery advertises no pushed_authorization_request_endpoint")

    at_step("authorization request")
    oauth = OAuth2Session(
        client_id,
        client_secret,
        token_endpoint_auth_method="client_secret_basic",
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=TIMEOUT_S,
    )
    code_verifier = generate_token(64)
    nonce = generate_token(32)
    built, state = oauth.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
    )
    parameters = dict(parse_qsl(urlsplit(built).query))

    at_step("push")
    pushed = requests.post(
        par_endpoint, data=parameters, auth=oauth.client_auth("client_secret_basic"), timeout=TIMEOUT_S
    )
    if pushed.status_code != 201:
        fail(f"/par answered {pushed.status_code}: {pushed.text}")
    body = pushed.json()
    start = f"{metadata['authorization_endpoint']}?" + urlencode(
        {"client_id": client_id, "request_uri": body["request_uri"]}
    )

    at_step("authorizing")
    browser = requests.Session()
    callback = authorize(browser, start, issuer, redirect_uri, username, password)
    answer = dict(parse_qsl(urlsplit(callback).query))
    if "error" in answer:
        fail(f"authorization error: {answer}")

    at_step("code exchange")
    tokens = oauth.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier
    )
    userinfo = oauth.get(metadata["userinfo_endpoint"])
    userinfo.raise_for_status()

    at_step("request_uri used again")
    again = browse(browser, "GET", start)

    result = {
        "par_cache_control": pushed.headers.get("cache-control"),
        "expires_in": body.get("expires_in"),
        "state_kept": answer.get("state") == state,
        "iss": answer.get("iss"),
        "has_id_token": "id_token" in tokens,
        "userinfo_username": userinfo.json().get("preferred_username"),
        "reuse_status": again.status_code,
        "reuse_redirected": "location" in again.headers,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) != 6 or not all(args):
        print(
            "usage: oidc_authlib_par.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD",
            file=sys.stderr,
        )
        sys.exit(2)
    run("authlib PAR", main, args, errors=(OAuthError, requests.RequestException, KeyError, ValueError))
