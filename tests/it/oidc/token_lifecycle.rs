//! Tokens die with what earned them (security bar, "Tokens outlive nothing that earned them"): for each event —
//! sign-out, the sign-in lapsing, a password reset by mail, a password set by an administrator, disabling the
//! user, a factor reset taking effect, removing the factor the sign-in used, a policy that tightened — the refresh
//! token gets `invalid_grant`, the access token introspects inactive and userinfo refuses it. An `offline_access`
//! family survives sign-out only.
use crate::common::*;
use crate::oidc::common::userinfo_status;
use crate::oidc::common::{REDIRECT, VERIFIER, client, code_for, redeem};
use crate::recovery::common::{as_user, cast, ctx, member, settings};
use chrono::Duration;
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::recovery::flow::{self, Target};
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AuthorizationCode, ClientId, IssuerUrl, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, RefreshToken,
};
use serde_json::Value;

/// An access and a refresh token for `username` signed in in `browser` (signing in with a password on the way
/// when the browser is not signed in yet).
pub(crate) async fn tokens(server: &TestServer, browser: &Browser, scope: &str, username: &str) -> (String, String) {
    let code = code_for(server, browser, &[("scope", scope)], username).await;
    let (status, body) = redeem(server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().expect("a refresh token").to_string(),
    )
}

async fn post_form(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn refresh(server: &TestServer, token: &str) -> (u16, Value) {
    post_form(
        server,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", "spa"),
        ],
    )
    .await
}

async fn active(server: &TestServer, token: &str) -> bool {
    let (status, body) = post_form(server, "/introspect", &[("token", token), ("client_id", "spa")]).await;
    assert_eq!(status, 200, "{body}");
    body["active"] == true
}

/// The refresh token is refused with `invalid_grant`, the access token introspects inactive and userinfo refuses
/// it; returns the refusal's description.
pub(crate) async fn assert_dead(
    server: &TestServer,
    (access, refresh_token): &(String, String),
    event: &str,
) -> String {
    assert!(!active(server, access).await, "{event}: the access token is inactive");
    assert!(
        !active(server, refresh_token).await,
        "{event}: the refresh token is inactive"
    );
    assert_eq!(
        userinfo_status(server, access).await,
        401,
        "{event}: userinfo refuses it"
    );
    let (status, body) = refresh(server, refresh_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{event}: {body}"
    );
    body["error_description"].as_str().unwrap_or_default().to_string()
}

async fn assert_alive(server: &TestServer, (access, refresh_token): &(String, String), event: &str) -> String {
    assert!(active(server, access).await, "{event}: the access token is active");
    assert_eq!(userinfo_status(server, access).await, 200, "{event}");
    let (status, body) = refresh(server, refresh_token).await;
    assert_eq!(status, 200, "{event}: {body}");
    body["refresh_token"].as_str().unwrap().to_string()
}

pub(crate) async fn server_with_spa() -> TestServer {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    server
}

#[tokio::test]
async fn signing_out_ends_the_tokens_of_the_sign_in_but_not_an_offline_family() {
    let server = server_with_spa().await;
    server.add_user("lena", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let online = tokens(&server, &browser, "openid", "lena").await;
    let offline = tokens(&server, &browser, "openid offline_access", "lena").await;
    let other_browser = server.browser();
    let elsewhere = tokens(&server, &other_browser, "openid", "lena").await;

    let account = browser.get("/account").await;
    let out = browser.post("/logout", &[("csrf", &account.csrf())]).await;
    assert_eq!(out.status, 303);
    let why = assert_dead(&server, &online, "sign-out").await;
    assert!(why.contains("sign in again"), "the client is told what to do: {why}");
    // Only that sign-in: the user's other browser keeps its tokens; the offline family refreshes on.
    assert_alive(&server, &elsewhere, "another sign-in").await;
    let (status, body) = refresh(&server, &offline.1).await;
    assert_eq!(status, 200, "offline_access survives sign-out: {body}");
}

#[tokio::test]
async fn a_sign_in_that_lapses_takes_its_tokens_along() {
    let server = server_with_spa().await;
    server.add_user("ivo", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let online = tokens(&server, &browser, "openid", "ivo").await;
    let offline = tokens(&server, &browser, "openid offline_access", "ivo").await;
    // The refresh itself checks the sign-in: no waiting for the sweep. Then the sweep revokes the access token.
    server.clock.advance(server.state().limits.idle + Duration::seconds(1));
    let (status, body) = refresh(&server, &online.1).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let ivo = server.user("ivo").await;
    let kinds = server.audit_kinds(Some(&ivo)).await;
    assert!(
        kinds.contains(&("oidc.refresh_refused".into(), "denied".into())),
        "{kinds:?}"
    );
    let issuer = gatehouse::protocols::oidc::issuer(&server.state().config.public_url);
    let origin = Origin::default();
    gatehouse::protocols::oidc::logout::sweep(
        &gatehouse::protocols::oidc::http::ctx(server.state(), &server.running.oidc, &issuer, &origin),
        server.state().limits,
    )
    .await
    .unwrap();
    assert!(!active(&server, &online.0).await, "swept: the access token is inactive");
    assert_eq!(
        refresh(&server, &offline.1).await.0,
        200,
        "offline_access outlives the sign-in"
    );
}

#[tokio::test]
async fn password_events_end_every_family_offline_included() {
    let server = server_with_spa().await;
    server.add_user("mara", Some(GOOD_PASSWORD)).await;
    server.add_user("nils", Some(GOOD_PASSWORD)).await;

    // A password reset by mail.
    let browser = server.browser();
    let online = tokens(&server, &browser, "openid", "mara").await;
    let offline = tokens(&server, &browser, "openid offline_access", "mara").await;
    server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "mara")])
        .await;
    let mail = server.mails(1).await.remove(0);
    let link = mail
        .split_whitespace()
        .find(|w| w.contains("/password/reset?token="))
        .expect("a reset link")
        .to_string();
    let done = server
        .browser()
        .set_password_via(&link, "another-tractor-sings-at-noon")
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_dead(&server, &online, "password reset").await;
    assert_dead(&server, &offline, "password reset (offline_access)").await;

    // A password set by an administrator.
    let browser = server.browser();
    let online = tokens(&server, &browser, "openid", "nils").await;
    let offline = tokens(&server, &browser, "openid offline_access", "nils").await;
    let nils = server.user("nils").await;
    accounts::set_password(
        server.state().store.as_ref(),
        &server.state().passwords,
        server.state().clock.now(),
        &Origin::cli(),
        &nils,
        "yet-another-tractor-sings".into(),
    )
    .await
    .unwrap();
    assert_dead(&server, &online, "password set by an administrator").await;
    assert_dead(&server, &offline, "password set by an administrator (offline_access)").await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_tokens_for_good() {
    let server = server_with_spa().await;
    let olaf = server.add_user("olaf", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let offline = tokens(&server, &browser, "openid offline_access", "olaf").await;
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    accounts::set_status(store, now, &Origin::cli(), &olaf, UserStatus::Disabled)
        .await
        .unwrap();
    accounts::set_status(store, now, &Origin::cli(), &olaf, UserStatus::Active)
        .await
        .unwrap();
    assert_dead(&server, &offline, "disabled, then enabled again").await;
}

#[tokio::test]
async fn a_stricter_policy_refuses_the_next_refresh() {
    let server = server_with_spa().await;
    let pia = server.add_user("pia", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let (_, first) = tokens(&server, &browser, "openid offline_access", "pia").await;
    let (status, body) = refresh(&server, &first).await;
    assert_eq!(status, 200, "{body}");
    gatehouse::core::policy::roles::set_user_mfa_required(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        &pia,
        true,
    )
    .await
    .unwrap();
    let (status, refused) = refresh(&server, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_grant")),
        "{refused}"
    );
    assert!(
        refused["error_description"]
            .as_str()
            .unwrap()
            .contains("no longer meets"),
        "{refused}"
    );
}

#[tokio::test]
async fn removing_the_factor_a_sign_in_used_ends_its_tokens() {
    let server = server_with_spa().await;
    server.add_user("rita", Some(GOOD_PASSWORD)).await;
    let setup = server.browser();
    // Tokens of a password-only sign-in, from before she had a factor.
    let password_only = tokens(&server, &setup, "openid offline_access", "rita").await;
    let secret = server.enrol_totp(&setup).await;
    let browser = server.browser();
    let signed_in = server.sign_in_with_totp(&browser, "rita", &secret).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let with_totp = tokens(&server, &browser, "openid offline_access", "rita").await;

    let rita = server.user("rita").await;
    let factor_id = server.state().store.factors_of(&rita.id).await.unwrap()[0].id.clone();
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &factor_id)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert!(server.state().store.factors_of(&rita.id).await.unwrap().is_empty());
    assert_dead(&server, &with_totp, "the factor the sign-in used was removed").await;
    assert_alive(&server, &password_only, "a sign-in that did not use it").await;
}

#[tokio::test]
async fn a_factor_reset_taking_effect_ends_every_family() {
    let server = server_with_spa().await;
    let secret = cast(&server).await;
    let browser = server.browser();
    assert_eq!(server.sign_in_with_totp(&browser, "kim", &secret).await.status, 303);
    let offline = tokens(&server, &browser, "openid offline_access", "kim").await;
    let kim = member(&server, "kim").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kim,
        "all",
        "lost phone"
    ))
    .unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    let checks = vec!["callback_to_number_on_file".to_string()];
    as_user!(&server, "hana", |c, m| flow::execute(&c, &m, &request.id, &checks)).unwrap();
    assert_eq!(
        refresh(&server, &offline.1).await.0,
        200,
        "nothing changes during the cooling-off"
    );
    server.clock.advance(Duration::hours(25));
    assert_eq!(as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap(), 1);
    let (status, body) = refresh(&server, &offline.1).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

/// The same lifecycle through a relying-party library we did not write: the `openidconnect` crate refreshes
/// until the user signs out, then its refresh and userinfo calls fail.
#[tokio::test]
async fn a_relying_party_library_sees_its_tokens_end_with_the_sign_out() {
    let server = server_with_spa().await;
    server.add_user("sara", Some(GOOD_PASSWORD)).await;
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(server.base.clone()).unwrap(), &http)
        .await
        .expect("discovery");
    assert!(
        metadata
            .scopes_supported()
            .unwrap()
            .iter()
            .any(|s| s.as_str() == "offline_access"),
        "offline_access is offered"
    );
    let rp = CoreClient::from_provider_metadata(metadata, ClientId::new("spa".into()), None)
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = rp
        .authorize_url(
            openidconnect::core::CoreAuthenticationFlow::AuthorizationCode,
            openidconnect::CsrfToken::new_random,
            openidconnect::Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let browser = server.browser();
    let back = crate::oidc::common::authorize(&server, &browser, url.as_str(), "sara").await;
    let code = crate::oidc::common::param(&back, "code").expect("a code");
    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let refreshed = rp
        .exchange_refresh_token(tokens.refresh_token().expect("a refresh token"))
        .unwrap()
        .request_async(&http)
        .await
        .expect("a refresh while signed in");
    let _: CoreUserInfoClaims = rp
        .user_info(refreshed.access_token().to_owned(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo while signed in");

    let account = browser.get("/account").await;
    assert_eq!(browser.post("/logout", &[("csrf", &account.csrf())]).await.status, 303);
    let next = refreshed.refresh_token().unwrap().secret().clone();
    assert!(
        rp.exchange_refresh_token(&RefreshToken::new(next))
            .unwrap()
            .request_async(&http)
            .await
            .is_err(),
        "refresh after sign-out"
    );
    let info: Result<CoreUserInfoClaims, _> = rp
        .user_info(refreshed.access_token().to_owned(), None)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(info.is_err(), "userinfo after sign-out");
}

/// A device-grant family belongs to the browser sign-in that approved it, like a code-flow family.
#[tokio::test]
async fn a_device_grant_family_ends_with_the_approving_sign_in() {
    use gatehouse::protocols::oidc::clients::{self, NewClient};
    use gatehouse::protocols::oidc::device::GRANT;
    let server = TestServer::start().await;
    server.add_user("tova", Some(GOOD_PASSWORD)).await;
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "tv".into(),
            public: true,
            grants: vec![GRANT.into(), "refresh_token".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (_, started) = post_form(
        &server,
        "/device_authorization",
        &[("client_id", "tv"), ("scope", "openid")],
    )
    .await;
    let device_code = started["device_code"].as_str().expect("a device code").to_string();
    let user_code = started["user_code"].as_str().unwrap().to_string();
    let browser = server.browser();
    assert_eq!(browser.login("tova", GOOD_PASSWORD).await.status, 303);
    let confirm = browser.submit("/device", "/device", &[("user_code", &user_code)]).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let decided = browser
        .post(
            "/device/decide",
            &[
                ("csrf", &confirm.csrf()),
                ("user_code", &confirm.input("user_code").unwrap()),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    let (status, tokens) = post_form(
        &server,
        "/token",
        &[
            ("grant_type", GRANT),
            ("device_code", &device_code),
            ("client_id", "tv"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let refresh_token = tokens["refresh_token"].as_str().expect("a refresh token").to_string();
    let access = tokens["access_token"].as_str().unwrap().to_string();

    let account = browser.get("/account").await;
    assert_eq!(browser.post("/logout", &[("csrf", &account.csrf())]).await.status, 303);
    let body = post_form(&server, "/introspect", &[("token", &access), ("client_id", "tv")])
        .await
        .1;
    assert_eq!(body["active"], false, "{body}");
    let (status, refused) = post_form(
        &server,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", "tv"),
        ],
    )
    .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_grant")),
        "{refused}"
    );
}
