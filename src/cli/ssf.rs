//! `gatehouse ssf …`: the Shared Signals receivers' streams as an operator watches them — where each pushes,
//! what it asked for, its status, and its outbox (waiting, delivered, given up, the last error and delivery).
use clap::Subcommand;
use serde_json::json;

use super::{CliError, print};
use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum SsfCommand {
    /// Every stream with its backlog (events not yet delivered) and failures.
    Streams,
}

pub async fn run(config: &Config, command: SsfCommand, json: bool) -> Result<(), CliError> {
    let store = super::user::store(config).await?;
    let store = store.as_ref();
    match command {
        SsfCommand::Streams => {
            let mut rows = Vec::new();
            let mut lines = Vec::new();
            for stream in store.ssf_streams().await? {
                let backlog = store.ssf_backlog(&stream.id).await?;
                lines.push(format!(
                    "{:<24} {}  {}  pending {}  delivered {}  failed {}{}",
                    stream.client_id,
                    stream.endpoint_url,
                    stream.status.as_str(),
                    backlog.pending,
                    backlog.delivered,
                    backlog.failed,
                    backlog
                        .last_error
                        .as_deref()
                        .map_or_else(String::new, |e| format!("  last error: {e}"))
                ));
                rows.push(json!({
                    "stream_id": stream.id, "client_id": stream.client_id, "endpoint_url": stream.endpoint_url,
                    "events_delivered": stream.events_delivered(), "status": stream.status.as_str(),
                    "status_reason": stream.status_reason, "last_delivered_at": backlog.last_delivered_at,
                    "pending": backlog.pending,
                    "delivered": backlog.delivered, "failed": backlog.failed, "last_error": backlog.last_error,
                }));
            }
            let text = if lines.is_empty() {
                "No Shared Signals streams.".to_string()
            } else {
                lines.join("\n")
            };
            print(json, &json!(rows), &text);
        }
    }
    Ok(())
}
