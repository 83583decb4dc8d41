//! `gatehouse scim …`: what provisioning systems authenticate with (static tokens), the directory's groups and
//! the roles they grant, and the purge of accounts deleted over SCIM.
use clap::Subcommand;
use serde_json::json;

use super::{CliError, print};
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::provisioning::{self, tokens};

#[derive(Subcommand, Debug)]
pub enum ScimCommand {
    /// Static bearer tokens for provisioning systems: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The directory's groups, their member counts and the roles they grant.
    Groups,
    /// Purge now the accounts deleted over SCIM whose retention period has passed (the server does it hourly).
    Purge,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token (shown once; only its digest is stored). NAME: 1 to 64 of a-z 0-9 . _ -
    Create { name: String },
    /// Every token: name, created, last used, revoked.
    List,
    /// Revoke a token at once.
    Revoke { name: String },
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

pub async fn run(config: &Config, command: ScimCommand, json: bool) -> Result<(), CliError> {
    let store = super::user::store(config).await?;
    let store = store.as_ref();
    let now = SystemClock.now();
    let origin = Origin::cli();
    match command {
        ScimCommand::Token(TokenCommand::Create { name }) => {
            let (token, secret) = tokens::create(store, now, &origin, &name).await?;
            let url = format!("{}/scim/v2", config.public_url.as_str().trim_end_matches('/'));
            print(
                json,
                &json!({ "name": token.name, "token": secret, "created_at": token.created_at, "scim_url": url }),
                &format!(
                    "SCIM token '{}' created. It is shown only now: store it in the provisioning system.\n\
                     Tenant URL: {url}\nSecret token: {secret}",
                    token.name
                ),
            );
        }
        ScimCommand::Token(TokenCommand::List) => {
            let all = store.scim_tokens().await?;
            let lines: Vec<String> = all
                .iter()
                .map(|t| {
                    format!(
                        "{:<24} created {}  last used {}  {}",
                        t.name,
                        when(Some(t.created_at)),
                        when(t.last_used_at),
                        t.revoked_at
                            .map_or_else(String::new, |r| format!("revoked {}", when(Some(r))))
                    )
                })
                .collect();
            let text = if lines.is_empty() {
                "No SCIM tokens.".to_string()
            } else {
                lines.join("\n")
            };
            print(json, &serde_json::to_value(&all)?, &text);
        }
        ScimCommand::Token(TokenCommand::Revoke { name }) => {
            tokens::revoke(store, now, &origin, &name).await?;
            print(
                json,
                &json!({ "name": name, "revoked": true }),
                &format!("SCIM token '{name}' revoked."),
            );
        }
        ScimCommand::Groups => {
            let mappings = store.group_mappings().await?;
            let members = store.all_group_members().await?;
            let mut rows = Vec::new();
            for group in store.list_groups().await? {
                let count = members.iter().filter(|(g, _)| *g == group.id).count();
                let roles: Vec<String> = mappings
                    .iter()
                    .filter(|m| {
                        provisioning::directory::group_key(&m.group_name)
                            == provisioning::directory::group_key(&group.display_name)
                    })
                    .map(|m| m.role.clone())
                    .collect();
                rows.push(json!({
                    "id": group.id, "display_name": group.display_name, "external_id": group.external_id,
                    "members": count, "roles": roles,
                }));
            }
            let lines: Vec<String> = rows
                .iter()
                .map(|r| {
                    format!(
                        "{:<32} {:>5} members  roles: {}",
                        r["display_name"].as_str().unwrap_or_default(),
                        r["members"],
                        r["roles"].as_array().map_or(0, Vec::len)
                    )
                })
                .collect();
            let text = if lines.is_empty() {
                "No directory groups.".to_string()
            } else {
                lines.join("\n")
            };
            print(json, &json!({ "groups": rows, "mappings": mappings }), &text);
        }
        ScimCommand::Purge => {
            let retention = chrono::Duration::days(config.scim_deletion_retention_days.into());
            let purged = provisioning::purge_due(store, now, &origin, retention).await?;
            print(
                json,
                &json!({ "purged": purged }),
                &format!("{purged} account(s) purged."),
            );
        }
    }
    Ok(())
}
