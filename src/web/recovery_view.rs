//! How the helpdesk console and the recovery link pages show a factor-reset request: people by name
//! ("Display Name (username)", never an internal id), states, factor kinds, sign-in methods and identity checks in
//! the page's language, times as RFC 3339 for the templates' `datetime` filter, and the request's timeline from
//! the audit log.
use serde_json::{Value, json};

use crate::core::Error;
use crate::core::Result;
use crate::core::audit::People;
use crate::core::recovery::flow::{self, SYSTEM_ACTOR};
use crate::core::recovery::route::Position;
use crate::core::recovery::{FactorResetRequest, FactorSelection, ResetState, SELF};
use crate::http::AppState;
use crate::i18n::{self, Lang};

/// The catalogue's message `key` in the page's language, or `fallback` where the catalogue has none (an identity
/// check the installation named itself).
fn label(key: &str, fallback: &str) -> String {
    if i18n::has_message(Lang::En, key) {
        i18n::t(key)
    } else {
        fallback.to_string()
    }
}

pub(super) fn state_label(state: ResetState) -> String {
    i18n::t(&format!("recovery-state-{}", state.as_str()))
}

pub(super) fn state_label_of(state: &str) -> String {
    label(&format!("recovery-state-{state}"), state)
}

pub(super) fn kind_label(kind: &str) -> String {
    label(&format!("recovery-kind-{kind}"), kind)
}

pub(super) fn check_label(check: &str) -> String {
    label(&format!("recovery-check-{check}"), &check.replace('_', " "))
}

/// The methods a sign-in proved, in words (`password + one-time code`); the markers `mfa` and `user` say nothing
/// a reader needs beyond the methods themselves.
pub(super) fn methods_label(amr: Option<&[String]>) -> String {
    let Some(amr) = amr else {
        return i18n::t("recovery-amr-none");
    };
    amr.iter()
        .filter(|m| *m != "mfa" && *m != "user")
        .map(|m| label(&format!("recovery-amr-{m}"), m))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Someone a request names: a person by name, the system, the cancel link.
async fn who(people: &mut People<'_>, id: &str) -> Result<String> {
    Ok(match id {
        "system" => i18n::t("helpdesk-actor-system"),
        "link" => i18n::t("helpdesk-actor-cancel-link"),
        SELF => i18n::t("recovery-opened-by-self"),
        id => people.person(id).await?,
    })
}

/// An audit event's actor for the timeline.
async fn actor(people: &mut People<'_>, actor: &str) -> Result<String> {
    Ok(match actor {
        SYSTEM_ACTOR => i18n::t("helpdesk-actor-system"),
        "link:cancel" => i18n::t("helpdesk-actor-cancel-link"),
        actor => people.actor(actor).await?,
    })
}

/// The factors a request resets, in words: all of them, or each by kind and name (as far as they still exist).
async fn factors_label(state: &AppState, r: &FactorResetRequest) -> Result<String> {
    let FactorSelection::Ids(ids) = &r.factors else {
        return Ok(i18n::t("recovery-factors-all"));
    };
    let existing = state.store.factors_of(&r.user_id).await?;
    Ok(ids
        .iter()
        .map(|id| match existing.iter().find(|f| &f.id == id) {
            Some(f) => i18n::t_args(
                "recovery-factor-named",
                &[
                    ("kind", kind_label(f.kind.as_str()).into()),
                    ("name", f.name.clone().into()),
                ],
            ),
            None => i18n::t("recovery-factor-gone"),
        })
        .collect::<Vec<_>>()
        .join(", "))
}

/// Who the request's route looked at, each in words: the person, where they stood, and whether they were asked
/// or why not. `None` for a request opened before routing existed.
async fn route_rows(people: &mut People<'_>, r: &FactorResetRequest) -> Result<Option<Vec<Value>>> {
    let Some(route) = &r.route else {
        return Ok(None);
    };
    let mut rows = Vec::with_capacity(route.steps.len());
    for step in &route.steps {
        let who = match &step.user {
            Some(id) => people.person(id).await?,
            None => "—".to_string(),
        };
        let as_label = match step.position {
            Position::Delegate => {
                let of = match &step.delegate_of {
                    Some(id) => people.person(id).await?,
                    None => String::new(),
                };
                i18n::t_args("recovery-route-as-delegate", &[("name", of.into())])
            }
            Position::Role => i18n::t_args(
                "recovery-route-as-role",
                &[("role", route.role.clone().unwrap_or_default().into())],
            ),
            position => i18n::t(&format!("recovery-route-as-{}", position.as_str())),
        };
        let (outcome, outcome_label) = match step.skipped {
            None => ("asked", i18n::t("recovery-route-asked")),
            Some(skip) => (
                skip.as_str(),
                i18n::t(&format!("recovery-route-skip-{}", skip.as_str())),
            ),
        };
        rows.push(json!({
            "who": who, "as": step.position.as_str(), "as_label": as_label,
            "outcome": outcome, "outcome_label": outcome_label,
        }));
    }
    Ok(Some(rows))
}

/// The details a decider, the user or an agent sees. With `full` (the console), also who decided and how they
/// had signed in, who carried it out with which checks, and who closed it.
pub(super) async fn describe(state: &AppState, r: &FactorResetRequest, full: bool) -> Result<Value> {
    let mut people = People::new(state.store.as_ref());
    let mut out = json!({
        "id": r.id,
        "state": r.state.as_str(),
        "state_label": state_label(r.state),
        "user": people.person(&r.user_id).await?,
        "factors": factors_label(state, r).await?,
        "reason": r.reason,
        "opened_by": who(&mut people, &r.opened_by).await?,
        "opened_at": r.created_at.to_rfc3339(),
        "opened_ip": r.opened_ip.clone().unwrap_or_else(|| "-".into()),
        "opened_user_agent": r.opened_user_agent.clone().unwrap_or_else(|| "-".into()),
        "cooling_off_until": r.cooling_off_until.map(|t| t.to_rfc3339()),
        "route": route_rows(&mut people, r).await?,
        "routed_nobody": r.route.as_ref().is_some_and(|route| route.approver_id.is_none() && route.role.is_none()),
        "recovery_path": r.recovery_path.map(|p| i18n::t(&format!("recovery-path-{}", p.as_str()))),
    });
    if !full {
        return Ok(out);
    }
    let decided_at = r.approved_at.or(r.closed_at.filter(|_| r.state == ResetState::Denied));
    let extra = json!({
        "approver": match &r.approver_id { Some(id) => Some(who(&mut people, id).await?), None => None },
        "approver_amr": r.approver_id.as_ref().map(|_| methods_label(r.approver_amr.as_deref())),
        "decided_at": decided_at.map(|t| t.to_rfc3339()),
        "approval_note": r.approval_note,
        "executor": match &r.executor_id { Some(id) => Some(who(&mut people, id).await?), None => None },
        "executed_at": r.executed_at.map(|t| t.to_rfc3339()),
        "checks_passed": r.checks_passed.iter().map(|c| check_label(c)).collect::<Vec<_>>(),
        "closed_by": match (&r.closed_by, r.state) {
            // A denial's closer is its decider, already shown.
            (_, ResetState::Denied) | (None, _) => None,
            (Some(id), _) => Some(who(&mut people, id).await?),
        },
        "closed_at": r.closed_at.map(|t| t.to_rfc3339()),
        "single_channel": r.single_channel().unwrap_or(false),
    });
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    Ok(out)
}

/// A row of the queue.
pub(super) async fn row(state: &AppState, people: &mut People<'_>, r: &FactorResetRequest) -> Result<Value> {
    Ok(json!({
        "id": r.id,
        "user": people.person(&r.user_id).await?,
        "opened_by": who(people, &r.opened_by).await?,
        "opened_at": r.created_at.to_rfc3339(),
        "state": r.state.as_str(),
        "state_label": state_label(r.state),
        "factors": factors_label(state, r).await?,
    }))
}

/// The request's history, oldest first: each event in words (with its stored name), who, from where, and why.
pub(super) async fn timeline(state: &AppState, r: &FactorResetRequest) -> Result<Vec<Value>> {
    let mut people = People::new(state.store.as_ref());
    let mut rows = Vec::new();
    for record in flow::timeline(state.store.as_ref(), r).await? {
        let e = record.event;
        let who = match e.actor.as_deref() {
            Some(a) => actor(&mut people, a).await?,
            None => String::new(),
        };
        let text = |name: &str| e.details.get(name).and_then(Value::as_str).map(str::to_string);
        let methods = e.details.get("approver_amr").and_then(Value::as_array).map(|amr| {
            let amr: Vec<String> = amr.iter().filter_map(Value::as_str).map(str::to_string).collect();
            methods_label(Some(&amr))
        });
        let event = e.kind.strip_prefix("recovery.").unwrap_or(&e.kind);
        rows.push(json!({
            "at": e.at.to_rfc3339(),
            "kind": e.kind,
            "event": label(&format!("helpdesk-event-{event}"), &e.kind),
            "outcome": label(&format!("helpdesk-outcome-{}", e.outcome.as_str()), e.outcome.as_str()),
            "actor": who,
            "ip": e.ip.clone().unwrap_or_default(),
            "reason": text("reason"),
            "note": text("note"),
            "methods": methods,
        }));
    }
    Ok(rows)
}

/// What an error says on these pages, in the page's language: the link and not-found errors in this area's own
/// words, the rest as `i18n::describe` finds them (the core's refusals are in `recovery.ftl`).
pub(super) fn message_of(e: &Error) -> String {
    match e {
        Error::InvalidLink => i18n::t("recovery-error-link"),
        Error::NotFound(_) => i18n::t("recovery-error-no-request"),
        Error::InvalidCredentials => i18n::t("recovery-enrol-wrong-password"),
        e => i18n::describe(e),
    }
}

/// A factor as the form that opens a request lists it.
pub(super) fn factor_choice(f: &crate::core::factors::Factor, chosen: bool) -> Value {
    json!({
        "id": f.id,
        "kind": kind_label(f.kind.as_str()),
        "name": f.name,
        "added": f.created_at.to_rfc3339(),
        "chosen": chosen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_state_and_method_has_words_in_every_language() {
        for kind in crate::core::policy::ALL_KINDS {
            assert!(
                i18n::has_message(Lang::De, &format!("recovery-kind-{}", kind.as_str())),
                "{kind:?}"
            );
        }
        for state in [
            "requested",
            "approved",
            "waiting",
            "done",
            "denied",
            "cancelled",
            "expired",
        ] {
            for lang in Lang::ALL {
                assert!(i18n::has_message(lang, &format!("recovery-state-{state}")), "{state}");
            }
        }
        for event in [
            "opened",
            "approved",
            "denied",
            "executed",
            "cancelled",
            "expired",
            "done",
            "enrol_link",
        ] {
            assert!(
                i18n::has_message(Lang::De, &format!("helpdesk-event-{event}")),
                "{event}"
            );
        }
        for method in ["pwd", "otp", "sms", "hwk", "swk", "rc", "device"] {
            assert!(
                i18n::has_message(Lang::De, &format!("recovery-amr-{method}")),
                "{method}"
            );
        }
        for lang in Lang::ALL {
            for skip in crate::core::recovery::route::Skip::ALL {
                let key = format!("recovery-route-skip-{}", skip.as_str());
                assert!(i18n::has_message(lang, &key), "{key}");
            }
            for position in ["manager", "delegate", "chain", "role"] {
                let key = format!("recovery-route-as-{position}");
                assert!(i18n::has_message(lang, &key), "{key}");
            }
        }
        assert_eq!(
            methods_label(Some(&["pwd".to_string(), "otp".into(), "mfa".into()])),
            "password + one-time code"
        );
        assert_eq!(
            check_label("badge_seen"),
            "badge seen",
            "a configured check without words"
        );
    }
}
