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

/// What just happened, with the numbers its words need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A second factor was added; `revoked` trusted browsers went with it (a new phone number).
    FactorAdded { kind: FactorKind, revoked: u32 },
    /// A factor was removed, and with it `revoked` trusted browsers.
    FactorRemoved { revoked: u32 },
    /// New recovery codes replaced the old ones, and `revoked` trusted browsers.
    RecoveryCodesCreated { revoked: u32 },
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
            Notice::FactorAdded { kind, revoked } => (kind_key(kind), vec![revoked]),
            Notice::FactorRemoved { revoked } => ("factor_removed", vec![revoked]),
            Notice::RecoveryCodesCreated { revoked } => ("recovery_codes_created", vec![revoked]),
            Notice::PhoneChanged { revoked } => ("phone_changed", vec![revoked]),
            Notice::DeviceRevoked => ("device_revoked", vec![]),
            Notice::DevicesRevoked { count } => ("devices_revoked", vec![count]),
            Notice::SignedOut => ("signed_out", vec![]),
            Notice::SessionEnded => ("session_ended", vec![]),
            Notice::OtherSessionsEnded { count } => ("other_sessions_ended", vec![count]),
            Notice::AppRevoked => ("app_revoked", vec![]),
        }
    }

    /// The notice a flash cookie names; `None` for a key not in the list.
    fn from_flash(flash: &Flash) -> Option<Notice> {
        let n = |i: usize| flash.numbers.get(i).copied().unwrap_or(0);
        let added = |kind| Some(Notice::FactorAdded { kind, revoked: n(0) });
        match flash.key.as_str() {
            "webauthn_added" => added(FactorKind::WebAuthn),
            "totp_added" => added(FactorKind::Totp),
            "token_added" => added(FactorKind::OathToken),
            "phone_added" => added(FactorKind::Sms),
            "recovery_codes_added" => added(FactorKind::RecoveryCode),
            "factor_removed" => Some(Notice::FactorRemoved { revoked: n(0) }),
            "recovery_codes_created" => Some(Notice::RecoveryCodesCreated { revoked: n(0) }),
            "phone_changed" => Some(Notice::PhoneChanged { revoked: n(0) }),
            "device_revoked" => Some(Notice::DeviceRevoked),
            "devices_revoked" => Some(Notice::DevicesRevoked { count: n(0) }),
            "signed_out" => Some(Notice::SignedOut),
            "session_ended" => Some(Notice::SessionEnded),
            "other_sessions_ended" => Some(Notice::OtherSessionsEnded { count: n(0) }),
            "app_revoked" => Some(Notice::AppRevoked),
            _ => None,
        }
    }

    /// The words the page shows.
    pub fn text(self) -> String {
        match self {
            Notice::FactorAdded { kind, revoked } => {
                let what = match kind {
                    FactorKind::WebAuthn => "Security key or passkey added",
                    FactorKind::Totp => "Authenticator app added",
                    FactorKind::OathToken => "Hardware token added",
                    FactorKind::Sms => "Phone added",
                    FactorKind::RecoveryCode => "Recovery codes added",
                };
                let why = match kind {
                    FactorKind::Sms => "Adding a phone number",
                    _ => "Adding it",
                };
                format!(
                    "{what}: sign-in can ask for it from now on.{}",
                    revoked_because(why, revoked)
                )
            }
            Notice::FactorRemoved { revoked } => format!(
                "Factor removed: it no longer signs you in.{}",
                revoked_because("Removing it", revoked)
            ),
            Notice::RecoveryCodesCreated { revoked } => format!(
                "New recovery codes created: the old ones no longer work.{}",
                revoked_because("Replacing them", revoked)
            ),
            Notice::PhoneChanged { revoked } => format!(
                "Your phone number for sign-in codes was changed; the old number gets no more codes. We told the \
                 old number and your mailbox.{}",
                revoked_because("Changing it", revoked)
            ),
            Notice::DeviceRevoked => {
                "Trusted browser revoked: it asks for your second factor at its next sign-in.".to_string()
            }
            Notice::DevicesRevoked { count } => format!(
                "You revoked {}: each asks for your second factor at its next sign-in.",
                browsers(count, "your")
            ),
            Notice::SignedOut => "You are signed out.".to_string(),
            Notice::SessionEnded => {
                "Session ended: that browser is signed out, and the applications it signed in to lose the access it \
                 gave them."
                    .to_string()
            }
            Notice::OtherSessionsEnded { count } => match count {
                0 => "There was no other session to end. This one stays signed in.".to_string(),
                1 => "You ended 1 other session: that browser is signed out. This one stays signed in.".to_string(),
                n => format!("You ended {n} other sessions: those browsers are signed out. This one stays signed in."),
            },
            Notice::AppRevoked => "Access removed: the application's tokens no longer work, and it must ask for \
                                   your permission again."
                .to_string(),
        }
    }
}

/// "2 trusted browsers", "your trusted browser".
fn browsers(count: u32, owner: &str) -> String {
    match count {
        1 => format!("{owner} trusted browser"),
        n => format!("{owner} {n} trusted browsers"),
    }
}

/// Why trusted browsers went with a change (nothing when none did).
fn revoked_because(change: &str, revoked: u32) -> String {
    if revoked == 0 {
        return String::new();
    }
    format!(
        " {change} revoked {}, so a stolen password plus an old browser is not enough: they ask for a second factor \
         at their next sign-in.",
        browsers(revoked, "your")
    )
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
    if let Some(notice) = flash::take(req, state).as_ref().and_then(Notice::from_flash) {
        ctx.insert("notice", &notice.text());
    }
    let mut response = pages::with_csrf(req, state, status, template, ctx);
    flash::clear(req, state, &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_back_from_its_key() {
        let all = [
            Notice::FactorAdded {
                kind: FactorKind::Totp,
                revoked: 0,
            },
            Notice::FactorAdded {
                kind: FactorKind::Sms,
                revoked: 2,
            },
            Notice::FactorAdded {
                kind: FactorKind::WebAuthn,
                revoked: 0,
            },
            Notice::FactorAdded {
                kind: FactorKind::OathToken,
                revoked: 0,
            },
            Notice::FactorAdded {
                kind: FactorKind::RecoveryCode,
                revoked: 0,
            },
            Notice::FactorRemoved { revoked: 1 },
            Notice::RecoveryCodesCreated { revoked: 3 },
            Notice::PhoneChanged { revoked: 2 },
            Notice::DeviceRevoked,
            Notice::DevicesRevoked { count: 2 },
            Notice::SignedOut,
            Notice::SessionEnded,
            Notice::OtherSessionsEnded { count: 2 },
            Notice::AppRevoked,
        ];
        for notice in all {
            let (key, numbers) = notice.to_flash();
            let flash = Flash {
                key: key.into(),
                numbers,
            };
            assert_eq!(Notice::from_flash(&flash), Some(notice), "{key}");
            assert!(!notice.text().is_empty());
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
    }
}
