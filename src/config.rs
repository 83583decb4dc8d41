//! Configuration: defaults, then a TOML file (`--config` or `GATEHOUSE_CONFIG`), then `GATEHOUSE_*`
//! environment variables; for secrets also `GATEHOUSE_<KEY>_FILE` naming a file that holds the value.
//! Loaded once into `Config` and passed down; unknown keys are errors. Every key is documented in
//! `docs/configuration.md`.
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use url::Url;

/// Keys that may be given as `GATEHOUSE_<KEY>_FILE`.
const SECRET_KEYS: [&str; 5] = [
    "database_url",
    "smtp_url",
    "secret_key",
    "sms_webhook_secret",
    "sms_twilio_auth_token",
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Socket address to listen on.
    pub listen: String,
    /// Socket address of the Prometheus metrics listener (`GET /metrics`); unset: no metrics are served. Never
    /// the public port: bind it to an address only the monitoring system reaches.
    pub metrics_listen: Option<String>,
    /// OpenTelemetry collector to send traces to over OTLP/HTTP (e.g. `http://127.0.0.1:4318`; `/v1/traces` is
    /// appended); unset: no traces leave the process.
    pub otlp_endpoint: Option<Url>,
    /// The URL people and relying parties reach Gatehouse at; every absolute link uses it.
    pub public_url: Url,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; unset: `sqlite://<data_dir>/gatehouse.db`.
    pub database_url: Option<String>,
    /// `smtps://user:pass@host:465` (TLS), `smtp://…:587?tls=required` (STARTTLS) or `smtp://host:25`
    /// (plain, for a local relay); unset: mail is written as .eml files under `<data_dir>/mail/`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Base64 of 32 bytes; unset: generated once into `<data_dir>/secret.key`. Instances that share a
    /// database must share this key.
    pub secret_key: Option<String>,
    pub session_lifetime_minutes: u32,
    pub session_idle_minutes: u32,
    pub password_reset_minutes: u32,
    pub setup_link_hours: u32,
    /// Lifetime of the invitation mailed to a provisioned person who has no password yet.
    pub invitation_days: u32,
    /// How long a person deleted over SCIM stays (disabled, invisible to SCIM) before their personal data is
    /// purged; 0 purges at once.
    pub scim_deletion_retention_days: u32,
    /// Every OIDC client must push its authorization requests to `/par` (RFC 9126) first; a plain `/authorize`
    /// is refused. Advertised in discovery as `require_pushed_authorization_requests`. Per client: `--require-par`.
    pub require_pushed_authorization_requests: bool,
    /// DPoP proofs (RFC 9449) at `/token`, `/par` and `/userinfo` must carry a nonce this server handed out
    /// (`use_dpop_nonce` answers the first proof without one). Nonces are sealed, not stored: any instance
    /// accepts any instance's for five minutes.
    pub dpop_nonce_required: bool,
    /// How often each instance pushes the Shared Signals events due in the outbox (1 to 3600 seconds).
    pub ssf_delivery_interval_secs: u64,
    /// How long a delivered Shared Signals event stays in the outbox (shown as "delivered") before it is deleted
    /// (1 to 365 days). Events given up are kept until their stream is deleted.
    pub ssf_delivered_retention_days: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a client has to send a whole request, headers and body; a slower one is answered `408` and
    /// its connection closed.
    pub request_read_timeout_secs: u64,
    /// Threads that compute password hashes (argon2id: 19 MiB and ~15 ms of a core each); unset: one per
    /// core.
    pub password_hash_concurrency: Option<usize>,
    /// Password hashes that may wait for a thread beyond those being computed; a sign-in past them is
    /// answered `503` with `Retry-After` at once. Unset: 32 × `password_hash_concurrency` (≈ 0.5 s of work).
    pub password_hash_queue: Option<usize>,
    /// `text` or `json`.
    pub log_format: String,
    pub log_level: String,
    /// `log` (development: texts go to the log), `webhook` or `twilio`.
    pub sms_driver: String,
    /// `webhook`: where to POST `{"to": "+41…", "message": "…"}`.
    pub sms_webhook_url: Option<Url>,
    /// `webhook`: key of the HMAC-SHA256 signature in `X-Gatehouse-Signature`.
    pub sms_webhook_secret: Option<String>,
    /// `twilio`: API base (tests and Twilio-compatible providers change it).
    pub sms_twilio_base_url: Url,
    pub sms_twilio_account_sid: Option<String>,
    pub sms_twilio_auth_token: Option<String>,
    /// `twilio`: the sending number or messaging service.
    pub sms_twilio_from: Option<String>,
    /// Consecutive wrong passwords for one account after which its password stops working (the right one too)
    /// until a password reset by mail or `gatehouse user unlock`; the growing delays come first.
    pub password_lockout_failures: u32,
    /// Consecutive wrong codes after which a factor locks.
    pub factor_lockout_failures: u32,
    pub factor_lockout_minutes: u32,
    /// The name authenticator apps show next to the account.
    pub totp_issuer: String,
    pub admin_username: String,
    pub admin_email: String,
    pub workers: Option<usize>,
    /// Lifetime of a factor-reset approval link (and of an unanswered request).
    pub recovery_approval_hours: u32,
    /// Cooling-off between a reset's execution and its effect, for users without `admin`.
    pub recovery_cooling_off_minutes: u32,
    /// The cooling-off for users holding `admin`.
    pub recovery_cooling_off_admin_minutes: u32,
    /// Lifetime of the enrolment link mailed when a reset takes effect.
    pub recovery_enrolment_hours: u32,
    /// How long a temporary access pass works once the reset took effect (10 to 1440 minutes).
    pub recovery_pass_minutes: u32,
    /// The identity checks a helpdesk agent records before executing a reset.
    pub recovery_identity_checks: Vec<String>,
    /// The role whose members are asked to approve a factor reset when the chain of managers yields nobody
    /// (no manager, or everyone above departed or away without a delegate). Must exist when the server starts.
    pub recovery_approver_role: String,
    /// Whether executing a factor reset waits for the caller verification its subject's roles require
    /// (`core::recovery::verify`); off only for installations that verify callers some other way.
    pub recovery_caller_verification: bool,
    /// How long a caller-verification prompt can be answered (1 to 30 minutes).
    pub recovery_verify_minutes: u32,
    /// Networks from which anyone may sign in (CIDRs, IPv4 or IPv6); empty: from anywhere. A list in the file,
    /// comma-separated in `GATEHOUSE_IP_ALLOW`.
    #[serde(deserialize_with = "list_or_csv")]
    pub ip_allow: Vec<String>,
    /// Networks from which nobody may sign in; wins over `ip_allow`.
    #[serde(deserialize_with = "list_or_csv")]
    pub ip_deny: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed; empty: the header is ignored.
    #[serde(deserialize_with = "list_or_csv")]
    pub trusted_proxies: Vec<String>,
    /// The language of pages and mails when neither the person's choice nor their browser names one we speak
    /// (`en` or `de`).
    pub default_language: String,
    /// The product name in page headers, titles and mails.
    pub brand_name: String,
    /// A logo shown in the page header and in mails: an `https://` (or `http://`) URL …
    pub brand_logo_url: Option<Url>,
    /// … or an image file (PNG, SVG, JPEG or WebP, at most 512 KiB), served at `/brand/logo`.
    pub brand_logo_path: Option<PathBuf>,
    /// The colour of buttons and links, `#rgb` or `#rrggbb`.
    pub brand_primary_color: Option<String>,
    /// A stylesheet loaded after Gatehouse's own on every page (at most 256 KiB), served at `/brand/custom.css`.
    pub brand_css_path: Option<PathBuf>,
    /// PEM files of attestation root certificates trusted for any authenticator model they attest, for roles
    /// whose passkey profile requires attestation. A list in the file, comma-separated in the environment.
    #[serde(deserialize_with = "list_or_csv")]
    pub webauthn_attestation_ca_paths: Vec<String>,
    /// A FIDO Metadata Service (MDS3) blob, downloaded and checked by the operator: its entries' root
    /// certificates are trusted for their model (AAGUID). Read from the file only, never fetched.
    pub webauthn_mds_blob_path: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            metrics_listen: None,
            otlp_endpoint: None,
            public_url: Url::parse("http://localhost:8080").expect("constant URL"),
            data_dir: PathBuf::from("./gatehouse-data"),
            database_url: None,
            smtp_url: None,
            mail_from: "Gatehouse <gatehouse@localhost>".into(),
            secret_key: None,
            session_lifetime_minutes: 12 * 60,
            session_idle_minutes: 120,
            password_reset_minutes: 30,
            setup_link_hours: 24,
            invitation_days: 7,
            scim_deletion_retention_days: 30,
            require_pushed_authorization_requests: false,
            dpop_nonce_required: true,
            ssf_delivery_interval_secs: 10,
            ssf_delivered_retention_days: 7,
            max_body_bytes: 64 * 1024,
            request_read_timeout_secs: 10,
            password_hash_concurrency: None,
            password_hash_queue: None,
            log_format: "text".into(),
            log_level: "info".into(),
            sms_driver: "log".into(),
            sms_webhook_url: None,
            sms_webhook_secret: None,
            sms_twilio_base_url: Url::parse("https://api.twilio.com").expect("constant URL"),
            sms_twilio_account_sid: None,
            sms_twilio_auth_token: None,
            sms_twilio_from: None,
            password_lockout_failures: 100,
            factor_lockout_failures: 10,
            factor_lockout_minutes: 15,
            totp_issuer: "Gatehouse".into(),
            admin_username: "admin".into(),
            admin_email: "admin@localhost".into(),
            workers: None,
            recovery_approval_hours: 24,
            recovery_cooling_off_minutes: 60,
            recovery_cooling_off_admin_minutes: 24 * 60,
            recovery_enrolment_hours: 24,
            recovery_pass_minutes: 60,
            recovery_identity_checks: crate::core::recovery::flow::DEFAULT_CHECKS
                .iter()
                .map(|c| c.to_string())
                .collect(),
            recovery_approver_role: "admin".into(),
            recovery_caller_verification: true,
            recovery_verify_minutes: 5,
            ip_allow: Vec::new(),
            ip_deny: Vec::new(),
            trusted_proxies: Vec::new(),
            default_language: "en".into(),
            brand_name: "Gatehouse".into(),
            brand_logo_url: None,
            brand_logo_path: None,
            brand_primary_color: None,
            brand_css_path: None,
            webauthn_attestation_ca_paths: Vec::new(),
            webauthn_mds_blob_path: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Loads from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &env)
    }

    /// Loads from an optional file and the given environment (tests pass their own).
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(k, _)| k == "GATEHOUSE_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::MissingFile(path));
            }
            figment = figment.merge(Toml::file_exact(&path));
        }
        let mut layer = figment::value::Dict::new();
        let defaults = figment::value::Value::serialize(Config::default()).ok();
        for (name, value) in env {
            let Some(key) = name.strip_prefix("GATEHOUSE_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            // Not configuration: the file's location, the log filter (read by the logger itself), and variables
            // of the test harness.
            if key == "config" || key == "log" || key.starts_with("test_") {
                continue;
            }
            if let Some(secret) = key.strip_suffix("_file") {
                if !SECRET_KEYS.contains(&secret) {
                    return Err(ConfigError::Invalid(format!(
                        "{name}: only {} can be read from a file",
                        SECRET_KEYS
                            .map(|k| format!("GATEHOUSE_{}", k.to_uppercase()))
                            .join(", ")
                    )));
                }
                let path = PathBuf::from(value);
                let content = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path, source })?;
                layer.insert(secret.to_string(), content.trim_end_matches(['\r', '\n']).into());
            } else {
                // Numbers and booleans are parsed only for settings of that type: a phone number such as
                // +15005550006 must stay text where the setting is text.
                let value: figment::value::Value = if key == "recovery_identity_checks" {
                    // A list from the environment: comma-separated.
                    value
                        .split(',')
                        .map(|c| c.trim().to_string())
                        .collect::<Vec<String>>()
                        .into()
                } else if typed_setting(defaults.as_ref(), &key) {
                    value.parse().unwrap_or_else(|_| value.as_str().into())
                } else {
                    value.as_str().into()
                };
                layer.insert(key, value);
            }
        }
        figment = figment.merge(Serialized::defaults(layer));
        let config: Config = figment.extract().map_err(|e| ConfigError::Invalid(describe(e)))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return bad(format!(
                "listen: '{}' is not a socket address such as 127.0.0.1:8080",
                self.listen
            ));
        }
        if let Some(metrics) = &self.metrics_listen {
            match metrics.parse::<std::net::SocketAddr>() {
                Err(_) => {
                    return bad(format!(
                        "metrics_listen: '{metrics}' is not a socket address such as 127.0.0.1:9100"
                    ));
                }
                Ok(addr) if Some(addr) == self.listen.parse().ok() && addr.port() != 0 => {
                    return bad(
                        "metrics_listen: metrics are never served on the public listener; choose another port".into(),
                    );
                }
                Ok(_) => {}
            }
        }
        if let Some(otlp) = &self.otlp_endpoint
            && (!matches!(otlp.scheme(), "http" | "https") || otlp.host_str().is_none())
        {
            return bad(format!("otlp_endpoint: '{otlp}' must be an http(s) URL with a host"));
        }
        if !matches!(self.public_url.scheme(), "http" | "https") || self.public_url.host_str().is_none() {
            return bad(format!(
                "public_url: '{}' must be an http(s) URL with a host",
                self.public_url
            ));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return bad("database_url: use sqlite://… or postgres://…".into());
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return bad(format!("log_format: '{}' is not text or json", self.log_format));
        }
        if self.session_lifetime_minutes == 0
            || self.session_idle_minutes == 0
            || self.password_reset_minutes == 0
            || self.setup_link_hours == 0
            || self.invitation_days == 0
        {
            return bad("session and link lifetimes must be at least 1".into());
        }
        if !(1..=3600).contains(&self.ssf_delivery_interval_secs) {
            return bad("ssf_delivery_interval_secs: 1 to 3600".into());
        }
        if !(1..=365).contains(&self.ssf_delivered_retention_days) {
            return bad("ssf_delivered_retention_days: 1 to 365".into());
        }
        if self.invitation_days > 90 || self.scim_deletion_retention_days > 3650 {
            return bad("invitation_days: at most 90; scim_deletion_retention_days: at most 3650".into());
        }
        if !(1..=1000).contains(&self.password_lockout_failures) {
            return bad(format!(
                "password_lockout_failures: {} is out of range; use 1 to 1000 (default 100, the most NIST SP 800-63B allows)",
                self.password_lockout_failures
            ));
        }
        if !(1..=100).contains(&self.factor_lockout_failures) || self.factor_lockout_minutes == 0 {
            return bad("factor_lockout_failures: 1 to 100; factor_lockout_minutes: at least 1".into());
        }
        if self.totp_issuer.trim().is_empty() || self.totp_issuer.contains(':') || self.totp_issuer.len() > 64 {
            return bad("totp_issuer: 1 to 64 characters, no ':'".into());
        }
        match self.sms_driver.as_str() {
            "log" => {}
            "webhook"
                if self.sms_webhook_url.is_some()
                    && self.sms_webhook_secret.as_ref().is_some_and(|s| s.len() >= 16) => {}
            "webhook" => {
                return bad(
                    "sms_driver = webhook needs sms_webhook_url and sms_webhook_secret (16+ characters)".into(),
                );
            }
            "twilio"
                if self.sms_twilio_account_sid.is_some()
                    && self.sms_twilio_auth_token.is_some()
                    && self.sms_twilio_from.is_some() => {}
            "twilio" => {
                return bad(
                    "sms_driver = twilio needs sms_twilio_account_sid, sms_twilio_auth_token and sms_twilio_from"
                        .into(),
                );
            }
            other => return bad(format!("sms_driver: '{other}' is not log, webhook or twilio")),
        }
        if self.recovery_approval_hours == 0 || self.recovery_enrolment_hours == 0 {
            return bad("recovery_approval_hours and recovery_enrolment_hours: at least 1".into());
        }
        if !(1..=30).contains(&self.recovery_verify_minutes) {
            return bad("recovery_verify_minutes: from 1 to 30 minutes".into());
        }
        if !(10..=24 * 60).contains(&self.recovery_pass_minutes) {
            return bad("recovery_pass_minutes: from 10 minutes to 1440 (24 hours)".into());
        }
        if self.recovery_identity_checks.is_empty()
            || self
                .recovery_identity_checks
                .iter()
                .any(|c| c.is_empty() || c.len() > 64 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
        {
            return bad("recovery_identity_checks: at least one name of letters, digits and _".into());
        }
        let role = &self.recovery_approver_role;
        if role.is_empty() || role.len() > 64 || !role.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c)) {
            return bad("recovery_approver_role: a role name (letters, digits, _ and -)".into());
        }
        for (key, list) in [
            ("ip_allow", &self.ip_allow),
            ("ip_deny", &self.ip_deny),
            ("trusted_proxies", &self.trusted_proxies),
        ] {
            if let Err(e) = crate::core::signin::ip_rules::parse_items(list) {
                return bad(format!("{key}: {e}"));
            }
        }
        if !(1..=300).contains(&self.request_read_timeout_secs) {
            return bad("request_read_timeout_secs: 1 to 300".into());
        }
        if self.password_hash_concurrency.is_some_and(|n| !(1..=1024).contains(&n)) {
            return bad("password_hash_concurrency: 1 to 1024".into());
        }
        if self.password_hash_queue.is_some_and(|n| n > 65_536) {
            return bad("password_hash_queue: 0 to 65536".into());
        }
        if let Err(message) = check_brand(self) {
            return bad(message);
        }
        if self.max_body_bytes < 1024 {
            return bad("max_body_bytes: at least 1024".into());
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return bad(format!(
                "mail_from: '{}' is not a mailbox such as Gatehouse <gatehouse@example.com>",
                self.mail_from
            ));
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("gatehouse.db").display()))
    }

    /// Threads for password hashing: `password_hash_concurrency`, else one per core.
    pub fn hash_workers(&self) -> usize {
        self.password_hash_concurrency
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1)
    }

    /// Password hashes that may wait: `password_hash_queue`, else 32 × [`Config::hash_workers`] (at most ≈ 0.5 s
    /// of waiting: one hash takes ≈ 15 ms).
    pub fn hash_queue(&self) -> usize {
        self.password_hash_queue.unwrap_or(32 * self.hash_workers())
    }

    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The global IP rules (validated at load, so an error here cannot happen; it would deny nothing new).
    pub fn ip_rules(&self) -> crate::core::signin::ip_rules::IpRules {
        use crate::core::signin::ip_rules::parse_items;
        crate::core::signin::ip_rules::IpRules {
            allow: parse_items(&self.ip_allow).unwrap_or_default(),
            deny: parse_items(&self.ip_deny).unwrap_or_default(),
        }
    }

    pub fn trusted_proxies(&self) -> Vec<ipnet::IpNet> {
        crate::core::signin::ip_rules::parse_items(&self.trusted_proxies).unwrap_or_default()
    }
}

/// A list given as a TOML array, or as one comma-separated string (environment variables).
fn list_or_csv<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(list) => list,
        Either::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Settings that are numbers without a default value (unset means "chosen from the machine").
const OPTIONAL_NUMBERS: [&str; 3] = ["workers", "password_hash_concurrency", "password_hash_queue"];

/// Whether a setting is a number or boolean (judged from the defaults; [`OPTIONAL_NUMBERS`] have none).
fn typed_setting(defaults: Option<&figment::value::Value>, key: &str) -> bool {
    use figment::value::Value;
    match defaults.and_then(|d| d.find_ref(key)) {
        Some(Value::Num(..) | Value::Bool(..)) => true,
        Some(Value::Empty(..)) | None => OPTIONAL_NUMBERS.contains(&key),
        Some(_) => false,
    }
}

/// The known setting closest to a mistyped one, if it is close enough to be what was meant.
fn nearest(unknown: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), *k))
        .filter(|(distance, k)| *distance <= 3.max(k.len() / 5))
        .min()
        .map(|(_, k)| k.to_string())
}

fn describe(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            if let figment::error::Kind::UnknownField(field, known) = &e.kind {
                let hint = match nearest(field, known) {
                    Some(k) => format!("; did you mean '{k}' (GATEHOUSE_{})?", k.to_ascii_uppercase()),
                    None => " (every setting is in docs/configuration.md)".into(),
                };
                return format!("unknown setting '{field}'{hint}");
            }
            let path = e.path.join(".");
            if path.is_empty() {
                e.kind.to_string()
            } else {
                format!("{path}: {}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

const MAX_LOGO_BYTES: u64 = 512 * 1024;
const MAX_CSS_BYTES: u64 = 256 * 1024;

/// The content type of a logo file, by its extension; `None` for a kind pages cannot show.
pub fn brand_image_type(path: &std::path::Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "png" => Some("image/png"),
        "svg" => Some("image/svg+xml"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// The `brand_*` settings: a readable name, a colour CSS cannot be tricked by, files that exist and are small.
fn check_brand(config: &Config) -> Result<(), String> {
    let name = config.brand_name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err("brand_name: 1 to 64 characters".into());
    }
    if crate::i18n::Lang::parse(&config.default_language).is_none_or(|l| l.code() != config.default_language) {
        return Err(format!(
            "default_language: '{}' is not one of en, de",
            config.default_language
        ));
    }
    if let Some(color) = &config.brand_primary_color {
        let hex = color.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "brand_primary_color: '{color}' is not a colour such as #2f5bd3"
            ));
        }
    }
    if let Some(url) = &config.brand_logo_url
        && !matches!(url.scheme(), "https" | "http")
    {
        return Err("brand_logo_url: an http(s) URL".into());
    }
    if config.brand_logo_url.is_some() && config.brand_logo_path.is_some() {
        return Err("brand_logo_url and brand_logo_path: set one, not both".into());
    }
    let small_file = |key: &str, path: &std::path::Path, max: u64| match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() <= max => Ok(()),
        Ok(_) => Err(format!(
            "{key}: {} is not a file of at most {} KiB",
            path.display(),
            max / 1024
        )),
        Err(e) => Err(format!("{key}: cannot read {}: {e}", path.display())),
    };
    if let Some(path) = &config.brand_logo_path {
        if brand_image_type(path).is_none() {
            return Err("brand_logo_path: a .png, .svg, .jpg or .webp file".into());
        }
        small_file("brand_logo_path", path, MAX_LOGO_BYTES)?;
    }
    if let Some(path) = &config.brand_css_path {
        small_file("brand_css_path", path, MAX_CSS_BYTES)?;
    }
    Ok(())
}

#[cfg(test)]
mod suggestion_tests {
    use super::*;

    #[test]
    fn a_mistyped_setting_names_the_one_meant() {
        let env = |k: &str| vec![(k.to_string(), "5".to_string())];
        let error = Config::load_from(None, &env("GATEHOUSE_SESION_LIFETIME_MINUTES"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown setting 'sesion_lifetime_minutes'; did you mean 'session_lifetime_minutes' (GATEHOUSE_SESSION_LIFETIME_MINUTES)?"),
            "{error}"
        );
        let error = Config::load_from(None, &env("GATEHOUSE_WIBBLE"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown setting 'wibble' (every setting is in docs/configuration.md)"),
            "{error}"
        );
    }
}
