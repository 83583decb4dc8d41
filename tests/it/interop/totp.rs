//! TOTP against clients we did not write: `oathtool` (liboath) and Python's `pyotp`, reading what the
//! enrolment page shows (the base32 secret and the otpauth:// URI).
//!
//! `make test` installs both and sets GATEHOUSE_INTEROP=1, under which a missing tool fails the test;
//! a plain `cargo test` without them says so and skips.
use crate::common::*;
use std::process::Command;

fn python() -> Option<String> {
    let candidate = std::env::var("GATEHOUSE_INTEROP_PYTHON")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/.venv-interop/bin/python").to_string());
    let ok = Command::new(&candidate)
        .args(["-c", "import pyotp"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(candidate)
}

fn tools() -> Option<String> {
    let oathtool = Command::new("oathtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let found = python().filter(|_| oathtool);
    if found.is_none() {
        assert!(
            std::env::var("GATEHOUSE_INTEROP").is_err(),
            "GATEHOUSE_INTEROP is set but oathtool or pyotp is missing"
        );
        eprintln!("skipping TOTP interop: oathtool or pyotp not installed (run `make test`)");
    }
    found
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run tool");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).expect(start) + start.len();
    &body[from..from + body[from..].find(end).expect(end)]
}

#[tokio::test]
async fn oathtool_and_pyotp_codes_are_accepted() {
    let Some(python) = tools() else { return };
    let server = TestServer::start().await;
    server.add_user("ola", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("ola", GOOD_PASSWORD).await.status, 303);

    let page = browser.get("/account/security/totp").await;
    let secret = between(&page.body, "<code id=\"secret\">", "<").to_string();
    let uri = between(&page.body, "<code id=\"otpauth-uri\">", "<").replace("&amp;", "&");
    assert!(uri.starts_with("otpauth://totp/Gatehouse:ola?"), "{uri}");

    // Enrol with liboath's code for the current time, as typed from the base32 secret.
    let code = run(Command::new("oathtool").args(["--totp", "-b", &secret]));
    let done = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &page.csrf()),
                ("factor_id", &page.input("factor_id").unwrap()),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "oathtool's code enrols: {}", done.body);

    // Sign in with pyotp's code (from the URI) for the next step, inside the ±1 window.
    let other = server.browser();
    assert_eq!(other.login("ola", GOOD_PASSWORD).await.status, 303);
    let code = run(Command::new(&python).args([
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/totp_code.py"),
        &uri,
        "30",
    ]));
    let signed = other
        .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
        .await;
    assert_eq!(signed.status, 303, "pyotp's code signs in: {}", signed.body);

    // A minute later (server clock moved on), oathtool's code for that time signs in again.
    server.clock.advance(chrono::Duration::seconds(60));
    let third = server.browser();
    assert_eq!(third.login("ola", GOOD_PASSWORD).await.status, 303);
    let at = format!("@{}", server.state().clock.now().timestamp());
    let code = run(Command::new("oathtool").args(["--totp", "-b", &secret, "-N", &at]));
    assert_eq!(
        third
            .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
            .await
            .status,
        303
    );
}
