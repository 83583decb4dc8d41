//! Where the notices of a factor-reset request go (issue #17 item 1; NIST SP 800-63B-4 §4.2: notify the subscriber
//! at addresses of record). When a request opens, the addresses the user has at that moment are fixed on it
//! ([`snapshot`]): the e-mail address, the phone number on file, the numbers of their SMS factors, and an e-mail
//! address replaced in the [`PRIOR_DAYS`] before (the audit trail keeps the old address of a change; it keeps only
//! a masked phone number, so a replaced number cannot be reached). Every notice of that request goes to those
//! addresses and to the user's current ones where they differ ([`targets`]) — someone who took the account over
//! and changed its address cannot keep the owner from hearing of the reset. A request whose notices reach fewer
//! than two distinct addresses says so (`NoticeAddresses::single_channel`).
//!
//! A channel that fails is logged, never a reason to stop: the others still reach the user.
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{FactorResetRequest, NoticeAddresses};
use crate::core::Result;
use crate::core::audit::AuditFilter;
use crate::core::factors::{FactorKind, sms};
use crate::core::model::{User, masked_phone};
use crate::core::notify::{Notifier, SmsGateway, TextArg, mail};
use crate::core::store::Store;

/// How far back a replaced e-mail address still counts as the user's.
pub const PRIOR_DAYS: i64 = 30;

/// The user's addresses now: e-mail, phone on file, SMS factors' numbers.
async fn current(store: &dyn Store, user: &User, into: &mut NoticeAddresses) -> Result<()> {
    into.add_email(&user.email);
    if let Some(phone) = user.phone.as_deref() {
        into.add_phone(phone);
    }
    for factor in store.factors_of(&user.id).await? {
        if factor.kind == FactorKind::Sms
            && let Some(phone) = sms::phone_of(&factor)
        {
            into.add_phone(phone);
        }
    }
    Ok(())
}

/// The addresses fixed on a request opened for `user` at `now`.
pub async fn snapshot(store: &dyn Store, user: &User, now: DateTime<Utc>) -> Result<NoticeAddresses> {
    let mut addresses = NoticeAddresses::default();
    current(store, user, &mut addresses).await?;
    let filter = AuditFilter {
        subject_user_id: Some(user.id.clone()),
        kind: Some("user.email_changed".into()),
        since: Some(now - Duration::days(PRIOR_DAYS)),
        ..Default::default()
    };
    for record in store.search_audit(&filter, 20).await? {
        let details = &record.event.details;
        if details.get("changed").and_then(Value::as_bool) == Some(true)
            && let Some(old) = details.get("old").and_then(Value::as_str)
        {
            addresses.add_email(old);
        }
    }
    Ok(addresses)
}

/// Where a notice of `request` goes: the addresses fixed on it, then the user's current ones.
pub async fn targets(store: &dyn Store, user: &User, request: &FactorResetRequest) -> Result<NoticeAddresses> {
    let mut addresses = request.notice_addresses.clone().unwrap_or_default();
    current(store, user, &mut addresses).await?;
    Ok(addresses)
}

/// Mails `template` (in the user's language, with their names) to every e-mail address of `to`; the channels
/// reached (`mail`, one entry per address).
pub async fn mail_all(
    notifier: &dyn Notifier,
    user: &User,
    to: &NoticeAddresses,
    template: &str,
    mut values: Value,
) -> Vec<String> {
    if let Some(map) = values.as_object_mut() {
        map.entry("display_name")
            .or_insert_with(|| user.display_name.clone().into());
        map.entry("username").or_insert_with(|| user.username.clone().into());
    }
    let mut reached = Vec::new();
    for email in &to.emails {
        let recipient = User {
            email: email.clone(),
            ..user.clone()
        };
        match mail(notifier, &recipient, template, values.clone()).await {
            Ok(()) => reached.push("mail".to_string()),
            Err(e) => tracing::warn!(error = %e, template, "could not mail a factor-reset notice"),
        }
    }
    reached
}

/// Texts the message `key` (in the user's language) to every number of `to`; the channels reached (`sms:` and
/// the masked number).
pub async fn text_all(
    notifier: &dyn Notifier,
    gateway: &dyn SmsGateway,
    user: &User,
    to: &NoticeAddresses,
    key: &str,
    args: &[(&str, TextArg)],
) -> Vec<String> {
    let text = crate::core::notify::text(notifier, user, key, args);
    let mut reached = Vec::new();
    for number in &to.phones {
        match gateway.send_sms(number, &text).await {
            Ok(()) => reached.push(format!("sms:{}", masked_phone(number))),
            Err(e) => tracing::warn!(error = %e, key, "could not text a factor-reset notice"),
        }
    }
    reached
}

/// Mails `mail` (template, values) and texts `text` (message key, arguments) to every address of `to`: the notices
/// of a reset's outcome reach each channel the user had. The channels reached.
pub async fn tell_all(
    notifier: &dyn Notifier,
    gateway: &dyn SmsGateway,
    user: &User,
    to: &NoticeAddresses,
    mail: (&str, Value),
    text: (&str, &[(&str, TextArg)]),
) -> Vec<String> {
    let mut reached = mail_all(notifier, user, to, mail.0, mail.1).await;
    reached.extend(text_all(notifier, gateway, user, to, text.0, text.1).await);
    reached
}
