//! Cross-device sign-in approval with number matching, the pure part. A browser waiting for its second factor
//! may ask one of the user's browsers that is already signed in with a phishing-resistant factor to approve it:
//! the new browser shows a two-digit number, the signed-in one shows three numbers and where the sign-in comes
//! from, and the user picks the number they see on the new browser. It is the answer to MFA fatigue: an approval
//! needs the number from the screen of the browser signing in, and a wrong pick ends the prompt.
//!
//! A prompt moves `pending → approved | denied | mismatch | ignored`, once, and an approved one to `used` when the
//! waiting browser signs in with it. The approval counts as the possession factor of the approving session's
//! credential (`amr` `mca`, RFC 8176 multiple-channel authentication), never as phishing-resistant: the new
//! browser itself proved nothing bound to its origin. `approval_flow` does the storage, sessions, audit and
//! notices; everything here is decided from values and unit-tested.
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::core::model::{Session, SessionState};
use crate::core::policy::Requirement;
use crate::core::policy::acr_age;
use crate::core::policy::assurance::{self, PHISHING_RESISTANT};

/// How long a prompt waits for its answer.
pub const LIFETIME: Duration = Duration::minutes(2);
/// Prompts per user in [`WINDOW`].
pub const PER_WINDOW: u64 = 5;
pub const WINDOW: Duration = Duration::hours(1);
/// Unanswered prompts in a row that pause prompting, and for how long after the last of them.
pub const IGNORED_IN_A_ROW: usize = 3;
pub const PAUSE: Duration = Duration::hours(24);
/// The `amr` method an approved sign-in gets (RFC 8176: multiple-channel authentication).
pub const AMR_METHOD: &str = "mca";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Pending,
    /// The right number was picked on a signed-in browser.
    Approved,
    /// "This wasn't me" on a signed-in browser.
    Denied,
    /// A wrong number was picked (one pick only).
    Mismatch,
    /// Nobody answered within [`LIFETIME`].
    Ignored,
    /// The waiting browser signed in with the approval.
    Used,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Denied => "denied",
            ApprovalState::Mismatch => "mismatch",
            ApprovalState::Ignored => "ignored",
            ApprovalState::Used => "used",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => ApprovalState::Pending,
            "approved" => ApprovalState::Approved,
            "denied" => ApprovalState::Denied,
            "mismatch" => ApprovalState::Mismatch,
            "ignored" => ApprovalState::Ignored,
            "used" => ApprovalState::Used,
            _ => return None,
        })
    }
}

/// One prompt as stored. The number and choices are kept to render both pages and to judge the pick.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignInApproval {
    pub id: String,
    pub user_id: String,
    /// SHA-256 of the waiting browser's session token.
    #[serde(skip)]
    pub pending_session: String,
    #[serde(skip)]
    pub number: u8,
    #[serde(skip)]
    pub choices: [u8; 3],
    pub state: ApprovalState,
    /// Where the sign-in comes from, shown to the approving browser.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// SHA-256 of the session that answered.
    #[serde(skip)]
    pub approver_session: Option<String>,
}

impl SignInApproval {
    /// The state as of `now`: a pending prompt past its end was ignored, even before anyone stored that.
    pub fn state_at(&self, now: DateTime<Utc>) -> ApprovalState {
        if self.state == ApprovalState::Pending && now >= self.expires_at {
            ApprovalState::Ignored
        } else {
            self.state
        }
    }
}

/// What the approving browser did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Picked(u8),
    NotMe,
}

/// The state an answer leads to: the right number approves, any other number is a mismatch, "not me" denies.
pub fn outcome(number: u8, answer: Answer) -> ApprovalState {
    match answer {
        Answer::Picked(n) if n == number => ApprovalState::Approved,
        Answer::Picked(_) => ApprovalState::Mismatch,
        Answer::NotMe => ApprovalState::Denied,
    }
}

/// Whether prompting is paused: the user's [`IGNORED_IN_A_ROW`] latest prompts (`recent`, newest first) went
/// unanswered, and the latest of them was sent less than [`PAUSE`] ago.
pub fn paused(recent: &[SignInApproval], now: DateTime<Utc>) -> bool {
    recent.len() >= IGNORED_IN_A_ROW
        && recent[..IGNORED_IN_A_ROW]
            .iter()
            .all(|p| p.state_at(now) == ApprovalState::Ignored)
        && now - recent[0].created_at < PAUSE
}

/// Whether `session` may approve another browser's sign-in: signed in, and phishing-resistant now — by the methods
/// that still count under the user's current policy (`requirement`), proven within that level's age.
pub fn may_approve(session: &Session, requirement: &Requirement, now: DateTime<Utc>) -> bool {
    session.state == SessionState::Authenticated
        && session.expires_at > now
        && assurance::meets(
            acr_age::standing(session, requirement, now, None).level,
            PHISHING_RESISTANT,
        )
}

/// The methods of a sign-in approved from another browser: what the waiting session proved (the password), then
/// the approval and `mfa`.
pub fn approved_amr(pending: &Session) -> Vec<String> {
    let mut amr: Vec<String> = pending.amr.iter().filter(|m| *m != "mfa").cloned().collect();
    amr.push(AMR_METHOD.to_string());
    amr.push("mfa".to_string());
    amr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(state: ApprovalState, created_at: DateTime<Utc>) -> SignInApproval {
        SignInApproval {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: "u".into(),
            pending_session: "p".into(),
            number: 42,
            choices: [17, 42, 88],
            state,
            ip: None,
            user_agent: None,
            created_at,
            expires_at: created_at + LIFETIME,
            answered_at: None,
            approver_session: None,
        }
    }

    fn session(amr: &[&str], state: SessionState, now: DateTime<Utc>) -> Session {
        Session {
            id_hash: "s".into(),
            user_id: "u".into(),
            state,
            amr: amr.iter().map(|m| m.to_string()).collect(),
            created_at: now,
            auth_time: now,
            last_seen_at: now,
            expires_at: now + Duration::hours(8),
            ip: None,
            user_agent: None,
            proofs: Default::default(),
        }
    }

    #[test]
    fn only_the_right_number_approves() {
        assert_eq!(outcome(42, Answer::Picked(42)), ApprovalState::Approved);
        assert_eq!(outcome(42, Answer::Picked(17)), ApprovalState::Mismatch);
        assert_eq!(outcome(42, Answer::NotMe), ApprovalState::Denied);
    }

    #[test]
    fn a_pending_prompt_past_its_end_was_ignored() {
        let now = Utc::now();
        let p = prompt(ApprovalState::Pending, now);
        assert_eq!(p.state_at(now), ApprovalState::Pending);
        assert_eq!(p.state_at(now + LIFETIME), ApprovalState::Ignored);
        let answered = prompt(ApprovalState::Denied, now);
        assert_eq!(answered.state_at(now + LIFETIME), ApprovalState::Denied);
    }

    #[test]
    fn three_ignored_in_a_row_pause_prompting_for_a_day() {
        let now = Utc::now();
        let ago = |m: i64| now - Duration::minutes(m);
        let ignored = |m| prompt(ApprovalState::Ignored, ago(m));
        assert!(!paused(&[ignored(10), ignored(20)], now), "two are not enough");
        assert!(paused(&[ignored(10), ignored(20), ignored(30)], now));
        // The latest still pending but past its end counts as ignored.
        assert!(paused(
            &[prompt(ApprovalState::Pending, ago(5)), ignored(20), ignored(30)],
            now
        ));
        assert!(!paused(
            &[prompt(ApprovalState::Pending, ago(1)), ignored(20), ignored(30)],
            now
        ));
        let answered = prompt(ApprovalState::Used, ago(20));
        assert!(
            !paused(&[ignored(10), answered, ignored(30), ignored(40)], now),
            "an answer breaks the row"
        );
        assert!(
            !paused(&[ignored(60 * 25), ignored(60 * 26), ignored(60 * 27)], now),
            "the pause ends"
        );
    }

    fn everything() -> Requirement {
        Requirement {
            allowed_factors: crate::core::policy::ALL_KINDS.to_vec(),
            mfa_required: false,
            enforce_from: None,
            enrol_by: None,
            trusted_device_days: 0,
            reauth_absolute_minutes: None,
            reauth_idle_minutes: None,
            ip_rules: vec![],
            fallback_to: None,
            acr_max_age: acr_age::defaults_for("user"),
            passkey_profile: Default::default(),
            passkey_profile_since: None,
        }
    }

    #[test]
    fn only_a_phishing_resistant_signed_in_session_approves() {
        let now = Utc::now();
        let all = everything();
        let key = session(&["pwd", "hwk", "mfa"], SessionState::Authenticated, now);
        assert!(may_approve(&key, &all, now));
        assert!(!may_approve(
            &session(&["pwd", "otp", "mfa"], SessionState::Authenticated, now),
            &all,
            now
        ));
        assert!(!may_approve(
            &session(&["pwd", "mca", "mfa"], SessionState::Authenticated, now),
            &all,
            now
        ));
        assert!(!may_approve(
            &session(&["pwd", "hwk", "mfa"], SessionState::PendingSecondFactor, now),
            &all,
            now
        ));
        assert!(!may_approve(&key, &all, key.expires_at), "an expired session");
    }

    #[test]
    fn an_approved_sign_in_is_multi_factor_and_never_phishing_resistant() {
        let now = Utc::now();
        let amr = approved_amr(&session(&["pwd"], SessionState::PendingSecondFactor, now));
        assert_eq!(amr, ["pwd", "mca", "mfa"]);
        assert_eq!(assurance::acr_for(&amr), assurance::MULTI_FACTOR);
        let counted = assurance::counting_amr(&amr, &everything());
        assert_eq!(
            assurance::acr_for(&counted),
            assurance::MULTI_FACTOR,
            "the approval counts as a factor"
        );
        let mut no_keys = everything();
        no_keys
            .allowed_factors
            .retain(|k| *k != crate::core::factors::FactorKind::WebAuthn);
        let counted = assurance::counting_amr(&amr, &no_keys);
        assert_eq!(
            assurance::acr_for(&counted),
            assurance::PASSWORD,
            "not where keys no longer count"
        );
    }
}
