//! `gatehouse recovery …`: factor-reset requests for helpdesk agents, managers and admins. The operator names
//! the person they act as (`--as USER`); every rule of `core::recovery` applies to that person exactly as on
//! the web, and every action and refusal is audited with them as the actor.
use clap::{Args, Subcommand};
use serde_json::json;
use std::sync::Arc;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::audit::{Origin, People};
use crate::core::clock::SystemClock;
use crate::core::recovery::export::{self, Bound};
use crate::core::recovery::flow::{self, Canceller, Ctx, Member, Target};
use crate::core::recovery::search;
use crate::core::recovery::verify::{Channel, Target as Whom};
use crate::core::recovery::{FactorResetRequest, SELF, verify_flow};
use crate::core::{Error, accounts};

#[derive(Subcommand, Debug)]
pub enum RecoveryCommand {
    /// Open requests, newest first (`--all` for closed ones too).
    List {
        #[command(flatten)]
        actor: Actor,
        #[arg(long)]
        all: bool,
        /// Only this user's requests.
        #[arg(long)]
        user: Option<String>,
    },
    /// One request and its timeline.
    Show {
        id: String,
        #[command(flatten)]
        actor: Actor,
    },
    /// Open a request on a user's behalf.
    Open {
        /// The user whose factors are to be reset (username or e-mail).
        user: String,
        #[command(flatten)]
        actor: Actor,
        /// `all`, or factor ids separated by commas.
        #[arg(long, default_value = "all")]
        factors: String,
        #[arg(long)]
        reason: String,
    },
    /// Approve a request (as the user's manager, or as an admin with --reason).
    Approve {
        id: String,
        #[command(flatten)]
        actor: Actor,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Deny a request.
    Deny {
        id: String,
        #[command(flatten)]
        actor: Actor,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Execute an approved request, naming the identity checks the user passed (comma-separated).
    Execute {
        id: String,
        #[command(flatten)]
        actor: Actor,
        #[arg(long, value_name = "CHECKS")]
        checks: String,
        /// Also issue a temporary access pass for the user, printed once (docs/recovery.md).
        #[arg(long)]
        temporary_pass: bool,
    },
    /// Send a caller-verification prompt for an approved request and print the number to read to the caller.
    Verify {
        id: String,
        #[command(flatten)]
        actor: Actor,
        /// `user` (a link to their mail or phone) or `manager` (a link to the manager's mail).
        #[arg(long, value_name = "user|manager")]
        to: String,
        #[arg(long, value_name = "mail|sms", default_value = "mail")]
        channel: String,
    },
    /// Record, as a second agent, that the caller of an approved request was verified otherwise.
    Override {
        id: String,
        #[command(flatten)]
        actor: Actor,
        #[arg(long)]
        reason: String,
    },
    /// Cancel an open request.
    Cancel {
        id: String,
        #[command(flatten)]
        actor: Actor,
    },
    /// Every request opened in a window with its full timeline, as JSON lines (one request per line), for auditors.
    Export {
        #[command(flatten)]
        actor: Actor,
        /// Opened at or after this time (RFC 3339) or day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "RFC3339|DATE")]
        since: Option<String>,
        /// Opened before this time, or through this day.
        #[arg(long, value_name = "RFC3339|DATE")]
        until: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct Actor {
    /// The person you act as (username or e-mail); their roles decide what you may do.
    #[arg(long = "as", value_name = "USER")]
    pub acting_as: String,
}

/// The people a request names, by name ("Display Name (username)", or the username when the two are the same); the
/// user herself for a request she opened, `system` and `link` (the cancel link) as they are.
struct Names {
    user: String,
    opened_by: String,
    approver: Option<String>,
    executor: Option<String>,
    closed_by: Option<String>,
    /// Who the request was sent to, and each step of its route, in words.
    routed_to: String,
    route: Vec<String>,
}

/// The route in words: who was sent the request, and one line per person looked at.
async fn route_words(people: &mut People<'_>, r: &FactorResetRequest) -> Result<(String, Vec<String>), CliError> {
    let Some(route) = &r.route else {
        return Ok((
            "the user's manager (opened before approvals were routed)".into(),
            Vec::new(),
        ));
    };
    let routed_to = match (&route.approver_id, &route.role) {
        (Some(id), _) => people.person(id).await?,
        (None, Some(role)) => format!("the members of the role {role}"),
        (None, None) => "nobody: an administrator decides with a reason".into(),
    };
    let mut lines = Vec::new();
    for step in &route.steps {
        let who = match &step.user {
            Some(id) => people.person(id).await?,
            None => "-".into(),
        };
        let place = match (&step.delegate_of, step.position) {
            (Some(of), _) => format!("delegate of {}", people.person(of).await?),
            (None, position) => position.as_str().to_string(),
        };
        let outcome = step.skipped.map_or("asked", |s| s.as_str());
        lines.push(format!("{who:<32} {place:<32} {outcome}"));
    }
    Ok((routed_to, lines))
}

async fn names(people: &mut People<'_>, r: &FactorResetRequest) -> Result<Names, CliError> {
    async fn one(people: &mut People<'_>, id: &str) -> Result<String, CliError> {
        Ok(match id {
            SELF => "the user, after their password".into(),
            "system" | "link" => id.into(),
            id => people.person(id).await?,
        })
    }
    let (routed_to, route) = route_words(people, r).await?;
    Ok(Names {
        routed_to,
        route,
        user: people.person(&r.user_id).await?,
        opened_by: one(people, &r.opened_by).await?,
        approver: match &r.approver_id {
            Some(id) => Some(one(people, id).await?),
            None => None,
        },
        executor: match &r.executor_id {
            Some(id) => Some(one(people, id).await?),
            None => None,
        },
        closed_by: match &r.closed_by {
            Some(id) => Some(one(people, id).await?),
            None => None,
        },
    })
}

fn text(r: &FactorResetRequest, names: &Names) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let time = |v: Option<chrono::DateTime<chrono::Utc>>| {
        v.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "-".into())
    };
    let methods = match (&r.approver_id, &r.approver_amr) {
        (None, _) => "-".to_string(),
        (Some(_), None) => "not recorded (command line or admin API)".to_string(),
        (Some(_), Some(amr)) => amr.join(" "),
    };
    [
        format!("id                 {}", r.id),
        format!("user               {}", names.user),
        format!("state              {}", r.state.as_str()),
        format!("factors            {}", r.factors.to_text()),
        format!("reason             {}", r.reason),
        format!("opened by          {} at {}", names.opened_by, time(Some(r.created_at))),
        format!("opened from        {}", opt(&r.opened_ip)),
        format!(
            "recovery path      {}",
            r.recovery_path
                .map(|p| p.as_str())
                .unwrap_or("- (opened before paths were recorded)")
        ),
        format!(
            "notices to         {}",
            match &r.notice_addresses {
                None => "- (opened before addresses were recorded)".to_string(),
                Some(a) => format!(
                    "{}{}",
                    [a.emails.clone(), a.phones.clone()].concat().join(", "),
                    if a.single_channel() {
                        " (single channel: only one address)"
                    } else {
                        ""
                    }
                ),
            }
        ),
        format!("sent to            {}", names.routed_to),
        format!("route              {}", names.route.join("\n                   ")),
        format!("decided by         {} at {}", opt(&names.approver), time(r.approved_at)),
        format!("decider signed in  {methods}"),
        format!("note               {}", opt(&r.approval_note)),
        format!("executor           {} at {}", opt(&names.executor), time(r.executed_at)),
        format!("checks passed      {}", r.checks_passed.join(",")),
        format!("cooling-off until  {}", time(r.cooling_off_until)),
        format!("closed by          {} at {}", opt(&names.closed_by), time(r.closed_at)),
    ]
    .join("\n")
}

/// The caller verification of `show`, as lines: what the roles require, each prompt's result, the override.
async fn verification_text(people: &mut People<'_>, v: &serde_json::Value) -> Result<String, CliError> {
    let text = |key: &str, from: &serde_json::Value| from.get(key).and_then(|x| x.as_str()).unwrap_or("-").to_string();
    let mut out = format!(
        "\ncaller check       {}{}",
        text("required", v),
        if v["enforced"] == json!(false) {
            " (not enforced on this server)"
        } else {
            ""
        }
    );
    for p in v["prompts"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "\n  prompt {:<8} {:<32} {:<5} by {:<24} {:<10} {}",
            text("target", p),
            people.person(&text("target_user", p)).await?,
            text("channel", p),
            people.person(&text("sent_by", p)).await?,
            text("state", p),
            text("sent_at", p),
        ));
    }
    if let Some(o) = v.get("override").filter(|o| !o.is_null()) {
        out.push_str(&format!(
            "\n  override by {} at {}: {}",
            people.person(&text("by", o)).await?,
            text("at", o),
            text("reason", o)
        ));
    }
    Ok(out)
}

/// The request as JSON: its stored fields (ids included, for scripts) and the people it names by name.
async fn value(people: &mut People<'_>, r: &FactorResetRequest) -> Result<(serde_json::Value, Names), CliError> {
    let mut value = serde_json::to_value(r)?;
    let names = names(people, r).await?;
    value["username"] = json!(people.username(&r.user_id).await?);
    value["user"] = json!(names.user);
    value["opened_by_name"] = json!(names.opened_by);
    value["approver_name"] = json!(names.approver);
    value["executor_name"] = json!(names.executor);
    value["closed_by_name"] = json!(names.closed_by);
    value["routed_to_name"] = json!(names.routed_to);
    value["single_channel"] = json!(r.single_channel());
    Ok((value, names))
}

/// Prints one request after an action: `headline`, then its details.
async fn done(people: &mut People<'_>, json: bool, r: &FactorResetRequest, headline: &str) -> Result<(), CliError> {
    let (v, names) = value(people, r).await?;
    print(json, &v, &format!("{headline}\n{}", text(r, &names)));
    Ok(())
}

/// `recovery export`: the bounds read first (a bad one stops before anything is written), the requests brought up
/// to date (`sweep`), then each written to standard output as it is read.
async fn export_lines(ctx: &Ctx<'_>, since: Option<String>, until: Option<String>) -> Result<(), CliError> {
    use std::io::Write;
    let since = since.map(|s| export::parse_bound(&s, Bound::Since)).transpose()?;
    let until = until.map(|s| export::parse_bound(&s, Bound::Until)).transpose()?;
    flow::sweep(ctx).await?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    export::export(ctx.store, since, until, |line| {
        serde_json::to_writer(&mut out, line).map_err(|e| Error::Internal(e.to_string()))?;
        out.write_all(b"\n")
            .map_err(|e| Error::Internal(format!("cannot write the export: {e}")))
    })
    .await?;
    out.flush()
        .map_err(|e| CliError(format!("cannot write the export: {e}")))?;
    Ok(())
}

pub async fn run(config: &Config, command: RecoveryCommand, json: bool) -> Result<(), CliError> {
    let state = app::build_state(config.clone(), Arc::new(SystemClock))
        .await
        .map_err(|e| CliError(format!("{e:#}")))?
        .http;
    let store = state.store.as_ref();
    let settings = &state.recovery;
    let acting_as = match &command {
        RecoveryCommand::List { actor, .. }
        | RecoveryCommand::Show { actor, .. }
        | RecoveryCommand::Open { actor, .. }
        | RecoveryCommand::Approve { actor, .. }
        | RecoveryCommand::Deny { actor, .. }
        | RecoveryCommand::Execute { actor, .. }
        | RecoveryCommand::Verify { actor, .. }
        | RecoveryCommand::Override { actor, .. }
        | RecoveryCommand::Cancel { actor, .. }
        | RecoveryCommand::Export { actor, .. } => actor.acting_as.clone(),
    };
    let actor = match accounts::find(store, &acting_as).await {
        Ok(user) => Member::load(store, user).await?,
        Err(Error::NotFound(_)) => return Err(CliError(format!("--as: no user '{acting_as}'"))),
        Err(e) => return Err(e.into()),
    };
    let cli = Origin::cli();
    let origin = cli.with_actor(format!("user:{} via {}", actor.user.id, cli.actor));
    let ctx = Ctx {
        store,
        notifier: state.notifier.as_ref(),
        sms: state.sms.as_ref(),
        settings,
        now: crate::core::clock::Clock::now(&SystemClock),
        origin: &origin,
    };
    let agent = actor.roles.iter().any(|r| r == "helpdesk" || r == "admin");
    let needs_agent = matches!(
        command,
        RecoveryCommand::List { .. }
            | RecoveryCommand::Show { .. }
            | RecoveryCommand::Execute { .. }
            | RecoveryCommand::Export { .. }
    );
    if needs_agent && !agent {
        return Err(CliError(format!(
            "{} is neither a helpdesk agent nor an administrator",
            actor.user.username
        )));
    }
    let mut people = People::new(store);
    match command {
        RecoveryCommand::List { all, user, .. } => {
            let user_id = match user {
                Some(u) => Some(accounts::find(store, &u).await?.id),
                None => None,
            };
            flow::sweep(&ctx).await?;
            let requests = store.list_factor_resets(user_id.as_deref(), !all).await?;
            let mut values = Vec::new();
            let mut lines = Vec::new();
            for r in &requests {
                let (v, names) = value(&mut people, r).await?;
                lines.push(format!(
                    "{}  {:<9} {:<32} {}",
                    r.id,
                    r.state.as_str(),
                    names.user,
                    r.created_at.format("%Y-%m-%d %H:%M")
                ));
                values.push(v);
            }
            let text = if lines.is_empty() {
                "No requests.".to_string()
            } else {
                lines.join("\n")
            };
            print(json, &json!(values), &text);
        }
        RecoveryCommand::Show { id, .. } => {
            let r = flow::load(&ctx, &id).await?;
            let events = flow::timeline(store, &r).await?;
            let (mut v, names) = value(&mut people, &r).await?;
            let mut out = text(&r, &names);
            let mut timeline = Vec::new();
            for e in &events {
                let actor = match e.event.actor.as_deref() {
                    Some(actor) => people.actor(actor).await?,
                    None => String::new(),
                };
                let reason = e
                    .event
                    .details
                    .get("reason")
                    .and_then(|r| r.as_str())
                    .unwrap_or_default();
                out.push_str(&format!(
                    "\n  {}  {:<20} {:<8} {:<32} {}",
                    e.event.at.format("%Y-%m-%d %H:%M:%S"),
                    e.event.kind,
                    e.event.outcome.as_str(),
                    actor,
                    reason
                ));
                let mut event = serde_json::to_value(e)?;
                event["actor_name"] = json!(actor);
                timeline.push(event);
            }
            v["timeline"] = json!(timeline);
            let verification = verify_flow::summary(&ctx, &r).await?;
            out.push_str(&verification_text(&mut people, &verification).await?);
            v["caller_verification"] = verification;
            print(json, &v, &out);
        }
        RecoveryCommand::Open {
            user, factors, reason, ..
        } => {
            let subject = search::find_subject(&ctx, &user).await?;
            let r = flow::open(&ctx, Some(&actor), &subject, &factors, &reason).await?;
            done(&mut people, json, &r, "Request opened:").await?;
        }
        RecoveryCommand::Verify { id, to, channel, .. } => {
            let target = Whom::parse(&to).ok_or_else(|| CliError("--to: user or manager".into()))?;
            let channel = Channel::parse(&channel).ok_or_else(|| CliError("--channel: mail or sms".into()))?;
            let sent = verify_flow::send(&ctx, &actor, &id, target, channel).await?;
            let text = format!(
                "Prompt sent to {} ({}). Read this number to the caller: {}\nIt can be answered for {} minutes.",
                people.person(&sent.prompt.target_user_id).await?,
                sent.to,
                sent.prompt.number,
                settings.verify_ttl.num_minutes()
            );
            let value = json!({
                "prompt": sent.prompt.id, "to": sent.to, "number": sent.prompt.number, "expires_at": sent.prompt.expires_at,
            });
            print(json, &value, &text);
        }
        RecoveryCommand::Override { id, reason, .. } => {
            let o = verify_flow::record_override(&ctx, &actor, &id, &reason).await?;
            print(
                json,
                &json!(o),
                "Override recorded: another agent may now execute the request.",
            );
        }
        RecoveryCommand::Approve { id, reason, .. } => {
            let r = flow::decide(&ctx, &actor, Target::Id(&id), true, reason.as_deref()).await?;
            done(&mut people, json, &r, "Request approved:").await?;
        }
        RecoveryCommand::Deny { id, reason, .. } => {
            let r = flow::decide(&ctx, &actor, Target::Id(&id), false, reason.as_deref()).await?;
            done(&mut people, json, &r, "Request denied:").await?;
        }
        RecoveryCommand::Execute {
            id,
            checks,
            temporary_pass,
            ..
        } => {
            let checks: Vec<String> = checks.split(',').map(|c| c.trim().to_string()).collect();
            let key = temporary_pass.then_some(&state.keys.temporary_pass);
            let (r, pass) = flow::execute_with(&ctx, &actor, &id, &checks, key).await?;
            match pass {
                Some(pass) => {
                    let (mut v, names) = value(&mut people, &r).await?;
                    v["temporary_pass"] = json!(pass);
                    let until = r.pass_expires_at.map(|t| t.to_rfc3339()).unwrap_or_default();
                    let headline = format!(
                        "Request executed; cooling-off running.\nTemporary access pass (shown once; works with the \
                         password once the reset took effect, until {until}): {pass}"
                    );
                    print(json, &v, &format!("{headline}\n{}", text(&r, &names)));
                }
                None => done(&mut people, json, &r, "Request executed; cooling-off running:").await?,
            }
        }
        RecoveryCommand::Cancel { id, .. } => {
            let r = flow::cancel(&ctx, Canceller::Member(&actor, &id)).await?;
            done(&mut people, json, &r, "Request cancelled:").await?;
        }
        RecoveryCommand::Export { since, until, .. } => export_lines(&ctx, since, until).await?,
    }
    Ok(())
}
