//! Outgoing messages as the core sees them. Mail: a template name, a recipient and the values to fill in;
//! `notify::mail::Mailer` renders `templates/email/<name>.{subject,txt,html}`. SMS: a number and a text, worded
//! from the message catalogue by the notifier ([`Notifier::text`]); `notify::sms` holds the gateway drivers.
//! [`notify`] is how the core mails a notice to a user (a lock, a new factor, a reminder) from whichever layer
//! decides it; [`mail`] and [`text`] speak a user's language. A leaf, like the traits.
//!
//! Language: a message to a user speaks the one they last used (`User::locale`), else the language of the request
//! that sends it, else the installation's default. The core names the user's language and leaves the fallback to
//! the notifier, which knows the request.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::Result;
use super::model::User;

#[async_trait]
pub trait Notifier: Send + Sync {
    /// Sends mail `template` to `to`, in the language `values.lang` names (see [`mail`]); without one, the
    /// request's language, else the installation's default.
    async fn send_mail(&self, to: &str, template: &str, values: serde_json::Value) -> Result<()>;

    /// The words of a text message: the catalogue message `key` with `args` (and the product name as
    /// `$product`), in the language `lang` names, else the request's, else the installation's default.
    fn text(&self, lang: Option<&str>, key: &str, args: &[(&str, TextArg)]) -> String;
}

/// A value in a text message.
#[derive(Clone, Debug)]
pub enum TextArg {
    Text(String),
    /// A number, which chooses plural forms.
    Number(i64),
    /// A moment, written the language's way (`6 Dec 2026, 21:06 UTC` / `06.12.2026, 21:06 UTC`).
    At(DateTime<Utc>),
}

impl From<&str> for TextArg {
    fn from(s: &str) -> Self {
        TextArg::Text(s.to_string())
    }
}
impl From<String> for TextArg {
    fn from(s: String) -> Self {
        TextArg::Text(s)
    }
}
impl From<i64> for TextArg {
    fn from(n: i64) -> Self {
        TextArg::Number(n)
    }
}
impl From<DateTime<Utc>> for TextArg {
    fn from(at: DateTime<Utc>) -> Self {
        TextArg::At(at)
    }
}

/// Text messages. Drivers: an HMAC-signed webhook, a Twilio-compatible API, and a log for development.
#[async_trait]
pub trait SmsGateway: Send + Sync {
    /// `to` is E.164. An error means the message was not accepted by the gateway.
    async fn send_sms(&self, to: &str, message: &str) -> Result<()>;
}

/// Mails `template` to `user`'s address in their language (`lang` in the values, unless the caller set one).
/// Other values are the caller's: a mail to an administrator about another user names that user.
pub async fn mail(notifier: &dyn Notifier, user: &User, template: &str, mut values: serde_json::Value) -> Result<()> {
    if let (Some(map), Some(lang)) = (values.as_object_mut(), user.locale.as_deref())
        && !map.contains_key("lang")
    {
        map.insert("lang".into(), lang.into());
    }
    notifier.send_mail(&user.email, template, values).await
}

/// Sends a notice to the user, in their language, with their name; whether it went out. A mail that cannot be
/// sent is logged, never a reason to change a decision.
pub async fn notify(notifier: &dyn Notifier, user: &User, template: &str, mut values: serde_json::Value) -> bool {
    if let Some(map) = values.as_object_mut() {
        map.insert("display_name".into(), user.display_name.clone().into());
        map.insert("username".into(), user.username.clone().into());
    }
    match mail(notifier, user, template, values).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, template, "could not send a notice");
            false
        }
    }
}

/// The words of a text message to `user`, in their language ([`Notifier::text`]).
pub fn text(notifier: &dyn Notifier, user: &User, key: &str, args: &[(&str, TextArg)]) -> String {
    notifier.text(user.locale.as_deref(), key, args)
}
