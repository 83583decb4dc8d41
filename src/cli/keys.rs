//! `gatehouse keys …`: the OpenID Provider's signing keys. `rotate` adds the next key, published at once and
//! signing after `PUBLISH_AHEAD` (or at once with `--now`); the key it replaces stays published until the tokens it
//! signed have expired. Every instance follows the same schedule, since it is stored in the database.
use clap::Subcommand;
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::core::Keys;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::store::OidcStore;
use crate::protocols::oidc::keys;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// List the signing keys and their state (next, active, previous, expired).
    List,
    /// Add the next key for one algorithm (default: all of ES256, RS256, EdDSA).
    Rotate {
        /// ES256, RS256 or EdDSA.
        #[arg(long)]
        alg: Option<String>,
        /// Sign with the new key at once (when the current key may be compromised); relying parties that cached
        /// the key set refetch it when they meet the new key id.
        #[arg(long)]
        now: bool,
    },
}

pub async fn run(config: &crate::config::Config, command: KeysCommand, json: bool) -> Result<(), CliError> {
    let store = app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?;
    let now = SystemClock.now();
    match command {
        KeysCommand::List => {
            let states = keys::states(&store.signing_keys().await?, now);
            let list: Vec<_> = states
                .iter()
                .map(|(k, state)| {
                    json!({ "kid": k.kid, "alg": k.alg, "state": state, "created_at": k.created_at,
                        "activates_at": k.activates_at })
                })
                .collect();
            let text = states
                .iter()
                .map(|(k, state)| {
                    let state = serde_json::to_value(state).unwrap_or_default();
                    format!(
                        "{:<18} {:<6} {:<9} activates {}",
                        k.kid,
                        k.alg,
                        state.as_str().unwrap_or_default(),
                        k.activates_at.format("%Y-%m-%d %H:%M:%S UTC")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &json!(list), &text);
        }
        KeysCommand::Rotate { alg, now: immediately } => {
            let sealer = Keys::derive(&app::master_key(config).map_err(|e| CliError(format!("{e:#}")))?).sealer;
            let added: Vec<_> =
                keys::rotate_algorithms(&store, &sealer, &Origin::cli(), alg.as_deref(), now, immediately)
                    .await?
                    .iter()
                    .map(|key| json!({ "kid": key.kid, "alg": key.alg, "activates_at": key.activates_at }))
                    .collect();
            let text = added
                .iter()
                .map(|k| format!("New {} key {} signs from {}.", k["alg"], k["kid"], k["activates_at"]))
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &json!(added), &text);
        }
    }
    Ok(())
}
