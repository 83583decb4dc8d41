//! `gatehouse recovery …`: factor-reset requests for helpdesk agents, managers and admins. The operator names
//! the person they act as (`--as USER`); every rule of `core::recovery` applies to that person exactly as on
//! the web, and every action and refusal is audited with them as the actor.
use clap::{Args, Subcommand};
use serde_json::json;
use std::sync::Arc;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::SystemClock;
use crate::core::recovery::FactorResetRequest;
use crate::core::recovery::flow::{self, Canceller, Ctx, Member, Target};
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
    },
    /// Cancel an open request.
    Cancel {
        id: String,
        #[command(flatten)]
        actor: Actor,
    },
}

#[derive(Args, Debug)]
pub struct Actor {
    /// The person you act as (username or e-mail); their roles decide what you may do.
    #[arg(long = "as", value_name = "USER")]
    pub acting_as: String,
}

fn text(r: &FactorResetRequest, username: &str) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let time = |v: Option<chrono::DateTime<chrono::Utc>>| {
        v.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "-".into())
    };
    [
        format!("id                 {}", r.id),
        format!("user               {username}"),
        format!("state              {}", r.state.as_str()),
        format!("factors            {}", r.factors.to_text()),
        format!("reason             {}", r.reason),
        format!("opened by          {} at {}", r.opened_by, time(Some(r.created_at))),
        format!("opened from        {}", opt(&r.opened_ip)),
        format!("approver           {} at {}", opt(&r.approver_id), time(r.approved_at)),
        format!("executor           {} at {}", opt(&r.executor_id), time(r.executed_at)),
        format!("checks passed      {}", r.checks_passed.join(",")),
        format!("cooling-off until  {}", time(r.cooling_off_until)),
    ]
    .join("\n")
}

async fn username_of(state: &crate::http::AppState, id: &str) -> String {
    match state.store.user_by_id(id).await {
        Ok(Some(user)) => user.username,
        _ => id.to_string(),
    }
}

async fn value(state: &crate::http::AppState, r: &FactorResetRequest) -> Result<serde_json::Value, CliError> {
    let mut value = serde_json::to_value(r)?;
    value["username"] = json!(username_of(state, &r.user_id).await);
    Ok(value)
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
        | RecoveryCommand::Cancel { actor, .. } => actor.acting_as.clone(),
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
        RecoveryCommand::List { .. } | RecoveryCommand::Show { .. } | RecoveryCommand::Execute { .. }
    );
    if needs_agent && !agent {
        return Err(CliError(format!(
            "{} is neither a helpdesk agent nor an administrator",
            actor.user.username
        )));
    }
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
                let v = value(&state, r).await?;
                lines.push(format!(
                    "{}  {:<9} {:<16} {}",
                    r.id,
                    r.state.as_str(),
                    v["username"].as_str().unwrap_or_default(),
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
            let mut v = value(&state, &r).await?;
            v["timeline"] = serde_json::to_value(&events)?;
            let mut out = text(&r, v["username"].as_str().unwrap_or_default());
            for e in &events {
                out.push_str(&format!(
                    "\n  {}  {:<20} {:<8} {}",
                    e.event.at.format("%Y-%m-%d %H:%M:%S"),
                    e.event.kind,
                    e.event.outcome.as_str(),
                    e.event.actor.clone().unwrap_or_default()
                ));
            }
            print(json, &v, &out);
        }
        RecoveryCommand::Open {
            user, factors, reason, ..
        } => {
            let subject = flow::find_subject(&ctx, &user).await?;
            let r = flow::open(&ctx, Some(&actor), &subject, &factors, &reason).await?;
            let v = value(&state, &r).await?;
            print(
                json,
                &v,
                &format!("Request opened:\n{}", text(&r, &subject.user.username)),
            );
        }
        RecoveryCommand::Approve { id, reason, .. } => {
            let r = flow::decide(&ctx, &actor, Target::Id(&id), true, reason.as_deref()).await?;
            let v = value(&state, &r).await?;
            print(
                json,
                &v,
                &format!(
                    "Request approved:\n{}",
                    text(&r, v["username"].as_str().unwrap_or_default())
                ),
            );
        }
        RecoveryCommand::Deny { id, reason, .. } => {
            let r = flow::decide(&ctx, &actor, Target::Id(&id), false, reason.as_deref()).await?;
            let v = value(&state, &r).await?;
            print(
                json,
                &v,
                &format!(
                    "Request denied:\n{}",
                    text(&r, v["username"].as_str().unwrap_or_default())
                ),
            );
        }
        RecoveryCommand::Execute { id, checks, .. } => {
            let checks: Vec<String> = checks.split(',').map(|c| c.trim().to_string()).collect();
            let r = flow::execute(&ctx, &actor, &id, &checks).await?;
            let v = value(&state, &r).await?;
            print(
                json,
                &v,
                &format!(
                    "Request executed; cooling-off running:\n{}",
                    text(&r, v["username"].as_str().unwrap_or_default())
                ),
            );
        }
        RecoveryCommand::Cancel { id, .. } => {
            let r = flow::cancel(&ctx, Canceller::Member(&actor, &id)).await?;
            let v = value(&state, &r).await?;
            print(
                json,
                &v,
                &format!(
                    "Request cancelled:\n{}",
                    text(&r, v["username"].as_str().unwrap_or_default())
                ),
            );
        }
    }
    Ok(())
}
