//! `gatehouse saml …`: the SAML identity provider's signing certificates. `rotate-cert` adds the next key,
//! published in metadata at once and signing after `--activate-in-hours` (so SPs can import it first); the
//! keys it replaces stay published `--keep-previous-hours` after that. `certs` lists them with their state.
use clap::Subcommand;
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::core::Keys;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::store::SamlStore;
use crate::protocols::saml::keys::{self, CertificateRotation};

#[derive(Subcommand, Debug)]
pub enum SamlCommand {
    /// Add the next signing certificate: published now, signing later; the current one stays published a while.
    RotateCert {
        /// Hours until the new certificate signs (default one week: time for SPs to refresh our metadata).
        #[arg(long, default_value_t = 168)]
        activate_in_hours: i64,
        /// Hours the replaced certificates stay in metadata after the new one starts signing.
        #[arg(long, default_value_t = 24)]
        keep_previous_hours: i64,
        /// Sign with the new certificate at once (the current key may be compromised); SPs that have not imported
        /// the new metadata will refuse our responses until they do.
        #[arg(long)]
        now: bool,
    },
    /// List the signing certificates: state (next, active, previous, retired), dates and SHA-256 fingerprint.
    Certs,
}

pub async fn run(config: &crate::config::Config, command: SamlCommand, json: bool) -> Result<(), CliError> {
    let store = app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?;
    let now = SystemClock.now();
    match command {
        SamlCommand::Certs => {
            let stored = store.saml_keys().await?;
            let mut list = Vec::new();
            for (key, state) in keys::states(&stored, now) {
                let (fingerprint, not_after) = keys::certificate_facts(&key.certificate)?;
                list.push(json!({
                    "id": key.id, "state": state, "activates_at": key.activates_at, "retired_at": key.retired_at,
                    "not_after": not_after, "sha256_fingerprint": fingerprint, "certificate": key.certificate,
                }));
            }
            let text = list
                .iter()
                .map(|k| {
                    format!(
                        "{:<18} {:<9} activates {}  {}",
                        k["id"].as_str().unwrap_or_default(),
                        k["state"].as_str().unwrap_or_default(),
                        k["activates_at"].as_str().unwrap_or_default(),
                        k["sha256_fingerprint"].as_str().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &json!(list), &text);
        }
        SamlCommand::RotateCert {
            activate_in_hours,
            keep_previous_hours,
            now: immediately,
        } => {
            let sealer = Keys::derive(&app::master_key(config).map_err(|e| CliError(format!("{e:#}")))?).sealer;
            let asked = CertificateRotation {
                activate_in_hours,
                keep_previous_hours,
                immediately,
            };
            let key = keys::rotate_certificate(&store, &sealer, &Origin::cli(), &config.public_url, now, asked).await?;
            let (fingerprint, _) = keys::certificate_facts(&key.certificate)?;
            print(
                json,
                &json!({ "id": key.id, "activates_at": key.activates_at, "sha256_fingerprint": fingerprint }),
                &format!(
                    "New SAML certificate {} ({fingerprint}) is in the metadata now and signs from {}.",
                    key.id,
                    key.activates_at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            );
        }
    }
    Ok(())
}
