//! Reading and verifying an AuthnRequest (SAML bindings §3.4 Redirect, §3.5 POST; profiles §4.1.4.1).
//!
//! Order matters: decode within caps (base64, then a bounded inflate for Redirect), `xml::parse` (no DTD, size,
//! depth, no comments), find the Issuer among the registered SPs, verify the signature with *that SP's*
//! registered certificates only — over the raw query string exactly as received for Redirect; for POST exactly
//! one `ds:Signature`, a direct child of the root, with one Reference to `#` + the root's ID, then xmlsec on
//! the document reduced to what is signed — and only then read the fields (from the verified document), check
//! Version, Destination, IssueInstant (±3 min), pick the ACS from the SP's metadata (never from the request
//! alone), and record the ID in the shared replay cache. Every failure is a `Rejection`: an error page on
//! Gatehouse, never a post to an unverified address. Signatures use RSA with SHA-256, -384 or -512; SHA-1 is
//! refused. A signature is verified whenever one is present, and required when the SP's metadata says
//! `AuthnRequestsSigned`.
use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use openssl::hash::MessageDigest;
use openssl::sign::Verifier;
use openssl::x509::X509;
use roxmltree::{Document, Node};
use samael::crypto::{AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode};
use samael::schema::AuthnRequest;
use serde::{Deserialize, Serialize};

use super::BINDING_POST;
use super::context::{self, Requested};
use super::xml::{self, Allow, NS_ASSERTION, NS_DSIG, NS_PROTOCOL};
use crate::core::saml::{AcsEndpoint, NameIdFormat, ServiceProvider};
use crate::core::store::Store;
use crate::protocols::message::Message;

/// Largest encoded `SAMLRequest` (base64 text) accepted.
pub const MAX_ENCODED_BYTES: usize = 48 * 1024;
/// Largest AuthnRequest XML, after base64 and inflate: a signed request with its certificate is about 5 KiB.
pub const MAX_XML_BYTES: usize = 32 * 1024;
/// Largest RelayState (the spec says 80 bytes; SPs send more, so a generous cap).
pub const MAX_RELAY_STATE_BYTES: usize = 1024;
/// Accepted distance between IssueInstant and our clock.
pub const SKEW: Duration = Duration::minutes(3);

const SIGNATURE_ALGORITHMS: [(&str, AllowedSignatureAlgorithm); 3] = [
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        AllowedSignatureAlgorithm::RsaSha256,
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        AllowedSignatureAlgorithm::RsaSha384,
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        AllowedSignatureAlgorithm::RsaSha512,
    ),
];
const DIGEST_ALGORITHMS: [&str; 3] = [
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
];
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// A request that cannot be answered at any ACS: shown on Gatehouse's error page in the request's language (and
/// audited in English, with the SP when the Issuer named a registered one).
#[derive(Debug)]
pub struct Rejection {
    pub message: Message,
    pub sp: Option<String>,
}

pub(super) fn reject(message: impl Into<Message>) -> Rejection {
    Rejection {
        message: message.into(),
        sp: None,
    }
}

impl Rejection {
    fn of(mut self, sp: &str) -> Self {
        self.sp = Some(sp.to_string());
        self
    }
}

impl From<crate::core::Error> for Rejection {
    fn from(e: crate::core::Error) -> Self {
        reject(Message::new("saml-error-failed").with("detail", e.to_string()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    Redirect,
    Post,
}

/// The HTTP-Redirect binding's signature: what the SP signed (the query's octets as received), how, and the
/// signature.
pub struct RedirectSignature {
    pub signed_octets: String,
    pub sig_alg: String,
    pub signature: String,
}

/// A request as it arrived, decoded but not yet trusted.
pub struct Incoming {
    pub binding: Binding,
    pub xml: String,
    pub relay_state: Option<String>,
    /// Redirect only: the query-string signature, if the SP sent one.
    pub redirect_signature: Option<RedirectSignature>,
}

/// A verified request, kept server-side while the user signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validated {
    /// The AuthnRequest's ID; `None` for IdP-initiated SSO (an unsolicited Response has no InResponseTo).
    pub id: Option<String>,
    pub sp_entity_id: String,
    /// From the SP's metadata.
    pub acs_url: String,
    pub relay_state: Option<String>,
    pub force_authn: bool,
    pub is_passive: bool,
    pub binding: Binding,
    pub signed: bool,
    /// The request's RequestedAuthnContext, checked against the session before answering.
    #[serde(default)]
    pub requested_context: Option<Requested>,
    /// The Format of the request's NameIDPolicy, if it named one.
    #[serde(default)]
    pub name_id_policy: Option<String>,
}

/// NameIDPolicy formats that leave the choice to the IdP.
const NAME_ID_UNSPECIFIED: [&str; 2] = [
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
];

/// Whether a request whose NameIDPolicy names `requested` can be answered with the SP's configured `format`:
/// no Format, `unspecified`, or exactly that format's URI (SAML core §3.4.1.1). Otherwise the answer is
/// `Requester`/`InvalidNameIDPolicy`.
pub fn name_id_policy_allows(requested: Option<&str>, format: NameIdFormat) -> bool {
    match requested {
        None => true,
        Some(f) => NAME_ID_UNSPECIFIED.contains(&f) || f == format.uri(),
    }
}

/// The Format of the root's `samlp:NameIDPolicy`, if any.
fn name_id_policy(root: &Node) -> Option<String> {
    xml::children(root, NS_PROTOCOL, "NameIDPolicy")
        .next()?
        .attribute("Format")
        .map(|f| f.trim().to_string())
}

fn decode_value(raw: &str) -> Result<String, Rejection> {
    percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| reject("saml-error-query-not-utf8"))
}

/// The Redirect binding's query string, read from the raw bytes: each parameter once, and the signed octets
/// rebuilt from the values *as received* (bindings §3.4.4.1), never re-encoded.
pub fn redirect_query(raw: &str) -> Result<(String, Option<String>, Option<RedirectSignature>), Rejection> {
    redirect_message(raw, "SAMLRequest")
}

/// `redirect_query` for any message parameter (`SAMLRequest` or `SAMLResponse`, for single logout).
pub fn redirect_message(
    raw: &str,
    param: &str,
) -> Result<(String, Option<String>, Option<RedirectSignature>), Rejection> {
    if raw.len() > MAX_ENCODED_BYTES * 3 + 8 * 1024 {
        return Err(reject("saml-error-request-too-large"));
    }
    let mut raw_values: Vec<(String, &str)> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_value(key)?;
        if raw_values.iter().any(|(k, _)| *k == key) {
            return Err(reject(Message::new("saml-error-parameter-repeated").with("name", key)));
        }
        raw_values.push((key, value));
    }
    let find = |name: &str| raw_values.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let request_raw =
        find(param).ok_or_else(|| reject(Message::new("saml-error-parameter-missing").with("name", param)))?;
    let relay_raw = find("RelayState");
    let relay_state = relay_raw.map(decode_value).transpose()?;
    let signature = match (find("SigAlg"), find("Signature")) {
        (None, None) => None,
        (Some(sig_alg_raw), Some(signature_raw)) => {
            let mut signed_octets = format!("{param}={request_raw}");
            if let Some(relay_raw) = relay_raw {
                signed_octets.push_str(&format!("&RelayState={relay_raw}"));
            }
            signed_octets.push_str(&format!("&SigAlg={sig_alg_raw}"));
            Some(RedirectSignature {
                signed_octets,
                sig_alg: decode_value(sig_alg_raw)?,
                signature: decode_value(signature_raw)?,
            })
        }
        _ => return Err(reject("saml-error-signature-half")),
    };
    Ok((decode_value(request_raw)?, relay_state, signature))
}

/// The Redirect binding's `SAMLRequest`: base64 of raw DEFLATE, inflated to at most `MAX_XML_BYTES` (a deflate
/// bomb stops there, whatever its ratio).
pub fn inflate_redirect(encoded: &str) -> Result<String, Rejection> {
    if encoded.len() > MAX_ENCODED_BYTES {
        return Err(reject("saml-error-message-too-large"));
    }
    let compressed = STANDARD
        .decode(encoded.trim())
        .map_err(|_| reject("saml-error-message-not-base64"))?;
    let mut xml = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(MAX_XML_BYTES as u64 + 1)
        .read_to_end(&mut xml)
        .map_err(|_| reject("saml-error-message-not-deflate"))?;
    if xml.len() > MAX_XML_BYTES {
        return Err(reject("saml-error-message-too-large-inflated"));
    }
    String::from_utf8(xml).map_err(|_| reject("saml-error-message-not-utf8"))
}

/// The POST binding's `SAMLRequest`: base64 (line breaks allowed) of the XML.
pub fn decode_post(encoded: &str) -> Result<String, Rejection> {
    if encoded.len() > MAX_ENCODED_BYTES {
        return Err(reject("saml-error-message-too-large"));
    }
    let compact: String = encoded.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let xml = STANDARD
        .decode(compact)
        .map_err(|_| reject("saml-error-message-not-base64"))?;
    if xml.len() > MAX_XML_BYTES {
        return Err(reject("saml-error-message-too-large"));
    }
    String::from_utf8(xml).map_err(|_| reject("saml-error-message-not-utf8"))
}

/// The root's single `saml:Issuer`, which names the SP.
fn issuer_of(doc: &Document) -> Result<String, Rejection> {
    let root = doc.root_element();
    if !xml::is(&root, NS_PROTOCOL, "AuthnRequest") {
        return Err(reject("saml-error-not-authn-request"));
    }
    let issuers: Vec<Node> = xml::children(&root, NS_ASSERTION, "Issuer").collect();
    let [issuer] = issuers.as_slice() else {
        return Err(reject("saml-error-issuer-count"));
    };
    if issuer
        .attribute("Format")
        .is_some_and(|f| f != "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
    {
        return Err(reject("saml-error-issuer-format"));
    }
    Ok(xml::text(issuer).trim().to_string())
}

fn algorithm<'a>(node: &Node<'a, '_>, name: &'static str) -> Option<&'a str> {
    xml::children(node, NS_DSIG, name).next()?.attribute("Algorithm")
}

/// For POST: whether the document is signed, after checking that any signature has the one shape accepted —
/// the only `ds:Signature` in the document, a direct child of the root, one Reference to `#` + the root's ID
/// (the root's ID appearing once), exclusive c14n, the enveloped-signature transform, RSA with SHA-256 or stronger.
pub(super) fn enveloped_signature_shape(doc: &Document) -> Result<bool, Rejection> {
    let root = doc.root_element();
    let signatures: Vec<Node> = doc.descendants().filter(|n| xml::is(n, NS_DSIG, "Signature")).collect();
    let signature = match signatures.as_slice() {
        [] => return Ok(false),
        [one] => *one,
        _ => return Err(reject("saml-error-signature-several")),
    };
    let bad = |key: &'static str| Err(reject(key));
    if signature.parent_element() != Some(root) {
        return bad("saml-error-shape-not-root");
    }
    let Some(id) = root.attribute("ID") else {
        return bad("saml-error-shape-no-id");
    };
    if doc.descendants().filter(|n| n.attribute("ID") == Some(id)).count() != 1 {
        return bad("saml-error-shape-id-twice");
    }
    let signed_infos: Vec<Node> = xml::children(&signature, NS_DSIG, "SignedInfo").collect();
    let [signed_info] = signed_infos.as_slice() else {
        return bad("saml-error-shape-signed-info");
    };
    if algorithm(signed_info, "CanonicalizationMethod") != Some(EXC_C14N) {
        return bad("saml-error-shape-c14n");
    }
    match algorithm(signed_info, "SignatureMethod") {
        Some(alg) if SIGNATURE_ALGORITHMS.iter().any(|(uri, _)| *uri == alg) => {}
        Some(alg) if alg.ends_with("sha1") => return bad("saml-error-shape-sha1"),
        _ => return bad("saml-error-shape-algorithm"),
    }
    let references: Vec<Node> = xml::children(signed_info, NS_DSIG, "Reference").collect();
    let [reference] = references.as_slice() else {
        return bad("saml-error-shape-references");
    };
    if reference.attribute("URI") != Some(format!("#{id}").as_str()) {
        return bad("saml-error-shape-reference-target");
    }
    match algorithm(reference, "DigestMethod") {
        Some(alg) if DIGEST_ALGORITHMS.contains(&alg) => {}
        Some(alg) if alg.ends_with("sha1") => return bad("saml-error-shape-sha1"),
        _ => return bad("saml-error-shape-digest"),
    }
    for transforms in xml::children(reference, NS_DSIG, "Transforms") {
        for transform in transforms.children().filter(|n| n.is_element()) {
            if !xml::is(&transform, NS_DSIG, "Transform")
                || !matches!(transform.attribute("Algorithm"), Some(ENVELOPED | EXC_C14N))
            {
                return bad("saml-error-shape-transforms");
            }
        }
    }
    Ok(true)
}

fn certificates(sp: &ServiceProvider) -> Vec<Vec<u8>> {
    sp.certificates.iter().filter_map(|c| STANDARD.decode(c).ok()).collect()
}

/// Verifies the POST binding's enveloped signature with xmlsec against the SP's certificates and returns the
/// document reduced to what the signature covers.
pub(super) fn verify_enveloped(xml_text: &str, sp: &ServiceProvider) -> Result<String, Rejection> {
    let certs: Vec<CertificateDer> = certificates(sp).into_iter().map(CertificateDer::from).collect();
    if certs.is_empty() {
        return Err(reject("saml-error-no-certificate"));
    }
    let allowed: Vec<AllowedSignatureAlgorithm> = SIGNATURE_ALGORITHMS.iter().map(|(_, a)| *a).collect();
    Crypto::reduce_xml_to_signed_with_allowed_algorithms(
        xml_text,
        &certs,
        ReduceMode::ValidateAndMarkNoAncestors,
        Some(&allowed),
    )
    .map_err(|_| reject("saml-error-signature-mismatch"))
}

/// Verifies the Redirect binding's signature over the received octets with the SP's certificates.
pub(super) fn verify_redirect(signature: &RedirectSignature, sp: &ServiceProvider) -> Result<(), Rejection> {
    let digest = match signature.sig_alg.as_str() {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => MessageDigest::sha256(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => MessageDigest::sha384(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => MessageDigest::sha512(),
        alg if alg.ends_with("sha1") => return Err(reject("saml-error-sha1")),
        _ => {
            return Err(reject("saml-error-signature-algorithm"));
        }
    };
    let compact: String = signature
        .signature
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|_| reject("saml-error-signature-not-base64"))?;
    for der in certificates(sp) {
        let Ok(key) = X509::from_der(&der).and_then(|c| c.public_key()) else {
            continue;
        };
        let verified = Verifier::new(digest, &key)
            .and_then(|mut v| {
                v.update(signature.signed_octets.as_bytes())?;
                v.verify(&bytes)
            })
            .unwrap_or(false);
        if verified {
            return Ok(());
        }
    }
    Err(reject("saml-error-query-signature-mismatch"))
}

/// An xs:ID: an NCName of reasonable length.
pub(super) fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 256
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The ACS to answer at: the one the request names (by URL, compared exactly, or by index) if the SP's metadata
/// has it with the HTTP-POST binding; else the metadata's default POST endpoint.
fn choose_acs<'a>(sp: &'a ServiceProvider, request: &AuthnRequest) -> Result<&'a AcsEndpoint, Rejection> {
    if request.protocol_binding.as_deref().is_some_and(|b| b != BINDING_POST) {
        return Err(reject("saml-error-binding"));
    }
    let post = || sp.acs_endpoints.iter().filter(|e| e.binding == BINDING_POST);
    match (
        request.assertion_consumer_service_url.as_deref(),
        request.assertion_consumer_service_index,
    ) {
        (Some(_), Some(_)) => Err(reject("saml-error-acs-twice")),
        (Some(url), None) => post()
            .find(|e| e.location == url)
            .ok_or_else(|| reject("saml-error-acs-unregistered")),
        (None, Some(index)) => post()
            .find(|e| e.index as usize == index)
            .ok_or_else(|| reject("saml-error-acs-index")),
        (None, None) => default_acs(sp),
    }
}

/// The SP's default HTTP-POST ACS: the one marked `isDefault`, else the first in its metadata.
pub fn default_acs(sp: &ServiceProvider) -> Result<&AcsEndpoint, Rejection> {
    let post = || sp.acs_endpoints.iter().filter(|e| e.binding == BINDING_POST);
    post()
        .find(|e| e.is_default)
        .or_else(|| post().next())
        .ok_or_else(|| reject("saml-error-no-acs"))
}

/// Everything above, in order; on success the request ID is recorded (a second use is refused).
pub async fn validate(
    store: &dyn Store,
    sso_url: &str,
    now: DateTime<Utc>,
    incoming: Incoming,
) -> Result<Validated, Rejection> {
    if incoming
        .relay_state
        .as_ref()
        .is_some_and(|r| r.len() > MAX_RELAY_STATE_BYTES)
    {
        return Err(reject("saml-error-relay-state-too-long"));
    }
    let doc = xml::parse(&incoming.xml, MAX_XML_BYTES, Allow::Nothing).map_err(reject)?;
    let issuer = issuer_of(&doc)?;
    let Some(sp) = store.sp(&issuer).await? else {
        return Err(reject("saml-error-sp-unknown"));
    };
    let fail = |r: Rejection| r.of(&sp.entity_id);
    let (verified_xml, signed) = match incoming.binding {
        Binding::Redirect => {
            if doc.descendants().any(|n| xml::is(&n, NS_DSIG, "Signature")) {
                return Err(fail(reject("saml-error-redirect-signature-in-xml")));
            }
            match &incoming.redirect_signature {
                Some(signature) => {
                    verify_redirect(signature, &sp).map_err(fail)?;
                    (incoming.xml.clone(), true)
                }
                None => (incoming.xml.clone(), false),
            }
        }
        Binding::Post => {
            if enveloped_signature_shape(&doc).map_err(fail)? {
                (verify_enveloped(&incoming.xml, &sp).map_err(fail)?, true)
            } else {
                (incoming.xml.clone(), false)
            }
        }
    };
    if sp.authn_requests_signed && !signed {
        return Err(fail(reject("saml-error-unsigned")));
    }
    // The fields are read from what was verified; its root must still be the request the signature check saw.
    let verified_doc = xml::parse(&verified_xml, MAX_XML_BYTES * 2, Allow::Nothing).map_err(|e| fail(reject(e)))?;
    if issuer_of(&verified_doc).map_err(fail)? != issuer
        || verified_doc.root_element().attribute("ID") != doc.root_element().attribute("ID")
    {
        return Err(fail(reject("saml-error-signed-part")));
    }
    let requested_context = context::read(&verified_doc.root_element()).map_err(|key| fail(reject(key)))?;
    let name_id_policy = name_id_policy(&verified_doc.root_element());
    let request = verified_xml.parse::<AuthnRequest>().map_err(|e| {
        fail(reject(
            Message::new("saml-error-unreadable").with("detail", e.to_string()),
        ))
    })?;
    if request.version != "2.0" {
        return Err(fail(reject("saml-error-version")));
    }
    if !valid_id(&request.id) {
        return Err(fail(reject("saml-error-id")));
    }
    match request.destination.as_deref() {
        Some(destination) if destination == sso_url => {}
        Some(_) => return Err(fail(reject("saml-error-destination"))),
        None if signed => {
            return Err(fail(reject("saml-error-destination-missing")));
        }
        None => {}
    }
    if (request.issue_instant - now).abs() > SKEW {
        return Err(fail(reject("saml-error-clock")));
    }
    let acs = choose_acs(&sp, &request).map_err(fail)?;
    // Kept until no clock within the skew could accept the request again.
    let keep_until = request.issue_instant.max(now) + SKEW + Duration::minutes(1);
    if !store
        .use_saml_request_id(&sp.entity_id, &request.id, keep_until, now)
        .await
        .map_err(|e| fail(e.into()))?
    {
        return Err(fail(reject("saml-error-replay")));
    }
    Ok(Validated {
        id: Some(request.id),
        sp_entity_id: sp.entity_id.clone(),
        acs_url: acs.location.clone(),
        relay_state: incoming.relay_state,
        force_authn: request.force_authn.unwrap_or(false),
        is_passive: request.is_passive.unwrap_or(false),
        binding: incoming.binding,
        signed,
        requested_context,
        name_id_policy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_query_is_read_as_received() {
        let (request, relay, signature) =
            redirect_query("SAMLRequest=a%2Bb&RelayState=x+y&SigAlg=alg%3A1&Signature=c2ln").expect("parses");
        assert_eq!(request, "a+b");
        assert_eq!(relay.as_deref(), Some("x y"));
        let signature = signature.expect("signed");
        assert_eq!(
            signature.signed_octets,
            "SAMLRequest=a%2Bb&RelayState=x+y&SigAlg=alg%3A1"
        );
        assert_eq!(signature.sig_alg, "alg:1");
        assert!(redirect_query("SAMLRequest=a&SAMLRequest=b").is_err());
        assert!(redirect_query("SAMLRequest=a&Signature=x").is_err());
        assert!(redirect_query("RelayState=a").is_err());
    }

    #[test]
    fn inflate_is_bounded() {
        use std::io::Write;
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 10 * 1024 * 1024]).expect("compress");
        let bomb = STANDARD.encode(encoder.finish().expect("finish"));
        assert!(bomb.len() < MAX_ENCODED_BYTES);
        assert!(
            inflate_redirect(&bomb)
                .unwrap_err()
                .message
                .english()
                .contains("too large")
        );
        assert!(inflate_redirect("%%%").is_err());
        assert!(inflate_redirect("AAAA").is_err());
    }

    #[test]
    fn name_id_policies() {
        let persistent = NameIdFormat::Persistent;
        assert!(name_id_policy_allows(None, persistent));
        assert!(name_id_policy_allows(Some(NAME_ID_UNSPECIFIED[0]), persistent));
        assert!(name_id_policy_allows(Some(persistent.uri()), persistent));
        assert!(!name_id_policy_allows(Some(NameIdFormat::Email.uri()), persistent));
        assert!(!name_id_policy_allows(
            Some("urn:oasis:names:tc:SAML:2.0:nameid-format:transient"),
            NameIdFormat::Email
        ));
        assert!(!name_id_policy_allows(Some("urn:x:made-up"), NameIdFormat::Transient));
    }

    #[test]
    fn ids_are_ncnames() {
        assert!(valid_id("_abc-1.2"));
        assert!(valid_id("id123"));
        assert!(!valid_id("1abc"));
        assert!(!valid_id(""));
        assert!(!valid_id("a b"));
        assert!(!valid_id(&"a".repeat(300)));
    }
}
