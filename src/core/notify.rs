//! Outgoing messages as the core sees them. Mail: a template name, a recipient and the values to fill in;
//! `notify::mail::Mailer` renders `templates/email/<name>.{subject,txt,html}`. SMS: a number and a text;
//! `notify::sms` holds the gateway drivers.
use async_trait::async_trait;

use super::Result;

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
