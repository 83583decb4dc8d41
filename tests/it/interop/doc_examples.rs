//! The examples of docs/integrate/oidc.md run as written. The Node example: the block after
//! `<!-- openid-client-example -->` is saved as a file next to the interop node_modules and run with node against a
//! real server (only `ISSUER`, `CLIENT_SECRET` and `PORT` set, as the docs say); a browser signs in through it and
//! the app shows who it is. The PAR example (curl and openssl in bash) pushes a request a browser then signs in with.
use crate::common::*;
use crate::interop::node;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const DOC: &str = include_str!("../../../docs/integrate/oidc.md");

fn example() -> String {
    let after = DOC
        .split("<!-- openid-client-example -->")
        .nth(1)
        .expect("the marked example");
    let body = after.split("```js\n").nth(1).expect("a js block");
    body.split("\n```").next().expect("its end").to_string()
}

#[tokio::test]
async fn the_openid_client_example_runs_as_written() {
    let missing = if Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/node_modules/openid-client"
        ))
        .exists()
    {
        vec![]
    } else {
        vec!["node with tests/interop/node_modules (run `make interop-deps`)".to_string()]
    };
    if !node::available("openid-client documentation example", missing) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("paula", Some(GOOD_PASSWORD)).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let callback = format!("http://localhost:{port}/callback");
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "my-app".into(),
            redirect_uris: vec![callback.clone()],
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/.doc-example-oidc.mjs");
    std::fs::write(path, example()).unwrap();
    let mut app = Command::new("node")
        .arg(path)
        .env("ISSUER", &server.base)
        .env("CLIENT_SECRET", secret.unwrap())
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let stdout = app.stdout.take().unwrap();
    // The app prints where to open it once it listens (after discovery, which this server answers meanwhile).
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::task::spawn_blocking(move || {
        let first = lines.next();
        (first, lines)
    });
    let (first, lines) = tokio::time::timeout(std::time::Duration::from_secs(30), first)
        .await
        .expect("the app starts in time")
        .unwrap();
    let ready = first.and_then(Result::ok).unwrap_or_default();
    if !ready.starts_with("open http://localhost") {
        let _ = app.kill();
        let _ = app.wait();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut app.stderr.take().unwrap(), &mut err).ok();
        panic!("the example did not start: {ready}\n{err}");
    }

    let browser = server.browser();
    let mut location = format!("http://localhost:{port}/");
    let mut page = browser.get(&location).await;
    for _ in 0..10 {
        let Some(next) = page.location() else { break };
        location = if next.starts_with('/') { server.url(&next) } else { next };
        if location.contains("/login?") {
            let form = browser.get(&location).await;
            page = browser
                .post(
                    "/login",
                    &[
                        ("csrf", &form.csrf()),
                        ("username", "paula"),
                        ("password", GOOD_PASSWORD),
                        ("return_to", &form.input("return_to").unwrap()),
                    ],
                )
                .await;
        } else {
            page = browser.get(&location).await;
        }
    }
    let _ = app.kill();
    let _ = app.wait();
    assert!(location.starts_with(&callback), "ended at {location}");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .starts_with("Signed in as paula (paula@example.com), urn:gatehouse:acr:password"),
        "{}",
        page.body
    );
    let printed = tokio::task::spawn_blocking(move || lines.map_while(Result::ok).collect::<Vec<_>>())
        .await
        .unwrap();
    let paula = server.user("paula").await;
    assert!(
        printed
            .iter()
            .any(|l| l.contains(&format!("\"sub\":\"{}\"", paula.id)) && l.contains("\"username\":\"paula\"")),
        "{printed:?}"
    );
}

/// The PAR example of docs/integrate/oidc.md (the `sh` block after `<!-- par-curl-example -->`) runs with bash,
/// curl and openssl against a real server (only `ISSUER` and `CLIENT_SECRET` set); its `request_uri` then signs a
/// browser in to a code at the documented callback, with the documented `state`.
#[tokio::test]
async fn the_par_curl_example_runs_as_written() {
    let missing: Vec<String> = [("bash", "--version"), ("curl", "--version"), ("openssl", "version")]
        .into_iter()
        .filter(|(tool, arg)| !Command::new(tool).arg(arg).output().is_ok_and(|o| o.status.success()))
        .map(|(tool, _)| format!("{tool} for the PAR documentation example"))
        .collect();
    if !node::available("PAR documentation example", missing) {
        return;
    }
    let after = DOC
        .split("<!-- par-curl-example -->")
        .nth(1)
        .expect("the marked example");
    let script = after
        .split("```sh\n")
        .nth(1)
        .and_then(|body| body.split("\n```").next())
        .expect("an sh block");
    let server = TestServer::start().await;
    server.add_user("paula", Some(GOOD_PASSWORD)).await;
    let callback = "http://localhost:3000/callback";
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "my-app".into(),
            redirect_uris: vec![callback.into()],
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let script = script.to_string();
    let (base, secret) = (server.base.clone(), secret.unwrap());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .env("ISSUER", base)
            .env("CLIENT_SECRET", secret)
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value = serde_json::from_str(stdout.trim()).expect("curl printed the JSON answer");
    assert_eq!(answer["expires_in"], 60);
    let request_uri = answer["request_uri"].as_str().expect("a request_uri");

    let browser = server.browser();
    let mut location = format!(
        "/authorize?{}",
        serde_urlencoded::to_string([("client_id", "my-app"), ("request_uri", request_uri)]).unwrap()
    );
    for _ in 0..10 {
        if location.starts_with(callback) {
            break;
        }
        let page = if location.contains("/login?") {
            let form = browser.get(&location).await;
            browser
                .post(
                    "/login",
                    &[
                        ("csrf", &form.csrf()),
                        ("username", "paula"),
                        ("password", GOOD_PASSWORD),
                        ("return_to", &form.input("return_to").unwrap()),
                    ],
                )
                .await
        } else {
            browser.get(&location).await
        };
        location = page
            .location()
            .unwrap_or_else(|| panic!("no redirect from {location}: {} {}", page.status, page.body));
    }
    let back = url::Url::parse(&location).expect("back at the callback");
    let query: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(query.get("state").map(String::as_str), Some("af0ifjsldkj"));
    assert!(query.contains_key("code"), "{location}");
}

/// The DPoP example of docs/integrate/oidc.md (the `js` block after `<!-- dpop-example -->`) runs with node next
/// to the interop node_modules against a real server (only `ISSUER` and `CLIENT_SECRET` set): it prints a token
/// type of DPoP and the thumbprint the token is bound to, which introspection confirms.
#[tokio::test]
async fn the_dpop_example_runs_as_written() {
    if !node::available("DPoP documentation example", node::missing(&["openid-client"], vec![])) {
        return;
    }
    let after = DOC.split("<!-- dpop-example -->").nth(1).expect("the marked example");
    let script = after
        .split("```js\n")
        .nth(1)
        .and_then(|body| body.split("\n```").next())
        .expect("a js block");
    let server = TestServer::start().await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "reports".into(),
            grants: vec!["client_credentials".into()],
            require_dpop: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let secret = secret.unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/.doc-example-dpop.mjs");
    std::fs::write(path, script).unwrap();
    let output = node::bounded(
        {
            let mut command = Command::new("node");
            command
                .arg(path)
                .env("ISSUER", &server.base)
                .env("CLIENT_SECRET", &secret);
            command
        },
        "the DPoP example",
        std::time::Duration::from_secs(60),
    )
    .await;
    let printed = node::json_result("the DPoP example", &output);
    assert_eq!(printed["token_type"], "dpop", "{printed}");
    let jkt = printed["jkt"].as_str().expect("the bound key's thumbprint");
    assert_eq!(jkt.len(), 43);
    assert_eq!(
        server
            .audit_kinds(None)
            .await
            .iter()
            .filter(|(kind, _)| kind == "oidc.dpop_refused")
            .count(),
        1,
        "one use_dpop_nonce, then the retry with the nonce"
    );
}
