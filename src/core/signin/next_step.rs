//! What a relying party's request needs next — one decision behind OIDC's `/authorize` and SAML's SSO, rendered
//! by each protocol in its own words (OIDC error codes and redirects, SAML status Responses). Pure: the handlers
//! gather the facts (the browser's session, the step-up assessment, consent) and render the answer.
//!
//! The order is the protocols' own: a sign-in that fits the request comes first (else sign in, or refuse when the
//! request is passive); then whether the relying party admits the user at all; then the assurance level (step up
//! with one more factor, or refuse when no factor of the user's can reach it); then consent; then the answer.
use crate::core::policy::stepup::Decision;

/// How the browser's session fits the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionFit {
    /// No signed-in session.
    None,
    /// A session that the request does not accept: older than `prompt=login`/`ForceAuthn` or `max_age` allow, or
    /// of another user than the one the relying party expects (`id_token_hint`).
    Stale,
    /// A session the request accepts.
    Fits,
}

/// What is known once a session fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judged {
    /// `Err` with the reason when the relying party does not admit this user (SAML: the SP's role rules).
    pub admitted: Result<(), &'static str>,
    /// The step-up assessment of the level the request and the relying party's minimum need.
    pub level: Decision,
    /// Whether the requested authentication context is met beyond its level (SAML `exact`/`maximum`
    /// comparisons); always true for OIDC.
    pub context_met: bool,
    /// Whether the user must still agree to share what the client asks for (OIDC; never for SAML).
    pub consent_needed: bool,
}

/// Why a request is answered with a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A passive request (`prompt=none`, `IsPassive`) without a session that fits.
    LoginRequired,
    /// A passive request that needs another sign-in step.
    InteractionRequired,
    /// No factor of the user's reaches the level asked for.
    LevelUnreachable,
    /// The level is reached but the requested context is not (SAML comparisons).
    ContextNotMet,
    /// A passive request that needs the user's consent first.
    ConsentRequired,
    /// The relying party does not admit this user; the reason is for the audit trail.
    NotAdmitted(&'static str),
}

/// The next step of a relying party's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Send the browser to sign in; `again` when a session exists but does not fit (the page says so).
    SignIn { again: bool },
    /// Send the browser to the second-factor page for one more factor, then resume the request.
    StepUp,
    /// Ask the user to agree (OIDC consent page).
    Consent,
    /// Answer the relying party with the sign-in (a code, an assertion).
    Answer,
    /// Answer the relying party with a refusal.
    Refuse(Refusal),
}

/// The next step for a request (`passive`: `prompt=none` or `IsPassive`) given the session's fit and, once it fits,
/// what was judged of it. `judged` is only looked at when the session fits.
pub fn next_step(passive: bool, fit: SessionFit, judged: Option<&Judged>) -> NextStep {
    let judged = match (fit, judged) {
        (SessionFit::Fits, Some(judged)) => judged,
        _ if passive => return NextStep::Refuse(Refusal::LoginRequired),
        (fit, _) => {
            return NextStep::SignIn {
                again: fit != SessionFit::None,
            };
        }
    };
    if let Err(why) = judged.admitted {
        return NextStep::Refuse(Refusal::NotAdmitted(why));
    }
    match (judged.level, passive) {
        (Decision::Unmet, _) => return NextStep::Refuse(Refusal::LevelUnreachable),
        (Decision::StepUp, true) => return NextStep::Refuse(Refusal::InteractionRequired),
        (Decision::StepUp, false) => return NextStep::StepUp,
        (Decision::Met, _) => {}
    }
    if !judged.context_met {
        return NextStep::Refuse(Refusal::ContextNotMet);
    }
    match (judged.consent_needed, passive) {
        (true, true) => NextStep::Refuse(Refusal::ConsentRequired),
        (true, false) => NextStep::Consent,
        (false, _) => NextStep::Answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Met, Unmet};
    use NextStep::*;
    use Refusal::*;

    const OK: Judged = Judged {
        admitted: Ok(()),
        level: Met,
        context_met: true,
        consent_needed: false,
    };

    #[test]
    fn the_decision_table() {
        let with = |f: fn(&mut Judged)| {
            let mut j = OK;
            f(&mut j);
            j
        };
        let cases: Vec<(&str, bool, SessionFit, Option<Judged>, NextStep)> = vec![
            ("no session", false, SessionFit::None, None, SignIn { again: false }),
            (
                "no session, passive",
                true,
                SessionFit::None,
                None,
                Refuse(LoginRequired),
            ),
            (
                "stale session",
                false,
                SessionFit::Stale,
                Some(OK),
                SignIn { again: true },
            ),
            (
                "stale session, passive",
                true,
                SessionFit::Stale,
                Some(OK),
                Refuse(LoginRequired),
            ),
            ("fits, nothing more", false, SessionFit::Fits, Some(OK), Answer),
            ("fits, passive", true, SessionFit::Fits, Some(OK), Answer),
            (
                "not admitted comes before the level",
                false,
                SessionFit::Fits,
                Some(with(|j| {
                    j.admitted = Err("role");
                    j.level = Decision::StepUp;
                })),
                Refuse(NotAdmitted("role")),
            ),
            (
                "one more factor",
                false,
                SessionFit::Fits,
                Some(with(|j| j.level = Decision::StepUp)),
                StepUp,
            ),
            (
                "one more factor, passive",
                true,
                SessionFit::Fits,
                Some(with(|j| j.level = Decision::StepUp)),
                Refuse(InteractionRequired),
            ),
            (
                "level out of reach",
                false,
                SessionFit::Fits,
                Some(with(|j| j.level = Unmet)),
                Refuse(LevelUnreachable),
            ),
            (
                "level reached, context not",
                false,
                SessionFit::Fits,
                Some(with(|j| j.context_met = false)),
                Refuse(ContextNotMet),
            ),
            (
                "step-up comes before consent",
                false,
                SessionFit::Fits,
                Some(with(|j| {
                    j.level = Decision::StepUp;
                    j.consent_needed = true;
                })),
                StepUp,
            ),
            (
                "consent",
                false,
                SessionFit::Fits,
                Some(with(|j| j.consent_needed = true)),
                Consent,
            ),
            (
                "consent, passive",
                true,
                SessionFit::Fits,
                Some(with(|j| j.consent_needed = true)),
                Refuse(ConsentRequired),
            ),
        ];
        for (name, passive, fit, judged, expected) in cases {
            assert_eq!(next_step(passive, fit, judged.as_ref()), expected, "{name}");
        }
    }
}
