//! The login transaction as a state machine. A browser's sign-in is stored as the state of its session
//! (`SessionState`); each step that succeeds moves it on, under a new session id, and this file is the one place
//! that says where a step leads:
//!
//! ```text
//!   (no session) ── password ok ──────────► second factor pending { the kinds the plan accepts }
//!                                        ├► signed in           (no second factor due, or a trusted browser)
//!                                        └► enrolment pending   (a factor is required and none is usable)
//!   (no session) ── passkey ok ───────────► signed in | enrolment pending
//!   (no session) ── factor-reset link ────► enrolment pending
//!   second factor pending ── factor ok ───► signed in | enrolment pending (the factor's kind no longer counts)
//!   signed in ── factor ok (step-up) ─────► signed in (fresh auth_time) | enrolment pending
//!   enrolment pending ── enrolled ────────► signed in
//! ```
//! Anything else is refused: a step that does not apply to where the sign-in stands. A refused or failed step
//! leaves the session as it was (attempt counting, lockout and audit are the steps' own, in `login`,
//! `second_factor` and `passkey`). `next_url` says where the browser goes after each step.
use crate::core::model::SessionState;
use crate::core::policy::Access;
use crate::core::{Error, Result};

/// A step of sign-in that succeeded, with what policy said it leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The password was right. `second_factor`: the plan asks for one and no trusted browser skips it; `then`:
    /// what the user may do once nothing more is due.
    Password { second_factor: bool, then: Access },
    /// A user-verified passkey alone (passwordless).
    Passkey { then: Access },
    /// A factor-reset enrolment link: the user proved who they are through the recovery process.
    RecoveryLink,
    /// A second factor, as the second step or as a step-up of a signed-in session.
    SecondFactor { then: Access },
    /// A factor enrolled while enrolment was all the session allowed.
    Enrolled,
}

/// Where `step` takes a sign-in that stands at `from` (`None`: no session yet), or why it cannot.
pub fn advance(from: Option<SessionState>, step: Step) -> Result<SessionState> {
    use SessionState::*;
    let reached = |then: Access| match then {
        Access::Full => Authenticated,
        Access::EnrolOnly => PendingEnrolment,
    };
    match (from, step) {
        (
            None,
            Step::Password {
                second_factor: true, ..
            },
        ) => Ok(PendingSecondFactor),
        (None, Step::Password { then, .. } | Step::Passkey { then }) => Ok(reached(then)),
        (None, Step::RecoveryLink) => Ok(PendingEnrolment),
        (Some(PendingSecondFactor | Authenticated), Step::SecondFactor { then }) => Ok(reached(then)),
        (Some(PendingEnrolment), Step::Enrolled) => Ok(Authenticated),
        _ => Err(Error::invalid("This sign-in step does not apply now. Sign in again.")),
    }
}

/// A `return_to` is followed only when it is a path on this site: one leading `/`, not `//` or `/\` (which
/// browsers treat as another host), no control characters.
pub fn safe_return_to(candidate: Option<&str>) -> Option<String> {
    let path = candidate?;
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 2048
        && !path.chars().any(|c| c.is_control() || c == '\\');
    ok.then(|| path.to_string())
}

/// Where a browser goes once a step of sign-in is done: the second-factor page or enrolment while one is due, else
/// the (safe) `return_to`, else the account. The one rule for password, second-factor and passkey sign-ins.
pub fn next_url(state: SessionState, return_to: Option<&str>) -> String {
    let target = safe_return_to(return_to).unwrap_or_else(|| "/account".into());
    let encoded = || url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>();
    match state {
        SessionState::Authenticated => target,
        SessionState::PendingSecondFactor => format!("/login/factor?return_to={}", encoded()),
        SessionState::PendingEnrolment => format!("/account/security?return_to={}", encoded()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::{EnrolOnly, Full};
    use SessionState::*;

    #[test]
    fn every_step_from_every_stage() {
        let pwd = |second_factor, then| Step::Password { second_factor, then };
        let factor = |then| Step::SecondFactor { then };
        let stages = [
            None,
            Some(PendingSecondFactor),
            Some(PendingEnrolment),
            Some(Authenticated),
        ];
        let steps = [
            pwd(true, Full),
            pwd(true, EnrolOnly),
            pwd(false, Full),
            pwd(false, EnrolOnly),
            Step::Passkey { then: Full },
            Step::Passkey { then: EnrolOnly },
            Step::RecoveryLink,
            factor(Full),
            factor(EnrolOnly),
            Step::Enrolled,
        ];
        // The whole table: every (stage, step) not listed here is refused.
        let allowed = [
            (None, pwd(true, Full), PendingSecondFactor),
            (None, pwd(true, EnrolOnly), PendingSecondFactor),
            (None, pwd(false, Full), Authenticated),
            (None, pwd(false, EnrolOnly), PendingEnrolment),
            (None, Step::Passkey { then: Full }, Authenticated),
            (None, Step::Passkey { then: EnrolOnly }, PendingEnrolment),
            (None, Step::RecoveryLink, PendingEnrolment),
            (Some(PendingSecondFactor), factor(Full), Authenticated),
            (Some(PendingSecondFactor), factor(EnrolOnly), PendingEnrolment),
            (Some(Authenticated), factor(Full), Authenticated),
            (Some(Authenticated), factor(EnrolOnly), PendingEnrolment),
            (Some(PendingEnrolment), Step::Enrolled, Authenticated),
        ];
        for from in stages {
            for step in steps {
                let expected = allowed
                    .iter()
                    .find(|(f, s, _)| *f == from && *s == step)
                    .map(|(_, _, to)| *to);
                match (advance(from, step), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} --{step:?}"),
                    (Err(Error::Invalid(_)), None) => {}
                    (got, want) => panic!("{from:?} --{step:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn next_url_per_state() {
        assert_eq!(next_url(Authenticated, Some("/authorize?a=b")), "/authorize?a=b");
        assert_eq!(next_url(Authenticated, Some("https://evil.example")), "/account");
        assert_eq!(
            next_url(PendingSecondFactor, None),
            "/login/factor?return_to=%2Faccount"
        );
        assert_eq!(
            next_url(PendingEnrolment, Some("/x?y=1")),
            "/account/security?return_to=%2Fx%3Fy%3D1"
        );
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_return_to(Some("/account")), Some("/account".into()));
        assert_eq!(safe_return_to(Some("/authorize?a=b")), Some("/authorize?a=b".into()));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/\tx",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_return_to(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_return_to(None), None);
    }
}
