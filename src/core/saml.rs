//! SAML data the identity provider keeps: registered service providers, its signing keys, and the shapes they
//! are stored in. The protocol logic lives in `protocols::saml`; like `core::oauth`, these are plain data.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How the subject is named to a service provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameIdFormat {
    /// An opaque identifier, stable for one user at one SP, unrelated across SPs (HMAC of user id and entity ID).
    Persistent,
    /// The user's e-mail address.
    Email,
    /// A new random identifier in every assertion.
    Transient,
}

impl NameIdFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            NameIdFormat::Persistent => "persistent",
            NameIdFormat::Email => "email",
            NameIdFormat::Transient => "transient",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "persistent" => Some(NameIdFormat::Persistent),
            "email" => Some(NameIdFormat::Email),
            "transient" => Some(NameIdFormat::Transient),
            _ => None,
        }
    }

    /// The format URI (SAML core §8.3).
    pub fn uri(self) -> &'static str {
        match self {
            NameIdFormat::Persistent => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            NameIdFormat::Email => "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            NameIdFormat::Transient => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
        }
    }
}

/// An AssertionConsumerService endpoint from the SP's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsEndpoint {
    pub binding: String,
    pub location: String,
    pub index: u32,
    pub is_default: bool,
}

/// A SingleLogoutService endpoint from the SP's metadata: where its LogoutRequests and LogoutResponses go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SloEndpoint {
    pub binding: String,
    pub location: String,
    /// Where LogoutResponses go, when not to `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_location: Option<String>,
}

/// How an assertion's data is encrypted (XML Encryption 1.1 algorithm identifiers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EncryptionMethod {
    /// AES-256-GCM: authenticated; the default.
    #[default]
    #[serde(rename = "aes256-gcm")]
    Aes256Gcm,
    /// AES-256-CBC, for SPs whose XML Encryption stack lacks GCM.
    #[serde(rename = "aes256-cbc")]
    Aes256Cbc,
}

impl EncryptionMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionMethod::Aes256Gcm => "aes256-gcm",
            EncryptionMethod::Aes256Cbc => "aes256-cbc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "aes256-gcm" => Some(EncryptionMethod::Aes256Gcm),
            "aes256-cbc" => Some(EncryptionMethod::Aes256Cbc),
            _ => None,
        }
    }

    /// The `EncryptionMethod/@Algorithm` URI.
    pub fn uri(self) -> &'static str {
        match self {
            EncryptionMethod::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            EncryptionMethod::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        }
    }
}

/// Where an attribute's values come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum AttributeSource {
    Username,
    Email,
    /// The display name.
    Name,
    /// Every role the user holds (the attribute is left out when there are none).
    Roles,
    /// The same value for every user.
    Static {
        value: String,
    },
}

impl AttributeSource {
    /// The sources `--attribute NAME=SOURCE` names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "username" => Some(AttributeSource::Username),
            "email" => Some(AttributeSource::Email),
            "name" => Some(AttributeSource::Name),
            "roles" => Some(AttributeSource::Roles),
            _ => None,
        }
    }
}

/// One attribute sent to a service provider: its name there and where the values come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeMapping {
    pub name: String,
    #[serde(flatten)]
    pub source: AttributeSource,
}

impl AttributeMapping {
    pub fn new(name: &str, source: AttributeSource) -> Self {
        AttributeMapping {
            name: name.to_string(),
            source,
        }
    }
}

/// What an SP is sent unless configured otherwise: uid, email, displayName and roles.
pub fn default_attributes() -> Vec<AttributeMapping> {
    vec![
        AttributeMapping::new("uid", AttributeSource::Username),
        AttributeMapping::new("email", AttributeSource::Email),
        AttributeMapping::new("displayName", AttributeSource::Name),
        AttributeMapping::new("roles", AttributeSource::Roles),
    ]
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceProvider {
    pub entity_id: String,
    /// The metadata it was registered from, kept as given.
    #[serde(skip)]
    pub metadata: String,
    pub acs_endpoints: Vec<AcsEndpoint>,
    /// Signing certificates (base64 DER) from the metadata: the only keys its requests are verified with.
    pub certificates: Vec<String>,
    /// Every AuthnRequest must be signed (the metadata's `AuthnRequestsSigned`).
    pub authn_requests_signed: bool,
    /// The metadata's `WantAssertionsSigned`; assertions are signed whatever it says.
    pub want_assertions_signed: bool,
    /// Sign the Response as well as the Assertion.
    pub sign_response: bool,
    pub name_id_format: NameIdFormat,
    /// Gatehouse may start SSO for it (`/saml/sso/init`), posting an unsolicited Response.
    pub allow_idp_initiated: bool,
    /// SingleLogoutService endpoints from the metadata, in document order.
    pub slo_endpoints: Vec<SloEndpoint>,
    /// Only users holding one of these roles may sign in to it (`RequestDenied` otherwise); empty: everyone.
    pub allowed_roles: Vec<String>,
    /// Every Response to it needs this assurance level (`core::policy::assurance::ALL`), stepping up if need be.
    pub min_acr: Option<String>,
    /// Encryption certificates (base64 DER) from the metadata: `KeyDescriptor use="encryption"` or without `use`.
    pub encryption_certificates: Vec<String>,
    /// Assertions to it are encrypted (`EncryptedAssertion`) with its first encryption certificate.
    pub encrypt_assertion: bool,
    /// How the assertion's data is encrypted.
    pub encryption_method: EncryptionMethod,
    /// The attributes it is sent, in order (`default_attributes` unless configured).
    pub attributes: Vec<AttributeMapping>,
    pub created_at: DateTime<Utc>,
}

/// A service provider a browser session signed in to, and what it was told: a LogoutRequest from it must name
/// this NameID (and, if it names one, this SessionIndex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionParticipant {
    pub session_hash: String,
    pub sp_entity_id: String,
    pub name_id: String,
    pub name_id_format: NameIdFormat,
    pub session_index: String,
    pub created_at: DateTime<Utc>,
}

/// The identity provider's signing key and certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SamlKey {
    pub id: String,
    /// PKCS#8 DER, sealed.
    pub private_enc: String,
    /// The self-signed certificate, base64 DER (as in metadata's `X509Certificate`).
    pub certificate: String,
    pub created_at: DateTime<Utc>,
    pub activates_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}
