//! `gatehouse serve`: migrate, make sure a first administrator can sign in, then serve until SIGTERM/SIGINT.
use std::net::TcpListener;
use std::sync::Arc;

use super::CliError;
use crate::app;
use crate::config::Config;
use crate::core::clock::SystemClock;

pub async fn serve(config: Config) -> Result<(), CliError> {
    let listen = config.listen.clone();
    let public_url = config.public_url.clone();
    let state = app::build_state(config, Arc::new(SystemClock))
        .await
        .map_err(|e| CliError(format!("{e:#}")))?;
    let kit = &state.http;
    tracing::info!(
        backend = kit.config.database_url().split(':').next().unwrap_or(""),
        "database ready"
    );
    if kit.webauthn.is_none() {
        warn_about_key_only_roles(kit).await;
    }
    if let Some(link) = app::first_admin_link(kit)
        .await
        .map_err(|e| CliError(format!("{e:#}")))?
    {
        println!();
        println!(
            "  No administrator has a password yet. Set one for the user '{}' (valid {} hours, single use):",
            kit.config.admin_username, kit.config.setup_link_hours
        );
        println!();
        println!("    {link}");
        println!();
    }
    let listener = TcpListener::bind(&listen).map_err(|e| CliError(format!("cannot listen on {listen}: {e}")))?;
    let running = app::start(state, listener, true).map_err(|e| CliError(format!("{e:#}")))?;
    println!("Gatehouse is listening on {} — open {}", running.addr, public_url);
    match running.task.await {
        Ok(Ok(())) => {
            tracing::info!("stopped");
            Ok(())
        }
        Ok(Err(e)) => Err(CliError(format!("server error: {e}"))),
        Err(e) => Err(CliError(format!("server task failed: {e}"))),
    }
}

/// Without a WebAuthn relying party (an IP-address public_url), members of a role that counts only security keys
/// could never finish enrolment; say so at start-up, with the command that relaxes the role.
async fn warn_about_key_only_roles(state: &crate::http::AppState) {
    use crate::core::factors::FactorKind;
    let Ok(policies) = state.store.role_policies().await else {
        return;
    };
    for policy in policies {
        let primary: Vec<FactorKind> = policy
            .allowed_factors
            .iter()
            .copied()
            .filter(|k| !k.is_backup())
            .collect();
        if primary == [FactorKind::WebAuthn] {
            tracing::warn!(
                role = %policy.role,
                "security keys are unavailable (public_url has no domain name) but this role allows only them; \
                 set a domain name, or e.g. `gatehouse role set {} --factors webauthn,totp,recovery_code`",
                policy.role
            );
        }
    }
}
