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
import json
import os
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

from gatehouse_browser import TIMEOUT_S, at_step, browse, fail, run, signed_out, submit_form, text, through_sign_in

NAMEID_FORMATS = {
    "persistent": NAMEID_FORMAT_PERSISTENT,
    "email": NAMEID_FORMAT_EMAILADDRESS,
    "transient": NAMEID_FORMAT_TRANSIENT,
}


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


def sso(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password, totp_code=None):
    at_step("IdP metadata")
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    idp_entity = f"{base}/saml/metadata"
    client = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata.text))

    at_step("AuthnRequest")
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

    at_step("single sign-on")
    _browser, page, form = through_sign_in(base, location, username, password, totp_code)

    at_step("parsing the response")
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

    at_step("tampered response")
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
    at_step("IdP metadata")
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    client = Saml2Client(config(base, sp_entity, acs, key, cert, nameid, want_response_signed, metadata.text,
                                unsolicited=True))
    at_step("IdP-initiated sign-on")
    start = f"{base}/saml/sso/init?" + urlencode({"sp": sp_entity, "RelayState": "/after-init"})
    _browser, _page, form = through_sign_in(base, start, username, password, None)
    at_step("parsing the unsolicited response")
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


def slo(base, sp_entity, acs, key, cert, nameid, want_response_signed, username, password):
    at_step("IdP metadata")
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    result = {}

    at_step("SSO before SP-initiated logout")
    client, browser, name_id = signed_in_client(base, sp_entity, acs, key, cert, nameid, want_response_signed,
                                                username, password, metadata.text)
    certs = client.metadata.certs(f"{base}/saml/metadata", "idpsso", "signing")
    if not certs:
        fail("no signing certificate in Gatehouse's metadata")

    def verifies(message):
        return any(verify_redirect_signature(message, client.sec.sec_backend, cert) for _name, cert in certs)

    at_step("SP-initiated logout")
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
        "signed_out": signed_out(base, browser),
    }

    at_step("SSO before Gatehouse-initiated logout")
    client, browser, name_id = signed_in_client(base, sp_entity, acs, key, cert, nameid, want_response_signed,
                                                username, password, metadata.text)
    at_step("signing out at Gatehouse")
    location = submit_form(browser, f"{base}/account", "/logout", {})
    if not location.startswith(urljoin(acs, "/slo")):
        fail(f"/logout did not send a LogoutRequest to the SP: {location}")
    params = query_of(location)
    at_step("pysaml2 handles Gatehouse's LogoutRequest")
    handled = client.handle_logout_request(params["SAMLRequest"], name_id, BINDING_HTTP_REDIRECT, sign=True,
                                           sign_alg=SIG_RSA_SHA256, relay_state=params.get("RelayState"),
                                           sigalg=params.get("SigAlg"), signature=params.get("Signature"))
    back = dict(handled["headers"])["Location"]
    at_step("back at Gatehouse")
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
        at_step("SP metadata")
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
    run("pysaml2", main, [args])
