//! The step-up example of docs/integrate/step-up.md runs as written: the block after `<!-- step-up-example -->` is
//! saved next to the interop node_modules and run with node against a real server (only `ISSUER`, `CLIENT_SECRET`
//! and `PORT` set, as the docs say). A user signed in with a password and an authenticator app opens the app; its
//! API answers `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="phr", max_age=900`;
//! the app re-authorizes with those, Gatehouse asks only for the passkey, and the API answers with `acr phr`.
use crate::admin::common::use_key;
use crate::common::*;
use crate::factors::webauthn::register;
use crate::interop::node;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const DOC: &str = include_str!("../../../docs/integrate/step-up.md");

fn example() -> String {
    let after = DOC
        .split("<!-- step-up-example -->")
        .nth(1)
        .expect("the marked example");
    let body = after.split("```js\n").nth(1).expect("a js block");
    body.split("\n```").next().expect("its end").to_string()
}

#[tokio::test]
async fn the_step_up_example_runs_as_written() {
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
    if !node::available("step-up documentation example", missing) {
        return;
    }
    let (server, _db) = crate::factors::webauthn::server().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = format!("http://localhost:{port}");
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "my-app".into(),
            redirect_uris: vec![format!("{app}/callback")],
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Paula has an authenticator app and a passkey, and is signed in with the password and the app.
    server.add_user("paula", Some(GOOD_PASSWORD)).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login("paula", GOOD_PASSWORD).await.status, 303);
    let totp = server.enrol_totp(&enrolling).await;
    let with_app = server.browser();
    assert_eq!(server.sign_in_with_totp(&with_app, "paula", &totp).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &with_app, &mut key).await.status, 200);
    server.clock.advance(chrono::Duration::seconds(30));
    let browser = server.browser();
    assert_eq!(server.sign_in_with_totp(&browser, "paula", &totp).await.status, 303);

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/.doc-example-step-up.mjs");
    std::fs::write(path, example()).unwrap();
    let mut child = Command::new("node")
        .arg(path)
        .env(
            "ISSUER",
            gatehouse::protocols::oidc::issuer(&server.state().config.public_url),
        )
        .env("CLIENT_SECRET", secret.unwrap())
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
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
        let _ = child.kill();
        let _ = child.wait();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).ok();
        panic!("the example did not start: {ready}\n{err}");
    }

    // The browser follows the app and Gatehouse; the step-up page is answered with the passkey.
    // (The test browser reaches Gatehouse at its listening address: Gatehouse's URLs go there by path.)
    let gatehouse_port = url::Url::parse(&server.base).unwrap().port();
    let target = |u: &url::Url| {
        if u.port() == gatehouse_port {
            format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default())
        } else {
            u.to_string()
        }
    };
    let mut location = url::Url::parse(&format!("{app}/")).unwrap();
    let mut prompted = 0;
    let mut page = browser.get(&target(&location)).await;
    for _ in 0..20 {
        if page.status == 200 && location.path() == "/login/factor" {
            prompted += 1;
            assert!(!page.body.contains("name=\"password\""), "never the password again");
            let answer = use_key(&server, &browser, &page, &mut key).await;
            let next = answer["redirect"].as_str().expect("back to the authorization");
            location = location.join(next).unwrap();
        } else if let Some(next) = page.location() {
            location = location.join(&next).unwrap();
        } else {
            break;
        }
        page = browser.get(&target(&location)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(location.as_str(), format!("{app}/"), "{} {}", page.status, page.body);
    assert_eq!(page.status, 200, "{}", page.body);
    let paula = server.user("paula").await;
    assert_eq!(page.body, format!("Payroll for {} (acr phr)\n", paula.id));
    assert_eq!(prompted, 1, "one step-up, with the passkey only");
    let printed = tokio::task::spawn_blocking(move || lines.map_while(Result::ok).collect::<Vec<_>>())
        .await
        .unwrap();
    let printed: Vec<serde_json::Value> = printed.iter().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(
        printed[0]["signed_in"]["acr"], "urn:gatehouse:acr:mfa",
        "first signed in with the app: {printed:?}"
    );
    assert_eq!(printed[1]["step_up"]["acr_values"], "phr", "{printed:?}");
    assert_eq!(printed[1]["step_up"]["max_age"], "900");
    assert_eq!(printed[2]["signed_in"]["acr"], "phr", "{printed:?}");
}
