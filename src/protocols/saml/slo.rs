//! Single logout messages (SAML core §3.7; bindings §3.4 HTTP-Redirect, §3.5 HTTP-POST), read and written here:
//! samael's LogoutRequest/LogoutResponse types are broken (SessionIndex read as an attribute, NameID Format
//! dropped, schema-invalid output — see stack.md).
//!
//! Reading follows `request.rs` step for step: `xml::parse` within caps; the Issuer must be a registered SP;
//! the signature is verified with that SP's registered certificates only — over the raw query string for
//! Redirect, as the one enveloped signature on the root for POST (then the fields are read from what xmlsec
//! says is signed); RSA with SHA-256 or stronger. A LogoutRequest must be signed (an unsigned one could sign
//! anyone out), name our SLO URL as Destination, be fresh (IssueInstant ±3 min, NotOnOrAfter not passed) and
//! unseen (the replay cache of AuthnRequests, keyed by SP). A LogoutResponse is verified whenever signed, and must
//! be signed when the SP signs its requests. Whether the LogoutRequest's NameID and SessionIndex belong to the
//! browser's session is decided by the caller (`http_slo`).
//!
//! Writing: LogoutRequest and LogoutResponse with every value escaped, signed by us — as an enveloped signature
//! on the root for POST, over the query string (RSA-SHA256) for Redirect — and only ever sent to a
//! SingleLogoutService endpoint from the SP's registered metadata.
use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use roxmltree::{Document, Node};

use super::keys::Signer;
use super::request::{
    self, Binding, MAX_XML_BYTES, RedirectSignature, Rejection, SKEW, enveloped_signature_shape, reject, valid_id,
    verify_enveloped, verify_redirect,
};
use super::response::sign_response;
use super::xml::{self, Allow, NS_ASSERTION, NS_DSIG, NS_PROTOCOL, escape};
use super::{BINDING_POST, BINDING_REDIRECT, instant};
use crate::core::saml::{ServiceProvider, SessionParticipant, SloEndpoint};
use crate::core::store::Store;
use crate::core::{Error, Result};
use crate::protocols::message::Message;

pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const STATUS_REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const NS: &str = "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
                  xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"";

fn of(sp: &ServiceProvider) -> impl Fn(Rejection) -> Rejection + use<> {
    let entity_id = sp.entity_id.clone();
    move |mut r| {
        r.sp = Some(entity_id.clone());
        r
    }
}

/// A single-logout message as it arrived, decoded but not yet trusted.
pub struct Incoming {
    pub binding: Binding,
    pub xml: String,
    pub relay_state: Option<String>,
    pub redirect_signature: Option<RedirectSignature>,
}

/// A LogoutRequest whose signature, Destination, freshness and ID were checked.
pub struct LogoutRequest {
    pub sp: ServiceProvider,
    pub id: String,
    pub name_id: String,
    pub session_indexes: Vec<String>,
    pub relay_state: Option<String>,
    pub binding: Binding,
}

/// A LogoutResponse from an SP, its signature checked when present.
pub struct LogoutResponse {
    pub sp_entity_id: String,
    pub in_response_to: String,
    pub status: String,
}

/// Decodes the Redirect binding's `param` (`SAMLRequest` or `SAMLResponse`) from the raw query.
pub fn from_redirect(raw_query: &str, param: &str) -> std::result::Result<Incoming, Rejection> {
    let (encoded, relay_state, redirect_signature) = request::redirect_message(raw_query, param)?;
    Ok(Incoming {
        binding: Binding::Redirect,
        xml: request::inflate_redirect(&encoded)?,
        relay_state,
        redirect_signature,
    })
}

fn issuer_of(root: &Node) -> std::result::Result<String, Rejection> {
    let issuers: Vec<Node> = xml::children(root, NS_ASSERTION, "Issuer").collect();
    let [issuer] = issuers.as_slice() else {
        return Err(reject("saml-error-logout-issuer-count"));
    };
    Ok(xml::text(issuer).trim().to_string())
}

/// Parse, find the SP, verify the signature: returns the SP and the XML to read (what is signed, for POST).
async fn verified(
    store: &dyn Store,
    incoming: &Incoming,
    root_name: &str,
    must_sign: impl Fn(&ServiceProvider) -> bool,
) -> std::result::Result<(ServiceProvider, String), Rejection> {
    if incoming
        .relay_state
        .as_ref()
        .is_some_and(|r| r.len() > request::MAX_RELAY_STATE_BYTES)
    {
        return Err(reject("saml-error-relay-state-too-long"));
    }
    let doc = xml::parse(&incoming.xml, MAX_XML_BYTES, Allow::Nothing).map_err(reject)?;
    let root = doc.root_element();
    if !xml::is(&root, NS_PROTOCOL, root_name) {
        return Err(reject(
            Message::new("saml-error-not-message").with("message", root_name),
        ));
    }
    let issuer = issuer_of(&root)?;
    let Some(sp) = store.sp(&issuer).await? else {
        return Err(reject("saml-error-sp-unknown"));
    };
    let fail = of(&sp);
    let (verified_xml, signed) = match incoming.binding {
        Binding::Redirect => {
            if doc.descendants().any(|n| xml::is(&n, NS_DSIG, "Signature")) {
                return Err(fail(reject("saml-error-redirect-signature-in-xml")));
            }
            match &incoming.redirect_signature {
                Some(signature) => {
                    verify_redirect(signature, &sp).map_err(&fail)?;
                    (incoming.xml.clone(), true)
                }
                None => (incoming.xml.clone(), false),
            }
        }
        Binding::Post => {
            if enveloped_signature_shape(&doc).map_err(&fail)? {
                (verify_enveloped(&incoming.xml, &sp).map_err(&fail)?, true)
            } else {
                (incoming.xml.clone(), false)
            }
        }
    };
    if !signed && must_sign(&sp) {
        return Err(fail(reject(
            Message::new("saml-error-message-unsigned").with("message", root_name),
        )));
    }
    let verified_doc = xml::parse(&verified_xml, MAX_XML_BYTES * 2, Allow::Nothing).map_err(|e| fail(reject(e)))?;
    let verified_root = verified_doc.root_element();
    if !xml::is(&verified_root, NS_PROTOCOL, root_name)
        || verified_root.attribute("ID") != root.attribute("ID")
        || issuer_of(&verified_root).map_err(&fail)? != issuer
    {
        return Err(fail(reject(
            Message::new("saml-error-message-signed-part").with("message", root_name),
        )));
    }
    Ok((sp, verified_xml))
}

/// ID, Version, Destination (required, ours) and IssueInstant (±3 min) of a verified message's root.
fn check_header(root: &Node, slo_url: &str, now: DateTime<Utc>) -> std::result::Result<String, Rejection> {
    let id = root.attribute("ID").filter(|id| valid_id(id));
    let Some(id) = id else {
        return Err(reject("saml-error-logout-id"));
    };
    if root.attribute("Version") != Some("2.0") {
        return Err(reject("saml-error-logout-version"));
    }
    if root.attribute("Destination") != Some(slo_url) {
        return Err(reject("saml-error-logout-destination"));
    }
    let issued = root
        .attribute("IssueInstant")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    match issued {
        Some(t) if (t - now).abs() <= SKEW => Ok(id.to_string()),
        _ => Err(reject("saml-error-logout-clock")),
    }
}

/// Verifies a LogoutRequest from an SP (always signed) and records its ID.
pub async fn read_request(
    store: &dyn Store,
    slo_url: &str,
    now: DateTime<Utc>,
    incoming: Incoming,
) -> std::result::Result<LogoutRequest, Rejection> {
    let (sp, verified_xml) = verified(store, &incoming, "LogoutRequest", |_| true).await?;
    let fail = of(&sp);
    let doc = Document::parse(&verified_xml).map_err(|_| fail(reject("saml-error-logout-request-unreadable")))?;
    let root = doc.root_element();
    let id = check_header(&root, slo_url, now).map_err(&fail)?;
    if let Some(not_on_or_after) = root.attribute("NotOnOrAfter") {
        let expired = DateTime::parse_from_rfc3339(not_on_or_after).map_or(true, |t| t.with_timezone(&Utc) <= now);
        if expired {
            return Err(fail(reject("saml-error-logout-request-expired")));
        }
    }
    let name_ids: Vec<Node> = xml::children(&root, NS_ASSERTION, "NameID").collect();
    let [name_id] = name_ids.as_slice() else {
        return Err(fail(reject("saml-error-logout-name-id")));
    };
    let session_indexes = xml::children(&root, NS_PROTOCOL, "SessionIndex")
        .map(|n| xml::text(&n).trim().to_string())
        .collect();
    let keep_until = now + SKEW + Duration::minutes(1);
    if !store
        .use_saml_request_id(&sp.entity_id, &id, keep_until, now)
        .await
        .map_err(|e| fail(e.into()))?
    {
        return Err(fail(reject("saml-error-logout-replay")));
    }
    Ok(LogoutRequest {
        id,
        name_id: xml::text(name_id).trim().to_string(),
        session_indexes,
        relay_state: incoming.relay_state,
        binding: incoming.binding,
        sp,
    })
}

/// Verifies a LogoutResponse from an SP (signature when present; required when the SP signs its requests).
pub async fn read_response(
    store: &dyn Store,
    slo_url: &str,
    now: DateTime<Utc>,
    incoming: Incoming,
) -> std::result::Result<LogoutResponse, Rejection> {
    let (sp, verified_xml) = verified(store, &incoming, "LogoutResponse", |sp| sp.authn_requests_signed).await?;
    let fail = of(&sp);
    let doc = Document::parse(&verified_xml).map_err(|_| fail(reject("saml-error-logout-response-unreadable")))?;
    let root = doc.root_element();
    check_header(&root, slo_url, now).map_err(&fail)?;
    let Some(in_response_to) = root.attribute("InResponseTo") else {
        return Err(fail(reject("saml-error-logout-response-in-response-to")));
    };
    let status = xml::children(&root, NS_PROTOCOL, "Status")
        .flat_map(|s| xml::children(&s, NS_PROTOCOL, "StatusCode").collect::<Vec<_>>())
        .find_map(|c| c.attribute("Value"))
        .unwrap_or_default()
        .to_string();
    Ok(LogoutResponse {
        sp_entity_id: sp.entity_id.clone(),
        in_response_to: in_response_to.to_string(),
        status,
    })
}

/// Where a message to an SP goes: an endpoint of its metadata, `binding` preferred (else the other one).
pub fn endpoint(sp: &ServiceProvider, preferred: Binding) -> Option<&SloEndpoint> {
    let wanted = match preferred {
        Binding::Redirect => BINDING_REDIRECT,
        Binding::Post => BINDING_POST,
    };
    sp.slo_endpoints
        .iter()
        .find(|e| e.binding == wanted)
        .or_else(|| sp.slo_endpoints.first())
}

/// Our LogoutRequest to an SP, for the session participant it logs out.
pub fn logout_request_xml(
    id: &str,
    issuer: &str,
    destination: &str,
    participant: &SessionParticipant,
    now: DateTime<Utc>,
) -> String {
    // The NameID exactly as the assertion carried it (SPs compare all of it).
    let qualifiers = format!(
        " NameQualifier=\"{}\" SPNameQualifier=\"{}\"",
        escape(issuer),
        escape(&participant.sp_entity_id)
    );
    format!(
        "<samlp:LogoutRequest {NS} ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\" \
         NotOnOrAfter=\"{}\"><saml:Issuer>{}</saml:Issuer><saml:NameID Format=\"{}\"{qualifiers}>{}</saml:NameID>\
         <samlp:SessionIndex>{}</samlp:SessionIndex></samlp:LogoutRequest>",
        instant(now),
        escape(destination),
        instant(now + Duration::minutes(5)),
        escape(issuer),
        participant.name_id_format.uri(),
        escape(&participant.name_id),
        escape(&participant.session_index),
    )
}

/// Our LogoutResponse to an SP's LogoutRequest.
pub fn logout_response_xml(
    id: &str,
    issuer: &str,
    destination: &str,
    in_response_to: &str,
    status: &str,
    now: DateTime<Utc>,
) -> String {
    format!(
        "<samlp:LogoutResponse {NS} ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\" \
         InResponseTo=\"{}\"><saml:Issuer>{}</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"{}\"/>\
         </samlp:Status></samlp:LogoutResponse>",
        instant(now),
        escape(destination),
        escape(in_response_to),
        escape(issuer),
        escape(status),
    )
}

/// A signed message on its way to an SP.
#[derive(Debug)]
pub enum Outgoing {
    /// HTTP-Redirect: the whole URL, signature in the query.
    Redirect(String),
    /// HTTP-POST: an auto-submitting form.
    Post {
        action: String,
        field: &'static str,
        message: String,
        relay_state: Option<String>,
    },
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Signs `xml` (root ID `id`) for `endpoint`'s binding. `field` is `SAMLRequest` or `SAMLResponse`.
pub fn sign_for(
    signer: &Signer,
    endpoint_binding: &str,
    location: &str,
    field: &'static str,
    xml: &str,
    id: &str,
    relay_state: Option<&str>,
) -> Result<Outgoing> {
    if endpoint_binding == BINDING_POST {
        let signed = sign_response(xml, id, signer)?;
        return Ok(Outgoing::Post {
            action: location.to_string(),
            field,
            message: STANDARD.encode(signed),
            relay_state: relay_state.map(str::to_string),
        });
    }
    let internal = |e: std::io::Error| Error::Internal(format!("deflate: {e}"));
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflater.write_all(xml.as_bytes()).map_err(internal)?;
    let compressed = deflater.finish().map_err(internal)?;
    let mut query = format!("{field}={}", encode(&STANDARD.encode(compressed)));
    if let Some(relay) = relay_state {
        query.push_str(&format!("&RelayState={}", encode(relay)));
    }
    query.push_str(&format!("&SigAlg={}", encode(RSA_SHA256)));
    let crypto = |e: openssl::error::ErrorStack| Error::Internal(format!("signing the logout message: {e}"));
    let key = Rsa::private_key_from_der(&signer.private_der)
        .and_then(PKey::from_rsa)
        .map_err(crypto)?;
    let mut rsa = openssl::sign::Signer::new(MessageDigest::sha256(), &key).map_err(crypto)?;
    rsa.update(query.as_bytes()).map_err(crypto)?;
    let signature = rsa.sign_to_vec().map_err(crypto)?;
    query.push_str(&format!("&Signature={}", encode(&STANDARD.encode(signature))));
    let separator = if location.contains('?') { '&' } else { '?' };
    Ok(Outgoing::Redirect(format!("{location}{separator}{query}")))
}
