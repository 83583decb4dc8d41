//! The `gatehouse` binary: user administration, configuration rules, and `serve` end to end.
use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

pub(crate) struct Cli {
    data: tempfile::TempDir,
    db: TestDb,
}

pub(crate) struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn command(data: &Path, db_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", data)
        .env("GATEHOUSE_DATABASE_URL", db_url)
        .env("USER", "tester");
    cmd
}

impl Cli {
    pub(crate) async fn new() -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            db: TestDb::new().await,
        }
    }

    /// The database the commands use, to start a server on it too.
    pub(crate) fn db_url(&self) -> &str {
        &self.db.url
    }

    pub(crate) fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
        let mut cmd = command(self.data.path(), &self.db.url);
        cmd.args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gatehouse");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, None, &[])
    }

    pub(crate) fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.json()
    }

    pub(crate) fn fails(&self, args: &[&str], message: &str) {
        let out = self.run(args);
        assert_eq!(out.code, 1, "{args:?} should fail: {}", out.stdout);
        assert!(
            out.stderr.contains(message),
            "{args:?}: expected '{message}' in: {}",
            out.stderr
        );
    }
}

#[tokio::test]
async fn user_administration() {
    let cli = Cli::new().await;
    let boss = cli.ok(&[
        "user",
        "add",
        "boss",
        "--email",
        "boss@example.com",
        "--name",
        "The Boss",
        "--json",
    ]);
    assert_eq!(boss["username"], "boss");
    assert_eq!(boss["roles"], serde_json::json!(["user"]));
    assert_eq!(boss["has_password"], false);

    let out = cli.run_with(
        &[
            "user",
            "add",
            "Yara",
            "--email",
            "yara@example.com",
            "--role",
            "helpdesk",
            "--role",
            "user",
            "--manager",
            "boss",
            "--phone",
            "+41 44 668 18 00",
            "--password-stdin",
            "--json",
        ],
        Some(&format!("{GOOD_PASSWORD}\n")),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let yara = out.json();
    assert_eq!(
        yara["username"], "yara",
        "usernames are case-insensitive, stored lower-case"
    );
    assert_eq!(yara["manager"], "boss");
    assert_eq!(yara["phone"], "+41446681800");
    assert_eq!(yara["roles"], serde_json::json!(["helpdesk", "user"]));
    assert_eq!(yara["has_password"], true);

    let list = cli.ok(&["user", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        cli.ok(&["user", "show", "yara@example.com", "--json"])["username"],
        "yara"
    );

    assert_eq!(cli.ok(&["user", "disable", "yara", "--json"])["status"], "disabled");
    assert_eq!(cli.ok(&["user", "show", "yara", "--json"])["status"], "disabled");
    assert_eq!(cli.ok(&["user", "enable", "yara", "--json"])["status"], "active");
    assert_eq!(
        cli.ok(&["user", "add-role", "yara", "admin", "--json"])["changed"],
        true
    );
    assert_eq!(
        cli.ok(&["user", "add-role", "yara", "admin", "--json"])["changed"],
        false
    );
    cli.fails(&["user", "remove-role", "yara", "admin"], "last administrator");
    assert_eq!(
        cli.ok(&["user", "add-role", "boss", "admin", "--json"])["changed"],
        true
    );
    assert_eq!(
        cli.ok(&["user", "remove-role", "yara", "admin", "--json"])["changed"],
        true
    );

    let set = cli.run_with(
        &["user", "set-password", "boss", "--password-stdin", "--json"],
        Some("amber-falcon-crosses-river\n"),
        &[],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(cli.ok(&["user", "show", "boss", "--json"])["has_password"], true);

    let audit = cli.ok(&["audit", "list", "--user", "yara", "--json"]);
    let kinds: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"user.created") && kinds.contains(&"user.disabled") && kinds.contains(&"user.role_added"),
        "{kinds:?}"
    );
    assert_eq!(audit[0]["actor"], "cli:tester");

    let text = cli.run(&["user", "list"]);
    assert!(text.stdout.contains("yara") && text.stdout.contains("helpdesk,user"));
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let cli = Cli::new().await;
    cli.ok(&["user", "add", "zoe", "--email", "zoe@example.com", "--json"]);
    cli.fails(&["user", "add", "zoe", "--email", "zoe2@example.com"], "already in use");
    cli.fails(&["user", "add", "zed", "--email", "ZOE@example.com"], "already in use");
    cli.fails(
        &["user", "add", "zed", "--email", "not-an-address"],
        "not a valid e-mail",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--phone", "12"],
        "not a valid phone number",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--role", "emperor"],
        "Unknown role",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--manager", "ghost"],
        "not found",
    );
    cli.fails(
        &["user", "add", "bad name", "--email", "zed@example.com"],
        "username may contain only",
    );
    let weak = cli.run_with(
        &["user", "add", "zed", "--email", "zed@example.com", "--password-stdin"],
        Some("password\n"),
        &[],
    );
    assert_eq!(weak.code, 1);
    assert!(
        weak.stderr.contains("at least 8") || weak.stderr.contains("too easy"),
        "{}",
        weak.stderr
    );
    let empty = cli.run_with(
        &["user", "add", "zed", "--email", "zed@example.com", "--password-stdin"],
        Some(""),
        &[],
    );
    assert_eq!(empty.code, 1);
    cli.fails(&["user", "show", "ghost"], "not found");
    cli.fails(&["user", "disable", "ghost"], "not found");
    cli.fails(&["user", "add-role", "zoe", "emperor"], "Unknown role");
    let json_error = cli.run(&["user", "show", "ghost", "--json"]);
    assert_eq!(json_error.code, 1);
    assert!(
        serde_json::from_str::<Value>(json_error.stderr.trim()).unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("not found")
    );

    let list = cli.ok(&["user", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing but zoe was created");

    let usage = cli.run(&["user", "add", "nobody"]);
    assert_eq!(usage.code, 2, "clap usage error for a missing --email");
}

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
    let mut child = command(data.path(), &db.url)
        .arg("serve")
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_PUBLIC_URL", &base)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut link = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains("/password/reset?token=") => link = Some(line.trim().to_string()),
            Ok(line) if line.contains("listening") => break,
            _ => {}
        }
    }
    let link = link.expect("serve prints the first administrator's setup link");
    assert!(link.starts_with(&base));
    assert!(data.path().join("secret.key").exists());

    let browser = Browser::new(&base);
    assert_eq!(browser.get("/healthz").await.status, 200);
    let form = browser.get(&link).await;
    assert_eq!(form.status, 200);
    let done = browser.post_password_form(&form, GOOD_PASSWORD, GOOD_PASSWORD).await;
    assert_eq!(done.status, 200);
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
async fn oidc_client_administration() {
    let cli = Cli::new().await;
    let added = cli.ok(&[
        "client",
        "add",
        "webapp",
        "--redirect-uri",
        "https://app.example.com/cb",
        "--json",
    ]);
    let secret = added["client_secret"]
        .as_str()
        .expect("a secret for a confidential client")
        .to_string();
    assert!(secret.len() >= 43);
    let public = cli.ok(&[
        "client",
        "add",
        "spa",
        "--public",
        "--redirect-uri",
        "http://localhost:3000/cb",
        "--trusted",
        "--json",
    ]);
    assert!(public["client_secret"].is_null());
    // A CLI or mail client signing in through the browser (device flow): public, and no redirect URI to give.
    let device = cli.ok(&[
        "client",
        "add",
        "mutt",
        "--public",
        "--grant",
        "urn:ietf:params:oauth:grant-type:device_code",
        "--grant",
        "refresh_token",
        "--json",
    ]);
    assert!(device["client_secret"].is_null());
    assert_eq!(
        cli.ok(&["client", "show", "mutt", "--json"])["grants"],
        serde_json::json!(["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"])
    );
    let listed = cli.ok(&["client", "list", "--json"]).to_string();
    assert!(listed.contains("webapp") && listed.contains("spa"));
    assert!(!listed.contains(&secret), "secrets are never shown again");
    let shown = cli.ok(&["client", "show", "webapp", "--json"]);
    assert_eq!(shown["auth_method"], "client_secret_basic");
    assert_eq!(
        shown["redirect_uris"],
        serde_json::json!(["https://app.example.com/cb"])
    );
    let rotated = cli.ok(&["client", "rotate-secret", "webapp", "--json"]);
    assert_ne!(rotated["client_secret"].as_str().unwrap(), secret);
    cli.fails(&["client", "rotate-secret", "spa"], "not found");

    cli.fails(
        &[
            "client",
            "add",
            "webapp",
            "--redirect-uri",
            "https://app.example.com/cb",
        ],
        "exists already",
    );
    cli.fails(
        &["client", "add", "bad", "--redirect-uri", "http://app.example.com/cb"],
        "not a usable redirect URI",
    );
    cli.fails(
        &[
            "client",
            "add",
            "bad",
            "--redirect-uri",
            "https://app.example.com/cb#frag",
        ],
        "not a usable redirect URI",
    );
    cli.fails(
        &["client", "add", "bad", "--redirect-uri", "javascript:alert(1)"],
        "not a usable redirect URI",
    );
    cli.fails(&["client", "add", "bad"], "At least one --redirect-uri");
    cli.fails(
        &["client", "add", "bad id", "--redirect-uri", "https://a.example/cb"],
        "client id",
    );
    cli.fails(
        &[
            "client",
            "add",
            "bad",
            "--redirect-uri",
            "https://a.example/cb",
            "--grant",
            "password",
        ],
        "not available",
    );
    cli.fails(
        &[
            "client",
            "add",
            "bad",
            "--public",
            "--auth-method",
            "client_secret_basic",
            "--redirect-uri",
            "https://a.example/cb",
        ],
        "Public clients",
    );
    assert_eq!(
        cli.ok(&["client", "list", "--json"]).as_array().unwrap().len(),
        3,
        "nothing stored by refused commands"
    );

    assert_eq!(cli.ok(&["client", "remove", "spa", "--json"])["removed"], true);
    cli.fails(&["client", "remove", "spa"], "not found");
}

#[tokio::test]
async fn signing_keys_and_client_options_from_the_command_line() {
    let cli = Cli::new().await;
    // `migrate` creates no keys; a first rotation has nothing to overlap with, so its keys sign at once.
    cli.ok(&["migrate", "--json"]);
    let first = cli.ok(&["keys", "rotate", "--json"]);
    assert_eq!(first.as_array().unwrap().len(), 3, "one key per algorithm: {first}");
    let listed = cli.ok(&["keys", "list", "--json"]);
    assert!(
        listed.as_array().unwrap().iter().all(|k| k["state"] == "active"),
        "{listed}"
    );
    let second = cli.ok(&["keys", "rotate", "--alg", "ES256", "--json"]);
    let listed = cli.ok(&["keys", "list", "--json"]);
    let next = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == second[0]["kid"])
        .unwrap();
    assert_eq!(
        next["state"], "next",
        "a later rotation is published before it signs: {listed}"
    );
    let now = cli.ok(&["keys", "rotate", "--alg", "RS256", "--now", "--json"]);
    let kid = now[0]["kid"].as_str().unwrap().to_string();
    let listed = cli.ok(&["keys", "list", "--json"]);
    let rsa = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap();
    assert_eq!(rsa["state"], "active", "--now signs at once");
    cli.fails(&["keys", "rotate", "--alg", "HS256"], "unknown algorithm");
    assert_eq!(
        cli.ok(&["keys", "list", "--json"]).as_array().unwrap().len(),
        5,
        "nothing added by the refusal"
    );

    let jwks = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        jwks.path(),
        r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#,
    )
    .unwrap();
    let jwks_arg = format!("@{}", jwks.path().display());
    let added = cli.ok(&[
        "client",
        "add",
        "batch",
        "--redirect-uri",
        "https://batch.example/cb",
        "--auth-method",
        "private_key_jwt",
        "--jwks",
        &jwks_arg,
        "--signing-alg",
        "EdDSA",
        "--backchannel-logout-uri",
        "https://batch.example/bc",
        "--grant",
        "client_credentials",
        "--json",
    ]);
    assert!(
        added["client_secret"].is_null(),
        "private_key_jwt clients have no secret"
    );
    let shown = cli.ok(&["client", "show", "batch", "--json"]);
    assert_eq!(shown["auth_method"], "private_key_jwt");
    assert_eq!(shown["signing_alg"], "EdDSA");
    assert_eq!(shown["backchannel_logout_uri"], "https://batch.example/bc");
    assert_eq!(shown["jwks"]["keys"][0]["kid"], "k1");
    assert!(shown["min_acr"].is_null(), "no minimum level unless asked");
    cli.ok(&[
        "client",
        "add",
        "payroll",
        "--redirect-uri",
        "https://payroll.example/cb",
        "--min-acr",
        "urn:gatehouse:acr:mfa",
        "--json",
    ]);
    let shown = cli.ok(&["client", "show", "payroll", "--json"]);
    assert_eq!(shown["min_acr"], "urn:gatehouse:acr:mfa");
    cli.fails(
        &[
            "client",
            "add",
            "weak",
            "--redirect-uri",
            "https://a.example/cb",
            "--min-acr",
            "mfa",
        ],
        "Unknown assurance level",
    );
    cli.fails(
        &[
            "client",
            "add",
            "nokeys",
            "--redirect-uri",
            "https://a.example/cb",
            "--auth-method",
            "private_key_jwt",
        ],
        "--jwks",
    );
    cli.fails(
        &[
            "client",
            "add",
            "badalg",
            "--redirect-uri",
            "https://a.example/cb",
            "--signing-alg",
            "none",
        ],
        "Unknown signing algorithm",
    );
    cli.fails(
        &[
            "client",
            "add",
            "badjwks",
            "--redirect-uri",
            "https://a.example/cb",
            "--auth-method",
            "private_key_jwt",
            "--jwks",
            "{not json",
        ],
        "not JSON",
    );
    cli.fails(
        &[
            "client",
            "add",
            "badbc",
            "--redirect-uri",
            "https://a.example/cb",
            "--backchannel-logout-uri",
            "http://bc.example/x",
        ],
        "not a usable",
    );
    // batch and payroll; none of the refused ones.
    assert_eq!(cli.ok(&["client", "list", "--json"]).as_array().unwrap().len(), 2);
}
