//! Domain types. Values that have rules (usernames, e-mail addresses, phone numbers) are parsed once into
//! newtypes, so code further in never sees an unchecked one.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Username(String);

impl Username {
    /// Usernames are case-insensitive: stored lower-case, 1–64 of `a-z 0-9 . _ - @`.
    pub fn parse(input: &str) -> Result<Self> {
        let name = input.trim().to_lowercase();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Error::invalid("A username has 1 to 64 characters."));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(Error::invalid(
                "A username may contain only letters, digits and . _ - @",
            ));
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Email(String);

impl Email {
    /// A pragmatic check (one `@`, non-empty parts, a dot in the domain, no spaces or controls, ≤ 254);
    /// the real proof of an address is the mail that reaches it.
    pub fn parse(input: &str) -> Result<Self> {
        let email = input.trim();
        let bad = || Error::invalid(format!("'{}' is not a valid e-mail address.", truncate(email, 80)));
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || !domain.contains('.') && domain != "localhost"
        {
            return Err(bad());
        }
        Ok(Email(email.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form under which uniqueness is enforced and look-ups are made.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self> {
        let text = input.trim();
        let bad = || {
            Error::invalid(format!(
                "'{}' is not a valid phone number; use international form, e.g. +41446681800.",
                truncate(text, 40)
            ))
        };
        if text.len() > 32 {
            return Err(bad());
        }
        let number = phonenumber::parse(None, text).map_err(|_| bad())?;
        if !phonenumber::is_valid(&number) {
            return Err(bad());
        }
        Ok(Phone(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// "+41•••••••00": enough to recognise one's own number, not enough to learn someone else's.
pub fn masked_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 5 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 5))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(UserStatus::Active),
            "disabled" => Some(UserStatus::Disabled),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub status: UserStatus,
    pub manager_id: Option<String>,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub mfa_required: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The language the user last used Gatehouse in (a code of `i18n::Lang`, e.g. `de`), remembered at sign-in
    /// and by the language switcher; mails and text messages to them speak it. `None`: not known yet.
    pub locale: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Role {
    pub name: String,
    pub description: String,
    pub builtin: bool,
}

/// How far a browser session has got. Only `Authenticated` sessions are signed in: they alone reach account
/// pages, consent and token issuance. The pending states follow a correct password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Password verified; a second factor is due.
    PendingSecondFactor,
    /// Password verified; the user must have a second factor and has none: enrolment is all it allows.
    PendingEnrolment,
    Authenticated,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::PendingSecondFactor => "pending_second_factor",
            SessionState::PendingEnrolment => "pending_enrolment",
            SessionState::Authenticated => "authenticated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending_second_factor" => Some(SessionState::PendingSecondFactor),
            "pending_enrolment" => Some(SessionState::PendingEnrolment),
            "authenticated" => Some(SessionState::Authenticated),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's token.
    pub id_hash: String,
    pub user_id: String,
    pub state: SessionState,
    /// Authentication methods used (RFC 8176 names), e.g. `["pwd"]`.
    pub amr: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub auth_time: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When the session last proved each assurance level (`core::policy::acr_age`); empty for sessions stored
    /// before they were recorded.
    pub proofs: LevelProofs,
}

/// When a session last proved each assurance level (level name → time). The rules — a proof of a level proves every
/// weaker one, sessions without a record — are `core::policy::acr_age::Proofs`'s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct LevelProofs(std::collections::BTreeMap<String, DateTime<Utc>>);

impl LevelProofs {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, level: &str) -> Option<DateTime<Utc>> {
        self.0.get(level).copied()
    }

    /// Records `level` as proven at `at`, unless it was proven later already.
    pub fn raise(&mut self, level: &str, at: DateTime<Utc>) {
        let entry = self.0.entry(level.to_string()).or_insert(at);
        if *entry < at {
            *entry = at;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    PasswordReset,
    InitialSetup,
    /// A provisioned account's first password (`core::provisioning::invitation`).
    Invitation,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::InitialSetup => "initial_setup",
            TokenPurpose::Invitation => "invitation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "password_reset" => Some(TokenPurpose::PasswordReset),
            "initial_setup" => Some(TokenPurpose::InitialSetup),
            "invitation" => Some(TokenPurpose::Invitation),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeToken {
    pub token_hash: String,
    pub purpose: TokenPurpose,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse("  Alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("<script>").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn emails_are_checked() {
        assert_eq!(Email::parse("Bob@Example.com").unwrap().normalized(), "bob@example.com");
        for bad in [
            "",
            "bob",
            "bob@",
            "@x.com",
            "a@b@c.com",
            "a b@c.com",
            "a@nodot",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(Phone::parse("+41 44 668 18 00").unwrap().as_str(), "+41446681800");
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("+1 000").is_err());
        assert!(Phone::parse(&"9".repeat(100)).is_err());
    }
}
