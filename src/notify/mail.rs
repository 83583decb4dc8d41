//! Mail: renders `templates/email/<name>.subject`, `.txt` and `.html`, then sends a multipart message. The
//! Mailer also words text messages ([`Notifier::text`]): both speak the recipient's language and carry the
//! product name.
use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use tera::{Context, Tera};

use crate::core::notify::{Notifier, TextArg};
use crate::core::{Error, Result};
use crate::i18n::{self, Arg, Lang};

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    templates: Arc<Tera>,
    brand_name: String,
    brand_logo_url: Option<String>,
    /// The installation's `default_language`: messages sent outside a request (sweepers, commands) to a user
    /// whose language is not known speak it.
    default_lang: Lang,
}

impl Mailer {
    /// SMTP when a URL is given; otherwise .eml files in `mail_dir` (created if missing).
    pub fn new(smtp_url: Option<&str>, mail_dir: PathBuf, from: &str, templates: Arc<Tera>) -> Result<Self> {
        let from = from.parse().map_err(|e| Error::invalid(format!("mail_from: {e}")))?;
        let transport = match smtp_url {
            Some(url) => {
                if let Ok(parsed) = url::Url::parse(url)
                    && parsed.scheme() == "smtp"
                    && !parsed.query_pairs().any(|(k, _)| k == "tls")
                    && !matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "::1" | "[::1]"))
                {
                    tracing::warn!("smtp_url sends mail without TLS to a remote host; use smtps:// or ?tls=required");
                }
                Transport::Smtp(
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                        .map_err(|e| Error::invalid(format!("smtp_url: {e}")))?
                        .build(),
                )
            }
            None => {
                std::fs::create_dir_all(&mail_dir)
                    .map_err(|e| Error::Internal(format!("cannot create {}: {e}", mail_dir.display())))?;
                Transport::Files(mail_dir)
            }
        };
        Ok(Mailer {
            from,
            transport,
            templates,
            brand_name: "Gatehouse".into(),
            brand_logo_url: None,
            default_lang: Lang::En,
        })
    }

    /// The product name and (absolute) logo address mails show.
    pub fn with_brand(mut self, name: &str, logo_url: Option<&str>) -> Self {
        self.brand_name = name.to_string();
        self.brand_logo_url = logo_url.map(str::to_string);
        self
    }

    /// The language messages speak when neither the recipient's nor a request's is known.
    pub fn with_default_language(mut self, lang: Lang) -> Self {
        self.default_lang = lang;
        self
    }

    /// The recipient's language when it is one we speak, else the request's, else the installation's default.
    fn language(&self, recipient: Option<&str>) -> Lang {
        recipient
            .and_then(Lang::parse)
            .unwrap_or_else(|| i18n::current_or(self.default_lang))
    }

    /// Renders in the language `values.lang` names (the recipient's, set by `core::notify`), else the request's.
    fn render(&self, template: &str, values: &serde_json::Value) -> Result<(String, String, String)> {
        let mut context = Context::from_serialize(values).map_err(|e| Error::Internal(e.to_string()))?;
        let lang = self.language(values.get("lang").and_then(|l| l.as_str()));
        context.insert("lang", lang.code());
        context.insert("product", &self.brand_name);
        context.insert("brand_logo_url", &self.brand_logo_url);
        let part = |suffix: &str| {
            self.templates
                .render(&format!("email/{template}.{suffix}"), &context)
                .map_err(|e| Error::Internal(format!("mail template {template}.{suffix}: {e}")))
        };
        let subject = part("subject")?.lines().next().unwrap_or_default().trim().to_string();
        Ok((subject, part("txt")?, part("html")?))
    }
}

#[async_trait]
impl Notifier for Mailer {
    fn text(&self, lang: Option<&str>, key: &str, args: &[(&str, TextArg)]) -> String {
        let lang = self.language(lang);
        let mut values: Vec<(&str, Arg)> = vec![("product", self.brand_name.as_str().into())];
        values.extend(args.iter().map(|(name, value)| {
            let value = match value {
                TextArg::Text(text) => Arg::Text(text.clone()),
                TextArg::Number(n) => Arg::from(*n),
                TextArg::At(at) => Arg::Text(i18n::format_datetime(lang, *at)),
            };
            (*name, value)
        }));
        i18n::t_in(lang, key, &values)
    }

    async fn send_mail(&self, to: &str, template: &str, values: serde_json::Value) -> Result<()> {
        let result = self.deliver(to, template, &values).await;
        let outcome = if result.is_ok() { "sent" } else { "failed" };
        let transport = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Files(_) => "file",
        };
        metrics::counter!("gatehouse_mails_total", "transport" => transport, "outcome" => outcome).increment(1);
        result
    }
}

impl Mailer {
    #[tracing::instrument(name = "outbound", skip_all, fields(call = "mail", template))]
    async fn deliver(&self, to: &str, template: &str, values: &serde_json::Value) -> Result<()> {
        let (subject, text, html) = self.render(template, values)?;
        let to: Mailbox = to.parse().map_err(|e| Error::invalid(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.clone())
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| Error::Internal(format!("building mail: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| Error::Unavailable(format!("SMTP: {e}")))?;
                tracing::info!(template, to = %to.email, "mail sent");
            }
            Transport::Files(dir) => {
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| Error::Internal(format!("writing mail: {e}")))?;
                tracing::info!(template, to = %to.email, path = %dir.join(format!("{id}.eml")).display(), "mail written");
            }
        }
        Ok(())
    }
}
