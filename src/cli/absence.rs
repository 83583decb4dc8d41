//! `gatehouse user away | back`: a person's absence (out of office), which routes the factor-reset approvals that
//! would be theirs to their delegate or up the chain of managers (`core::accounts::absence`, the same rules and
//! audit events as the admin API and the account page). Bad input is a one-line message, exit status 1, and
//! nothing stored.
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::json;

use super::{CliError, print};
use crate::core::accounts::{self, absence};
use crate::core::audit::Origin;
use crate::core::store::Store;

#[derive(Subcommand, Debug)]
pub enum AbsenceCommand {
    /// Mark a user away: factor resets they would approve go to --delegate meanwhile, or, without one, to their
    /// own manager. Replaces an earlier absence. Audited.
    Away {
        user: String,
        /// Who decides in their place (username or e-mail): active, not the user, nobody the user manages.
        #[arg(long, value_name = "USER")]
        delegate: Option<String>,
        /// When the absence ends: a day (through that day, UTC) or an RFC 3339 time; at most a year ahead.
        /// Without it, until `user back`.
        #[arg(long, value_name = "RFC3339|DATE")]
        until: Option<String>,
    },
    /// Clear a user's absence: approvals go to them again. Audited.
    Back { user: String },
}

pub(super) async fn run(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    command: AbsenceCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        AbsenceCommand::Away { user, delegate, until } => {
            let target = accounts::find(store, &user).await?;
            // The end is read first, so a bad date stores nothing.
            let until = until.as_deref().map(|u| absence::parse_until(u, now)).transpose()?;
            let set = absence::set_away(store, now, origin, &target, delegate.as_deref(), until).await?;
            let delegate = match &set.delegate_id {
                Some(id) => store.user_by_id(id).await?,
                None => None,
            };
            let until_text = match set.until {
                Some(until) => format!("until {}", until.format("%Y-%m-%d %H:%M UTC")),
                None => "until cleared (gatehouse user back)".to_string(),
            };
            let goes_to = match &delegate {
                Some(d) => format!("go to {} ({})", d.display_name, d.username),
                None => "go to their own manager".to_string(),
            };
            print(
                json,
                &json!({
                    "username": target.username, "away": true, "until": set.until,
                    "delegate": delegate.as_ref().map(|d| &d.username), "delegate_id": set.delegate_id,
                    "set_by": set.set_by,
                }),
                &format!(
                    "{} is away {until_text}; factor resets they would approve {goes_to}.",
                    target.username
                ),
            );
        }
        AbsenceCommand::Back { user } => {
            let target = accounts::find(store, &user).await?;
            let was_away = absence::clear_away(store, now, origin, &target).await?;
            print(
                json,
                &json!({ "username": target.username, "away": false, "was_away": was_away }),
                &if was_away {
                    format!("{} is back; factor resets go to them again.", target.username)
                } else {
                    format!("{} was not away.", target.username)
                },
            );
        }
    }
    Ok(())
}
