//! `gatehouse sp …`: SAML service providers, registered from their metadata.
use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::saml::{AttributeMapping, ServiceProvider, default_attributes};
use crate::core::store::SamlStore;
use crate::protocols::saml::attributes;
use crate::protocols::saml::sps::{self, MAX_METADATA_BYTES, NewServiceProvider, SpChanges};

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
    /// Change a service provider: re-read its metadata (new certificate, endpoints) and/or change Gatehouse's
    /// settings for it; what is not given is kept.
    Update(UpdateSp),
}

/// Which attributes an SP is sent (`sp add`, `sp update`).
#[derive(Args, Debug, Default)]
pub struct AttributeArgs {
    /// Send an attribute NAME with the user's SOURCE (username, email, name or roles); repeatable, in order.
    /// Given at all, these and --static-attribute replace the whole list.
    #[arg(long = "attribute", value_name = "NAME=SOURCE")]
    pub mapped: Vec<String>,
    /// Send an attribute NAME with the same VALUE for every user; repeatable.
    #[arg(long = "static-attribute", value_name = "NAME=VALUE")]
    pub fixed: Vec<String>,
    /// Send no attributes at all (the NameID only).
    #[arg(long, conflicts_with_all = ["mapped", "fixed", "default_attributes"])]
    pub clear_attributes: bool,
    /// Send the default attributes again: uid, email, displayName, roles.
    #[arg(long, conflicts_with_all = ["mapped", "fixed"])]
    pub default_attributes: bool,
}

impl AttributeArgs {
    /// The new list, if these arguments change it.
    fn mapping(&self) -> Result<Option<Vec<AttributeMapping>>, CliError> {
        if self.clear_attributes {
            return Ok(Some(Vec::new()));
        }
        if self.default_attributes {
            return Ok(Some(default_attributes()));
        }
        if self.mapped.is_empty() && self.fixed.is_empty() {
            return Ok(None);
        }
        let mut list = Vec::new();
        for text in &self.mapped {
            list.push(attributes::parse_mapped(text)?);
        }
        for text in &self.fixed {
            list.push(attributes::parse_static(text)?);
        }
        Ok(Some(list))
    }
}

#[derive(Args, Debug)]
pub struct UpdateSp {
    pub entity_id: String,
    /// The SP's new metadata, for the same entity ID (kept as it is when not given).
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<std::path::PathBuf>,
    /// Change the NameID format: persistent, email or transient.
    #[arg(long = "nameid")]
    pub name_id: Option<String>,
    /// Change the minimum assurance level for every Response to it (a level, or `none` to remove it).
    #[arg(long, value_name = "LEVEL")]
    pub min_acr: Option<String>,
    /// Encrypt its assertions with the encryption certificate from its metadata.
    #[arg(long, conflicts_with = "no_encrypt_assertion")]
    pub encrypt_assertion: bool,
    /// Send its assertions unencrypted again.
    #[arg(long)]
    pub no_encrypt_assertion: bool,
    /// How encrypted assertions are encrypted: aes256-gcm or aes256-cbc (for SPs without GCM).
    #[arg(long, value_name = "METHOD")]
    pub encryption_method: Option<String>,
    #[command(flatten)]
    pub attributes: AttributeArgs,
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
    /// Encrypt its assertions with the encryption certificate from its metadata (refused without one).
    #[arg(long)]
    pub encrypt_assertion: bool,
    /// How: aes256-gcm (default) or aes256-cbc (for SPs whose XML Encryption lacks GCM).
    #[arg(long, value_name = "METHOD")]
    pub encryption_method: Option<String>,
    #[command(flatten)]
    pub attributes: AttributeArgs,
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
                    encrypt_assertion: args.encrypt_assertion,
                    encryption_method: args.encryption_method,
                    attributes: args.attributes.mapping()?,
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
        SpCommand::Update(args) => {
            let metadata = args.metadata.as_deref().map(read_metadata).transpose()?;
            let encrypt_assertion = match (args.encrypt_assertion, args.no_encrypt_assertion) {
                (true, _) => Some(true),
                (false, true) => Some(false),
                (false, false) => None,
            };
            let changes = SpChanges {
                metadata,
                name_id_format: args.name_id,
                min_acr: args.min_acr,
                encrypt_assertion,
                encryption_method: args.encryption_method,
                attributes: args.attributes.mapping()?,
            };
            let sp = sps::update(&store, now, &origin, &args.entity_id, changes).await?;
            print(
                json,
                &serde_json::to_value(&sp)?,
                &format!(
                    "Updated {} ({} ACS endpoint(s), {} signing and {} encryption certificate(s), assertions {}, {} attribute(s)).",
                    sp.entity_id,
                    sp.acs_endpoints.len(),
                    sp.certificates.len(),
                    sp.encryption_certificates.len(),
                    if sp.encrypt_assertion {
                        "encrypted"
                    } else {
                        "not encrypted"
                    },
                    sp.attributes.len()
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
