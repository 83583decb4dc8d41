//! Shared Signals (OpenID SSF 1.0): what a receiver's stream is, which events exist and what each carries,
//! and the outbox row that holds one event for one stream until it is delivered. A leaf: the audit hook that
//! fills the outbox is `audit::signals`; signing and pushing are `protocols::ssf`.
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use url::Url;

use super::{Error, Result};

/// The push delivery method (RFC 8935), the only one we transmit with.
pub const PUSH: &str = "urn:ietf:rfc:8935";
pub const CREDENTIAL_CHANGE: &str = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
pub const SESSION_REVOKED: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
pub const ACCOUNT_DISABLED: &str = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
pub const ACCOUNT_ENABLED: &str = "https://schemas.openid.net/secevent/risc/event-type/account-enabled";
pub const ACCOUNT_PURGED: &str = "https://schemas.openid.net/secevent/risc/event-type/account-purged";
/// Sent on request to prove the stream works; always delivered, whatever the stream asked for.
pub const VERIFICATION: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";

/// The events this transmitter can send (besides verification).
pub const SUPPORTED: [&str; 5] = [
    CREDENTIAL_CHANGE,
    SESSION_REVOKED,
    ACCOUNT_DISABLED,
    ACCOUNT_ENABLED,
    ACCOUNT_PURGED,
];

/// How many times a SET is offered before it is given up (recorded on its row).
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a claimed row is held by the instance sending it before another may try.
pub const LEASE_SECS: i64 = 60;

/// The wait before attempt `attempts + 1` after `attempts` failed ones: 30 s doubling, at most 6 h.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    Duration::seconds((30i64 << exponent).min(6 * 3600))
}

/// Whether a stream transmits (SSF 1.0 §8.1.2.1). `Paused` holds new events in the outbox until the stream is
/// enabled again; `Disabled` sends nothing and queues nothing (what was waiting is dropped).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StreamStatus {
    #[default]
    Enabled,
    Paused,
    Disabled,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Enabled => "enabled",
            StreamStatus::Paused => "paused",
            StreamStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "enabled" => Some(StreamStatus::Enabled),
            "paused" => Some(StreamStatus::Paused),
            "disabled" => Some(StreamStatus::Disabled),
            _ => None,
        }
    }
}

/// The longest `reason` a receiver may give for a status change.
pub const MAX_REASON: usize = 255;

/// Checks a status change's `reason`.
pub fn check_reason(reason: Option<&str>) -> Result<()> {
    match reason {
        Some(text) if text.len() > MAX_REASON || text.chars().any(char::is_control) => Err(Error::invalid(format!(
            "reason: at most {MAX_REASON} characters, no control characters."
        ))),
        _ => Ok(()),
    }
}

/// Whom a receiver names in `/ssf/subjects:add` or `:remove` (an RFC 9493 subject identifier).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectRef {
    /// `iss_sub` with our issuer, or `opaque`: the user's `sub` (their id).
    Sub(String),
    /// `email`: the user's e-mail address.
    Email(String),
    /// A well-formed subject of another issuer: nobody here.
    Foreign,
}

/// Reads a subject identifier; `Invalid` names what is wrong. Formats we do not resolve are refused, so a
/// receiver learns at once that its request cannot work.
pub fn parse_subject(issuer: &str, subject: &Value) -> Result<SubjectRef> {
    let field = |name: &str| -> Result<String> {
        match subject.get(name).and_then(Value::as_str) {
            Some(v) if !v.is_empty() && v.len() <= 320 && !v.chars().any(char::is_control) => Ok(v.to_string()),
            _ => Err(Error::invalid(format!(
                "subject.{name}: required, a string of 1 to 320 characters."
            ))),
        }
    };
    match subject.get("format").and_then(Value::as_str) {
        Some("iss_sub") => {
            let (iss, sub) = (field("iss")?, field("sub")?);
            Ok(if iss == issuer {
                SubjectRef::Sub(sub)
            } else {
                SubjectRef::Foreign
            })
        }
        Some("opaque") => Ok(SubjectRef::Sub(field("id")?)),
        Some("email") => Ok(SubjectRef::Email(field("email")?)),
        _ => Err(Error::invalid(
            "subject: an object with format iss_sub, email or opaque (the formats this transmitter resolves).",
        )),
    }
}

/// A receiver's stream: one per receiver client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    pub id: String,
    pub client_id: String,
    pub events_requested: Vec<String>,
    pub endpoint_url: String,
    /// The `Authorization` header value the receiver wants on each push, sealed at rest.
    pub authorization_header: Option<String>,
    pub description: Option<String>,
    pub status: StreamStatus,
    /// The receiver's reason for the last status change.
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Stream {
    /// The requested events we send, in the order of [`SUPPORTED`].
    pub fn events_delivered(&self) -> Vec<String> {
        SUPPORTED
            .iter()
            .filter(|e| self.events_requested.iter().any(|r| r == *e))
            .map(|e| e.to_string())
            .collect()
    }

    pub fn wants(&self, event_type: &str) -> bool {
        event_type == VERIFICATION || self.events_delivered().iter().any(|e| e == event_type)
    }
}

/// One SET waiting for (or done with) delivery to one stream.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub id: String,
    pub stream_id: String,
    pub jti: String,
    pub event_type: String,
    /// The subject (`sub`, `email`, or `stream` for verification) and `event`, the event's claims.
    pub payload: Value,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A stream's backlog as an operator sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    pub pending: u64,
    pub failed: u64,
    pub delivered: u64,
    pub last_error: Option<String>,
    /// When the latest delivered SET still in the outbox went out.
    pub last_delivered_at: Option<DateTime<Utc>>,
}

pub const MAX_EVENTS_REQUESTED: usize = 32;
pub const MAX_EVENT_URI: usize = 256;
pub const MAX_ENDPOINT_URL: usize = 2048;
pub const MAX_AUTHORIZATION: usize = 4096;
pub const MAX_DESCRIPTION: usize = 255;

/// Checks what a receiver asks for; errors name the field. Unknown event types are allowed (SSF lets a receiver
/// ask for more than we send; `events_delivered` says what it gets).
pub fn validate(
    events_requested: &[String],
    endpoint_url: &str,
    authorization_header: Option<&str>,
    description: Option<&str>,
) -> Result<()> {
    if events_requested.len() > MAX_EVENTS_REQUESTED {
        return Err(Error::invalid(format!(
            "events_requested: at most {MAX_EVENTS_REQUESTED} event types."
        )));
    }
    if let Some(bad) = events_requested
        .iter()
        .find(|e| e.is_empty() || e.len() > MAX_EVENT_URI || e.chars().any(char::is_control))
    {
        return Err(Error::invalid(format!(
            "events_requested: '{}' is not an event type URI.",
            super::model::truncate(bad, 80)
        )));
    }
    check_endpoint(endpoint_url)?;
    if let Some(header) = authorization_header
        && (header.is_empty()
            || header.len() > MAX_AUTHORIZATION
            || header.chars().any(|c| c.is_control() || !c.is_ascii()))
    {
        return Err(Error::invalid(format!(
            "delivery.authorization_header: printable ASCII, 1 to {MAX_AUTHORIZATION} characters."
        )));
    }
    if let Some(text) = description
        && (text.len() > MAX_DESCRIPTION || text.chars().any(char::is_control))
    {
        return Err(Error::invalid(format!(
            "description: at most {MAX_DESCRIPTION} characters, no control characters."
        )));
    }
    Ok(())
}

/// A push endpoint must be `https`, or `http` to a loopback host (a receiver on the same machine); no user
/// information, no fragment.
pub fn check_endpoint(endpoint_url: &str) -> Result<()> {
    let bad = |why: &str| Error::invalid(format!("delivery.endpoint_url: {why}"));
    if endpoint_url.len() > MAX_ENDPOINT_URL {
        return Err(bad(&format!("at most {MAX_ENDPOINT_URL} characters.")));
    }
    let url = Url::parse(endpoint_url).map_err(|_| bad("not an absolute URL."))?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(bad("no user information and no fragment."));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("a host is required.")),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(bad("https is required (http only to a loopback address).")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_loopback_http() {
        assert!(check_endpoint("https://rp.example/ssf").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080/ssf").is_ok());
        assert!(check_endpoint("http://[::1]/ssf").is_ok());
        assert!(check_endpoint("http://localhost/ssf").is_ok());
        assert!(check_endpoint("http://rp.example/ssf").is_err());
        assert!(check_endpoint("ftp://rp.example/ssf").is_err());
        assert!(check_endpoint("https://user:pw@rp.example/").is_err());
        assert!(check_endpoint("/relative").is_err());
        assert!(check_endpoint(&format!("https://rp.example/{}", "a".repeat(3000))).is_err());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(30), Duration::hours(6));
    }

    #[test]
    fn a_stream_gets_what_it_asked_for_that_we_send_and_always_verification() {
        let now = Utc::now();
        let stream = Stream {
            id: "s".into(),
            client_id: "c".into(),
            events_requested: vec![ACCOUNT_DISABLED.into(), "urn:example:unknown".into()],
            endpoint_url: "https://rp.example/".into(),
            authorization_header: None,
            description: None,
            status: StreamStatus::Enabled,
            status_reason: None,
            created_at: now,
            updated_at: now,
        };
        assert_eq!(stream.events_delivered(), vec![ACCOUNT_DISABLED.to_string()]);
        assert!(stream.wants(VERIFICATION));
        assert!(!stream.wants(CREDENTIAL_CHANGE));
        assert!(validate(&["".into()], "https://rp.example/", None, None).is_err());
        assert!(validate(&[], "https://rp.example/", Some("Bearer x\n"), None).is_err());
    }

    #[test]
    fn subjects_are_read_in_the_formats_we_resolve() {
        let iss = "https://idp.example";
        let ours = serde_json::json!({ "format": "iss_sub", "iss": iss, "sub": "u1" });
        assert_eq!(parse_subject(iss, &ours).unwrap(), SubjectRef::Sub("u1".into()));
        let theirs = serde_json::json!({ "format": "iss_sub", "iss": "https://other.example", "sub": "u1" });
        assert_eq!(parse_subject(iss, &theirs).unwrap(), SubjectRef::Foreign);
        let email = serde_json::json!({ "format": "email", "email": "a@example.com" });
        assert_eq!(
            parse_subject(iss, &email).unwrap(),
            SubjectRef::Email("a@example.com".into())
        );
        let opaque = serde_json::json!({ "format": "opaque", "id": "u2" });
        assert_eq!(parse_subject(iss, &opaque).unwrap(), SubjectRef::Sub("u2".into()));
        for bad in [
            serde_json::json!({ "format": "phone_number", "phone_number": "+12065550100" }),
            serde_json::json!({ "format": "email" }),
            serde_json::json!({ "format": "iss_sub", "iss": iss, "sub": "" }),
            serde_json::json!({ "format": "opaque", "id": 7 }),
            serde_json::json!("u1"),
        ] {
            assert!(parse_subject(iss, &bad).is_err(), "{bad}");
        }
        assert_eq!(StreamStatus::parse("paused"), Some(StreamStatus::Paused));
        assert_eq!(StreamStatus::parse("PAUSED"), None);
        assert!(check_reason(Some("maintenance")).is_ok());
        assert!(check_reason(Some("a\nb")).is_err());
    }
}
