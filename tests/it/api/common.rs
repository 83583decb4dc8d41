//! What the API tests share: service clients and their tokens, a small JSON client with a bearer token, and the
//! command line run on a server's database, to compare the audit events both write.
use crate::common::*;
use crate::oidc::common::{REDIRECT, code_for, redeem};
use gatehouse::core::audit::{AuditEvent, AuditFilter, Origin};
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;
use std::process::Command;

/// A response of the API: status, headers, and the body as JSON (`Null` when it is not JSON).
pub(crate) struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    /// Asserts an RFC 9457 problem document with this status.
    pub fn assert_problem(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.json["status"], status);
        assert!(self.json["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

/// Registers a confidential client_credentials client, with a service role when given; returns its secret.
pub(crate) async fn service_client(server: &TestServer, id: &str, role: Option<&str>) -> String {
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: id.into(),
            grants: vec!["client_credentials".into()],
            service_role: role.map(str::to_string),
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    secret.expect("a confidential client has a secret")
}

pub(crate) async fn client_token(server: &TestServer, id: &str, secret: &str) -> String {
    let response: Value = reqwest::Client::new()
        .post(server.url("/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"].as_str().expect("a token").to_string()
}

/// A token of a new service client with `role`.
pub(crate) async fn token_with_role(server: &TestServer, role: &str) -> String {
    let id = format!("svc-{role}");
    let secret = service_client(server, &id, Some(role)).await;
    client_token(server, &id, &secret).await
}

/// Calls the API with an optional bearer token and JSON body.
pub(crate) async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// An admin service token on a fresh server.
pub(crate) async fn admin_server() -> (TestServer, String) {
    let server = TestServer::start().await;
    let token = token_with_role(&server, "admin").await;
    (server, token)
}

/// Registers the trusted public client `spa`, allowed (or not) to ask for `gatehouse:admin`.
pub(crate) async fn person_client(server: &TestServer, allow_admin_scope: bool) {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "spa".into(),
            redirect_uris: vec![REDIRECT.into()],
            public: true,
            trusted: true,
            extra_scopes: if allow_admin_scope {
                vec!["gatehouse:admin".into()]
            } else {
                vec![]
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// An access token of `username`'s browser session (already signed in) for `scope`.
pub(crate) async fn person_token(server: &TestServer, browser: &Browser, username: &str, scope: &str) -> String {
    let code = code_for(server, browser, &[("scope", scope)], username).await;
    let (status, body) = redeem(server, &code, Some(crate::oidc::common::VERIFIER)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Sets a role's factor kinds as `gatehouse role set ROLE --factors` does.
pub(crate) async fn allow_factors(server: &TestServer, role: &str, kinds: &str) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &PolicyChange {
            allowed_factors: Some(parse_kinds(kinds).unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// A fresh browser of `username` signed in with password and a new authenticator app.
pub(crate) async fn signed_in_with_totp(server: &TestServer, username: &str) -> Browser {
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    let fresh = server.browser();
    let done = server.sign_in_with_totp(&fresh, username, &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    fresh
}

/// The helpdesk's and the auditor's tokens on `server`: neither may touch roles, clients, SPs, keys or tokens.
pub(crate) async fn non_admin_tokens(server: &TestServer) -> Vec<(&'static str, String)> {
    vec![
        ("helpdesk", token_with_role(server, "helpdesk").await),
        ("auditor", token_with_role(server, "auditor").await),
    ]
}

/// Runs `gatehouse ARGS --json` on `server`'s database with its key, as an operator at a terminal (`USER=tester`);
/// what it printed.
pub(crate) fn cli(server: &TestServer, args: &[&str]) -> Value {
    let db = server.db.as_ref().expect("a server with its own database");
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .arg("--json")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", &server.data_dir)
        .env("GATEHOUSE_DATABASE_URL", &db.url)
        .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
        .env("USER", "tester")
        .output()
        .expect("run gatehouse");
    assert!(
        out.status.success(),
        "gatehouse {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// The newest audit event of `kind` on `server`.
pub(crate) async fn last_event(server: &TestServer, kind: &str) -> AuditEvent {
    let filter = AuditFilter {
        kind: Some(kind.into()),
        ..Default::default()
    };
    let mut found = server.state().store.search_audit(&filter, 1).await.expect("audit");
    found.pop().unwrap_or_else(|| panic!("no {kind} event")).event
}

/// How many audit events of `kind` `server` holds.
pub(crate) async fn count_events(server: &TestServer, kind: &str) -> usize {
    let filter = AuditFilter {
        kind: Some(kind.into()),
        ..Default::default()
    };
    server
        .state()
        .store
        .search_audit(&filter, 1000)
        .await
        .expect("audit")
        .len()
}

/// `value` with the members named `volatile` (anywhere in it) set to `null`: what differs by nature between two
/// runs of one action (generated ids, times), so that the rest can be compared.
fn without(value: &Value, volatile: &[&str]) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| {
                    let v = if volatile.contains(&k.as_str()) {
                        Value::Null
                    } else {
                        without(v, volatile)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| without(v, volatile)).collect()),
        other => other.clone(),
    }
}

/// The API's event is the command line's: same kind, outcome and details (but for `volatile` members, which must be
/// present in both), acted by the admin service client where the CLI's names the person at the terminal.
pub(crate) fn assert_same_event(api: &AuditEvent, cli: &AuditEvent, volatile: &[&str]) {
    assert_eq!(api.kind, cli.kind);
    assert_eq!(api.outcome, cli.outcome, "{}", api.kind);
    assert_eq!(api.subject_user_id, cli.subject_user_id, "{}", api.kind);
    assert_eq!(
        without(&api.details, volatile),
        without(&cli.details, volatile),
        "{}: the API's details differ from the CLI's",
        api.kind
    );
    assert_eq!(api.actor.as_deref(), Some("client:svc-admin"), "{}", api.kind);
    assert_eq!(cli.actor.as_deref(), Some("cli:tester"), "{}", cli.kind);
}
