//! A service provider for the SAML tests: its own RSA key and certificate, its metadata, AuthnRequests built and
//! signed here (Redirect: over the query string; POST: an enveloped signature by xmlsec), and the browser steps
//! from the request to the form Gatehouse posts back.
#![allow(dead_code)]

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::saml::sps::{self, NewServiceProvider};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use samael::crypto::{CertificateDer, Crypto, CryptoProvider, ReduceMode};
use std::io::Write;

pub const SP_ENTITY: &str = "https://sp.example.test/metadata";
pub const ACS: &str = "https://sp.example.test/acs";
pub const ACS_2: &str = "https://sp.example.test/acs-2";
pub const SLO: &str = "https://sp.example.test/slo";
pub const SLO_POST: &str = "https://sp.example.test/slo-post";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

pub struct TestSp {
    pub key: PKey<Private>,
    pub certificate: String,
    pub entity_id: String,
}

/// A key pair and self-signed certificate (RSA-2048, SHA-256).
pub fn key_and_certificate() -> (PKey<Private>, String) {
    use openssl::asn1::Asn1Time;
    use openssl::x509::{X509, X509NameBuilder};
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "sp.example.test").unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    // RFC 5280: a positive serial (pysaml2's cryptography warns about zero).
    let mut serial = openssl::bn::BigNum::new().unwrap();
    serial.rand(64, openssl::bn::MsbOption::ONE, false).unwrap();
    builder.set_serial_number(&serial.to_asn1_integer().unwrap()).unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
    builder.set_not_after(&Asn1Time::days_from_now(365).unwrap()).unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    let certificate = STANDARD.encode(builder.build().to_der().unwrap());
    (key, certificate)
}

impl TestSp {
    pub fn new() -> TestSp {
        let (key, certificate) = key_and_certificate();
        TestSp {
            key,
            certificate,
            entity_id: SP_ENTITY.into(),
        }
    }

    pub fn metadata(&self, authn_requests_signed: bool) -> String {
        format!(
            r#"<?xml version="1.0"?>
<!-- a comment, as people's metadata files have -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}">
  <md:SPSSODescriptor AuthnRequestsSigned="{authn_requests_signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
{cert}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{SLO}"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{SLO_POST}"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{ACS}" index="0" isDefault="true"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{ACS_2}" index="1"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://sp.example.test/artifact" index="2"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"#,
            entity = self.entity_id,
            cert = self.certificate,
        )
    }

    /// The metadata with a second key pair's certificate as `KeyDescriptor use="encryption"`.
    pub fn metadata_with_encryption(&self, authn_requests_signed: bool, encryption_certificate: &str) -> String {
        self.metadata(authn_requests_signed).replacen(
            "    <md:SingleLogoutService",
            &format!(
                "    <md:KeyDescriptor use=\"encryption\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{encryption_certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n    <md:SingleLogoutService"
            ),
            1,
        )
    }

    /// Registers this SP with the server.
    pub async fn register(&self, server: &TestServer, authn_requests_signed: bool, name_id: &str, sign_response: bool) {
        self.register_with(server, authn_requests_signed, name_id, sign_response, false)
            .await;
    }

    /// Registers this SP, choosing whether it allows IdP-initiated SSO.
    pub async fn register_with(
        &self,
        server: &TestServer,
        authn_requests_signed: bool,
        name_id: &str,
        sign_response: bool,
        allow_idp_initiated: bool,
    ) {
        sps::register(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            NewServiceProvider {
                name_id_format: Some(name_id.into()),
                sign_response,
                allow_idp_initiated,
                ..an_sp(self.metadata(authn_requests_signed))
            },
        )
        .await
        .expect("SP registered");
    }
}

/// What goes into a test AuthnRequest; `Default` plus the server's clock gives a valid one.
#[derive(Clone)]
pub struct Req {
    pub id: String,
    pub issuer: String,
    pub destination: Option<String>,
    pub acs: Option<String>,
    pub issue_instant: chrono::DateTime<chrono::Utc>,
    pub force_authn: bool,
    pub is_passive: bool,
    /// Inserted inside the root after the Issuer (Extensions, a nested request, …).
    pub inner: String,
}

impl Req {
    pub fn new(server: &TestServer) -> Req {
        Req {
            id: format!("_req{}", uuid::Uuid::new_v4().simple()),
            issuer: SP_ENTITY.into(),
            destination: Some(server.url("/saml/sso")),
            acs: Some(ACS.into()),
            issue_instant: server.state().clock.now(),
            force_authn: false,
            is_passive: false,
            inner: String::new(),
        }
    }

    pub fn xml(&self) -> String {
        self.xml_with_signature_slot("")
    }

    /// The request with `signature` placed right after the Issuer (schema order).
    pub fn xml_with_signature_slot(&self, signature: &str) -> String {
        let mut attrs = format!(
            r#"ID="{}" Version="2.0" IssueInstant="{}""#,
            self.id,
            self.issue_instant.format("%Y-%m-%dT%H:%M:%SZ")
        );
        if let Some(d) = &self.destination {
            attrs.push_str(&format!(r#" Destination="{d}""#));
        }
        if let Some(acs) = &self.acs {
            attrs.push_str(&format!(
                r#" AssertionConsumerServiceURL="{acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST""#
            ));
        }
        if self.force_authn {
            attrs.push_str(r#" ForceAuthn="true""#);
        }
        if self.is_passive {
            attrs.push_str(r#" IsPassive="true""#);
        }
        format!(
            r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" {attrs}><saml:Issuer>{}</saml:Issuer>{signature}{}<samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>"#,
            self.issuer, self.inner
        )
    }
}

pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub fn deflate(xml: &str) -> String {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(xml.as_bytes()).unwrap();
    STANDARD.encode(encoder.finish().unwrap())
}

/// The Redirect-binding query for `xml`, signed with `key` and `sig_alg` (`None`: unsigned).
pub fn redirect_query(xml: &str, relay_state: Option<&str>, key: Option<(&PKey<Private>, &str)>) -> String {
    let mut query = format!("SAMLRequest={}", encode(&deflate(xml)));
    if let Some(relay) = relay_state {
        query.push_str(&format!("&RelayState={}", encode(relay)));
    }
    if let Some((key, sig_alg)) = key {
        query.push_str(&format!("&SigAlg={}", encode(sig_alg)));
        let digest = if sig_alg == RSA_SHA1 {
            MessageDigest::sha1()
        } else {
            MessageDigest::sha256()
        };
        let mut signer = openssl::sign::Signer::new(digest, key).unwrap();
        signer.update(query.as_bytes()).unwrap();
        let signature = STANDARD.encode(signer.sign_to_vec().unwrap());
        query.push_str(&format!("&Signature={}", encode(&signature)));
    }
    query
}

/// An enveloped-signature template for the element with `id`.
pub fn signature_template(id: &str, sig_alg: &str, digest: &str) -> String {
    format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{sig_alg}"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="{digest}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>"##
    )
}

pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// The request signed with an enveloped signature over its root (as SPs do for the POST binding).
pub fn signed_post_xml(req: &Req, key: &PKey<Private>, sig_alg: &str, digest: &str) -> String {
    let template = signature_template(&req.id, sig_alg, digest);
    let xml = req.xml_with_signature_slot(&template);
    Crypto::sign_xml(xml, &key.private_key_to_der().unwrap()).expect("xmlsec signs")
}

/// `xml` without its XML declaration, to nest it in another document.
pub fn without_declaration(xml: &str) -> String {
    let xml = xml.trim_start();
    match xml
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|end| &rest[end + 2..]))
    {
        Some(rest) => rest.trim_start().to_string(),
        None => xml.to_string(),
    }
}

pub fn post_body(xml: &str) -> String {
    STANDARD.encode(xml)
}

/// Sends a Redirect-binding request; returns the first answer (a redirect to resume, or an error page).
pub async fn send_redirect(browser: &Browser, query: &str) -> Page {
    browser.get(&format!("/saml/sso?{query}")).await
}

pub async fn send_post(browser: &Browser, xml_b64: &str, relay_state: Option<&str>) -> Page {
    let mut form = vec![("SAMLRequest", xml_b64)];
    if let Some(relay) = relay_state {
        form.push(("RelayState", relay));
    }
    browser.post("/saml/sso", &form).await
}

/// Follows a request that was accepted through sign-in (password, then TOTP when `totp` is given) to the page
/// with the form posted to the SP.
pub async fn complete(server: &TestServer, browser: &Browser, accepted: &Page, totp: Option<&[u8]>) -> Page {
    assert_eq!(accepted.status, 303, "request accepted: {}", accepted.body);
    let resume = accepted.location().expect("to resume");
    assert!(resume.starts_with("/saml/sso/resume?request="), "{resume}");
    let mut page = browser.get(&resume).await;
    if page.status == 303 && page.location().unwrap_or_default().starts_with("/login") {
        let login = page.location().unwrap();
        let signed_in = browser
            .submit(
                &login,
                "/login",
                &[
                    ("username", "alice"),
                    ("password", GOOD_PASSWORD),
                    ("return_to", &resume),
                ],
            )
            .await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        let mut next = signed_in.location().unwrap();
        if next.starts_with("/login/factor") {
            let secret = totp.expect("a TOTP secret for the second factor");
            let code = server.totp_code(secret, 0);
            let factor_page = browser.get(&next).await;
            let return_to = factor_page
                .input("return_to")
                .expect("the factor form carries return_to")
                .replace("&amp;", "&");
            let done = browser
                .post(
                    "/login/factor",
                    &[
                        ("csrf", &factor_page.csrf()),
                        ("method", "totp"),
                        ("code", &code),
                        ("return_to", &return_to),
                    ],
                )
                .await;
            assert_eq!(done.status, 303, "{}", done.body);
            next = done.location().unwrap();
        }
        assert_eq!(next, resume, "back to the request after sign-in");
        page = browser.get(&resume).await;
    }
    page
}

/// The decoded Response in a post form page.
pub fn response_xml(page: &Page) -> String {
    assert_eq!(page.status, 200, "{}", page.body);
    let encoded = page.input("SAMLResponse").expect("a SAMLResponse field");
    String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap()
}

/// The IdP certificate from the published metadata.
pub async fn idp_certificate(browser: &Browser) -> String {
    let metadata = browser.get("/saml/metadata").await;
    let start = metadata.body.find("<ds:X509Certificate>").expect("certificate") + "<ds:X509Certificate>".len();
    metadata.body[start..start + metadata.body[start..].find('<').unwrap()].to_string()
}

/// Verifies every signature in the Response with `certificate` (xmlsec) and returns what they cover.
pub fn verified(xml: &str, certificate: &str) -> Result<String, String> {
    let cert = CertificateDer::from(STANDARD.decode(certificate).unwrap());
    Crypto::reduce_xml_to_signed(xml, &[cert], ReduceMode::ValidateAndMarkNoAncestors).map_err(|e| e.to_string())
}

/// Whether a page is Gatehouse's error page that posts nothing anywhere.
pub fn refused(page: &Page, message: &str) {
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(!page.body.contains("SAMLResponse"), "nothing is posted");
    assert!(page.body.contains(message), "expected '{message}' in: {}", page.body);
}
