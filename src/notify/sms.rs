//! SMS gateway drivers, chosen by `sms_driver`:
//! - `webhook`: POSTs `{"to", "message"}` as JSON to a URL, signed with HMAC-SHA256 over
//!   `<timestamp>.<body>` (headers `X-Gatehouse-Timestamp`, `X-Gatehouse-Signature: sha256=<hex>`), so the receiver
//!   can reject forged or replayed posts;
//! - `twilio`: Twilio's Messages API (`/2010-04-01/Accounts/{sid}/Messages.json`, basic auth), base URL configurable;
//! - `log`: writes the text to the log, for development only.
use async_trait::async_trait;
use std::time::Duration;

use crate::config::Config;
use crate::core::notify::SmsGateway;
use crate::core::{Error, Result};

fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))
}

pub fn from_config(config: &Config) -> Result<Box<dyn SmsGateway>> {
    let missing = |what: &str| Error::invalid(format!("SMS configuration: {what} is missing"));
    let gateway: Box<dyn SmsGateway> = match config.sms_driver.as_str() {
        "webhook" => Box::new(Webhook {
            url: config
                .sms_webhook_url
                .clone()
                .ok_or_else(|| missing("sms_webhook_url"))?,
            secret: config
                .sms_webhook_secret
                .clone()
                .ok_or_else(|| missing("sms_webhook_secret"))?,
            client: client()?,
        }),
        "twilio" => Box::new(Twilio {
            base: config.sms_twilio_base_url.clone(),
            account_sid: config
                .sms_twilio_account_sid
                .clone()
                .ok_or_else(|| missing("sms_twilio_account_sid"))?,
            auth_token: config
                .sms_twilio_auth_token
                .clone()
                .ok_or_else(|| missing("sms_twilio_auth_token"))?,
            from: config
                .sms_twilio_from
                .clone()
                .ok_or_else(|| missing("sms_twilio_from"))?,
            client: client()?,
        }),
        _ => Box::new(LogOnly),
    };
    let driver = match config.sms_driver.as_str() {
        "webhook" => "webhook",
        "twilio" => "twilio",
        _ => "log",
    };
    Ok(Box::new(Counted { driver, gateway }))
}

/// Counts every message handed to a driver, by outcome (`gatehouse_sms_total`; see `http::metrics`).
struct Counted {
    driver: &'static str,
    gateway: Box<dyn SmsGateway>,
}

#[async_trait]
impl SmsGateway for Counted {
    #[tracing::instrument(name = "outbound", skip_all, fields(call = "sms", driver = self.driver))]
    async fn send_sms(&self, to: &str, message: &str) -> Result<()> {
        let result = self.gateway.send_sms(to, message).await;
        let outcome = if result.is_ok() { "sent" } else { "failed" };
        metrics::counter!("gatehouse_sms_total", "driver" => self.driver, "outcome" => outcome).increment(1);
        result
    }
}

struct Webhook {
    url: url::Url,
    secret: String,
    client: reqwest::Client,
}

/// The signature a webhook receiver recomputes: HMAC-SHA256(secret, "<timestamp>.<body>"), hex.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[async_trait]
impl SmsGateway for Webhook {
    async fn send_sms(&self, to: &str, message: &str) -> Result<()> {
        let body = serde_json::to_vec(&serde_json::json!({ "to": to, "message": message }))
            .map_err(|e| Error::Internal(e.to_string()))?;
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .client
            .post(self.url.clone())
            .header("content-type", "application/json")
            .header("x-gatehouse-timestamp", timestamp.to_string())
            .header(
                "x-gatehouse-signature",
                format!("sha256={}", webhook_signature(&self.secret, timestamp, &body)),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| Error::Unavailable(format!("SMS webhook: {e}")))?;
        if !response.status().is_success() {
            return Err(Error::Unavailable(format!(
                "SMS webhook answered {}",
                response.status()
            )));
        }
        Ok(())
    }
}

struct Twilio {
    base: url::Url,
    account_sid: String,
    auth_token: String,
    from: String,
    client: reqwest::Client,
}

#[async_trait]
impl SmsGateway for Twilio {
    async fn send_sms(&self, to: &str, message: &str) -> Result<()> {
        let mut url = self.base.clone();
        url.set_path(&format!("/2010-04-01/Accounts/{}/Messages.json", self.account_sid));
        let response = self
            .client
            .post(url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&[("To", to), ("From", self.from.as_str()), ("Body", message)])
            .send()
            .await
            .map_err(|e| Error::Unavailable(format!("Twilio: {e}")))?;
        if !response.status().is_success() {
            return Err(Error::Unavailable(format!("Twilio answered {}", response.status())));
        }
        Ok(())
    }
}

struct LogOnly;

#[async_trait]
impl SmsGateway for LogOnly {
    async fn send_sms(&self, to: &str, message: &str) -> Result<()> {
        tracing::warn!(
            to,
            message,
            "SMS (log driver: not sent; configure sms_driver for production)"
        );
        Ok(())
    }
}
