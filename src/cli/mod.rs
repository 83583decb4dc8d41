//! The `gatehouse` command line. Every command exits non-zero with a one-line message on bad input;
//! with `--json`, results are printed as JSON on standard output.
mod absence;
mod account;
mod bench;
mod clients;
mod keys;
mod recovery;
mod roles;
mod saml;
mod scim;
mod serve;
mod sps;
mod ssf;
mod telemetry;
mod tokens;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;

/// The version and the commit it was built from (`build.rs`; "unknown" outside a git checkout).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GATEHOUSE_COMMIT"), ")");

#[derive(Parser, Debug)]
#[command(name = "gatehouse", version = VERSION, about = "Gatehouse identity provider")]
pub struct Cli {
    /// Configuration file (TOML); also GATEHOUSE_CONFIG.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process; boxing the large variant (`role set`'s options) would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Copy the embedded SQLite database to FILE while servers keep running, and check the copy.
    Backup {
        /// Where to write the copy (a new file; never overwritten).
        file: PathBuf,
    },
    /// Manage user accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Role policies: which factor kinds count, whether a second factor is required, from when.
    #[command(subcommand)]
    Role(roles::RoleCommand),
    /// OpenID Connect clients (relying parties).
    #[command(subcommand)]
    Client(clients::ClientCommand),
    /// The OpenID Provider's signing keys: list, rotate.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// SAML service providers: add (from metadata), list, show, update, remove.
    #[command(subcommand)]
    Sp(sps::SpCommand),
    /// The SAML identity provider's signing certificates: rotate-cert, certs.
    #[command(subcommand)]
    Saml(saml::SamlCommand),
    /// Hardware OATH tokens: import seeds, list.
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// Factor-reset requests: list, show, open, approve, deny, execute, cancel (acting `--as` a named person).
    #[command(subcommand)]
    Recovery(recovery::RecoveryCommand),
    /// Read the audit log.
    #[command(subcommand)]
    Audit(user::AuditCommand),
    /// Directory provisioning (SCIM): tokens for provisioning systems, groups, purge of deleted accounts.
    #[command(subcommand)]
    Scim(scim::ScimCommand),
    /// Shared Signals (SSF transmitter): the receivers' streams, their backlog and failures.
    #[command(subcommand)]
    Ssf(ssf::SsfCommand),
    /// Benchmark support: load benchmark users in bulk (`seed`), measure the argon2id bound (`argon2`).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// An error for the person at the terminal: printed as `error: …`, exit status 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => return fail(&format!("configuration: {e}"), cli.json),
    };
    let serving = matches!(cli.command, Command::Serve);
    // Kept until the end of `run`: its drop flushes the last spans.
    let _telemetry = telemetry::init(&config, serving);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}"), cli.json),
    };
    let json = cli.json;
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve => serve::serve(config).await,
            Command::Migrate => {
                let store = crate::app::open_store(&config)
                    .await
                    .map_err(|e| CliError(format!("{e:#}")))?;
                print(
                    json,
                    &serde_json::json!({ "migrated": true, "backend": store.backend_name() }),
                    "Database is up to date.",
                );
                Ok(())
            }
            Command::Backup { file } => {
                let report = crate::store::backup::sqlite(&config.database_url(), &file).await?;
                print(
                    json,
                    &serde_json::to_value(&report)?,
                    &format!(
                        "Backed up {} users to {} ({} bytes, schema {}); the copy passed its integrity check. \
                         Keep the secret key apart from it: the copy's sealed secrets need it.",
                        report.users,
                        report.path.display(),
                        report.bytes,
                        report.schema.as_deref().unwrap_or("unknown"),
                    ),
                );
                Ok(())
            }
            Command::User(cmd) => user::run_user(&config, cmd, json).await,
            Command::Audit(cmd) => user::run_audit(&config, cmd, json).await,
            Command::Role(cmd) => roles::run(&config, cmd, json).await,
            Command::Tokens(cmd) => tokens::run(&config, cmd, json).await,
            Command::Client(cmd) => clients::run(&config, cmd, json).await,
            Command::Keys(cmd) => keys::run(&config, cmd, json).await,
            Command::Sp(cmd) => sps::run(&config, cmd, json).await,
            Command::Recovery(cmd) => recovery::run(&config, cmd, json).await,
            Command::Saml(cmd) => saml::run(&config, cmd, json).await,
            Command::Scim(cmd) => scim::run(&config, cmd, json).await,
            Command::Ssf(cmd) => ssf::run(&config, cmd, json).await,
            Command::Bench(cmd) => bench::run(&config, cmd, json).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(message)) => fail(&message, json),
    }
}

fn fail(message: &str, json: bool) -> ExitCode {
    if json {
        eprintln!("{}", serde_json::json!({ "error": message }));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::FAILURE
}

pub(crate) fn print(json: bool, value: &serde_json::Value, text: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}
