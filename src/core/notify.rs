//! Outgoing messages as the core sees them: a template name, a recipient and the values to fill in.
//! `notify::Mailer` renders `templates/email/<name>.{subject,txt,html}` and delivers over SMTP or to files.
use async_trait::async_trait;

use super::Result;

#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send_mail(&self, to: &str, template: &str, values: serde_json::Value) -> Result<()>;
}
