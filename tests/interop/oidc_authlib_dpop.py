"""DPoP (RFC 9449): Python's authlib 1.9 against Gatehouse, with proofs signed by joserfc.

    python tests/interop/oidc_authlib_dpop.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD

authlib has no DPoP support of its own, so the script does what an authlib application does: a P-256 key from
joserfc signs each proof (`typ: dpop+jwt`, the public `jwk` in the header, `jti`, `htm`, `htu`, `iat`, the server's
`nonce`, and `ath` at userinfo); OAuth2Session builds the authorization request (PKCE S256, state, nonce) with
`dpop_jkt` naming the key (RFC 9449 §10), the real sign-in form is driven with a requests session, and authlib's
fetch_token sends the proof in a `DPoP` header. The first proof has no nonce: Gatehouse answers `use_dpop_nonce`,
a compliance hook reads the `DPoP-Nonce` header, and the token request is sent again with the nonce. authlib's
token auth gets a `dpop` sign method, so `OAuth2Session.get(userinfo)` sends `Authorization: DPoP` and a proof
with `ath`. The bound token as a Bearer token is refused; a refresh with another key works (a confidential
client's refresh token is not bound, RFC 9449 §5) and gives a token bound to that key.

The client must be confidential (client_secret_basic), trusted, and set to require DPoP; the user must have a
password and no second factor.

On success prints one JSON line (see `result` in main); on failure prints the step and the error to stderr and
exits 1.
"""

import base64
import hashlib
import json
import sys
import time
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.jwk import ECKey

from gatehouse_browser import TIMEOUT_S, at_step, browse, fail, run, sign_in, text

MAX_REDIRECTS = 10


class Proofs:
    """A DPoP key and the proofs it signs; remembers the last nonce the server gave."""

    def __init__(self):
        self.key = ECKey.generate_key("P-256")
        self.nonce = None

    def jkt(self):
        return self.key.thumbprint()

    def proof(self, method, url, access_token=None):
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.key.as_dict(private=False)}
        claims = {"jti": generate_token(24), "htm": method, "htu": url, "iat": int(time.time())}
        if self.nonce:
            claims["nonce"] = self.nonce
        if access_token:
            digest = hashlib.sha256(access_token.encode("ascii")).digest()
            claims["ath"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return jwt.encode(header, claims, self.key)

    def remember_nonce(self, response):
        """A compliance hook: keeps the server's newest nonce."""
        if "DPoP-Nonce" in response.headers:
            self.nonce = response.headers["DPoP-Nonce"]
        return response


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
    token_endpoint, userinfo_endpoint = metadata["token_endpoint"], metadata["userinfo_endpoint"]

    proofs = Proofs()
    oauth = OAuth2Session(
        client_id,
        client_secret,
        token_endpoint_auth_method="client_secret_basic",
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=TIMEOUT_S,
    )
    oauth.register_compliance_hook("access_token_response", proofs.remember_nonce)
    oauth.register_compliance_hook("refresh_token_response", proofs.remember_nonce)

    def sign_dpop(token, uri, headers, body, placement="header"):
        # The only protected resource called here is userinfo, with GET.
        headers["Authorization"] = f"DPoP {token}"
        headers["DPoP"] = proofs.proof("GET", uri, access_token=token)
        return uri, headers, body

    oauth.token_auth.SIGN_METHODS = {**oauth.token_auth.SIGN_METHODS, "dpop": sign_dpop}

    at_step("authorization request with dpop_jkt")
    code_verifier = generate_token(64)
    start, state = oauth.create_authorization_url(
        metadata["authorization_endpoint"],
        code_verifier=code_verifier,
        nonce=generate_token(32),
        dpop_jkt=proofs.jkt(),
    )
    browser = requests.Session()
    callback = authorize(browser, start, issuer, redirect_uri, username, password)
    answer = dict(parse_qsl(urlsplit(callback).query))
    if "error" in answer:
        fail(f"authorization error: {answer}")

    at_step("token request without a nonce")
    first_error = None
    try:
        oauth.fetch_token(
            token_endpoint,
            authorization_response=callback,
            state=state,
            code_verifier=code_verifier,
            headers={"DPoP": proofs.proof("POST", token_endpoint)},
        )
    except OAuthError as e:
        first_error = e.error
    if not proofs.nonce:
        fail(f"no DPoP-Nonce after {first_error}")

    at_step("token request with the nonce")
    tokens = oauth.fetch_token(
        token_endpoint,
        authorization_response=callback,
        state=state,
        code_verifier=code_verifier,
        headers={"DPoP": proofs.proof("POST", token_endpoint)},
    )

    at_step("userinfo with DPoP")
    userinfo = oauth.get(userinfo_endpoint)

    at_step("userinfo with the bound token as a Bearer token")
    bearer = requests.get(
        userinfo_endpoint, headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=TIMEOUT_S
    )

    at_step("refresh with another key")
    other = Proofs()
    other.nonce = proofs.nonce
    refreshed = oauth.refresh_token(
        token_endpoint,
        refresh_token=tokens["refresh_token"],
        headers={"DPoP": other.proof("POST", token_endpoint)},
    )
    payload = refreshed["access_token"].split(".")[1]
    refreshed_claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    result = {
        "algs": metadata.get("dpop_signing_alg_values_supported"),
        "first_error": first_error,
        "token_type": tokens.get("token_type"),
        "userinfo_status": userinfo.status_code,
        "userinfo_username": userinfo.json().get("preferred_username"),
        "bearer_status": bearer.status_code,
        "bearer_challenge": bearer.headers.get("WWW-Authenticate", "").split(" ")[0],
        "refreshed_token_type": refreshed.get("token_type"),
        "refreshed_bound_to_other_key": refreshed_claims.get("cnf", {}).get("jkt") == other.jkt(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) != 6 or not all(args):
        print(
            "usage: oidc_authlib_dpop.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD",
            file=sys.stderr,
        )
        sys.exit(2)
    run("authlib DPoP", main, args, errors=(OAuthError, requests.RequestException, KeyError, ValueError))
