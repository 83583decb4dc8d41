//! What the recovery tests share: the cast (Kim, her manager Mona, agents Hugo and Hana, admins Ada and Abe),
//! running a core operation as one of them (`as_user!`), a request opened by Hugo, and reading states and mails.
use crate::common::*;
use gatehouse::core::accounts::NewAccount;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::User;
use gatehouse::core::recovery::flow::{self, Ctx, Member, Settings};
use gatehouse::core::recovery::{FactorResetRequest, ResetState};

/// An account `name` with `roles`, the password `GOOD_PASSWORD`, and a display name of its own ("Kim Ode" for `kim`),
/// so pages that name people show both the name and the username.
pub(crate) async fn add(server: &TestServer, name: &str, roles: &[&str], manager: Option<&str>) -> User {
    server
        .create_account(NewAccount {
            display_name: Some(display_name_of(name)),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            manager: manager.map(str::to_string),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account(name)
        })
        .await
}

/// The display name `add` gives `username`: capitalised, with the surname "Ode".
pub(crate) fn display_name_of(username: &str) -> String {
    let mut chars = username.chars();
    let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    format!("{first}{} Ode", chars.as_str())
}

pub(crate) fn settings(server: &TestServer) -> Settings {
    gatehouse::app::recovery_settings(&server.state().config)
}

pub(crate) fn ctx<'a>(server: &'a TestServer, settings: &'a Settings, origin: &'a Origin) -> Ctx<'a> {
    Ctx {
        store: server.state().store.as_ref(),
        notifier: server.state().notifier.as_ref(),
        sms: server.state().sms.as_ref(),
        settings,
        now: server.state().clock.now(),
        origin,
    }
}

pub(crate) async fn member(server: &TestServer, name: &str) -> Member {
    Member::load(server.state().store.as_ref(), server.user(name).await)
        .await
        .unwrap()
}

/// Runs one core operation as `actor` (by username).
macro_rules! as_user {
    ($server:expr, $actor:expr, |$ctx:ident, $m:ident| $body:expr) => {{
        let s = settings($server);
        let $m = member($server, $actor).await;
        let origin = Origin::cli().with_actor(format!("user:{}", $m.user.id));
        let $ctx = ctx($server, &s, &origin);
        $body.await
    }};
}
pub(crate) use as_user;

pub(crate) async fn state_of(server: &TestServer, id: &str) -> ResetState {
    server.state().store.factor_reset(id).await.unwrap().unwrap().state
}

/// Stores an active security key for `user_id` (admins and agents enrol keys under their policy; a stored one
/// stands in for the ceremony in these tests).
pub(crate) async fn stored_security_key(server: &TestServer, user_id: &str) {
    let key = gatehouse::core::factors::Factor::new(
        user_id,
        gatehouse::core::factors::FactorKind::WebAuthn,
        "Key".into(),
        gatehouse::core::factors::FactorStatus::Active,
        serde_json::json!({}),
        server.state().clock.now(),
    );
    server.state().store.insert_factor(&key).await.unwrap();
}

pub(crate) async fn factor_count(server: &TestServer, user: &User) -> usize {
    server.state().store.factors_of(&user.id).await.unwrap().len()
}

/// The newest mail to `name` whose text contains `marker`.
pub(crate) async fn mail_to(server: &TestServer, name: &str, marker: &str) -> String {
    for _ in 0..50 {
        let mails = server.mails(1).await;
        if let Some(m) = mails
            .iter()
            .rev()
            .find(|m| m.contains(&format!("To: {name}@example.com")) && m.contains(marker))
        {
            return m.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {name} containing {marker}");
}

pub(crate) fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("token in link").to_string()
}

/// Kim (manager Mona) with an authenticator app; Hugo and Hana are helpdesk agents; Ada and Abe admins.
pub(crate) async fn cast(server: &TestServer) -> Vec<u8> {
    add(server, "mona", &["user"], None).await;
    add(server, "kim", &["user"], Some("mona")).await;
    add(server, "hugo", &["helpdesk"], None).await;
    add(server, "hana", &["helpdesk"], None).await;
    add(server, "ada", &["admin"], None).await;
    add(server, "abe", &["admin"], None).await;
    let browser = server.browser();
    assert_eq!(browser.login("kim", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await
}

/// Opens a request for kim as hugo and returns it.
pub(crate) async fn opened_by_hugo(server: &TestServer) -> FactorResetRequest {
    let kim = member(server, "kim").await;
    as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kim,
        "all",
        "lost phone, called from desk"
    ))
    .expect("opened")
}
