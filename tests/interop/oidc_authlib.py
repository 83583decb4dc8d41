"""OpenID Connect relying party: Python's authlib 1.9 (with joserfc) against Gatehouse.

    python tests/interop/oidc_authlib.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD

Why this exists: openid-client (tests/interop/oidc_client.mjs) is one reading of the specs; authlib is another,
widely used one with its own parsing of discovery, client authentication and ID token claims. The script runs
discovery (checked with authlib's OpenIDProviderMetadata), an authorization request built by authlib's
OAuth2Session (PKCE S256, state, nonce), the real /login HTML form driven with a requests session (cookie jar,
every named input of the form submitted as a browser would, CSRF field included), the redirects up to the
redirect URI (never fetched), the RFC 9207 `iss` response parameter, the code exchange (client_secret_basic),
the ID token checked against the JWKS with joserfc and authlib's CodeIDToken (signature by the client's algorithm, iss, aud, exp,
nonce, azp, at_hash) — and the same checks made to fail on tampered copies, so a check that silently passes
everything is caught —, userinfo, a refresh (rotation, a new ID token), the rotated refresh token presented
again (invalid_grant), and then the new one (dead too: the family is revoked on reuse).

The client must be confidential and trusted (no consent page); the user must have a password and no second factor.

On success prints one JSON line (see `result` in main); on failure prints the step and the error to stderr and
exits 1.
"""

import base64
import json
import sys
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gatehouse_browser import TIMEOUT_S, at_step, browse, fail, run, sign_in, text

MAX_REDIRECTS = 10
# The ID token's `exp` is checked with no leeway: client and server share this machine's clock.
LEEWAY_S = 0


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


def metadata_problems(metadata):
    """What authlib's OpenID Provider Metadata validation (Discovery 1.0, RFC 8414) finds, one message per check.

    This is where authlib applies its transport rule: issuer and endpoints must be https, except on loopback hosts
    (RFC 8252 §7.3) — the test server is http://127.0.0.1 — or when AUTHLIB_INSECURE_TRANSPORT is set, which would
    hide exactly what we check here; so the script does not set it and the Rust test removes it from the
    environment. (authlib 1.9's OAuth2Session itself makes no transport check.)
    """
    problems = []
    for key in OpenIDProviderMetadata.REGISTRY_KEYS:
        try:
            object.__getattribute__(metadata, f"validate_{key}")()
        except ValueError as e:
            problems.append(str(e))
    return sorted(problems)


class IdTokens:
    """Checks ID tokens as an authlib application does (parse_id_token): signature against the JWKS, then the
    claims with authlib's CodeIDToken; but with the algorithm pinned to the client's registered one and the
    issuer and audience made essential."""

    def __init__(self, keys, issuer, client_id, alg):
        self.keys = keys
        self.alg = alg
        self.issuer = issuer
        self.client_id = client_id

    def verify(self, id_token, nonce, access_token, issuer=None, client_id=None, now=None):
        token = jwt.decode(id_token, self.keys, algorithms=[self.alg])
        if token.header.get("alg") != self.alg:
            fail(f"ID token alg {token.header.get('alg')!r}, expected {self.alg}")
        options = {
            "iss": {"essential": True, "value": issuer or self.issuer},
            "aud": {"essential": True, "value": client_id or self.client_id},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "sub": {"essential": True},
        }
        params = {"nonce": nonce, "client_id": client_id or self.client_id, "access_token": access_token}
        claims = CodeIDToken(token.claims, token.header, options, params)
        claims.validate(now=now, leeway=LEEWAY_S)
        return claims

    def rejected(self, id_token, nonce, access_token):
        """Which tampered copies (or wrong expectations) the checks refuse; a check that lets one pass is broken."""
        header, payload, signature = id_token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[-1] ^= 1
        flipped = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        cases = {
            "bad_signature": lambda: self.verify(f"{header}.{payload}.{flipped}", nonce, access_token),
            "wrong_issuer": lambda: self.verify(id_token, nonce, access_token, issuer=self.issuer + "/other"),
            "wrong_audience": lambda: self.verify(id_token, nonce, access_token, client_id="another-client"),
            "wrong_nonce": lambda: self.verify(id_token, nonce + "x", access_token),
            "wrong_access_token": lambda: self.verify(id_token, nonce, access_token + "x"),
            "expired": lambda: self.verify(id_token, nonce, access_token, now=claims["exp"] + 1),
        }
        refused = []
        for name, attempt in cases.items():
            try:
                attempt()
            except JoseError:
                refused.append(name)
        return sorted(refused)


def token_error(attempt):
    """The OAuth error code of a token request expected to fail, or None if it succeeded."""
    try:
        attempt()
    except OAuthError as e:
        return e.error
    return None


def main(issuer, client_id, client_secret, redirect_uri, username, password, alg):
    http = requests.Session()

    at_step("discovery")
    response = http.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_S)
    response.raise_for_status()
    metadata = OpenIDProviderMetadata(response.json())
    if metadata.get("issuer") != issuer:
        fail(f"discovery issuer {metadata.get('issuer')!r} is not {issuer!r}")
    jwks = http.get(metadata["jwks_uri"], timeout=TIMEOUT_S)
    jwks.raise_for_status()
    id_tokens = IdTokens(KeySet.import_key_set(jwks.json()), issuer, client_id, alg)

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
    authorization_url, state = oauth.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
    )
    sent = parse_qs(urlsplit(authorization_url).query)
    if sent.get("code_challenge_method") != ["S256"] or not sent.get("code_challenge"):
        fail(f"authlib built no S256 challenge: {authorization_url}")

    at_step("authorizing")
    callback = authorize(requests.Session(), authorization_url, issuer, redirect_uri, username, password)
    answer = parse_qs(urlsplit(callback).query)
    if "error" in answer:
        fail(f"authorization error: {answer}")
    # RFC 9207: authlib does not check `iss` itself; a client that cares (mix-up defence) does it like this.
    iss_param = answer.get("iss", [None])[0]
    if iss_param != issuer:
        fail(f"the iss response parameter is {iss_param!r}, expected {issuer!r}")

    at_step("code exchange")
    tokens = oauth.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier
    )
    if "id_token" not in tokens or "refresh_token" not in tokens:
        fail(f"the token response lacks an ID token or refresh token: {sorted(tokens)}")

    at_step("ID token")
    claims = id_tokens.verify(tokens["id_token"], nonce, tokens["access_token"])
    rejected = id_tokens.rejected(tokens["id_token"], nonce, tokens["access_token"])

    at_step("userinfo")
    userinfo = oauth.get(metadata["userinfo_endpoint"])
    userinfo.raise_for_status()
    userinfo = userinfo.json()
    if userinfo.get("sub") != claims["sub"]:
        fail(f"userinfo sub {userinfo.get('sub')!r} is not the ID token's {claims['sub']!r}")

    at_step("refresh")
    old_refresh = tokens["refresh_token"]
    refreshed = oauth.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh)
    new_refresh = refreshed.get("refresh_token")
    if "id_token" not in refreshed:
        fail(f"the refresh response has no ID token: {sorted(refreshed)}")
    # OIDC Core §12.2: same iss, sub, aud; auth_time of the original sign-in; no nonce to compare against.
    refreshed_claims = id_tokens.verify(refreshed["id_token"], None, refreshed["access_token"])
    refreshed_userinfo = oauth.get(metadata["userinfo_endpoint"])

    at_step("refresh token reuse")
    reuse_error = token_error(lambda: oauth.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh))
    family_error = token_error(lambda: oauth.refresh_token(metadata["token_endpoint"], refresh_token=new_refresh))
    after_reuse = http.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
        timeout=TIMEOUT_S,
    )

    result = {
        "discovery_problems": metadata_problems(metadata),
        "iss_param_matches": iss_param == issuer,
        "id_token_alg": jwt.decode(tokens["id_token"], id_tokens.keys, algorithms=[alg]).header["alg"],
        "sub": claims["sub"],
        "email": claims.get("email"),
        "acr": claims.get("acr"),
        "amr": claims.get("amr"),
        "id_token_rejects": rejected,
        "userinfo_username": userinfo.get("preferred_username"),
        "refresh_rotated": bool(new_refresh) and new_refresh != old_refresh,
        "refreshed_id_token": {
            "same_sub": refreshed_claims["sub"] == claims["sub"],
            "same_auth_time": refreshed_claims.get("auth_time") == claims.get("auth_time"),
            "has_nonce": "nonce" in refreshed_claims,
            "newer_iat": refreshed_claims["iat"] >= claims["iat"],
        },
        "refreshed_userinfo_status": refreshed_userinfo.status_code,
        "refresh_reuse_error": reuse_error,
        "family_revoked_error": family_error,
        "access_token_after_reuse_status": after_reuse.status_code,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) != 7 or not all(args):
        print(
            "usage: oidc_authlib.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD ALG",
            file=sys.stderr,
        )
        sys.exit(2)
    run("authlib", main, args, errors=(OAuthError, JoseError, requests.RequestException, KeyError, ValueError))
