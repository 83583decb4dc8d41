//! Role reauthentication limits through the real server and the test clock: administrators are signed out after
//! 15 idle minutes and 12 hours since they last authenticated, ordinary users keep the server-wide limits,
//! several roles combine strictest-wins, and `role set ... none` falls back to the server-wide limit.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};

async fn set(server: &TestServer, role: &str, change: PolicyChange) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &change,
    )
    .await
    .unwrap_or_else(|e| panic!("policy of {role}: {e}"));
}

/// Server-wide: 24 h absolute, 2 h idle — both longer than the admin role's 12 h / 15 min.
async fn server() -> TestServer {
    let db = TestDb::new().await;
    let mut server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_SESSION_LIFETIME_MINUTES", "1440")]).await;
    server.db = Some(db);
    server
}

/// A signed-in administrator (the admin policy relaxed to count TOTP, as there is no security key here).
async fn signed_in_admin(server: &TestServer) -> Browser {
    set(
        server,
        "admin",
        PolicyChange {
            allowed_factors: Some(parse_kinds("webauthn,totp,recovery_code").unwrap()),
            ..Default::default()
        },
    )
    .await;
    server.add_user_with("ada", Some(GOOD_PASSWORD), &["admin"]).await;
    let enrolling = server.browser();
    let first = enrolling.login("ada", GOOD_PASSWORD).await;
    assert!(
        first.location().unwrap_or_default().starts_with("/account/security"),
        "administrators must enrol: {:?}",
        first.location()
    );
    let secret = server.enrol_totp(&enrolling).await;
    let browser = server.browser();
    let done = server.sign_in_with_totp(&browser, "ada", &secret).await;
    assert_eq!(done.location().as_deref(), Some("/account"), "{}", done.body);
    assert_eq!(browser.get("/account").await.status, 200);
    browser
}

async fn signed_in(server: &TestServer, username: &str, roles: &[&str]) -> Browser {
    server.add_user_with(username, Some(GOOD_PASSWORD), roles).await;
    let browser = server.browser();
    let done = browser.login(username, GOOD_PASSWORD).await;
    assert_eq!(done.location().as_deref(), Some("/account"), "{}", done.body);
    browser
}

async fn is_signed_in(browser: &Browser) -> bool {
    match browser.get("/account").await.status {
        200 => true,
        303 => false,
        other => panic!("unexpected status {other}"),
    }
}

/// Keeps the browsers active with a request every 10 minutes for `total`; `false` once one is signed out.
async fn stay_active(server: &TestServer, browsers: &[&Browser], total: Duration) -> bool {
    let mut elapsed = Duration::zero();
    while elapsed < total {
        server.clock.advance(Duration::minutes(10));
        elapsed += Duration::minutes(10);
        for browser in browsers {
            if !is_signed_in(browser).await {
                return false;
            }
        }
    }
    true
}

#[tokio::test]
async fn an_admin_is_signed_out_after_15_idle_minutes_and_a_user_is_not() {
    let server = server().await;
    let ada = signed_in_admin(&server).await;
    let ada_id = server.user("ada").await;
    let uma = signed_in(&server, "uma", &["user"]).await;
    // Activity keeps both signed in well past 15 minutes (the idle limit is not an absolute one).
    assert!(stay_active(&server, &[&ada], Duration::minutes(40)).await);
    // Just under the limit (less the touch interval the last request may not have been recorded within).
    server.clock.advance(Duration::minutes(14));
    assert!(is_signed_in(&ada).await, "14 idle minutes are within the limit");
    assert!(is_signed_in(&uma).await);
    let sessions = server.session_count(&ada_id).await;
    server.clock.advance(Duration::minutes(15));
    assert!(
        !is_signed_in(&ada).await,
        "15 idle minutes end an administrator's session"
    );
    assert_eq!(
        server.session_count(&ada_id).await,
        sessions - 1,
        "the session is deleted, not just refused"
    );
    assert!(
        is_signed_in(&uma).await,
        "the server-wide 2 h idle limit applies to users"
    );
    server.clock.advance(Duration::minutes(121));
    assert!(!is_signed_in(&uma).await, "… and does end their sessions");
}

#[tokio::test]
async fn an_admin_is_signed_out_after_12_hours_even_when_active_and_a_user_is_not() {
    let server = server().await;
    let ada = signed_in_admin(&server).await;
    let uma = signed_in(&server, "uma", &["user"]).await;
    assert!(stay_active(&server, &[&ada, &uma], Duration::minutes(11 * 60 + 50)).await);
    assert!(
        !stay_active(&server, &[&ada], Duration::minutes(10)).await,
        "12 h since signing in"
    );
    assert!(
        stay_active(&server, &[&uma], Duration::hours(11)).await,
        "users last the server-wide 24 h"
    );
    server.clock.advance(Duration::minutes(61));
    assert!(!is_signed_in(&uma).await, "… which do end their sessions");
}

#[tokio::test]
async fn two_roles_combine_strictest_wins() {
    let server = server().await;
    // Helpdesk: 10 h absolute, 30 min idle (and no second factor, to sign in with a password here).
    set(
        &server,
        "helpdesk",
        PolicyChange {
            mfa_required: Some(false),
            reauth_absolute_minutes: Some(Some(600)),
            reauth_idle_minutes: Some(Some(30)),
            ..Default::default()
        },
    )
    .await;
    // User: no absolute limit of its own, 20 min idle.
    set(
        &server,
        "user",
        PolicyChange {
            reauth_idle_minutes: Some(Some(20)),
            ..Default::default()
        },
    )
    .await;
    // Idle: the user role's 20 minutes, not the helpdesk's 30.
    let duo = signed_in(&server, "duo", &["helpdesk", "user"]).await;
    server.clock.advance(Duration::minutes(19));
    assert!(is_signed_in(&duo).await);
    server.clock.advance(Duration::minutes(21));
    assert!(!is_signed_in(&duo).await, "the shorter idle limit wins");
    // Absolute: the helpdesk's 10 h, although the user role has none.
    let duo = server.browser();
    assert_eq!(
        duo.login("duo", GOOD_PASSWORD).await.location().as_deref(),
        Some("/account")
    );
    assert!(stay_active(&server, &[&duo], Duration::minutes(9 * 60 + 50)).await);
    assert!(
        !stay_active(&server, &[&duo], Duration::minutes(10)).await,
        "the only absolute limit applies"
    );
}

#[tokio::test]
async fn role_set_none_falls_back_to_the_server_wide_idle_limit() {
    let server = server().await;
    let ada = signed_in_admin(&server).await;
    let db = server.db.as_ref().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", &server.data_dir)
        .env("GATEHOUSE_DATABASE_URL", &db.url)
        .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
        .env("USER", "tester")
        .args(["role", "set", "admin", "--reauth-idle-minutes", "none"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    server.clock.advance(Duration::minutes(60));
    assert!(is_signed_in(&ada).await, "an hour idle is within the server-wide 2 h");
    server.clock.advance(Duration::minutes(121));
    assert!(!is_signed_in(&ada).await, "the server-wide idle limit still applies");
}
