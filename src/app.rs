//! The composition root: the data directory, the master key, the database, the mailer, each protocol's state,
//! the sign-out steps, the route table and the background sweepers, tied together in `State` and served.
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use utoipa_actix_web::AppExt;

use crate::config::Config;
use crate::core::Keys;
use crate::core::clock::Clock;
use crate::core::factors::password::PasswordPool;
use crate::core::factors::password::links::{self as password_links, LinkSettings};
use crate::core::notify::SmsGateway;
use crate::core::secrets::MasterKey;
use crate::core::signin::sessions::SessionLimits;
use crate::core::throttle::Policy;
use crate::http::AppState;
use crate::http::signout::SignOutStep;
use crate::notify::mail::Mailer;
use crate::protocols::{oidc, saml};
use crate::store::SeaStore;

/// Creates the data directory (owner-only) if it is missing.
pub fn ensure_data_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating data directory {}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// The configured key, or the one in `<data_dir>/secret.key`, generated on first start.
pub fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(text) = &config.secret_key {
        return MasterKey::from_base64(text).context("secret_key must be the base64 encoding of 32 bytes");
    }
    let path = config.data_dir.join("secret.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        return MasterKey::from_base64(&text)
            .with_context(|| format!("{} does not hold a base64 32-byte key", path.display()));
    }
    let key = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{}", key.to_base64())?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key)
}

/// Opens the database and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<SeaStore> {
    ensure_data_dir(&config.data_dir)?;
    let store = SeaStore::connect(&config.database_url())
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying database migrations")?;
    Ok(store)
}

/// The state of a running server: the HTTP kit's, which every handler gets, and each protocol's own.
pub struct State {
    pub http: AppState,
    pub oidc: Arc<oidc::Provider>,
    pub saml: Arc<saml::IdentityProvider>,
}

pub async fn build_state(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<State> {
    let store = open_store(&config).await?;
    check_approver_role(&store, &config.recovery_approver_role).await?;
    let key = master_key(&config)?;
    let keys = Keys::derive(&key);
    oidc::keys::ensure(&store, &keys.sealer, clock.now()).await?;
    saml::keys::ensure(
        &store,
        &keys.sealer,
        config.public_url.host_str().unwrap_or("gatehouse"),
        clock.now(),
    )
    .await?;
    let brand =
        Arc::new(crate::http::brand::Brand::load(&config).context("reading the brand_logo_path or brand_css_path")?);
    let mailer = mailer(&config)?;
    let passwords = password_pool(&config)?;
    let attestation = Arc::new(attestation_trust(&config)?);
    let oidc = Arc::new(oidc::Provider {
        keys: oidc::keys::KeyRing::new(keys.sealer.clone()),
        clients: Default::default(),
    });
    let saml = Arc::new(saml::IdentityProvider {
        keys: saml::keys::SamlKeyRing::new(keys.sealer.clone()),
    });
    // Back-channel logout first, then the SAML front-channel hops (which take the browser).
    let sign_out: Vec<Arc<dyn SignOutStep>> = vec![
        Arc::new(oidc::http_logout::BackChannel(oidc.clone())),
        Arc::new(saml::http_slo::FrontChannel(saml.clone())),
    ];
    let http = AppState {
        recovery: recovery_settings(&config),
        sign_out,
        brand,
        passwords: Arc::new(passwords),
        limits: session_limits(&config),
        links: link_settings(&config),
        keys,
        factor_policy: Policy::factor(
            config.factor_lockout_failures,
            chrono::Duration::minutes(config.factor_lockout_minutes.into()),
        ),
        password_policy: Policy::password_sign_in(config.password_lockout_failures),
        store: Arc::new(store),
        clock,
        notifier: Arc::new(mailer),
        sms: sms_gateway(&config)?,
        webauthn: match crate::core::factors::webauthn::relying_party(&config.public_url, &config.totp_issuer) {
            Ok(rp) => Some(Arc::new(rp)),
            Err(e) => {
                tracing::warn!(error = %e, "security keys and passkeys are unavailable");
                None
            }
        },
        attestation,
        config: Arc::new(config),
    };
    Ok(State { http, oidc, saml })
}

/// The attestation trust anchors of passkey profiles, read once from the configured files; a file that is
/// missing or not what it should be stops the start (a role requiring attestation would otherwise refuse every key).
pub fn attestation_trust(config: &Config) -> anyhow::Result<crate::core::factors::webauthn_profile::AttestationTrust> {
    let mut pems = Vec::new();
    for path in &config.webauthn_attestation_ca_paths {
        let pem = std::fs::read(path).with_context(|| format!("reading webauthn_attestation_ca_paths: {path}"))?;
        pems.push((path.clone(), pem));
    }
    let blob = config
        .webauthn_mds_blob_path
        .as_ref()
        .map(|path| {
            std::fs::read(path)
                .with_context(|| format!("reading webauthn_mds_blob_path: {}", path.display()))
                .map(|b| (path.display().to_string(), b))
        })
        .transpose()?;
    let trust = crate::core::factors::webauthn_profile::AttestationTrust::from_sources(
        &pems,
        blob.as_ref().map(|(name, b)| (name.as_str(), b.as_slice())),
    )
    .map_err(|e| anyhow::anyhow!("webauthn attestation trust anchors: {e}"))?;
    if !trust.is_empty() {
        tracing::info!(
            roots = trust.len(),
            mds_entries = trust.mds_entries,
            "attestation trust anchors loaded"
        );
    }
    Ok(trust)
}

/// Refuses to start when `recovery_approver_role` names no role: factor resets without a manager would be asked of
/// nobody, silently.
async fn check_approver_role(store: &SeaStore, role: &str) -> anyhow::Result<()> {
    use crate::core::store::UserStore;
    let roles: Vec<String> = store.list_roles().await?.into_iter().map(|r| r.name).collect();
    if !roles.iter().any(|r| r == role) {
        anyhow::bail!(
            "recovery_approver_role: there is no role '{role}' (the roles are: {})",
            roles.join(", ")
        );
    }
    Ok(())
}

/// The mailer as configured: SMTP, or `.eml` files under the data directory's `mail/`.
pub fn mailer(config: &Config) -> anyhow::Result<Mailer> {
    let brand = crate::http::brand::Brand::load(config).context("reading the brand_logo_path or brand_css_path")?;
    Ok(Mailer::new(
        config.smtp_url.as_deref(),
        config.data_dir.join("mail"),
        &config.mail_from,
        crate::templates::shared().clone(),
    )?
    .with_brand(&brand.name, brand.mail_logo_url.as_deref())
    .with_default_language(crate::i18n::Lang::parse(&config.default_language).unwrap_or(crate::i18n::Lang::En)))
}

/// The SMS gateway as configured.
pub fn sms_gateway(config: &Config) -> anyhow::Result<Arc<dyn SmsGateway>> {
    Ok(Arc::from(crate::notify::sms::from_config(config)?))
}

/// Browser-session lifetimes as configured (before any role tightens them).
pub fn session_limits(config: &Config) -> SessionLimits {
    SessionLimits {
        absolute: chrono::Duration::minutes(config.session_lifetime_minutes.into()),
        idle: chrono::Duration::minutes(config.session_idle_minutes.into()),
    }
}

/// The password hashing pool as configured.
pub fn password_pool(config: &Config) -> anyhow::Result<PasswordPool> {
    let pool = PasswordPool::new(config.hash_workers(), config.hash_queue())
        .context("starting the password hashing threads")?;
    tracing::debug!(threads = pool.workers(), queue = pool.queue(), "password hashing pool");
    Ok(pool)
}

pub fn link_settings(config: &Config) -> LinkSettings {
    LinkSettings {
        public_url: config.public_url.clone(),
        reset_ttl: chrono::Duration::minutes(config.password_reset_minutes.into()),
        setup_ttl: chrono::Duration::hours(config.setup_link_hours.into()),
    }
}

/// The first administrator's one-time setup link, when no administrator has a password yet.
/// The factor-reset settings from the configuration.
pub fn recovery_settings(config: &Config) -> crate::core::recovery::flow::Settings {
    crate::core::recovery::flow::Settings {
        public_url: config.public_url.clone(),
        approval_ttl: chrono::Duration::hours(config.recovery_approval_hours.into()),
        cooling_off: chrono::Duration::minutes(config.recovery_cooling_off_minutes.into()),
        cooling_off_admin: chrono::Duration::minutes(config.recovery_cooling_off_admin_minutes.into()),
        enrol_ttl: chrono::Duration::hours(config.recovery_enrolment_hours.into()),
        pass_ttl: chrono::Duration::minutes(config.recovery_pass_minutes.into()),
        checks: config.recovery_identity_checks.clone(),
        approver_role: config.recovery_approver_role.clone(),
        caller_verification: config.recovery_caller_verification,
        verify_ttl: chrono::Duration::minutes(config.recovery_verify_minutes.into()),
    }
}

pub async fn first_admin_link(state: &AppState) -> anyhow::Result<Option<String>> {
    let config = &state.config;
    Ok(password_links::bootstrap_first_admin(
        state.store.as_ref(),
        &state.passwords,
        state.clock.now(),
        &state.links,
        &config.admin_username,
        &config.admin_email,
    )
    .await?)
}

pub struct Running {
    pub addr: SocketAddr,
    /// Where metrics are served (`metrics_listen`), when they are.
    pub metrics_addr: Option<SocketAddr>,
    pub handle: actix_web::dev::ServerHandle,
    pub state: web::Data<AppState>,
    pub oidc: web::Data<oidc::Provider>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts serving on `listener` in the background. `handle_signals` is false in tests, where several
/// servers share a process.
/// How often each instance looks for sessions that ended without a logout, to tell their relying parties.
const BACKCHANNEL_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

async fn backchannel_sweeper(state: web::Data<AppState>, op: web::Data<oidc::Provider>) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + BACKCHANNEL_SWEEP, BACKCHANNEL_SWEEP);
    let origin = crate::core::audit::Origin {
        actor: "system:backchannel-logout".into(),
        ..Default::default()
    };
    loop {
        ticks.tick().await;
        let issuer = oidc::issuer(&state.config.public_url);
        let ctx = oidc::http::ctx(&state, &op, &issuer, &origin);
        if let Err(e) = oidc::logout::sweep(&ctx, state.limits).await {
            tracing::warn!(error = %e, "back-channel logout sweep failed");
        }
    }
}

/// How often each instance finishes factor resets whose cooling-off is over and expires unanswered requests
/// (any request touching a factor reset does the same for that one first).
const RECOVERY_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

async fn recovery_sweeper(state: web::Data<AppState>) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + RECOVERY_SWEEP, RECOVERY_SWEEP);
    let origin = crate::core::audit::Origin {
        actor: "system:recovery".into(),
        ..Default::default()
    };
    loop {
        ticks.tick().await;
        let ctx = crate::core::recovery::flow::Ctx {
            store: state.store.as_ref(),
            notifier: state.notifier.as_ref(),
            sms: state.sms.as_ref(),
            settings: &state.recovery,
            now: state.clock.now(),
            origin: &origin,
        };
        if let Err(e) = crate::core::recovery::flow::sweep(&ctx).await {
            tracing::warn!(error = %e, "factor-reset sweep failed");
        }
        // Unanswered caller-verification prompts time out, and their users are warned, even if nobody looks.
        if let Err(e) = crate::core::recovery::verify_flow::sweep(&ctx).await {
            tracing::warn!(error = %e, "caller-verification sweep failed");
        }
    }
}

/// How often each instance purges the accounts deleted over SCIM whose retention period has passed.
const DIRECTORY_PURGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Pushes the Shared Signals events due in the outbox once; every instance may run it at the same time (each row
/// is claimed by one). Returns how many were delivered.
pub async fn deliver_signals(state: &AppState, op: &oidc::Provider) -> crate::core::Result<usize> {
    let origin = crate::core::audit::Origin {
        actor: "system:ssf".into(),
        ..Default::default()
    };
    let issuer = oidc::issuer(&state.config.public_url);
    let ctx = oidc::http::ctx(state, op, &issuer, &origin);
    crate::protocols::ssf::deliver_due(&ctx, &state.keys.sealer).await
}

/// Deletes the outbox rows delivered longer ago than `ssf_delivered_retention_days`; how many. Any instance may
/// run it at any time (a plain conditional `DELETE`).
pub async fn purge_delivered_signals(state: &AppState) -> crate::core::Result<u64> {
    let retention = chrono::Duration::days(state.config.ssf_delivered_retention_days.into());
    state.store.purge_delivered_ssf(state.clock.now() - retention).await
}

async fn signal_sender(state: web::Data<AppState>, op: web::Data<oidc::Provider>) {
    let every = std::time::Duration::from_secs(state.config.ssf_delivery_interval_secs);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        ticks.tick().await;
        if let Err(e) = deliver_signals(&state, &op).await {
            tracing::warn!(error = %e, "Shared Signals delivery failed");
        }
        match purge_delivered_signals(&state).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "deleted delivered Shared Signals events past their retention"),
            Err(e) => tracing::warn!(error = %e, "Shared Signals outbox purge failed"),
        }
    }
}

async fn directory_purger(state: web::Data<AppState>) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + DIRECTORY_PURGE, DIRECTORY_PURGE);
    let origin = crate::core::audit::Origin {
        actor: "system:scim-retention".into(),
        ..Default::default()
    };
    loop {
        ticks.tick().await;
        let retention = chrono::Duration::days(state.config.scim_deletion_retention_days.into());
        match crate::core::provisioning::purge_due(state.store.as_ref(), state.clock.now(), &origin, retention).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged accounts deleted over SCIM"),
            Err(e) => tracing::warn!(error = %e, "directory purge failed"),
        }
    }
}

pub fn start(state: State, listener: TcpListener, handle_signals: bool) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let (oidc, saml) = (web::Data::from(state.oidc), web::Data::from(state.saml));
    let state = web::Data::new(state.http);
    let data = state.clone();
    let (op, idp) = (oidc.clone(), saml.clone());
    let https = state.config.is_https();
    let logo_origin = crate::http::brand::Brand::logo_origin(&state.config);
    let body_limit = state.config.max_body_bytes;
    let read_timeout = std::time::Duration::from_secs(state.config.request_read_timeout_secs);
    let api_doc =
        crate::api::Document::render(state.config.public_url.as_str()).context("rendering the OpenAPI document")?;
    let api_doc = web::Data::new(api_doc);
    let metered = state.config.metrics_listen.is_some();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(op.clone())
            .app_data(idp.clone())
            .app_data(api_doc.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .wrap(actix_web::middleware::from_fn(crate::http::locale::language))
            .wrap(actix_web::middleware::from_fn(crate::http::read_deadline))
            .wrap(actix_web::middleware::from_fn(crate::http::request_id_header))
            .wrap(crate::http::security_headers(https, logo_origin.as_deref()))
            .wrap(tracing_actix_web::TracingLogger::default())
            .wrap(actix_web::middleware::Condition::new(
                metered,
                actix_web::middleware::from_fn(crate::http::metrics::observe),
            ))
            // The provider's endpoints first: a request is matched against the routes in this order (a regular
            // expression for each pattern with a parameter), and `/token`, `/userinfo` and `/jwks` are the hot ones.
            .configure(oidc::http::routes)
            .configure(crate::web::routes)
            .configure(saml::http::routes)
            .configure(crate::scim::configure)
            .configure(crate::protocols::ssf::http::routes)
            .into_utoipa_app()
            .configure(crate::api::configure)
            .into_app()
            .default_service(web::to(crate::http::pages::not_found))
    })
    // The head of a request within the read timeout (actix answers 408 itself); its body within the same
    // time after the head (`web::read_deadline`).
    .client_request_timeout(read_timeout)
    .listen(listener)?
    .shutdown_timeout(10);
    if !handle_signals {
        server = server.disable_signals().workers(2);
    } else if let Some(workers) = state.config.workers {
        server = server.workers(workers);
    }
    let server = server.run();
    let handle = server.handle();
    let task = tokio::spawn(server);
    let metrics_addr = match &state.config.metrics_listen {
        Some(addr) => {
            let listener =
                TcpListener::bind(addr).with_context(|| format!("metrics_listen: cannot listen on {addr}"))?;
            let bound = listener.local_addr()?;
            crate::http::metrics::serve(state.clone(), listener, handle_signals)?;
            Some(bound)
        }
        None => None,
    };
    tokio::spawn(backchannel_sweeper(state.clone(), oidc.clone()));
    tokio::spawn(recovery_sweeper(state.clone()));
    tokio::spawn(directory_purger(state.clone()));
    tokio::spawn(signal_sender(state.clone(), oidc.clone()));
    Ok(Running {
        addr,
        metrics_addr,
        handle,
        state,
        oidc,
        task,
    })
}
