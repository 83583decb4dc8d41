//! Configuration rules at start, and `gatehouse serve` end to end: the setup link, serving, SIGTERM.
use crate::cli::common::{Cli, command};
use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Command;
use std::time::Duration;

#[tokio::test]
async fn configuration_rules() {
    let cli = Cli::new().await;
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "listen = \"127.0.0.1:9000\"\nlisten_port = 9000\n").unwrap();
    let out = cli.run(&["--config", unknown.to_str().unwrap(), "user", "list"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("listen_port"), "{}", out.stderr);

    let missing = cli.run(&["--config", "/nonexistent/gatehouse.toml", "user", "list"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("does not exist"));

    let log_filter = cli.run_with(&["user", "list", "--json"], None, &[("GATEHOUSE_LOG", "warn")]);
    assert_eq!(
        log_filter.code, 0,
        "GATEHOUSE_LOG is the log filter, not a setting: {}",
        log_filter.stderr
    );
    let env_typo = cli.run_with(&["user", "list"], None, &[("GATEHOUSE_PUBLIC_ULR", "http://x")]);
    assert_eq!(env_typo.code, 1);
    assert!(env_typo.stderr.contains("public_ulr"), "{}", env_typo.stderr);

    let bad_url = cli.run_with(&["user", "list"], None, &[("GATEHOUSE_PUBLIC_URL", "ftp://x")]);
    assert_eq!(bad_url.code, 1);
    let bad_listen = cli.run_with(&["user", "list"], None, &[("GATEHOUSE_LISTEN", "nowhere")]);
    assert_eq!(bad_listen.code, 1);

    // Secrets from files; other keys may not come from files.
    let secret = dir.path().join("secret");
    std::fs::write(&secret, format!("{SHARED_SECRET}\n")).unwrap();
    let secret_arg = secret.to_str().unwrap();
    assert_eq!(
        cli.run_with(
            &["user", "list", "--json"],
            None,
            &[("GATEHOUSE_SECRET_KEY_FILE", secret_arg)]
        )
        .code,
        0
    );
    let not_secret = cli.run_with(&["user", "list"], None, &[("GATEHOUSE_LISTEN_FILE", secret_arg)]);
    assert_eq!(not_secret.code, 1);
    assert!(not_secret.stderr.contains("can be read from a file"));

    // A TOML file and the environment, environment winning; numbers from the environment are numbers where
    // the setting is a number, and text (such as a phone number) where it is text.
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "session_idle_minutes = 30\nlog_format = \"json\"\n").unwrap();
    let loaded = gatehouse::config::Config::load_from(
        Some(&good),
        &[
            ("GATEHOUSE_SESSION_IDLE_MINUTES".into(), "45".into()),
            ("GATEHOUSE_TEST_DATABASE_URL".into(), "ignored".into()),
            ("GATEHOUSE_SMS_TWILIO_FROM".into(), "+15005550006".into()),
            ("GATEHOUSE_ADMIN_USERNAME".into(), "12345".into()),
            ("GATEHOUSE_WORKERS".into(), "3".into()),
        ],
    )
    .unwrap();
    assert_eq!(loaded.sms_twilio_from.as_deref(), Some("+15005550006"));
    assert_eq!(loaded.admin_username, "12345");
    assert_eq!(loaded.workers, Some(3));
    let wrong_type =
        gatehouse::config::Config::load_from(None, &[("GATEHOUSE_SESSION_IDLE_MINUTES".into(), "soon".into())]);
    assert!(wrong_type.unwrap_err().to_string().contains("session_idle_minutes"));
    assert_eq!(loaded.session_idle_minutes, 45);
    assert_eq!(loaded.log_format, "json");
    assert_eq!(loaded.listen, "127.0.0.1:8080");
    let defaults = gatehouse::config::Config::load_from(None, &[]).unwrap();
    assert_eq!(defaults.public_url.as_str(), "http://localhost:8080/");
    assert!(
        defaults
            .database_url()
            .starts_with("sqlite://./gatehouse-data/gatehouse.db")
    );
}

/// A line of the frame around the setup link: `=` only, at least 40 of them.
fn is_rule(line: &str) -> bool {
    line.len() >= 40 && line.bytes().all(|b| b == b'=')
}

#[tokio::test]
async fn serve_prints_a_setup_link_serves_and_stops_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    // Security keys need a domain name, and this server has only an IP address: before the first start, the
    // operator lets administrators use an authenticator app (the default policy is security keys only).
    let relaxed = command(data.path(), &db.url)
        .args([
            "role",
            "set",
            "admin",
            "--factors",
            "webauthn,totp,recovery_code",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(relaxed.status.success(), "{}", String::from_utf8_lossy(&relaxed.stderr));
    // Standard output and the log (standard error) in one pipe, in the order they were written.
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = command(data.path(), &db.url)
        .arg("serve")
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_PUBLIC_URL", &base)
        .env("GATEHOUSE_LOG", "info")
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Everything up to the end of the framed link: the empty line after its closing rule.
    let mut output: Vec<String> = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            output.push(line);
            let rules = output.iter().filter(|l| is_rule(l)).count();
            if rules == 2 && output.last().is_some_and(|l| l.is_empty()) {
                break;
            }
        }
    }
    let link = output
        .iter()
        .find(|l| l.contains("/password/reset?token="))
        .map(|l| l.trim().to_string());
    // The link comes last, after the migration logs and the start-up, framed by two rules of `=` with an empty line
    // before and after, so it is the first thing the operator sees when the output stops.
    let rules: Vec<usize> = (0..output.len()).filter(|i| is_rule(&output[*i])).collect();
    assert_eq!(rules.len(), 2, "{output:#?}");
    let (top, bottom) = (rules[0], rules[1]);
    assert!(
        top > 0 && output[top - 1].is_empty(),
        "an empty line before: {output:#?}"
    );
    assert_eq!(
        output.get(bottom + 1).map(String::as_str),
        Some(""),
        "an empty line after"
    );
    assert_eq!(output[top], output[bottom]);
    let link_at = output
        .iter()
        .position(|l| l.contains("/password/reset?token="))
        .unwrap();
    assert!(top < link_at && link_at < bottom, "the link is inside the frame");
    let last_log = |needle: &str| output.iter().rposition(|l| l.contains(needle));
    assert!(
        last_log("igration").is_some_and(|i| i < top),
        "after the migration logs: {output:#?}"
    );
    assert!(
        last_log("listening").is_some_and(|i| i < top),
        "after the start-up: {output:#?}"
    );
    let link = link.expect("serve prints the first administrator's setup link");
    assert!(link.starts_with(&base));
    assert!(data.path().join("secret.key").exists());

    let browser = Browser::new(&base);
    assert_eq!(browser.get("/healthz").await.status, 200);
    let form = browser.get(&link).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Welcome to"),
        "the setup page, not a password change"
    );
    let done = browser.post_password_form(&form, GOOD_PASSWORD, GOOD_PASSWORD).await;
    assert_eq!(done.status, 200);
    // A first password is set, not changed: the page says so, and no other session was there to sign out.
    assert!(done.body.contains("Administrator ready"), "{}", done.body);
    assert!(
        !done.body.contains("Password changed") && !done.body.contains("signed out"),
        "{}",
        done.body
    );
    // An administrator must have a second factor: the password leads to enrolment, not to the account.
    let signed = browser.login("admin", GOOD_PASSWORD).await;
    assert_eq!(signed.status, 303);
    assert!(
        signed.location().unwrap().starts_with("/account/security"),
        "{:?}",
        signed.location()
    );
    assert_eq!(
        browser.get("/account").await.status,
        303,
        "not signed in before enrolling"
    );
    let page = browser.get("/account/security/totp").await;
    let secret = secret_on(&page);
    let code = gatehouse::core::factors::totp::code_at(&secret, chrono::Utc::now().timestamp() as u64);
    let fields = [
        ("csrf", page.csrf()),
        ("factor_id", page.input("factor_id").unwrap()),
        ("code", code),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(browser.post("/account/security/totp", &fields).await.status, 303);
    assert_eq!(browser.get("/account").await.status, 200);

    // SIGTERM: a graceful stop with exit status 0.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut status = None;
    for _ in 0..150 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = status.expect("stopped within 15 s");
    assert!(status.success(), "{status:?}");

    // A second start prints no link: the administrator has a password now.
    let again = command(data.path(), &db.url)
        .args(["migrate", "--json"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&again.stdout).unwrap()["migrated"],
        true
    );
}

#[tokio::test]
async fn version_names_the_commit() {
    let cli = Cli::new().await;
    let out = cli.run(&["--version"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // "gatehouse 0.1.0 (1a2b3c4d5e6f)" in a git checkout; "(unknown)" from a tarball.
    let line = out.stdout.trim();
    assert!(
        line.starts_with(&format!("gatehouse {} (", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    let commit = line
        .rsplit_once('(')
        .map(|(_, c)| c.trim_end_matches(')'))
        .unwrap_or_default();
    assert!(
        commit == "unknown" || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{line}"
    );
}
