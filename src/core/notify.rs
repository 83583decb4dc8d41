//! Outgoing messages as the core sees them. Mail: a template name, a recipient and the values to fill in;
//! `notify::mail::Mailer` renders `templates/email/<name>.{subject,txt,html}`. SMS: a number and a text;
//! `notify::sms` holds the gateway drivers. [`notify`] is how the core mails a notice to a user (a lock, a new
//! factor, a reminder) from whichever layer decides it; a leaf, like the traits.
use async_trait::async_trait;

use super::Result;
use super::model::User;

#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send_mail(&self, to: &str, template: &str, values: serde_json::Value) -> Result<()>;
}

/// Text messages. Drivers: an HMAC-signed webhook, a Twilio-compatible API, and a log for development.
#[async_trait]
pub trait SmsGateway: Send + Sync {
    /// `to` is E.164. An error means the message was not accepted by the gateway.
    async fn send_sms(&self, to: &str, message: &str) -> Result<()>;
}

/// Sends a notice to the user; whether it went out. A mail that cannot be sent is logged, never a reason to
/// change a decision.
pub async fn notify(notifier: &dyn Notifier, user: &User, template: &str, mut values: serde_json::Value) -> bool {
    if let Some(map) = values.as_object_mut() {
        map.insert("display_name".into(), user.display_name.clone().into());
        map.insert("username".into(), user.username.clone().into());
    }
    match notifier.send_mail(&user.email, template, values).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, template, "could not send a notice");
            false
        }
    }
}
