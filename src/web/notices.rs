//! The one-time notices of the end-user pages: the closed list of what a change can report, and its words. A
//! handler that changed something redirects with [`flash`]; the next page rendered through [`page`] shows the
//! notice once (base.html's `notice`, `role="status"`). The cookie carries only a key of this list and its
//! numbers (`http::flash`), so every sentence a page can show is written here.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use tera::Context;

use crate::core::factors::FactorKind;
use crate::http::flash::{self, Flash};
use crate::http::{AppState, pages};
use crate::i18n::{t, t_args};

/// What just happened, with the numbers its words need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A factor was added. Adding never revokes trusted browsers (it weakens nothing); `first` says it is the
    /// account's first factor (not counting recovery codes), so the page offers recovery codes and a second one.
    FactorAdded { kind: FactorKind, first: bool },
    /// A factor was removed, and with it `revoked` trusted browsers.
    FactorRemoved { revoked: u32 },
    /// Recovery codes were created; `replaced` when they replace older ones, which took `revoked` trusted
    /// browsers with them.
    RecoveryCodesCreated { replaced: bool, revoked: u32 },
    /// The phone number for sign-in codes changed; `revoked` trusted browsers went with it.
    PhoneChanged { revoked: u32 },
    /// The user revoked one trusted browser.
    DeviceRevoked,
    /// The user revoked all their trusted browsers (`count`).
    DevicesRevoked { count: u32 },
    /// The user signed out.
    SignedOut,
    /// The user ended one of their other sessions.
    SessionEnded,
    /// The user ended every other session (`count`).
    OtherSessionsEnded { count: u32 },
    /// The user took back an application's access.
    AppRevoked,
    /// The user marked themselves away (factor resets they would approve go elsewhere meanwhile).
    AwaySet,
    /// The user said they are back.
    AwayCleared,
}

fn kind_key(kind: FactorKind) -> &'static str {
    match kind {
        FactorKind::WebAuthn => "webauthn_added",
        FactorKind::Totp => "totp_added",
        FactorKind::OathToken => "token_added",
        FactorKind::Sms => "phone_added",
        FactorKind::RecoveryCode => "recovery_codes_added",
    }
}

impl Notice {
    /// The key and numbers the flash cookie carries.
    fn to_flash(self) -> (&'static str, Vec<u32>) {
        match self {
            Notice::FactorAdded { kind, first } => (kind_key(kind), vec![u32::from(first)]),
            Notice::FactorRemoved { revoked } => ("factor_removed", vec![revoked]),
            Notice::RecoveryCodesCreated { replaced, revoked } => {
                ("recovery_codes_created", vec![revoked, u32::from(replaced)])
            }
            Notice::PhoneChanged { revoked } => ("phone_changed", vec![revoked]),
            Notice::DeviceRevoked => ("device_revoked", vec![]),
            Notice::DevicesRevoked { count } => ("devices_revoked", vec![count]),
            Notice::SignedOut => ("signed_out", vec![]),
            Notice::SessionEnded => ("session_ended", vec![]),
            Notice::OtherSessionsEnded { count } => ("other_sessions_ended", vec![count]),
            Notice::AppRevoked => ("app_revoked", vec![]),
            Notice::AwaySet => ("away_set", vec![]),
            Notice::AwayCleared => ("away_cleared", vec![]),
        }
    }

    /// The notice a flash cookie names; `None` for a key not in the list.
    fn from_flash(flash: &Flash) -> Option<Notice> {
        let n = |i: usize| flash.numbers.get(i).copied().unwrap_or(0);
        let added = |kind| Some(Notice::FactorAdded { kind, first: n(0) == 1 });
        match flash.key.as_str() {
            "webauthn_added" => added(FactorKind::WebAuthn),
            "totp_added" => added(FactorKind::Totp),
            "token_added" => added(FactorKind::OathToken),
            "phone_added" => added(FactorKind::Sms),
            "recovery_codes_added" => added(FactorKind::RecoveryCode),
            "factor_removed" => Some(Notice::FactorRemoved { revoked: n(0) }),
            "recovery_codes_created" => Some(Notice::RecoveryCodesCreated {
                revoked: n(0),
                replaced: n(1) == 1,
            }),
            "phone_changed" => Some(Notice::PhoneChanged { revoked: n(0) }),
            "device_revoked" => Some(Notice::DeviceRevoked),
            "devices_revoked" => Some(Notice::DevicesRevoked { count: n(0) }),
            "signed_out" => Some(Notice::SignedOut),
            "session_ended" => Some(Notice::SessionEnded),
            "other_sessions_ended" => Some(Notice::OtherSessionsEnded { count: n(0) }),
            "app_revoked" => Some(Notice::AppRevoked),
            "away_set" => Some(Notice::AwaySet),
            "away_cleared" => Some(Notice::AwayCleared),
            _ => None,
        }
    }

    /// The words the page shows, in the request's language.
    pub fn text(self) -> String {
        match self {
            Notice::FactorAdded { kind, .. } => t(match kind {
                FactorKind::WebAuthn => "account-notice-added-webauthn",
                FactorKind::Totp => "account-notice-added-totp",
                FactorKind::OathToken => "account-notice-added-token",
                FactorKind::Sms => "account-notice-added-phone",
                FactorKind::RecoveryCode => "account-notice-added-recovery",
            }),
            Notice::FactorRemoved { revoked } => {
                with_revoked(t("account-notice-removed"), "account-notice-revoked-removing", revoked)
            }
            Notice::RecoveryCodesCreated { replaced: false, .. } => t("account-notice-codes-created"),
            Notice::RecoveryCodesCreated {
                replaced: true,
                revoked,
            } => with_revoked(
                t("account-notice-codes-replaced"),
                "account-notice-revoked-replacing",
                revoked,
            ),
            Notice::PhoneChanged { revoked } => with_revoked(
                t("account-notice-phone-changed"),
                "account-notice-revoked-changing",
                revoked,
            ),
            Notice::DeviceRevoked => t("account-notice-device-revoked"),
            Notice::DevicesRevoked { count } => t_args("account-notice-devices-revoked", &[("count", count.into())]),
            Notice::SignedOut => t("account-notice-signed-out"),
            Notice::SessionEnded => t("account-notice-session-ended"),
            Notice::OtherSessionsEnded { count } => {
                t_args("account-notice-other-sessions-ended", &[("count", count.into())])
            }
            Notice::AppRevoked => t("account-notice-app-revoked"),
            Notice::AwaySet => t("account-notice-away-set"),
            Notice::AwayCleared => t("account-notice-away-cleared"),
        }
    }
}

/// `what` happened, and — when trusted browsers went with it — how many and why (`why`, a message taking `count`).
fn with_revoked(what: String, why: &str, revoked: u32) -> String {
    if revoked == 0 {
        return what;
    }
    format!("{what} {}", t_args(why, &[("count", revoked.into())]))
}

/// A count for a notice (they never come near `u32::MAX`).
pub fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Leaves `notice` on `response` (a redirect) for the next page.
pub fn flash(response: &mut HttpResponse, state: &AppState, notice: Notice) {
    let (key, numbers) = notice.to_flash();
    flash::set(response, state, key, &numbers);
}

/// A redirect to `location` that leaves `notice` for the page there.
pub fn redirect(state: &AppState, location: &str, notice: Notice) -> HttpResponse {
    let mut response = HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish();
    flash(&mut response, state, notice);
    response
}

/// Renders a page that carries forms (`pages::with_csrf`) and shows the notice the previous response left, once:
/// the flash cookie is cleared in the same response (also when it was forged or expired, and then shows nothing).
/// A notice the handler put in `ctx` itself stays when there is none.
pub fn page(req: &HttpRequest, state: &AppState, status: StatusCode, template: &str, mut ctx: Context) -> HttpResponse {
    let notice = flash::take(req, state).as_ref().and_then(Notice::from_flash);
    if let Some(notice) = notice {
        ctx.insert("notice", &notice.text());
    }
    // The account's first factor was just added: the security page offers recovery codes and a second factor.
    ctx.insert(
        "first_factor",
        &matches!(notice, Some(Notice::FactorAdded { kind, first: true }) if !kind.is_backup()),
    );
    let mut response = pages::with_csrf(req, state, status, template, ctx);
    flash::clear(req, state, &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_back_from_its_key() {
        let added = |kind, first| Notice::FactorAdded { kind, first };
        let all = [
            added(FactorKind::Totp, true),
            added(FactorKind::Sms, false),
            added(FactorKind::WebAuthn, true),
            added(FactorKind::OathToken, false),
            added(FactorKind::RecoveryCode, false),
            Notice::FactorRemoved { revoked: 1 },
            Notice::RecoveryCodesCreated {
                replaced: true,
                revoked: 3,
            },
            Notice::RecoveryCodesCreated {
                replaced: false,
                revoked: 0,
            },
            Notice::PhoneChanged { revoked: 2 },
            Notice::DeviceRevoked,
            Notice::DevicesRevoked { count: 2 },
            Notice::SignedOut,
            Notice::SessionEnded,
            Notice::OtherSessionsEnded { count: 2 },
            Notice::AppRevoked,
            Notice::AwaySet,
            Notice::AwayCleared,
        ];
        for notice in all {
            let (key, numbers) = notice.to_flash();
            let flash = Flash {
                key: key.into(),
                numbers,
            };
            assert_eq!(Notice::from_flash(&flash), Some(notice), "{key}");
            assert!(!notice.text().is_empty() && !notice.text().starts_with("account-"));
        }
        let unknown = Flash {
            key: "anything_else".into(),
            numbers: vec![],
        };
        assert_eq!(Notice::from_flash(&unknown), None);
    }

    #[test]
    fn revocations_say_how_many_and_why() {
        let text = Notice::FactorRemoved { revoked: 2 }.text();
        assert!(
            text.contains("Removing it revoked your 2 trusted browsers, so a stolen password"),
            "{text}"
        );
        assert!(!Notice::FactorRemoved { revoked: 0 }.text().contains("trusted"));
        assert!(
            Notice::DevicesRevoked { count: 1 }
                .text()
                .contains("your trusted browser:")
        );
        let replaced = Notice::RecoveryCodesCreated {
            replaced: true,
            revoked: 1,
        }
        .text();
        assert!(
            replaced.contains("Replacing them revoked your trusted browser"),
            "{replaced}"
        );
    }

    #[tokio::test]
    async fn notices_speak_the_request_language() {
        let de = crate::i18n::scope(crate::i18n::Lang::De, async {
            Notice::PhoneChanged { revoked: 2 }.text()
        })
        .await;
        assert!(
            de.contains("Telefonnummer") && de.contains("Ihre 2 vertrauenswürdigen Browser widerrufen"),
            "{de}"
        );
    }
}
