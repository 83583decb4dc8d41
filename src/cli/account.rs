//! `gatehouse user set-email | set-name | set-phone | set-manager | rename | delete | sessions | end-sessions`:
//! the account service layer (`core::accounts`) on the command line, with the same rules and audit events as
//! the admin API. Bad input is a one-line message, exit status 1, and nothing changed.
use chrono::{DateTime, Utc};
use clap::{ArgGroup, Subcommand};
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::accounts;
use crate::core::audit::Origin;
use crate::core::store::Store;

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Change a user's e-mail address (a notice goes to the old one).
    SetEmail { user: String, email: String },
    /// Change a user's display name (an empty name means the username).
    SetName { user: String, name: String },
    /// Set or clear the phone number on a user's profile (contact data, not the SMS factor's number).
    /// Revokes their trusted browsers and tells the old number and the e-mail address.
    #[command(group(ArgGroup::new("value").required(true).args(["phone", "clear"])))]
    SetPhone {
        user: String,
        /// In international form, e.g. +41446681800.
        phone: Option<String>,
        /// Remove the number.
        #[arg(long)]
        clear: bool,
    },
    /// Set or clear a user's manager (username or e-mail), who approves their factor resets.
    #[command(group(ArgGroup::new("value").required(true).args(["manager", "clear"])))]
    SetManager {
        user: String,
        manager: Option<String>,
        /// Leave the user without a manager.
        #[arg(long)]
        clear: bool,
    },
    /// Give a user a new username; their id, sessions, factors and audit trail stay.
    Rename { user: String, new_username: String },
    /// Delete a user for good: sessions, tokens, factors, trusted browsers, consents, links and factor-reset
    /// requests go; the audit log stays. Needs --yes. Disable the user instead if they may come back.
    Delete {
        user: String,
        /// Confirm that the user and their data are to be deleted.
        #[arg(long)]
        yes: bool,
    },
    /// List a user's live browser sessions.
    Sessions { user: String },
    /// End a user's browser sessions (all, or one with --session) and the token grants they earned.
    EndSessions {
        user: String,
        /// The id `user sessions` shows; without it, every session ends.
        #[arg(long, value_name = "ID")]
        session: Option<String>,
    },
}

pub(super) async fn run(
    config: &Config,
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    command: AccountCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        AccountCommand::SetEmail { user, email } => {
            let target = accounts::find(store, &user).await?;
            let notifier = app::mailer(config).map_err(|e| CliError(format!("{e:#}")))?;
            let updated = accounts::set_email(store, now, origin, &target, &notifier, &email).await?;
            let text = format!("The e-mail address of {} is {}.", updated.username, updated.email);
            print_account(store, &updated, json, &text).await?;
        }
        AccountCommand::SetName { user, name } => {
            let target = accounts::find(store, &user).await?;
            let updated = accounts::set_display_name(store, now, origin, &target, &name).await?;
            let text = format!("The display name of {} is {}.", updated.username, updated.display_name);
            print_account(store, &updated, json, &text).await?;
        }
        AccountCommand::SetPhone { user, phone, clear: _ } => {
            let target = accounts::find(store, &user).await?;
            let notifier = app::mailer(config).map_err(|e| CliError(format!("{e:#}")))?;
            let sms = app::sms_gateway(config).map_err(|e| CliError(format!("{e:#}")))?;
            let updated =
                accounts::set_phone(store, now, origin, &target, &notifier, sms.as_ref(), phone.as_deref()).await?;
            let text = match &updated.phone {
                Some(phone) => format!(
                    "The phone number of {} is {phone}; their trusted browsers were revoked.",
                    updated.username
                ),
                None => format!("{} has no phone number.", updated.username),
            };
            print_account(store, &updated, json, &text).await?;
        }
        AccountCommand::SetManager {
            user,
            manager,
            clear: _,
        } => {
            let target = accounts::find(store, &user).await?;
            let updated = accounts::set_manager(store, now, origin, &target, manager.as_deref()).await?;
            let summary = accounts::summary(store, &updated).await?;
            let text = match &summary.manager {
                Some(manager) => format!("The manager of {} is {manager}.", updated.username),
                None => format!("{} has no manager.", updated.username),
            };
            print(json, &serde_json::to_value(&summary)?, &text);
        }
        AccountCommand::Rename { user, new_username } => {
            let target = accounts::find(store, &user).await?;
            let updated = accounts::rename(store, now, origin, &target, &new_username).await?;
            let text = format!("{} is now {} (id {}).", target.username, updated.username, updated.id);
            print_account(store, &updated, json, &text).await?;
        }
        AccountCommand::Delete { user, yes } => {
            if !yes {
                return Err(CliError(format!(
                    "refusing to delete '{user}' without --yes: deleting ends their sessions and removes their \
                     factors, trusted browsers, consents and factor-reset requests for good (the audit log stays); \
                     `user disable` is the reversible choice"
                )));
            }
            let target = accounts::find(store, &user).await?;
            let deleted = accounts::delete(store, now, origin, &target).await?;
            let mut value = serde_json::to_value(&deleted)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("username".into(), json!(target.username));
                map.insert("id".into(), json!(target.id));
                map.insert("deleted".into(), json!(true));
            }
            let reports = deleted.reports.iter().map(|r| r.username.as_str()).collect::<Vec<_>>();
            let mut text = format!(
                "Deleted {}: {} session(s) ended, {} token(s) revoked, {} factor(s) and {} trusted browser(s) removed.",
                target.username, deleted.sessions, deleted.tokens_revoked, deleted.factors, deleted.trusted_devices
            );
            if !reports.is_empty() {
                text.push_str(&format!(" Without a manager now: {}.", reports.join(", ")));
            }
            print(json, &value, &text);
        }
        AccountCommand::Sessions { user } => {
            let target = accounts::find(store, &user).await?;
            let list = accounts::sessions(store, now, app::session_limits(config), &target).await?;
            let text = if list.is_empty() {
                format!("{} has no live sessions.", target.username)
            } else {
                list.iter()
                    .map(|s| {
                        format!(
                            "{}  {:<22} signed in {}  last seen {}  {}  {}  {}",
                            s.id,
                            s.state,
                            s.auth_time.format("%Y-%m-%d %H:%M"),
                            s.last_seen_at.format("%Y-%m-%d %H:%M"),
                            s.amr.join(" "),
                            s.ip.as_deref().unwrap_or("-"),
                            s.user_agent.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            print(json, &json!({ "username": target.username, "sessions": list }), &text);
        }
        AccountCommand::EndSessions { user, session } => {
            let target = accounts::find(store, &user).await?;
            let (ended, text) = match &session {
                Some(id) => {
                    accounts::end_session(store, now, origin, &target, id).await?;
                    (1, format!("Ended session {id} of {}.", target.username))
                }
                None => {
                    let ended = accounts::end_sessions(store, now, origin, &target).await?;
                    (
                        ended,
                        format!(
                            "Ended {ended} session(s) of {}; their token grants are revoked.",
                            target.username
                        ),
                    )
                }
            };
            print(
                json,
                &json!({ "username": target.username, "session": session, "ended": ended }),
                &text,
            );
        }
    }
    Ok(())
}

/// Prints the account after a change: its summary as JSON, or `text`.
async fn print_account(
    store: &dyn Store,
    user: &crate::core::model::User,
    json: bool,
    text: &str,
) -> Result<(), CliError> {
    let summary = accounts::summary(store, user).await?;
    print(json, &serde_json::to_value(&summary)?, text);
    Ok(())
}
