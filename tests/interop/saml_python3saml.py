"""SAML service provider: python3-saml 1.16 (OneLogin, strict mode, xmlsec wheel) against Gatehouse's identity provider.

    python tests/interop/saml_python3saml.py metadata BASE SP_ENTITY ACS KEY CERT WANT_RESPONSE_SIGNED
    python tests/interop/saml_python3saml.py sso BASE SP_ENTITY ACS KEY CERT WANT_RESPONSE_SIGNED CONTEXT USERNAME PASSWORD [TOTP_CODE,NEXT_TOTP_CODE]

Why this exists: a second, independent SP implementation, stricter than pysaml2 in other places. In strict mode
python3-saml rebuilds the URL the message was received at from the request data (https, host, port, path) and
compares it with the Response's Destination and the SubjectConfirmation's Recipient: the request data below
describe exactly the ACS (and SLO) URL registered, so those checks run for real. It asks for
PasswordProtectedTransport by default; CONTEXT sets `requestedAuthnContext` to what the test means (`none` = do
not ask, else a comma-separated list of class refs, compared `minimum`; prefixed `exact:`, compared `exact`), and
with `failOnAuthnContextMismatch` python3-saml itself checks that the class we send back is one it asked for.

`metadata` prints the SP metadata python3-saml writes (registered by the test like `gatehouse sp add`). `sso`
builds a signed AuthnRequest (HTTP-Redirect, RSA-SHA256), goes through Gatehouse's real /login form (and the
second-factor form when a TOTP code is given), hands the posted SAMLResponse to `process_response` (signature,
Destination, Recipient, InResponseTo, audience, times), reads the attributes, checks that a tampered copy is
refused, then performs SP-initiated single logout (`logout()` → Gatehouse → `process_slo()` on our signed
LogoutResponse) and checks that the Gatehouse session is gone; finally it signs in again, the user signs out at
Gatehouse, and `process_slo()` must accept Gatehouse's signed LogoutRequest (Destination, Issuer, signature; a
forged signature refused) and answer it, the browser ending on Gatehouse's signed-out page.

With SP_WANT_ENCRYPTED=1 the SP sets `wantAssertionsEncrypted` (its metadata then lists its certificate for
encryption as well): our assertion must arrive encrypted, python3-saml decrypts it with its private key and then
verifies our signature; the tampered copy changes one character of the encrypted data instead.

On success prints one JSON line; on failure prints the step and the error to stderr and exits 1.
"""

import base64
import json
import os
import re
import sys
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from gatehouse_browser import TIMEOUT_S, at_step, browse, fail, run, signed_out, submit_form, text, through_sign_in

def request_data(url, get_data=None, post_data=None):
    """What python3-saml rebuilds the current URL from: it must be the URL the SP registered."""
    parts = urlsplit(url)
    return {
        "https": "on" if parts.scheme == "https" else "off",
        "http_host": parts.hostname,
        "server_port": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "script_name": parts.path,
        "get_data": get_data or {},
        "post_data": post_data or {},
    }


def slo_url(acs):
    return urljoin(acs, "/slo")


def settings(base, sp_entity, acs, key, cert, want_response_signed, context, idp_metadata=None):
    comparison, classes = ("exact", context[len("exact:"):]) if context.startswith("exact:") else ("minimum", context)
    with open(key) as f:
        private_key = f.read()
    with open(cert) as f:
        certificate = f.read()
    conf = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp_entity,
            "assertionConsumerService": {"url": acs, "binding": C.BINDING_HTTP_POST},
            "singleLogoutService": {"url": slo_url(acs), "binding": C.BINDING_HTTP_REDIRECT},
            "NameIDFormat": C.NAMEID_PERSISTENT,
            "x509cert": certificate,
            "privateKey": private_key,
        },
        "security": {
            "authnRequestsSigned": True,
            "logoutRequestSigned": True,
            "logoutResponseSigned": True,
            "wantAssertionsSigned": True,
            "wantMessagesSigned": want_response_signed,
            "wantNameId": True,
            "signatureAlgorithm": C.RSA_SHA256,
            "digestAlgorithm": C.SHA256,
            "rejectDeprecatedAlgorithm": True,
            "requestedAuthnContext": False if context == "none" else classes.split(","),
            "requestedAuthnContextComparison": comparison,
            # python3-saml then checks itself that the Response's AuthnContextClassRef is one of those asked.
            "failOnAuthnContextMismatch": context != "none",
            # SP_WANT_ENCRYPTED=1: its metadata then offers its certificate for encryption too, and in strict
            # mode it refuses an assertion that is not encrypted.
            "wantAssertionsEncrypted": os.environ.get("SP_WANT_ENCRYPTED") == "1",
        },
    }
    if idp_metadata:
        security = dict(conf["security"])
        conf = OneLogin_Saml2_IdPMetadataParser.merge_settings(conf, OneLogin_Saml2_IdPMetadataParser.parse(idp_metadata))
        # The parser copies our WantAuthnRequestsSigned="false" over authnRequestsSigned: this SP signs anyway.
        conf["security"].update(security)
    else:
        conf["idp"] = {"entityId": f"{base}/saml/metadata", "singleSignOnService": {"url": f"{base}/saml/sso"},
                       "x509cert": ""}
    return conf


def sso(base, sp_entity, acs, key, cert, want_response_signed, context, username, password, totp_codes=None):
    """TOTP_CODES: two codes, comma-separated (each is accepted once): one per sign-in."""
    totp_code, second_code = (totp_codes.split(",") + [None])[:2] if totp_codes else (None, None)
    at_step("IdP metadata")
    metadata = requests.get(f"{base}/saml/metadata", timeout=TIMEOUT_S)
    metadata.raise_for_status()
    conf = settings(base, sp_entity, acs, key, cert, want_response_signed, context, metadata.text)

    at_step("AuthnRequest")
    auth = OneLogin_Saml2_Auth(request_data(acs), conf)
    location = auth.login(return_to="relay-p3")
    request_id = auth.get_last_request_id()
    if "Signature=" not in location:
        fail(f"python3-saml built an unsigned request: {location}")

    browser, _page, form = through_sign_in(base, location, username, password, totp_code)
    if form["action"] != acs:
        fail(f"posted to {form['action']}, not the registered ACS {acs}")

    at_step("processing the response")
    saml_response = form["inputs"]["SAMLResponse"]
    auth = OneLogin_Saml2_Auth(request_data(acs, post_data=dict(form["inputs"])), conf)
    auth.process_response(request_id=request_id)
    if auth.get_errors() or not auth.is_authenticated():
        fail(f"python3-saml refused our response: {auth.get_errors()} {auth.get_last_error_reason()}")
    xml = base64.b64decode(saml_response).decode()
    result = {
        "relay_state": form["inputs"].get("RelayState"),
        "name_id": auth.get_nameid(),
        "name_id_format": auth.get_nameid_format(),
        "session_index": auth.get_session_index(),
        "attributes": auth.get_attributes(),
        "authn_context": auth.get_last_authn_contexts(),
        "encrypted": "EncryptedAssertion" in xml and "<saml:Assertion" not in xml,
        "encryption_method": (re.findall(r'<xenc:EncryptionMethod Algorithm="([^"]+)"', xml) or [None])[0],
    }

    at_step("tampered response")
    if result["encrypted"]:
        # Nothing readable to change: flip one character of the encrypted data instead.
        at = xml.rindex("</xenc:CipherValue>") - 10
        tampered_xml = xml[:at] + ("A" if xml[at] != "A" else "B") + xml[at + 1:]
    else:
        tampered_xml = xml.replace(f">{username}<", ">mallory<")
    tampered = base64.b64encode(tampered_xml.encode()).decode()
    if tampered == saml_response:
        fail("nothing to tamper with: the uid is not in the response")
    refused = OneLogin_Saml2_Auth(request_data(acs, post_data=dict(form["inputs"], SAMLResponse=tampered)), conf)
    try:
        refused.process_response(request_id=request_id)
        result["tampered_rejected"] = bool(refused.get_errors()) and not refused.is_authenticated()
        result["tampered_reason"] = refused.get_last_error_reason()
    except Exception as e:  # xmlsec raises when the encrypted data does not decrypt: a refusal too
        result["tampered_rejected"] = not refused.is_authenticated()
        result["tampered_reason"] = f"{type(e).__name__}: {e}"

    at_step("SP-initiated logout")
    auth = OneLogin_Saml2_Auth(request_data(slo_url(acs)), conf)
    location = auth.logout(return_to="after-slo", name_id=result["name_id"], session_index=result["session_index"],
                           name_id_format=result["name_id_format"])
    logout_request_id = auth.get_last_request_id()
    answer = browse(browser, "GET", location)
    back = answer.headers.get("location", "")
    if answer.status_code != 303 or not back.startswith(slo_url(acs)):
        fail(f"no LogoutResponse to the SP's SLO endpoint: {answer.status_code} {back} {text(answer)}")
    at_step("processing the LogoutResponse")
    query = dict(parse_qsl(urlsplit(back).query))
    auth = OneLogin_Saml2_Auth(request_data(slo_url(acs), get_data=query), conf)
    auth.process_slo(request_id=logout_request_id, keep_local_session=True)
    result["slo"] = {
        "errors": auth.get_errors(),
        "reason": auth.get_last_error_reason(),
        "relay_state": query.get("RelayState"),
        "signed_out": signed_out(base, browser),
    }

    at_step("SSO before signing out at Gatehouse")
    auth = OneLogin_Saml2_Auth(request_data(acs), conf)
    location = auth.login(return_to="relay-p3")
    browser, _page, form = through_sign_in(base, location, username, password, second_code)
    at_step("signing out at Gatehouse")
    location = submit_form(browser, f"{base}/account", "/logout", {})
    if not location.startswith(slo_url(acs) + "?"):
        fail(f"/logout did not send a LogoutRequest to the SP: {location}")
    at_step("python3-saml handles Gatehouse's LogoutRequest")
    query = dict(parse_qsl(urlsplit(location).query))
    auth = OneLogin_Saml2_Auth(request_data(slo_url(acs), get_data=query), conf)
    back = auth.process_slo(keep_local_session=True)
    forged = OneLogin_Saml2_Auth(request_data(slo_url(acs), get_data=dict(query, Signature="A" * 344)), conf)
    forged.process_slo(keep_local_session=True)
    final = browse(browser, "GET", back) if back else None
    result["idp_slo"] = {
        "errors": auth.get_errors(),
        "reason": auth.get_last_error_reason(),
        "signed_out_page": final is not None and final.status_code == 200 and "You are signed out" in final.text,
        "forged_rejected": bool(forged.get_errors()),
    }
    print(json.dumps(result))


def main(args):
    mode, base, sp_entity, acs, key, cert, want = args[:7]
    want_response_signed = want == "true"
    if mode == "metadata":
        at_step("SP metadata")
        conf = settings(base, sp_entity, acs, key, cert, want_response_signed, "none")
        sp_settings = OneLogin_Saml2_Settings(conf, sp_validation_only=True)
        metadata = sp_settings.get_sp_metadata()
        errors = sp_settings.validate_metadata(metadata)
        if errors:
            fail(f"python3-saml's own metadata does not validate: {errors}")
        print(json.dumps({"metadata": metadata.decode() if isinstance(metadata, bytes) else metadata}))
    else:
        sso(base, sp_entity, acs, key, cert, want_response_signed, *args[7:])


if __name__ == "__main__":
    args = sys.argv[1:]
    if not ((len(args) == 7 and args[0] == "metadata") or (len(args) in (10, 11) and args[0] == "sso")):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    run("python3-saml", main, [args])
