//! Registering service providers from their metadata. What is kept: the entity ID, every
//! AssertionConsumerService (binding, location, index, isDefault, in document order), the signing certificates
//! (checked to be X.509, stored as base64 DER — the only keys the SP's requests are ever verified with), the
//! encryption certificates (RSA, 2048 bits or more; a `KeyDescriptor` without `use` counts for signing and
//! encryption), `AuthnRequestsSigned` and `WantAssertionsSigned`. Encrypting assertions cannot be turned on for
//! an SP without an encryption certificate. The metadata passes `xml::parse` first (size cap, no DTD).
//! ACS locations are absolute https URLs (http only on loopback hosts) and at least one uses HTTP-POST, the
//! only binding responses are sent with.
//!
//! A refusal of one of Gatehouse's settings for the SP starts with the setting's name (`min_acr: …`, see
//! [`SETTINGS`]); every other refusal is about the metadata. The admin API reports them at those fields.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use samael::metadata::EntityDescriptor;
use url::Url;

use super::BINDING_POST;
use super::xml::{self, Allow, NS_METADATA};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::policy::assurance;
use crate::core::saml::{
    AcsEndpoint, AttributeMapping, EncryptionMethod, NameIdFormat, ServiceProvider, SloEndpoint, default_attributes,
};
use crate::core::store::Store;
use crate::core::{Error, Result};

pub const MAX_METADATA_BYTES: usize = 256 * 1024;

/// The settings whose refusals are prefixed with their name.
pub const SETTINGS: [&str; 6] = [
    "name_id_format",
    "min_acr",
    "encryption_method",
    "allowed_roles",
    "attributes",
    "encrypt_assertion",
];

/// A refusal about the setting `field`: its message prefixed with the name.
fn at(field: &'static str) -> impl Fn(Error) -> Error {
    move |error| match error {
        Error::Invalid(detail) => Error::Invalid(format!("{field}: {detail}")),
        other => other,
    }
}

pub struct NewServiceProvider {
    pub metadata: String,
    pub name_id_format: Option<String>,
    /// Sign the whole Response as well as the Assertion.
    pub sign_response: bool,
    /// Allow IdP-initiated SSO (`/saml/sso/init`): unsolicited Responses to the default ACS.
    pub allow_idp_initiated: bool,
    /// Only users with one of these roles may sign in to it; empty: everyone.
    pub allowed_roles: Vec<String>,
    /// Every Response needs this assurance level (`core::policy::assurance::ALL`); `None`: no minimum.
    pub min_acr: Option<String>,
    /// Encrypt assertions with the SP's encryption certificate (refused when its metadata has none).
    pub encrypt_assertion: bool,
    /// `aes256-gcm` (default) or `aes256-cbc`.
    pub encryption_method: Option<String>,
    /// The attributes sent; `None`: `default_attributes`.
    pub attributes: Option<Vec<AttributeMapping>>,
}

/// What `sp update` changes; `None` keeps the current setting (and the current metadata).
#[derive(Default)]
pub struct SpChanges {
    pub metadata: Option<String>,
    pub name_id_format: Option<String>,
    /// A level, or `none` to remove the minimum.
    pub min_acr: Option<String>,
    pub encrypt_assertion: Option<bool>,
    pub encryption_method: Option<String>,
    pub attributes: Option<Vec<AttributeMapping>>,
}

fn check_encryption_method(text: Option<&str>) -> Result<EncryptionMethod> {
    match text {
        None => Ok(EncryptionMethod::default()),
        Some(t) => EncryptionMethod::parse(t).ok_or_else(|| {
            Error::invalid(format!(
                "Unknown encryption method '{t}': use aes256-gcm (default) or aes256-cbc."
            ))
        }),
    }
}

/// A certificate from a KeyDescriptor: base64 DER, normalized, with its public key.
fn read_certificate(text: &str) -> Option<(String, openssl::pkey::PKey<openssl::pkey::Public>)> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(&compact).ok()?;
    let cert = openssl::x509::X509::from_der(&der).ok()?;
    let key = cert.public_key().ok()?;
    Some((STANDARD.encode(&der), key))
}

fn is_rsa_2048(key: &openssl::pkey::PKey<openssl::pkey::Public>) -> bool {
    key.rsa().is_ok() && key.bits() >= 2048
}

fn check_location(location: &str) -> Result<()> {
    check_endpoint("AssertionConsumerService", location)
}

fn check_endpoint(kind: &str, location: &str) -> Result<()> {
    let bad = || {
        Error::invalid(format!(
            "The {kind} '{location}' is not usable (absolute, no fragment, https unless on a loopback host)."
        ))
    };
    let url = Url::parse(location).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let ok = match url.scheme() {
        "https" => true,
        "http" => loopback,
        _ => false,
    };
    if !ok || url.fragment().is_some() || location.len() > 2048 {
        return Err(bad());
    }
    Ok(())
}

fn check_min_acr(level: Option<&str>) -> Result<Option<String>> {
    match level {
        None => Ok(None),
        Some(l) if assurance::ALL.contains(&l) => Ok(Some(l.to_string())),
        Some(l) => Err(Error::invalid(format!(
            "'{l}' is not an assurance level: use one of {}.",
            assurance::ALL.join(", ")
        ))),
    }
}

fn check_roles(roles: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for role in roles {
        let role = role.trim();
        if role.is_empty() || role.len() > 64 || role.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(format!("'{role}' is not a role name.")));
        }
        if !out.iter().any(|r| r == role) {
            out.push(role.to_string());
        }
    }
    Ok(out)
}

/// Why `sp` must not get an assertion about a user with `roles` (status `RequestDenied`), if it must not: a
/// disabled account (sessions of disabled users do not resolve; this is the last line), or a role the SP is
/// restricted to that the user lacks.
pub fn refusal(sp: &ServiceProvider, user_active: bool, roles: &[String]) -> Option<&'static str> {
    if !user_active {
        return Some("the account is disabled");
    }
    if !sp.allowed_roles.is_empty() && !sp.allowed_roles.iter().any(|r| roles.contains(r)) {
        return Some("the user has none of the roles this service provider is restricted to");
    }
    None
}

/// The service provider a metadata document describes (not stored).
pub fn from_metadata(new: &NewServiceProvider, now: DateTime<Utc>) -> Result<ServiceProvider> {
    let doc = xml::parse(&new.metadata, MAX_METADATA_BYTES, Allow::Comments)
        .map_err(|why| Error::invalid(format!("The metadata cannot be used: {why}")))?;
    if !xml::is(&doc.root_element(), NS_METADATA, "EntityDescriptor") {
        return Err(Error::invalid(
            "The metadata must be one md:EntityDescriptor (an EntitiesDescriptor holding several is not accepted).",
        ));
    }
    let parsed: EntityDescriptor = new
        .metadata
        .parse()
        .map_err(|e| Error::invalid(format!("The metadata cannot be read: {e}")))?;
    let entity_id = parsed
        .entity_id
        .clone()
        .filter(|id| !id.is_empty() && id.len() <= 1024 && !id.chars().any(|c| c.is_whitespace() || c.is_control()))
        .ok_or_else(|| Error::invalid("The metadata has no usable entityID (1 to 1024 characters, no spaces)."))?;
    let descriptors = parsed.sp_sso_descriptors.unwrap_or_default();
    let sp = match descriptors.as_slice() {
        [one] => one,
        [] => return Err(Error::invalid("The metadata has no SPSSODescriptor.")),
        _ => return Err(Error::invalid("The metadata has more than one SPSSODescriptor.")),
    };
    if !sp
        .protocol_support_enumeration
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .any(|p| p == xml::NS_PROTOCOL)
    {
        return Err(Error::invalid("The SPSSODescriptor does not support SAML 2.0."));
    }
    let mut acs_endpoints = Vec::new();
    for endpoint in &sp.assertion_consumer_services {
        check_location(&endpoint.location)?;
        acs_endpoints.push(AcsEndpoint {
            binding: endpoint.binding.clone(),
            location: endpoint.location.clone(),
            index: u32::try_from(endpoint.index)
                .map_err(|_| Error::invalid("An AssertionConsumerService index is out of range."))?,
            is_default: endpoint.is_default.unwrap_or(false),
        });
    }
    if !acs_endpoints.iter().any(|e| e.binding == BINDING_POST) {
        return Err(Error::invalid(
            "The metadata has no AssertionConsumerService with the HTTP-POST binding, the only one responses use.",
        ));
    }
    let mut indexes: Vec<u32> = acs_endpoints.iter().map(|e| e.index).collect();
    indexes.sort_unstable();
    indexes.dedup();
    if indexes.len() != acs_endpoints.len() {
        return Err(Error::invalid("Two AssertionConsumerService endpoints share an index."));
    }
    let mut slo_endpoints = Vec::new();
    for endpoint in sp.single_logout_services.iter().flatten() {
        if endpoint.binding != BINDING_POST && endpoint.binding != super::BINDING_REDIRECT {
            continue;
        }
        check_endpoint("SingleLogoutService", &endpoint.location)?;
        if let Some(response_location) = &endpoint.response_location {
            check_endpoint("SingleLogoutService ResponseLocation", response_location)?;
        }
        slo_endpoints.push(SloEndpoint {
            binding: endpoint.binding.clone(),
            location: endpoint.location.clone(),
            response_location: endpoint.response_location.clone(),
        });
    }
    let mut certificates = Vec::new();
    let mut encryption_certificates = Vec::new();
    for key in sp.key_descriptors.iter().flatten() {
        let key_use = key.key_use.as_deref();
        let (signing, encryption) = (
            key_use.is_none_or(|u| u == "signing"),
            key_use.is_none_or(|u| u == "encryption"),
        );
        for text in key.key_info.x509_data.iter().flat_map(|d| d.certificates.iter()) {
            if signing {
                let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                STANDARD
                    .decode(&compact)
                    .map_err(|_| Error::invalid("A signing certificate is not base64."))?;
                let (normalized, public) = read_certificate(text)
                    .ok_or_else(|| Error::invalid("A signing certificate is not an X.509 certificate."))?;
                if !is_rsa_2048(&public) {
                    return Err(Error::invalid(
                        "Signing certificates must hold RSA keys of 2048 bits or more.",
                    ));
                }
                if !certificates.contains(&normalized) {
                    certificates.push(normalized.clone());
                }
            }
            // Encryption certificates Gatehouse cannot use (not RSA-2048+) are left out; encryption then
            // cannot be turned on (below) rather than the whole metadata being refused.
            if encryption
                && let Some((normalized, public)) = read_certificate(text)
                && is_rsa_2048(&public)
                && !encryption_certificates.contains(&normalized)
            {
                encryption_certificates.push(normalized);
            }
        }
    }
    if new.encrypt_assertion && encryption_certificates.is_empty() {
        return Err(Error::invalid(
            "encrypt_assertion: Assertions cannot be encrypted for this SP: its metadata has no usable encryption certificate \
             (a KeyDescriptor with use=\"encryption\", or without use, holding an RSA key of 2048 bits or more).",
        ));
    }
    let authn_requests_signed = sp.authn_requests_signed.unwrap_or(false);
    if authn_requests_signed && certificates.is_empty() {
        return Err(Error::invalid(
            "The SP signs its requests (AuthnRequestsSigned) but its metadata has no signing certificate.",
        ));
    }
    let name_id_format = match new.name_id_format.as_deref() {
        None => NameIdFormat::Persistent,
        Some(text) => NameIdFormat::parse(text).ok_or_else(|| {
            Error::invalid(format!(
                "name_id_format: Unknown NameID format '{}': use persistent, email or transient.",
                crate::core::model::truncate(text, 64)
            ))
        })?,
    };
    Ok(ServiceProvider {
        entity_id,
        metadata: new.metadata.clone(),
        acs_endpoints,
        certificates,
        authn_requests_signed,
        want_assertions_signed: sp.want_assertions_signed.unwrap_or(false),
        sign_response: new.sign_response,
        name_id_format,
        allow_idp_initiated: new.allow_idp_initiated,
        slo_endpoints,
        allowed_roles: check_roles(&new.allowed_roles).map_err(at("allowed_roles"))?,
        min_acr: check_min_acr(new.min_acr.as_deref()).map_err(at("min_acr"))?,
        encryption_certificates,
        encrypt_assertion: new.encrypt_assertion,
        encryption_method: check_encryption_method(new.encryption_method.as_deref())
            .map_err(at("encryption_method"))?,
        attributes: super::attributes::check(new.attributes.clone().unwrap_or_else(default_attributes))
            .map_err(at("attributes"))?,
        created_at: now,
    })
}

/// The name an SP's metadata gives people — `mdui:UIInfo/mdui:DisplayName` of its SPSSODescriptor, else the
/// `md:Organization`'s `OrganizationDisplayName` — in the language `lang` when the metadata has it, else in
/// English, else the first; trimmed to 100 characters without control or text-direction characters. `None` when
/// the metadata names none (error pages then show the entity ID alone).
pub fn display_name(metadata: &str, lang: &str) -> Option<String> {
    const NS_MDUI: &str = "urn:oasis:names:tc:SAML:metadata:ui";
    const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";
    let doc = xml::parse(metadata, MAX_METADATA_BYTES, Allow::Comments).ok()?;
    let root = doc.root_element();
    let pick = |names: Vec<roxmltree::Node>| -> Option<String> {
        let lang_of = |n: &roxmltree::Node| n.attribute((NS_XML, "lang")).unwrap_or("").to_ascii_lowercase();
        let chosen = names
            .iter()
            .find(|n| lang_of(n).split('-').next() == Some(lang))
            .or_else(|| names.iter().find(|n| lang_of(n).split('-').next() == Some("en")))
            .or_else(|| names.first())?;
        let clean: String = xml::text(chosen)
            .chars()
            .filter(|c| {
                !c.is_control()
                    && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .take(100)
            .collect();
        Some(clean.trim().to_string()).filter(|n| !n.is_empty())
    };
    let ui_names: Vec<_> = xml::children(&root, NS_METADATA, "SPSSODescriptor")
        .flat_map(|d| xml::children(&d, NS_METADATA, "Extensions").collect::<Vec<_>>())
        .flat_map(|e| xml::children(&e, NS_MDUI, "UIInfo").collect::<Vec<_>>())
        .flat_map(|u| xml::children(&u, NS_MDUI, "DisplayName").collect::<Vec<_>>())
        .collect();
    pick(ui_names).or_else(|| {
        let org_names: Vec<_> = xml::children(&root, NS_METADATA, "Organization")
            .flat_map(|o| xml::children(&o, NS_METADATA, "OrganizationDisplayName").collect::<Vec<_>>())
            .collect();
        pick(org_names)
    })
}

/// Registers the SP a metadata document describes; audited.
pub async fn register(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    new: NewServiceProvider,
) -> Result<ServiceProvider> {
    let sp = from_metadata(&new, now)?;
    store.insert_sp(&sp).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::SamlSpAdded,
        Outcome::Success,
        None,
        serde_json::json!({
            "entity_id": sp.entity_id, "name_id_format": sp.name_id_format.as_str(),
            "authn_requests_signed": sp.authn_requests_signed, "sign_response": sp.sign_response,
            "allow_idp_initiated": sp.allow_idp_initiated, "slo_endpoints": sp.slo_endpoints.len(),
            "allowed_roles": sp.allowed_roles, "min_acr": sp.min_acr,
            "encrypt_assertion": sp.encrypt_assertion, "encryption_method": sp.encryption_method.as_str(), "attributes": sp.attributes,
        }),
    )
    .await?;
    Ok(sp)
}

/// Replaces what was read from an SP's metadata (ACS and SLO endpoints, certificates, `AuthnRequestsSigned`,
/// `WantAssertionsSigned`) with a new document for the same entity ID when one is given, and changes the
/// settings `changes` names (NameID format, minimum level — `none` removes it —, encryption, attributes),
/// keeping every other setting; nothing changes when any part is refused. Audited with what changed.
pub async fn update(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    entity_id: &str,
    changes: SpChanges,
) -> Result<ServiceProvider> {
    let Some(current) = store.sp(entity_id).await? else {
        return Err(Error::NotFound(format!(
            "No service provider has the entity ID '{entity_id}'."
        )));
    };
    let updated = from_metadata(
        &NewServiceProvider {
            metadata: changes.metadata.unwrap_or_else(|| current.metadata.clone()),
            name_id_format: Some(
                changes
                    .name_id_format
                    .unwrap_or_else(|| current.name_id_format.as_str().into()),
            ),
            sign_response: current.sign_response,
            allow_idp_initiated: current.allow_idp_initiated,
            allowed_roles: current.allowed_roles.clone(),
            min_acr: match changes.min_acr.as_deref() {
                None => current.min_acr.clone(),
                Some("none") => None,
                Some(_) => changes.min_acr,
            },
            encrypt_assertion: changes.encrypt_assertion.unwrap_or(current.encrypt_assertion),
            encryption_method: Some(
                changes
                    .encryption_method
                    .unwrap_or_else(|| current.encryption_method.as_str().into()),
            ),
            attributes: Some(changes.attributes.unwrap_or_else(|| current.attributes.clone())),
        },
        current.created_at,
    )?;
    if updated.entity_id != current.entity_id {
        return Err(Error::invalid(format!(
            "The metadata describes '{}', not '{entity_id}': register it with sp add instead.",
            updated.entity_id
        )));
    }
    store.update_sp(&updated).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::SamlSpUpdated,
        Outcome::Success,
        None,
        serde_json::json!({
            "entity_id": entity_id,
            "certificates_changed": updated.certificates != current.certificates,
            "acs_changed": updated.acs_endpoints != current.acs_endpoints,
            "slo_changed": updated.slo_endpoints != current.slo_endpoints,
            "authn_requests_signed": updated.authn_requests_signed,
            "name_id_format": updated.name_id_format.as_str(), "min_acr": updated.min_acr,
            "encryption_certificates_changed": updated.encryption_certificates != current.encryption_certificates,
            "encrypt_assertion": updated.encrypt_assertion,
            "encryption_method": updated.encryption_method.as_str(),
            "attributes_changed": updated.attributes != current.attributes, "attributes": updated.attributes,
        }),
    )
    .await?;
    Ok(updated)
}

/// Removes an SP; `Error::NotFound` when none has this entity ID.
pub async fn remove(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, entity_id: &str) -> Result<()> {
    if !store.delete_sp(entity_id).await? {
        return Err(Error::NotFound(format!(
            "No service provider has the entity ID '{entity_id}'."
        )));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::SamlSpRemoved,
        Outcome::Success,
        None,
        serde_json::json!({ "entity_id": entity_id }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_come_from_the_metadata_in_the_page_language() {
        let metadata = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" entityID="https://sp.example/metadata">
          <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:Extensions><mdui:UIInfo>
              <mdui:DisplayName xml:lang="de">  Lohnabrechnung </mdui:DisplayName>
              <mdui:DisplayName xml:lang="en">Payroll&#x202e;</mdui:DisplayName>
            </mdui:UIInfo></md:Extensions>
          </md:SPSSODescriptor>
          <md:Organization><md:OrganizationDisplayName xml:lang="en">Example Ltd</md:OrganizationDisplayName></md:Organization>
        </md:EntityDescriptor>"#;
        assert_eq!(display_name(metadata, "de").as_deref(), Some("Lohnabrechnung"));
        assert_eq!(display_name(metadata, "en").as_deref(), Some("Payroll"));
        assert_eq!(
            display_name(metadata, "fr").as_deref(),
            Some("Payroll"),
            "English when the language is missing"
        );
        let organisation_only = metadata.replace("mdui:DisplayName", "mdui:Description");
        assert_eq!(display_name(&organisation_only, "de").as_deref(), Some("Example Ltd"));
        assert_eq!(
            display_name(
                "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>",
                "en"
            ),
            None
        );
        assert_eq!(display_name("not xml", "en"), None);
    }

    #[test]
    fn refusals() {
        let mut sp = ServiceProvider {
            entity_id: "https://sp.example".into(),
            metadata: String::new(),
            acs_endpoints: Vec::new(),
            certificates: Vec::new(),
            authn_requests_signed: false,
            want_assertions_signed: false,
            sign_response: false,
            name_id_format: NameIdFormat::Persistent,
            allow_idp_initiated: false,
            slo_endpoints: Vec::new(),
            allowed_roles: Vec::new(),
            min_acr: None,
            encryption_certificates: Vec::new(),
            encrypt_assertion: false,
            encryption_method: EncryptionMethod::default(),
            attributes: default_attributes(),
            created_at: chrono::Utc::now(),
        };
        let roles = vec!["user".to_string()];
        assert_eq!(refusal(&sp, true, &roles), None);
        assert_eq!(refusal(&sp, true, &[]), None, "no restriction");
        assert!(refusal(&sp, false, &roles).is_some(), "disabled");
        sp.allowed_roles = vec!["finance".into(), "admin".into()];
        assert!(refusal(&sp, true, &roles).is_some());
        assert_eq!(refusal(&sp, true, &["admin".to_string()]), None);
        assert!(check_roles(&["a b".into()]).is_err());
        assert_eq!(check_roles(&["x".into(), " x ".into()]).unwrap(), ["x"]);
    }
}
