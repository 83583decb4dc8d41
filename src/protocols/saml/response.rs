//! The Response, written here rather than with samael's builder (which omits NotOnOrAfter and SessionIndex and
//! sends `unspecified` contexts) and signed with xmlsec from our own SHA-256 template.
//!
//! Guarantees: Destination and SubjectConfirmationData/@Recipient are the ACS taken from the SP's metadata;
//! InResponseTo is the verified request's ID (absent when IdP-initiated); Conditions carry the SP's entity ID as the only Audience and a
//! validity of `VALIDITY` (≤ 5 min, security.md); AuthnInstant is when the level sent was proven and the
//! AuthnContextClassRef is what the session met (`context::class_to_send`: within each level's age, under the
//! current role policy); every value written is XML-escaped, so a comment or
//! entity in a name or attribute stays text for the SP. The attributes are the SP's mapping (`attributes`). The
//! Assertion is always signed (enveloped, RSA-SHA256, SHA-256 digest, exclusive c14n), on its own, before it is
//! placed in the Response — as it is, or encrypted for the SP (`encrypt`) when it is registered with
//! `encrypt_assertion`; the Response is signed too when the SP is registered with `sign_response`, and always for
//! an error status (which has no assertion).
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use samael::crypto::{Crypto, CryptoProvider};

use super::keys::Signer;
use super::request::Validated;
use super::xml::escape;
use super::{instant, new_id};
use crate::core::model::{Session, User};
use crate::core::saml::{NameIdFormat, ServiceProvider};
use crate::core::secrets::{hmac, token_digest};
use crate::core::{Error, Result};

/// How long the assertion (and its bearer confirmation) can be used.
pub const VALIDITY: Duration = Duration::minutes(5);

const NS: &str = "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
                  xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"";

/// Top-level status codes (core §3.2.2.2) and the second-level ones used.
pub const STATUS_RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";
pub const STATUS_REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
pub const STATUS_INVALID_NAME_ID_POLICY: &str = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy";
pub const STATUS_NO_PASSIVE: &str = "urn:oasis:names:tc:SAML:2.0:status:NoPassive";
pub const STATUS_NO_AUTHN_CONTEXT: &str = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";
pub const STATUS_REQUEST_DENIED: &str = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";

/// The NameID `sp` gets for `user`.
pub fn name_id(key: &[u8; 32], format: NameIdFormat, user: &User, sp_entity_id: &str) -> String {
    match format {
        NameIdFormat::Persistent => URL_SAFE_NO_PAD.encode(hmac(
            key,
            &[b"saml-persistent-name-id", user.id.as_bytes(), sp_entity_id.as_bytes()],
        )),
        NameIdFormat::Email => user.email.clone(),
        NameIdFormat::Transient => new_id(),
    }
}

/// The SessionIndex of a browser session: derived from, but not revealing, the session's key (single logout
/// will find the session by it).
pub fn session_index(session: &Session) -> String {
    format!(
        "_{}",
        &token_digest(&format!("saml-session-index:{}", session.id_hash))[..40]
    )
}

/// An enveloped-signature template for the element with ID `id`: RSA-SHA256, SHA-256 digest, exclusive c14n,
/// our certificate in KeyInfo (SPs still verify against the one in our metadata).
fn signature_template(id: &str, certificate: &str) -> String {
    format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
         <ds:Reference URI=\"#{id}\"><ds:Transforms>\
         <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
         <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue/></ds:Reference>\
         </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate>\
         </ds:X509Data></ds:KeyInfo></ds:Signature>",
        escape(certificate)
    )
}

/// Signs the first signature template in `xml` (xmlsec signs the first `ds:Signature` in document order).
fn sign(xml: &str, signer: &Signer) -> Result<String> {
    Crypto::sign_xml(xml, &signer.private_der).map_err(|e| Error::Internal(format!("SAML signing failed: {e}")))
}

/// Inserts the root's signature template after its Issuer (schema order: Issuer, Signature, …) and signs it;
/// the root's Issuer is the first one in the document (Response, LogoutRequest, LogoutResponse).
pub(super) fn sign_response(xml: &str, response_id: &str, signer: &Signer) -> Result<String> {
    const ISSUER_END: &str = "</saml:Issuer>";
    let at = xml
        .find(ISSUER_END)
        .ok_or_else(|| Error::Internal("the Response has no Issuer".into()))?
        + ISSUER_END.len();
    let with_template = format!(
        "{}{}{}",
        &xml[..at],
        signature_template(response_id, &signer.certificate),
        &xml[at..]
    );
    sign(&with_template, signer)
}

/// ` InResponseTo="…"` for an answer to a request; nothing for an unsolicited (IdP-initiated) Response.
fn in_response_to(request: &Validated) -> String {
    request
        .id
        .as_deref()
        .map(|id| format!(" InResponseTo=\"{}\"", escape(id)))
        .unwrap_or_default()
}

/// What a successful answer says about whom.
pub struct Subject<'a> {
    pub user: &'a User,
    pub roles: &'a [String],
    pub session: &'a Session,
    pub name_id: String,
    /// The AuthnContextClassRef: what the session met (`context::class_to_send`).
    pub authn_context: &'a str,
    /// When the level sent was proven (`core::policy::acr_age::Standing::proven_at`).
    pub authn_instant: DateTime<Utc>,
}

/// A signed Response with status Success and one assertion, base64-encoded for the POST form.
pub fn success(
    signer: &Signer,
    issuer: &str,
    sp: &ServiceProvider,
    request: &Validated,
    subject: &Subject,
    now: DateTime<Utc>,
) -> Result<String> {
    let (response_id, assertion_id) = (new_id(), new_id());
    let (issued, until) = (instant(now), instant(now + VALIDITY));
    let acs = escape(&request.acs_url);
    let in_response_to = in_response_to(request);
    let issuer = escape(issuer);
    let audience = escape(&sp.entity_id);
    let attributes = super::attributes::elements(&sp.attributes, subject.user, subject.roles);
    let attribute_statement = if attributes.is_empty() {
        String::new()
    } else {
        format!("<saml:AttributeStatement>{attributes}</saml:AttributeStatement>")
    };
    // The assertion is signed on its own (it declares every namespace it uses, so exclusive c14n gives the
    // same bytes wherever it ends up), then placed in the Response as it is or encrypted for the SP.
    let assertion = format!(
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" \
         xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"{assertion_id}\" Version=\"2.0\" \
         IssueInstant=\"{issued}\"><saml:Issuer>{issuer}</saml:Issuer>{template}\
         <saml:Subject><saml:NameID Format=\"{format}\" NameQualifier=\"{issuer}\" SPNameQualifier=\"{audience}\">{name_id}</saml:NameID>\
         <saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">\
         <saml:SubjectConfirmationData{in_response_to} NotOnOrAfter=\"{until}\" Recipient=\"{acs}\"/>\
         </saml:SubjectConfirmation></saml:Subject>\
         <saml:Conditions NotBefore=\"{issued}\" NotOnOrAfter=\"{until}\"><saml:AudienceRestriction>\
         <saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
         <saml:AuthnStatement AuthnInstant=\"{authn_instant}\" SessionIndex=\"{session_index}\"><saml:AuthnContext>\
         <saml:AuthnContextClassRef>{context}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
         {attribute_statement}</saml:Assertion>",
        template = signature_template(&assertion_id, &signer.certificate),
        format = sp.name_id_format.uri(),
        name_id = escape(&subject.name_id),
        authn_instant = instant(subject.authn_instant),
        session_index = session_index(subject.session),
        context = escape(subject.authn_context),
    );
    let signed_assertion = without_declaration(&sign(&assertion, signer)?).to_string();
    let assertion = if sp.encrypt_assertion {
        let certificate = sp.encryption_certificates.first().ok_or_else(|| {
            Error::Internal(format!(
                "{} is set to encrypted assertions without a certificate",
                sp.entity_id
            ))
        })?;
        super::encrypt::encrypted_assertion(&signed_assertion, certificate, sp.encryption_method)?
    } else {
        signed_assertion
    };
    let response = format!(
        "<samlp:Response {NS} ID=\"{response_id}\" Version=\"2.0\" IssueInstant=\"{issued}\" Destination=\"{acs}\"\
         {in_response_to}><saml:Issuer>{issuer}</saml:Issuer><samlp:Status>\
         <samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>{assertion}</samlp:Response>"
    );
    let response = if sp.sign_response {
        sign_response(&response, &response_id, signer)?
    } else {
        response
    };
    Ok(STANDARD.encode(response))
}

/// `xml` without a leading XML declaration (xmlsec writes one), to place it inside another element.
fn without_declaration(xml: &str) -> &str {
    let trimmed = xml.trim_start();
    match trimmed
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|end| &rest[end + 2..]))
    {
        Some(rest) => rest.trim_start(),
        None => trimmed,
    }
}

/// A signed Response carrying only an error status (`Responder` with a second-level `code`), base64-encoded.
pub fn status(signer: &Signer, issuer: &str, request: &Validated, code: &str, now: DateTime<Utc>) -> Result<String> {
    status_with(signer, issuer, request, STATUS_RESPONDER, code, now)
}

/// A signed Response carrying only an error status, top-level `top` (`Requester` when the request was at
/// fault, `Responder` otherwise) with a second-level `code`, base64-encoded.
pub fn status_with(
    signer: &Signer,
    issuer: &str,
    request: &Validated,
    top: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let response_id = new_id();
    let response = format!(
        "<samlp:Response {NS} ID=\"{response_id}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\"\
         {}><saml:Issuer>{}</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"{}\">\
         <samlp:StatusCode Value=\"{}\"/></samlp:StatusCode></samlp:Status></samlp:Response>",
        instant(now),
        escape(&request.acs_url),
        in_response_to(request),
        escape(issuer),
        escape(top),
        escape(code),
    );
    Ok(STANDARD.encode(sign_response(&response, &response_id, signer)?))
}
