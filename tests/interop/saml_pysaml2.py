"""SAML service provider: pysaml2 7.5 (with the xmlsec1 binary) against Gatehouse's identity provider.

    python tests/interop/saml_pysaml2.py metadata BASE SP_ENTITY ACS KEY CERT NAMEID WANT_RESPONSE_SIGNED
    python tests/interop/saml_pysaml2.py sso BASE SP_ENTITY ACS KEY CERT NAMEID WANT_RESPONSE_SIGNED USERNAME PASSWORD [TOTP_CODE]
    python tests/interop/saml_pysaml2.py idp-init BASE SP_ENTITY ACS KEY CERT NAMEID WANT_RESPONSE_SIGNED USERNAME PASSWORD
    python tests/interop/saml_pysaml2.py slo BASE SP_ENTITY ACS KEY CERT NAMEID WANT_RESPONSE_SIGNED USERNAME PASSWORD

Why this exists: our Rust tests check the Response against our own reading of the SAML specs; pysaml2 is an
independent and strict SP implementation. In `metadata` mode the script prints the SP metadata pysaml2 writes
for itself (the test registers it with Gatehouse, so our metadata parser reads a real SP's metadata). In `sso`
mode it loads Gatehouse's metadata from /saml/metadata, builds a signed AuthnRequest for the HTTP-Redirect
binding (RSA-SHA256, SHA-256 digest), follows Gatehouse's redirects with a requests session (cookie jar) through
the real /login form (every named input submitted as a browser would, the CSRF field included) and, given a
code, the second-factor form; then reads the auto-submitting form Gatehouse answers with, posts nothing itself,
and hands the SAMLResponse to `parse_authn_request_response` (signature of the assertion — and of the response
when WANT_RESPONSE_SIGNED — against the metadata's certificate, Destination, InResponseTo, audience, times).
A tampered copy of the response (another uid) must then be refused, so a check that passes everything is caught.
With SP_ENCRYPTION_KEY and SP_ENCRYPTION_CERT set (PEM files), the SP has an encryption key pair of its own
(`encryption_keypairs`, published as KeyDescriptor use="encryption"): the assertion must then arrive as an
EncryptedAssertion, which pysaml2 decrypts before verifying our signature on it; the tampered copy changes one
character of the encrypted data instead.
In `idp-init` mode the SP allows unsolicited responses: the browser starts at Gatehouse's /saml/sso/init, and
pysaml2 must accept the Response with no request outstanding (and no InResponseTo).
In `slo` mode, single logout both ways: after SSO pysaml2 sends a signed LogoutRequest (HTTP-Redirect) through the
browser and parses Gatehouse's LogoutResponse; then, after a second SSO, the user signs out at Gatehouse and
pysaml2 verifies Gatehouse's signed LogoutRequest (query signature), answers it, and the browser must end on
Gatehouse's signed-out page.

On success prints one JSON line; on failure prints the step and the error to stderr and exits 1.
"""

import base64
import html.parser
import json
import os
import signal
import sys
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

TIMEOUT_S = 10
WATCHDOG_S = 60
MAX_STEPS = 10
NAMEID_FORMATS = {
    "persistent": NAMEID_FORMAT_PERSISTENT,
    "email": NAMEID_FORMAT_EMAILADDRESS,
    "transient": NAMEID_FORMAT_TRANSIENT,
}

step = "starting"


class StepError(Exception):
    pass


def fail(message):
    raise StepError(message)


def watchdog(_signum, _frame):
    print(f"pysaml2 interop: no result within {WATCHDOG_S} s (step: {step})", file=sys.stderr)
    sys.exit(1)


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
    parser = html.parser.HTMLParser()
    chunks = []
    parser.handle_data = chunks.append
    parser.feed(response.text)
    return " ".join(" ".join(chunks).split())[:500]


def browse(browser, method, url, **kwargs):
    try:
        return browser.request(method, url, allow_redirects=False, timeout=TIMEOUT_S, **kwargs)
    except requests.RequestException as e:
        fail(f"{method} {url} failed: {e}")


def submit_form(browser, page_url, path, fields):
    """Loads `page_url`, finds its POST form to `path` and submits it with `fields` filled in."""
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


def config(base, sp_entity, acs, key, cert, nameid, want_response_signed, idp_metadata=None, unsolicited=False):
    conf = {
        "entityid": sp_entity,
        "key_file": key,
        "cert_file": cert,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        # Unmapped attributes (uid, displayName, roles) would otherwise vanish silently.
        "allow_unknown_attributes": True,
        "accepted_time_diff": 120,
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(acs, BINDING_HTTP_POST)],
                    "single_logout_service": [(urljoin(acs, "/slo"), BINDING_HTTP_REDIRECT)],
                },
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": want_response_signed,
                "allow_unsolicited": unsolicited,
                "name_id_format": NAMEID_FORMATS[nameid],
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
    }
    # An encryption key of its own (SP_ENCRYPTION_KEY/SP_ENCRYPTION_CERT): published in its metadata as
    # KeyDescriptor use="encryption", and used to decrypt EncryptedAssertion.
    if os.environ.get("SP_ENCRYPTION_KEY"):
        conf["encryption_keypairs"] = [{"key_file": os.environ["SP_ENCRYPTION_KEY"],
                                        "cert_file": os.environ["SP_ENCRYPTION_CERT"]}]
    if idp_metadata:
        conf["metadata"] = {"inline": [idp_metadata]}
    sp_config = SPConfig()
    sp_config.load(conf)
    return sp_config


def through_sign_in(base, location, username, password, totp_code):
    """Follows Gatehouse from `location` through /login (and the factor form) to the page that posts the
    SAMLResponse; returns the page and its form."""
    global step
    browser = requests.Session()
    page = None
    for _ in range(MAX_STEPS):
        parts = urlsplit(location)
        if f"{parts.scheme}://{parts.netloc}" != base:
            fail(f"sent away from Gatehouse before the response: {location}")
        if parts.path == "/login":
            step = "signing in"
            location = submit_form(browser, location, "/login", {"username": username, "password": password})
            continue
        if parts.path == "/login/factor":
            if not totp_code:
                fail("a second factor was asked for, but no code was given")
            step = "second factor"
            location = submit_form(browser, location, "/login/factor", {"method": "totp", "code": totp_code})
            continue
        step = "single sign-on"
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


def sso(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password, totp_code=None):
    global step
    step = "IdP metadata"
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    idp_entity = f"{base}/saml/metadata"
    client = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata.text))

    step = "AuthnRequest"
    request_id, info = client.prepare_for_authenticate(
        entityid=idp_entity,
        relay_state="relay-123",
        binding=BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    location = dict(info["headers"])["Location"]
    sent = urlsplit(location).query
    if "Signature=" not in sent or "SigAlg=" not in sent:
        fail(f"pysaml2 built an unsigned request: {location}")

    step = "single sign-on"
    _browser, page, form = through_sign_in(base, location, username, password, totp_code)

    step = "parsing the response"
    saml_response = form["inputs"]["SAMLResponse"]
    authn = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"})
    if authn is None:
        fail("pysaml2 returned no response")
    name_id = authn.get_subject()
    context = authn.authn_info()
    confirmation = authn.assertion.subject.subject_confirmation[0].subject_confirmation_data
    xml = base64.b64decode(saml_response).decode()

    encrypted = "EncryptedAssertion" in xml and "<saml:Assertion" not in xml
    if os.environ.get("SP_ENCRYPTION_KEY") and not encrypted:
        fail("the assertion was sent in clear to an SP that has it encrypted")

    step = "tampered response"
    if encrypted:
        # Nothing readable to change: flip one character of the encrypted data instead.
        at = xml.rindex("</xenc:CipherValue>") - 10
        tampered_xml = xml[:at] + ("A" if xml[at] != "A" else "B") + xml[at + 1:]
    else:
        tampered_xml = xml.replace(f">{username}<", ">mallory<")
    tampered = base64.b64encode(tampered_xml.encode()).decode()
    if tampered == base64.b64encode(xml.encode()).decode():
        fail("nothing to tamper with: the uid is not in the response")
    fresh = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata.text))
    try:
        fresh.parse_authn_request_response(tampered, BINDING_HTTP_POST, outstanding={request_id: "/"})
        tampered_rejected = False
    except Exception as e:  # pysaml2 raises several kinds (SignatureError, …); any refusal counts
        tampered_rejected = type(e).__name__

    result = {
        "form_action": form["action"],
        "relay_state": form["inputs"].get("RelayState"),
        "in_response_to": authn.in_response_to,
        "response_signed": authn.response.signature is not None,
        "assertion_signed": authn.assertion.signature is not None,
        "recipient": confirmation.recipient,
        "issuer": authn.issuer(),
        "name_id": name_id.text,
        "name_id_format": name_id.format,
        "attributes": authn.get_identity(),
        "authn_context": [c[0] for c in context],
        "tampered_rejected": tampered_rejected,
        "encrypted": encrypted,
    }
    print(json.dumps(result))


def idp_init(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password):
    global step
    step = "IdP metadata"
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    client = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata.text,
                                unsolicited=True))
    step = "IdP-initiated sign-on"
    start = f"{base}/saml/sso/init?" + urlencode({"sp": sp_entity, "RelayState": "/after-init"})
    _browser, _page, form = through_sign_in(base, start, username, password, None)
    step = "parsing the unsolicited response"
    saml_response = form["inputs"]["SAMLResponse"]
    authn = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={})
    if authn is None:
        fail("pysaml2 returned no response")
    print(json.dumps({
        "form_action": form["action"],
        "relay_state": form["inputs"].get("RelayState"),
        "in_response_to": authn.in_response_to,
        "assertion_signed": authn.assertion.signature is not None,
        "name_id": authn.get_subject().text,
        "attributes": authn.get_identity(),
    }))


def query_of(location):
    return dict(parse_qsl(urlsplit(location).query))


def signed_in_client(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password, metadata):
    """SP-initiated SSO as in `sso`; returns the client (its identity cache filled), the browser and the NameID."""
    client = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata))
    request_id, info = client.prepare_for_authenticate(
        entityid=f"{base}/saml/metadata", binding=BINDING_HTTP_REDIRECT, sign=True,
        sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    browser, _page, form = through_sign_in(base, dict(info["headers"])["Location"], username, password, None)
    authn = client.parse_authn_request_response(form["inputs"]["SAMLResponse"], BINDING_HTTP_POST,
                                                outstanding={request_id: "/"})
    return client, browser, authn.get_subject()


def signed_out_of_gatehouse(base, browser):
    account = browse(browser, "GET", f"{base}/account")
    return account.status_code in (302, 303) and "/login" in account.headers.get("location", "")


def slo(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password):
    global step
    step = "IdP metadata"
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    result = {}

    step = "SSO before SP-initiated logout"
    client, browser, name_id = signed_in_client(base, sp_entity, acs, key, cert, nameid, want_response_signed,
                                                username, password, metadata.text)
    certs = client.metadata.certs(f"{base}/saml/metadata", "idpsso", "signing")
    if not certs:
        fail("no signing certificate in Gatehouse's metadata")

    def verifies(message):
        return any(verify_redirect_signature(message, client.sec.sec_backend, cert) for _name, cert in certs)

    step = "SP-initiated logout"
    sent = client.global_logout(name_id, sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    (binding, http_info), = sent.values()
    if binding != BINDING_HTTP_REDIRECT:
        fail(f"pysaml2 chose {binding}")
    location = dict(http_info["headers"])["Location"]
    answer = browse(browser, "GET", location)
    back = answer.headers.get("location", "")
    if answer.status_code != 303 or not back.startswith(urljoin(acs, "/slo")):
        fail(f"no LogoutResponse to the SP's SLO endpoint: {answer.status_code} {back} {text(answer)}")
    params = query_of(back)
    response = client.parse_logout_request_response(params["SAMLResponse"], BINDING_HTTP_REDIRECT)
    result["sp_initiated"] = {
        "status": response.response.status.status_code.value,
        "in_response_to": response.response.in_response_to,
        "signed_query": "Signature" in params and "SigAlg" in params,
        "response_signature_verified": verifies(params),
        "signed_out": signed_out_of_gatehouse(base, browser),
    }

    step = "SSO before Gatehouse-initiated logout"
    client, browser, name_id = signed_in_client(base, sp_entity, acs, key, cert, nameid, want_response_signed,
                                                username, password, metadata.text)
    step = "signing out at Gatehouse"
    location = submit_form(browser, f"{base}/account", "/logout", {})
    if not location.startswith(urljoin(acs, "/slo")):
        fail(f"/logout did not send a LogoutRequest to the SP: {location}")
    params = query_of(location)
    step = "pysaml2 handles Gatehouse's LogoutRequest"
    handled = client.handle_logout_request(params["SAMLRequest"], name_id, BINDING_HTTP_REDIRECT, sign=True,
                                           sign_alg=SIG_RSA_SHA256, relay_state=params.get("RelayState"),
                                           sigalg=params.get("SigAlg"), signature=params.get("Signature"))
    back = dict(handled["headers"])["Location"]
    step = "back at Gatehouse"
    final = browse(browser, "GET", back)
    # pysaml2's own Redirect-binding check (sigver.verify_redirect_signature, the certificate from our metadata):
    # the query signature verifies, and the same request with another signature value does not.
    request_signature_verified = verifies(params)
    forged = dict(params, Signature=base64.b64encode(b"\0" * 256).decode())
    try:
        tampered_rejected = False if verifies(forged) else "not verified"
    except Exception as e:  # any refusal counts
        tampered_rejected = type(e).__name__
    try:
        local_logout = client.users.issuers_of_info(name_id) == []
    except KeyError:  # pysaml2 forgot the subject altogether
        local_logout = True
    result["idp_initiated"] = {
        "final_status": final.status_code,
        "signed_out_page": "You are signed out" in final.text,
        "signed_query": "Signature" in params and "SigAlg" in params,
        "request_signature_verified": request_signature_verified,
        "local_logout": local_logout,
        "tampered_rejected": tampered_rejected,
    }
    print(json.dumps(result))


def main(args):
    mode, base, sp_entity, acs, key, cert, nameid, want = args[:8]
    want_response_signed = want == "true"
    if mode == "metadata":
        global step
        step = "SP metadata"
        conf = config(base, sp_entity, acs, key, cert, nameid, want_response_signed)
        print(json.dumps({"metadata": create_metadata_string(None, config=conf).decode()}))
    elif mode == "slo":
        slo(base, sp_entity, acs, key, cert, nameid, want_response_signed, *args[8:])
    elif mode == "idp-init":
        idp_init(base, sp_entity, acs, key, cert, nameid, want_response_signed, *args[8:])
    else:
        sso(base, sp_entity, acs, key, cert, nameid, want_response_signed, *args[8:])


if __name__ == "__main__":
    args = sys.argv[1:]
    if not ((len(args) == 8 and args[0] == "metadata") or (len(args) in (10, 11) and args[0] == "sso")
            or (len(args) == 10 and args[0] in ("idp-init", "slo"))):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(WATCHDOG_S)
    try:
        main(args)
    except StepError as e:
        print(f"pysaml2 interop failed at step {step!r}: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:
        print(f"pysaml2 interop failed at step {step!r}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        signal.alarm(0)
