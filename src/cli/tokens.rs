//! `gatehouse tokens …`: hardware OATH tokens.
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::Keys;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::factors::oath_token;
use crate::core::factors::oath_token::import::MAX_FILE_BYTES;
use crate::core::factors::oath_token::token::type_name;
use crate::core::store::HardwareTokenStore;

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// Import token seeds from a PSKC (RFC 6030) or CSV (serial,secret_base32,type,digits,period) file.
    Import { file: PathBuf },
    /// List imported tokens and whom they are bound to.
    List,
}

pub async fn run(config: &Config, command: TokensCommand, json: bool) -> Result<(), CliError> {
    let store = app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?;
    match command {
        TokensCommand::Import { file } => {
            let size = std::fs::metadata(&file)
                .map_err(|e| CliError(format!("{}: {e}", file.display())))?
                .len();
            if size > MAX_FILE_BYTES as u64 {
                return Err(CliError(format!(
                    "{}: larger than {} bytes",
                    file.display(),
                    MAX_FILE_BYTES
                )));
            }
            let bytes = std::fs::read(&file).map_err(|e| CliError(format!("{}: {e}", file.display())))?;
            let keys = Keys::derive(&app::master_key(config).map_err(|e| CliError(format!("{e:#}")))?);
            let count = oath_token::import(&store, &keys, SystemClock.now(), &Origin::cli(), &bytes).await?;
            print(
                json,
                &json!({ "imported": count }),
                &format!("Imported {count} tokens."),
            );
        }
        TokensCommand::List => {
            let tokens = store.list_hardware_tokens().await?;
            let text = tokens
                .iter()
                .map(|t| {
                    format!(
                        "{:<24} {:<5} {} digits  {}",
                        t.serial,
                        type_name(t.token_type),
                        t.digits,
                        t.bound_user_id.as_deref().unwrap_or("unbound")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &serde_json::to_value(&tokens)?, &text);
        }
    }
    Ok(())
}
