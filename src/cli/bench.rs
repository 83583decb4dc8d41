//! `gatehouse bench …`: what the benchmarks under `benches/` need from the binary itself: accounts in bulk
//! (`seed`) and the argon2id bound of this machine (`argon2`). See docs/performance.md and docs/operations.md.
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::BufRead;
use std::time::{Duration, Instant};

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::Keys;
use crate::core::accounts::seed::{self, Plan};
use crate::core::factors::password;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Load N benchmark users `<prefix>1` … `<prefix>N`, each with a password, a confirmed authenticator app and
    /// a role. Every user gets the SAME password hash: the password is hashed once (argon2id, the server's
    /// parameters), since hashing a million passwords would take hours. The authenticator app of user i has the
    /// secret HMAC-SHA256(key = seed, message = "i" in decimal), first 20 bytes, sealed with this installation's
    /// key. For benchmark databases only: no audit events are written.
    Seed(SeedArgs),
    /// How many argon2id password hashes per second this machine computes with the server's parameters, on as
    /// many threads as the server hashes on (`password_hash_concurrency`, default one per available core).
    Argon2 {
        /// How long to measure.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// How many users (1 to 10,000,000).
    #[arg(long)]
    pub users: u64,
    /// The role every seeded user gets.
    #[arg(long, default_value = "user")]
    pub role: String,
    /// Usernames are this prefix followed by the index (1-based); refused when such usernames exist already.
    #[arg(long, default_value = "bench-")]
    pub prefix: String,
    /// The seed of the authenticator-app secrets.
    #[arg(long, default_value = seed::DEFAULT_TOTP_SEED)]
    pub totp_seed: String,
    /// Read the password from standard input; without it every user has the password documented in
    /// docs/operations.md ("bench-violet-tractor-sings-at-dawn").
    #[arg(long)]
    pub password_stdin: bool,
}

pub async fn run(config: &Config, command: BenchCommand, json: bool) -> Result<(), CliError> {
    match command {
        BenchCommand::Seed(args) => run_seed(config, args, json).await,
        BenchCommand::Argon2 { seconds } => run_argon2(config, seconds, json).await,
    }
}

fn password_from_stdin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError(format!("reading the password from standard input: {e}")))?;
    let text = line.trim_end_matches(['\r', '\n']).to_string();
    if text.is_empty() {
        return Err(CliError("no password on standard input".into()));
    }
    Ok(text)
}

async fn run_seed(config: &Config, args: SeedArgs, json: bool) -> Result<(), CliError> {
    let started = Instant::now();
    let password_text = if args.password_stdin {
        password_from_stdin()?
    } else {
        seed::DEFAULT_PASSWORD.to_string()
    };
    let plan = Plan {
        users: args.users,
        prefix: args.prefix,
        role: args.role,
        totp_seed: args.totp_seed,
    };
    // The count first: a typo such as `--users 0` is refused before the database is even opened.
    if plan.users == 0 || plan.users > seed::MAX_USERS {
        return Err(CliError(format!(
            "--users: 1 to {}, not {}.",
            seed::MAX_USERS,
            plan.users
        )));
    }
    let store = super::user::store(config).await?;
    let store = store.as_ref();
    plan.check(store).await?;
    let sealer = Keys::derive(&app::master_key(config).map_err(|e| CliError(format!("{e:#}")))?).sealer;
    let hash = tokio::task::spawn_blocking(move || seed::password_hash(&password_text))
        .await
        .map_err(|e| CliError(format!("hashing the password: {e}")))??;
    let now = crate::core::clock::Clock::now(&crate::core::clock::SystemClock);
    // Progress on stderr, on a terminal or not (a million users take minutes), about every 5 %.
    let report_every = (plan.users / 20).max(seed::CHUNK as u64);
    let mut next_report = report_every;
    let mut first = 1;
    while first <= plan.users {
        let last = (first + seed::CHUNK as u64 - 1).min(plan.users);
        let (users, factors) = seed::chunk(&plan, first, last, &hash, &sealer, now)?;
        store
            .insert_seeded_users(&users, &plan.role, &factors)
            .await
            .map_err(|e| CliError(format!("users {first} to {last}: {e} ({} loaded before)", first - 1)))?;
        if last >= next_report && last < plan.users {
            next_report += report_every;
            let rate = last as f64 / started.elapsed().as_secs_f64();
            eprintln!("{last} of {} users ({rate:.0}/s)", plan.users);
        }
        first = last + 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    print(
        json,
        &json!({
            "users": plan.users, "first": plan.username(1), "last": plan.username(plan.users),
            "role": plan.role, "seconds": (seconds * 10.0).round() / 10.0, "backend": store_backend(config),
        }),
        &format!(
            "Loaded {} users ({} … {}) with role '{}', a password and an authenticator app each, in {seconds:.1} s \
             ({:.0} users/s).",
            plan.users,
            plan.username(1),
            plan.username(plan.users),
            plan.role,
            plan.users as f64 / seconds,
        ),
    );
    Ok(())
}

fn store_backend(config: &Config) -> &'static str {
    if config.database_url().starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    }
}

async fn run_argon2(config: &Config, seconds: f64, json: bool) -> Result<(), CliError> {
    if !(0.5..=600.0).contains(&seconds) {
        return Err(CliError("--seconds: 0.5 to 600".into()));
    }
    let threads = config.hash_workers();
    let duration = Duration::from_secs_f64(seconds);
    let counts = tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(move || {
                        let mut memory = password::Memory::default();
                        // One hash outside the measurement: the first one allocates argon2's memory.
                        password::hash_with("warm-up password", &mut memory)?;
                        let start = Instant::now();
                        let mut done = 0u64;
                        while start.elapsed() < duration {
                            password::hash_with("bench-violet-tractor-sings-at-dawn", &mut memory)?;
                            done += 1;
                        }
                        Ok::<_, crate::core::Error>((done, start.elapsed()))
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().map_err(|_| CliError("a hashing thread panicked".into())))
                .collect::<Result<Vec<_>, CliError>>()
        })
    })
    .await
    .map_err(|e| CliError(format!("hashing: {e}")))??;
    let mut per_second = 0.0;
    let mut hashes = 0;
    for result in counts {
        let (done, elapsed) = result?;
        hashes += done;
        per_second += done as f64 / elapsed.as_secs_f64();
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    print(
        json,
        &json!({
            "threads": threads, "cores": cores, "hashes": hashes,
            "hashes_per_second": (per_second * 10.0).round() / 10.0,
            "ms_per_hash_per_thread": if per_second > 0.0 { ((threads as f64 / per_second) * 1e4).round() / 10.0 } else { 0.0 },
        }),
        &format!(
            "argon2id (the server's parameters): {per_second:.1} hashes/s on {threads} thread(s), {cores} available \
             core(s); {:.1} ms per hash per thread.",
            if per_second > 0.0 {
                threads as f64 * 1e3 / per_second
            } else {
                0.0
            }
        ),
    );
    Ok(())
}
