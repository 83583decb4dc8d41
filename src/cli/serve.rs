//! `gatehouse serve`: migrate, make sure a first administrator can sign in, then serve until SIGTERM/SIGINT.
use std::net::TcpListener;
use std::sync::Arc;

use super::CliError;
use crate::app;
use crate::config::Config;
use crate::core::accounts::readiness::{self, Warning};
use crate::core::clock::SystemClock;

pub async fn serve(config: Config) -> Result<(), CliError> {
    let listen = config.listen.clone();
    let public_url = config.public_url.clone();
    let state = app::build_state(config, Arc::new(SystemClock))
        .await
        .map_err(|e| CliError(format!("{e:#}")))?;
    let kit = &state.http;
    tracing::info!(
        version = super::VERSION,
        backend = kit.config.database_url().split(':').next().unwrap_or(""),
        "database ready"
    );
    if kit.webauthn.is_none() {
        warn_about_key_only_roles(kit).await;
    }
    let setup = app::first_admin_link(kit)
        .await
        .map_err(|e| CliError(format!("{e:#}")))?
        .map(|link| setup_box(&kit.config.admin_username, kit.config.setup_link_hours, &link));
    // After the migrations and the first administrator: whether one lost key would lock the installation out.
    let readiness = match readiness::check(kit.store.as_ref(), kit.clock.now()).await {
        Ok(readiness) => readiness_lines(&readiness.warnings(), setup.is_some()),
        Err(e) => {
            tracing::warn!(error = %e, "could not check how many administrators can sign in");
            Vec::new()
        }
    };
    for line in &readiness {
        tracing::warn!("{line}");
    }
    let listener = TcpListener::bind(&listen).map_err(|e| CliError(format!("cannot listen on {listen}: {e}")))?;
    let running = app::start(state, listener, true).map_err(|e| CliError(format!("{e:#}")))?;
    tokio::spawn(release_start_up_memory());
    println!("Gatehouse is listening on {} — open {}", running.addr, public_url);
    if let Some(metrics) = running.metrics_addr {
        println!("Prometheus metrics: http://{metrics}/metrics");
    }
    if let Some(setup) = setup {
        // Last, after the migration and start-up logs (actix logs its start inside `app::start`), so it is what
        // the operator sees when the output stops.
        print!("{setup}");
        for line in &readiness {
            println!("WARNING: {line}");
        }
        if !readiness.is_empty() {
            println!();
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    }
    match running.task.await {
        Ok(Ok(())) => {
            tracing::info!("stopped");
            Ok(())
        }
        Ok(Err(e)) => Err(CliError(format!("server error: {e}"))),
        Err(e) => Err(CliError(format!("server task failed: {e}"))),
    }
}

/// Gives the memory that start-up used and freed (the migrations, parsing the templates and the API document,
/// each worker building its routes) back to the system, once the workers have started: glibc keeps freed heap
/// memory for reuse and returns only the top of each arena by itself, which left an idle server about 5 MiB larger
/// than it needs to be (docs/performance.md, "Memory at rest").
async fn release_start_up_memory() {
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the C allocator's arenas to the system; it takes the arenas'
    // locks like any allocation, so it is safe to call while other threads allocate.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The first administrator's setup link, framed so it stands out of the logs: an empty line, a rule of `=`, the
/// words and the link, a rule, an empty line.
fn setup_box(username: &str, hours: u32, link: &str) -> String {
    let lines = [
        format!("No administrator has a password yet. Set one for the user '{username}'"),
        format!("(the link works once, for {hours} hours):"),
        String::new(),
        link.to_string(),
    ];
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0).max(40) + 4;
    let rule = "=".repeat(width);
    let mut out = format!("\n{rule}\n");
    for line in &lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&format!("{rule}\n\n"));
    out
}

/// The command that adds an administrator, as the warnings quote it.
const ADD_ADMIN: &str = "gatehouse user add NAME --email ADDRESS --role admin";

/// What start-up says about recovery readiness (`core::accounts::readiness`): each warning with what to do. With
/// the first administrator's setup link just printed, "nobody can sign in" is expected and says what comes next.
fn readiness_lines(warnings: &[Warning], setting_up: bool) -> Vec<String> {
    warnings
        .iter()
        .map(|w| match w {
            Warning::NoAdministrator if setting_up => format!(
                "no administrator can sign in yet. Once the first one has set a password with the link and added a \
                 security key, add a second administrator ({ADD_ADMIN}), so that one lost key cannot lock \
                 Gatehouse out."
            ),
            Warning::NoAdministrator => format!(
                "no administrator can sign in: nobody with the role admin is active with a password (or passkey) \
                 and the second factor their policy requires. Only this command line can administer Gatehouse \
                 now: add an administrator ({ADD_ADMIN}; they set a password with \"Forgot your password?\" and \
                 add a security key), or give the role to someone who can sign in (gatehouse user add-role USER \
                 admin)."
            ),
            Warning::OneAdministrator { username } => format!(
                "only one administrator ({username}) can sign in: if they lose their factor, leave or are \
                 disabled, only this command line can administer Gatehouse. Add a second administrator \
                 ({ADD_ADMIN}; they set a password with \"Forgot your password?\" and add a security key)."
            ),
            Warning::OneFactor { username, key } => format!(
                "{username} signs in with a single {} and has no recovery codes: losing it locks Gatehouse out. \
                 Add a second security key or create recovery codes (Account › Sign-in security, \
                 /account/security).",
                if *key { "security key" } else { "second factor" }
            ),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use crate::core::accounts::readiness::Warning;

    #[test]
    fn readiness_warnings_say_what_to_do() {
        let lines = super::readiness_lines(
            &[
                Warning::OneAdministrator {
                    username: "root".into(),
                },
                Warning::OneFactor {
                    username: "root".into(),
                    key: true,
                },
            ],
            false,
        );
        assert!(lines[0].starts_with("only one administrator (root)"), "{lines:?}");
        assert!(lines[0].contains("gatehouse user add NAME --email ADDRESS --role admin"));
        assert!(lines[1].contains("single security key") && lines[1].contains("recovery codes"));
        let first = super::readiness_lines(&[Warning::NoAdministrator], true);
        assert!(
            first[0].contains("yet") && first[0].contains("--role admin"),
            "{first:?}"
        );
        assert!(super::readiness_lines(&[], false).is_empty());
    }

    #[test]
    fn the_setup_link_is_framed() {
        let framed = super::setup_box("admin", 24, "http://localhost:8080/password/reset?token=abc");
        let lines: Vec<&str> = framed.split('\n').collect();
        assert_eq!(lines[0], "", "an empty line before");
        assert!(lines[1].len() >= 40 && lines[1].bytes().all(|b| b == b'='), "{framed}");
        assert_eq!(lines[lines.len() - 3], lines[1], "the same rule below");
        assert_eq!(&lines[lines.len() - 2..], ["", ""], "an empty line after");
        assert!(
            lines
                .iter()
                .any(|l| l.trim() == "http://localhost:8080/password/reset?token=abc")
        );
        assert!(lines[1].len() >= "  http://localhost:8080/password/reset?token=abc".len());
    }
}
