//! `gatehouse user …` and `gatehouse audit …`; the account changes of `core::accounts` beyond creating,
//! enabling and roles (profile fields, deletion, sessions) are in `account.rs`, absences (`away`, `back`) in
//! `absence.rs`.
use crate::core::provisioning::directory::AccountSource;
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::BufRead;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::accounts::{self, NewAccount};
use crate::core::audit::Origin;
use crate::core::factors::FactorKind;
use crate::core::factors::webauthn;
use crate::core::model::UserStatus;
use crate::core::signin::trusted_devices;
use crate::core::store::Store;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user.
    Add(AddArgs),
    /// List users.
    List,
    /// Show one user (by username or e-mail).
    Show { user: String },
    /// Disable a user; ends all their sessions.
    Disable { user: String },
    /// Enable a disabled user.
    Enable { user: String },
    /// Set a user's password, read from standard input; ends all their sessions.
    SetPassword {
        user: String,
        /// Read the password from standard input (the only way; the flag makes it explicit).
        #[arg(long)]
        password_stdin: bool,
    },
    /// End a password lockout (after too many wrong passwords): the password works again. Audited.
    Unlock { user: String },
    /// List a user's second factors (id, kind, name, state; security keys flagged as suspected copies).
    Factors { user: String },
    /// Accept a security key or passkey again after its signature counter went backwards (a suspected copy).
    /// Check with the user first that the authenticator in their hands is the only one. Audited.
    ClearCloneFlag { user: String, factor_id: String },
    /// Give a user a role.
    AddRole { user: String, role: String },
    /// Take a role from a user.
    RemoveRole { user: String, role: String },
    /// List the browsers trusted to skip the user's second factor (live under today's policy).
    Devices { user: String },
    /// Revoke every browser trusted to skip the user's second factor (helpdesk, lost laptop).
    RevokeDevices { user: String },
    /// Require a second factor of one user whatever their roles say (true), or leave it to the roles (false).
    SetMfaRequired {
        user: String,
        #[arg(value_name = "true|false")]
        required: String,
    },
    /// Profile changes, deletion and sessions (`cli/account.rs`).
    #[command(flatten)]
    Account(super::account::AccountCommand),
    /// Absences that route factor-reset approvals (`cli/absence.rs`).
    #[command(flatten)]
    Absence(super::absence::AbsenceCommand),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    pub username: String,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: Option<String>,
    /// A role (repeatable); default `user`.
    #[arg(long = "role")]
    pub roles: Vec<String>,
    /// The user's manager (username), who approves factor resets.
    #[arg(long)]
    pub manager: Option<String>,
    /// Phone number in international form, e.g. +41446681800.
    #[arg(long)]
    pub phone: Option<String>,
    /// Read an initial password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Newest events first.
    List {
        /// Only events about this user (username or e-mail).
        #[arg(long)]
        user: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

fn read_password() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError(format!("reading the password from standard input: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(CliError("no password on standard input".into()));
    }
    Ok(password)
}

pub(super) async fn store(config: &Config) -> Result<Box<dyn Store>, CliError> {
    Ok(Box::new(
        app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?,
    ))
}

/// The CLI hashes through the same bounded pool as the server, sized by the same settings.
fn passwords(config: &Config) -> Result<crate::core::factors::password::PasswordPool, CliError> {
    app::password_pool(config).map_err(|e| CliError(format!("{e:#}")))
}

pub async fn run_user(config: &Config, command: UserCommand, json: bool) -> Result<(), CliError> {
    let store = store(config).await?;
    let store = store.as_ref();
    let now = crate::core::clock::Clock::now(&crate::core::clock::SystemClock);
    let origin = Origin::cli();
    match command {
        UserCommand::Account(command) => super::account::run(config, store, now, &origin, command, json).await?,
        UserCommand::Absence(command) => super::absence::run(store, now, &origin, command, json).await?,
        UserCommand::Add(args) => {
            let password = if args.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let user = accounts::create(
                store,
                &passwords(config)?,
                now,
                &origin,
                NewAccount {
                    username: args.username,
                    email: args.email,
                    display_name: args.name,
                    roles: args.roles,
                    manager: args.manager,
                    phone: args.phone,
                    password,
                    source: Some(AccountSource::Cli),
                },
            )
            .await?;
            let summary = accounts::summary(store, &user).await?;
            print(
                json,
                &serde_json::to_value(&summary)?,
                &format!("Created user {} ({}).", summary.username, summary.id),
            );
        }
        UserCommand::List => {
            let mut list = Vec::new();
            for user in store.list_users().await? {
                list.push(accounts::summary(store, &user).await?);
            }
            let text = list
                .iter()
                .map(|u| {
                    format!(
                        "{:<24} {:<32} {:<8} {}",
                        u.username,
                        u.email,
                        u.status.as_str(),
                        u.roles.join(",")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &serde_json::to_value(&list)?, &text);
        }
        UserCommand::Show { user } => {
            let summary = accounts::summary(store, &accounts::find(store, &user).await?).await?;
            let text = serde_json::to_string_pretty(&summary)?;
            print(json, &serde_json::to_value(&summary)?, &text);
        }
        UserCommand::Disable { user } => set_status(store, now, &origin, &user, UserStatus::Disabled, json).await?,
        UserCommand::Enable { user } => set_status(store, now, &origin, &user, UserStatus::Active, json).await?,
        UserCommand::SetPassword {
            user,
            password_stdin: _,
        } => {
            let target = accounts::find(store, &user).await?;
            accounts::set_password(store, &passwords(config)?, now, &origin, &target, read_password()?).await?;
            print(
                json,
                &json!({ "username": target.username, "password_set": true }),
                &format!("Password set for {}; their sessions have ended.", target.username),
            );
        }
        UserCommand::Unlock { user } => {
            let target = accounts::find(store, &user).await?;
            let policy = crate::core::throttle::Policy::password_sign_in(config.password_lockout_failures);
            let was_locked =
                crate::core::factors::password::lock::unlock(store, &policy, now, &origin, &target).await?;
            print(
                json,
                &json!({ "username": target.username, "was_locked": was_locked, "unlocked": true }),
                &if was_locked {
                    format!("Unlocked the password of {}.", target.username)
                } else {
                    format!(
                        "The password of {} was not locked; its failed attempts are cleared.",
                        target.username
                    )
                },
            );
        }
        UserCommand::Factors { user } => {
            let target = accounts::find(store, &user).await?;
            let rows: Vec<serde_json::Value> = store
                .factors_of(&target.id)
                .await?
                .iter()
                .map(|f| {
                    json!({
                        "id": f.id, "kind": f.kind, "name": f.name, "status": f.status,
                        "flagged": f.kind == FactorKind::WebAuthn && webauthn::is_flagged(f),
                        "created_at": f.created_at, "last_used_at": f.last_used_at,
                    })
                })
                .collect();
            let text = if rows.is_empty() {
                format!("{} has no second factors.", target.username)
            } else {
                rows.iter()
                    .map(|r| {
                        format!(
                            "{}  {:<14} {:<24} {}{}",
                            r["id"].as_str().unwrap_or_default(),
                            r["kind"].as_str().unwrap_or_default(),
                            r["name"].as_str().unwrap_or_default(),
                            r["status"].as_str().unwrap_or_default(),
                            if r["flagged"] == true {
                                "  FLAGGED (suspected copy)"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            print(json, &json!({ "username": target.username, "factors": rows }), &text);
        }
        UserCommand::ClearCloneFlag { user, factor_id } => {
            let target = accounts::find(store, &user).await?;
            let was_flagged = webauthn::clear_clone_flag(store, now, &origin, &target, &factor_id).await?;
            print(
                json,
                &json!({ "username": target.username, "factor_id": factor_id, "was_flagged": was_flagged }),
                &if was_flagged {
                    format!(
                        "Cleared the clone flag of {factor_id}; {} can use it again.",
                        target.username
                    )
                } else {
                    format!("{factor_id} of {} was not flagged.", target.username)
                },
            );
        }
        UserCommand::AddRole { user, role } => {
            let target = accounts::find(store, &user).await?;
            let changed = accounts::add_role(store, now, &origin, &target, &role).await?;
            print(
                json,
                &json!({ "username": target.username, "role": role, "changed": changed }),
                &format!("{} has the role {role}.", target.username),
            );
        }
        UserCommand::RemoveRole { user, role } => {
            let target = accounts::find(store, &user).await?;
            let changed = accounts::remove_role(store, now, &origin, &target, &role).await?;
            print(
                json,
                &json!({ "username": target.username, "role": role, "changed": changed }),
                &format!("{} does not have the role {role}.", target.username),
            );
        }
        UserCommand::Devices { user } => {
            let target = accounts::find(store, &user).await?;
            let days = crate::core::policy::enforcement::requirement_for(store, now, &target)
                .await?
                .trusted_device_days;
            let devices = trusted_devices::list(store, now, &target, days).await?;
            let rows: Vec<serde_json::Value> = devices
                .iter()
                .map(|d| {
                    json!({
                        "id": d.id, "browser": d.browser(), "user_agent": d.user_agent,
                        "first_seen": d.created_at, "last_seen": d.last_seen_at, "expires_at": d.expires_at,
                    })
                })
                .collect();
            let text = if devices.is_empty() {
                format!("{} has no trusted browsers.", target.username)
            } else {
                devices
                    .iter()
                    .map(|d| {
                        format!(
                            "{}  {:<24} last seen {}  until {}",
                            d.id,
                            d.browser(),
                            d.last_seen_at.format("%Y-%m-%d %H:%M"),
                            d.expires_at.format("%Y-%m-%d %H:%M")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            print(json, &json!({ "username": target.username, "devices": rows }), &text);
        }
        UserCommand::RevokeDevices { user } => {
            let target = accounts::find(store, &user).await?;
            let revoked = trusted_devices::revoke_all(store, now, &origin, &target.id, "admin").await?;
            print(
                json,
                &json!({ "username": target.username, "revoked": revoked }),
                &format!("Revoked {revoked} trusted browser(s) of {}.", target.username),
            );
        }
        UserCommand::SetMfaRequired { user, required } => {
            let required = crate::core::policy::parse_bool(&required)?;
            let target = accounts::find(store, &user).await?;
            let changed =
                crate::core::policy::roles::set_user_mfa_required(store, now, &origin, &target, required).await?;
            print(
                json,
                &json!({ "username": target.username, "mfa_required": required, "changed": changed }),
                &format!(
                    "{} {} a second factor from the next sign-in.",
                    target.username,
                    if required {
                        "must use"
                    } else {
                        "follows their roles for"
                    }
                ),
            );
        }
    }
    Ok(())
}

async fn set_status(
    store: &dyn Store,
    now: chrono::DateTime<chrono::Utc>,
    origin: &Origin,
    user: &str,
    status: UserStatus,
    json: bool,
) -> Result<(), CliError> {
    let target = accounts::find(store, user).await?;
    accounts::set_status(store, now, origin, &target, status).await?;
    print(
        json,
        &json!({ "username": target.username, "status": status }),
        &format!("{} is now {}.", target.username, status.as_str()),
    );
    Ok(())
}

pub async fn run_audit(config: &Config, command: AuditCommand, json: bool) -> Result<(), CliError> {
    let store = store(config).await?;
    let store = store.as_ref();
    let AuditCommand::List { user, limit } = command;
    let subject = match user {
        Some(user) => Some(accounts::find(store, &user).await?.id),
        None => None,
    };
    let events = store.list_audit(subject.as_deref(), limit.min(10_000)).await?;
    // People by name for the reader; the JSON keeps the stored ids.
    let mut people = crate::core::audit::People::new(store);
    let mut lines = Vec::with_capacity(events.len());
    for e in &events {
        let actor = match e.event.actor.as_deref() {
            Some(actor) => people.actor(actor).await?,
            None => "-".into(),
        };
        let subject = match e.event.subject_user_id.as_deref() {
            Some(id) => people.person(id).await?,
            None => "-".into(),
        };
        lines.push(format!(
            "{} {:<28} {:<8} {} {}",
            e.event.at.format("%Y-%m-%dT%H:%M:%SZ"),
            e.event.kind,
            e.event.outcome.as_str(),
            actor,
            subject
        ));
    }
    let text = lines.join("\n");
    print(json, &serde_json::to_value(&events)?, &text);
    Ok(())
}
