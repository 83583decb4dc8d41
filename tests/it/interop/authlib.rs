//! The OpenID Provider against authlib (Python, with joserfc), run from `tests/interop/oidc_authlib.py`: a second
//! independent relying-party library next to openid-client (`oidc.rs`), because each library reads the
//! specs its own way. Discovery checked by authlib's metadata validation, the code flow with PKCE S256, state and
//! nonce through the real sign-in form, the RFC 9207 `iss` parameter, client_secret_basic, the ID token (RS256 here)
//! against the JWKS (and tampered copies refused), userinfo, refresh-token rotation, and reuse revoking the family;
//! a Pushed Authorization Request (RFC 9126) pushed with authlib's client authentication (`oidc_authlib_par.py`);
//! and DPoP (RFC 9449) proofs signed with joserfc and sent through authlib (`oidc_authlib_dpop.py`).
//!
//! `make test` installs authlib into .venv-interop and sets GATEHOUSE_INTEROP=1 and GATEHOUSE_INTEROP_PYTHON,
//! under which a missing interpreter or package fails the test; a plain `cargo test` without them skips.
use crate::common::*;
use crate::interop::{node, python};
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(90);
const REDIRECT: &str = "http://127.0.0.1:9/cb";

#[tokio::test]
async fn authlib_signs_in_refreshes_and_sees_a_reused_refresh_token_revoke_its_family() {
    if !node::available("authlib test", python::missing(&["authlib", "joserfc", "requests"])) {
        return;
    }
    let server = TestServer::start().await;
    let paula = server.add_user("paula", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "authlib-rp".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![],
            public: false,
            auth_method: None,
            grants: vec!["authorization_code".into(), "refresh_token".into()],
            trusted: true,
            // openid-client covers the ES256 default; this relying party asks for RS256 (OIDC Core §15.1).
            signing_alg: Some("RS256".into()),
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");

    let started = std::time::Instant::now();
    // Without AUTHLIB_INSECURE_TRANSPORT authlib's https rules apply, relaxed only for loopback hosts: the script
    // must pass on http://127.0.0.1 by that rule, not because a developer's shell happens to set the variable.
    let output = python::run(
        "oidc_authlib.py",
        &[
            &server.base,
            "authlib-rp",
            &secret,
            REDIRECT,
            "paula",
            GOOD_PASSWORD,
            "RS256",
        ],
        &["AUTHLIB_INSECURE_TRANSPORT"],
        TIMEOUT,
    )
    .await;
    eprintln!("authlib run took {:?}", started.elapsed());
    let result = node::json_result("oidc_authlib.py", &output);
    assert_eq!(
        result,
        serde_json::json!({
            // authlib's metadata validation (OpenID Discovery §3) finds nothing to object to.
            "discovery_problems": [],
            "iss_param_matches": true,
            "id_token_alg": "RS256",
            "sub": paula.id,
            "email": "paula@example.com",
            "acr": "urn:gatehouse:acr:password",
            "amr": ["pwd"],
            "id_token_rejects": [
                "bad_signature", "expired", "wrong_access_token", "wrong_audience", "wrong_issuer", "wrong_nonce"
            ],
            "userinfo_username": "paula",
            "refresh_rotated": true,
            "refreshed_id_token": {
                "same_sub": true,
                "same_auth_time": true,
                "has_nonce": false,
                "newer_iat": true,
            },
            "refreshed_userinfo_status": 200,
            "refresh_reuse_error": "invalid_grant",
            "family_revoked_error": "invalid_grant",
            "access_token_after_reuse_status": 401,
        })
    );
    server.stop().await;
}

/// authlib has no PAR helper: the script pushes the request its OAuth2Session built to the discovered
/// `pushed_authorization_request_endpoint` with authlib's own client authentication, signs in through the
/// request_uri alone, and redeems the code with authlib (`tests/interop/oidc_authlib_par.py`).
#[tokio::test]
async fn authlib_pushes_its_authorization_request_and_signs_in() {
    if !node::available("authlib PAR test", python::missing(&["authlib", "requests"])) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("pia", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "authlib-par".into(),
            redirect_uris: vec![REDIRECT.into()],
            trusted: true,
            require_par: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");
    let output = python::run(
        "oidc_authlib_par.py",
        &[&server.base, "authlib-par", &secret, REDIRECT, "pia", GOOD_PASSWORD],
        &["AUTHLIB_INSECURE_TRANSPORT"],
        TIMEOUT,
    )
    .await;
    assert_eq!(
        node::json_result("oidc_authlib_par.py", &output),
        serde_json::json!({
            "par_cache_control": "no-store",
            "expires_in": 60,
            "state_kept": true,
            "iss": server.base,
            "has_id_token": true,
            "userinfo_username": "pia",
            "reuse_status": 400,
            "reuse_redirected": false,
        })
    );
    server.stop().await;
}

/// authlib has no DPoP helper: the script signs proofs with joserfc, sends them through authlib's fetch_token,
/// learns the nonce from `use_dpop_nonce` with a compliance hook, names its key in `dpop_jkt`, and calls userinfo
/// through OAuth2Session with a `dpop` sign method (`tests/interop/oidc_authlib_dpop.py`). The client must use
/// DPoP and is confidential, so its refresh token is not bound: another key refreshes it.
#[tokio::test]
async fn authlib_gets_a_dpop_bound_token_and_calls_userinfo_with_a_proof() {
    if !node::available(
        "authlib DPoP test",
        python::missing(&["authlib", "joserfc", "requests"]),
    ) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("pete", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "authlib-dpop".into(),
            redirect_uris: vec![REDIRECT.into()],
            trusted: true,
            require_dpop: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");
    let output = python::run(
        "oidc_authlib_dpop.py",
        &[&server.base, "authlib-dpop", &secret, REDIRECT, "pete", GOOD_PASSWORD],
        &["AUTHLIB_INSECURE_TRANSPORT"],
        TIMEOUT,
    )
    .await;
    assert_eq!(
        node::json_result("oidc_authlib_dpop.py", &output),
        serde_json::json!({
            "algs": ["ES256", "PS256", "RS256", "EdDSA"],
            "first_error": "use_dpop_nonce",
            "token_type": "DPoP",
            "userinfo_status": 200,
            "userinfo_username": "pete",
            "bearer_status": 401,
            "bearer_challenge": "DPoP",
            "refreshed_token_type": "DPoP",
            "refreshed_bound_to_other_key": true,
        })
    );
    server.stop().await;
}
