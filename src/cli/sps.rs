//! `gatehouse sp …`: SAML service providers, registered from their metadata.
use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::saml::ServiceProvider;
use crate::core::store::SamlStore;
use crate::protocols::saml::sps::{self, MAX_METADATA_BYTES, NewServiceProvider};

#[derive(Subcommand, Debug)]
pub enum SpCommand {
    /// Register a service provider from its metadata (entity ID, ACS endpoints, signing certificates).
    Add(AddSp),
    /// List service providers.
    List,
    /// Show one service provider.
    Show { entity_id: String },
    /// Remove a service provider.
    Remove { entity_id: String },
    /// Re-read a service provider's metadata (new certificate, endpoints); Gatehouse's settings for it are kept.
    Update {
        entity_id: String,
        /// The SP's new metadata, for the same entity ID.
        #[arg(long, value_name = "FILE")]
        metadata: std::path::PathBuf,
        /// Change the NameID format too: persistent, email or transient.
        #[arg(long = "nameid")]
        name_id: Option<String>,
        /// Change the minimum assurance level for every Response to it (a level, or `none` to remove it).
        #[arg(long, value_name = "LEVEL")]
        min_acr: Option<String>,
    },
}

fn read_metadata(path: &std::path::Path) -> Result<String, CliError> {
    let size = std::fs::metadata(path)
        .map_err(|e| CliError(format!("reading {}: {e}", path.display())))?
        .len();
    if size > MAX_METADATA_BYTES as u64 {
        return Err(CliError(format!(
            "{} is larger than {} KiB",
            path.display(),
            MAX_METADATA_BYTES / 1024
        )));
    }
    std::fs::read_to_string(path).map_err(|e| CliError(format!("reading {}: {e}", path.display())))
}

#[derive(Args, Debug)]
pub struct AddSp {
    /// The SP's SAML metadata (an md:EntityDescriptor), as a file.
    #[arg(long, value_name = "FILE")]
    pub metadata: std::path::PathBuf,
    /// How the user is named to it: persistent (default; opaque, stable, different at every SP), email or transient.
    #[arg(long = "nameid")]
    pub name_id: Option<String>,
    /// Sign the whole Response as well as the Assertion (for SPs that want the Response signed).
    #[arg(long)]
    pub sign_response: bool,
    /// Allow IdP-initiated SSO: /saml/sso/init?sp=ENTITY_ID posts an unsolicited Response to its default ACS.
    #[arg(long)]
    pub allow_idp_initiated: bool,
    /// Only users holding this role may sign in to it (repeatable; any of them); others get RequestDenied.
    #[arg(long = "allow-role", value_name = "ROLE")]
    pub allowed_roles: Vec<String>,
    /// Every Response to it needs this assurance level (e.g. urn:gatehouse:acr:mfa); weaker sessions step up.
    #[arg(long, value_name = "LEVEL")]
    pub min_acr: Option<String>,
}

fn summary(sp: &ServiceProvider) -> String {
    let acs = sp
        .acs_endpoints
        .iter()
        .map(|e| format!("{} [{}]", e.location, e.index))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{:<48} {:<10} {acs}", sp.entity_id, sp.name_id_format.as_str())
}

pub async fn run(config: &Config, command: SpCommand, json: bool) -> Result<(), CliError> {
    let store = app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?;
    let now = SystemClock.now();
    let origin = Origin::cli();
    match command {
        SpCommand::Add(args) => {
            let metadata = read_metadata(&args.metadata)?;
            let sp = sps::register(
                &store,
                now,
                &origin,
                NewServiceProvider {
                    metadata,
                    name_id_format: args.name_id,
                    sign_response: args.sign_response,
                    allow_idp_initiated: args.allow_idp_initiated,
                    allowed_roles: args.allowed_roles,
                    min_acr: args.min_acr,
                },
            )
            .await?;
            print(
                json,
                &serde_json::to_value(&sp)?,
                &format!(
                    "Registered {} ({} ACS endpoint(s)).",
                    sp.entity_id,
                    sp.acs_endpoints.len()
                ),
            );
        }
        SpCommand::List => {
            let list = store.list_sps().await?;
            let text = list.iter().map(summary).collect::<Vec<_>>().join("\n");
            print(json, &serde_json::to_value(&list)?, &text);
        }
        SpCommand::Show { entity_id } => {
            let sp = store
                .sp(&entity_id)
                .await?
                .ok_or_else(|| CliError(format!("service provider '{entity_id}' not found")))?;
            print(json, &serde_json::to_value(&sp)?, &serde_json::to_string_pretty(&sp)?);
        }
        SpCommand::Update {
            entity_id,
            metadata,
            name_id,
            min_acr,
        } => {
            let metadata = read_metadata(&metadata)?;
            let sp = sps::update(&store, now, &origin, &entity_id, metadata, name_id, min_acr).await?;
            print(
                json,
                &serde_json::to_value(&sp)?,
                &format!(
                    "Updated {} ({} ACS endpoint(s), {} certificate(s)).",
                    sp.entity_id,
                    sp.acs_endpoints.len(),
                    sp.certificates.len()
                ),
            );
        }
        SpCommand::Remove { entity_id } => {
            sps::remove(&store, now, &origin, &entity_id).await?;
            print(
                json,
                &json!({ "entity_id": entity_id, "removed": true }),
                &format!("Removed {entity_id}."),
            );
        }
    }
    Ok(())
}
