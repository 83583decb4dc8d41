//! Test harness: a real Gatehouse server (real HTTP, real database) started in-process on a free port,
//! on SQLite by default or on a fresh PostgreSQL database when `GATEHOUSE_TEST_DATABASE_URL` is set.
#![allow(dead_code)]

mod builders;
pub use builders::*;

use gatehouse::app::{self, Running};
use gatehouse::config::Config;
use gatehouse::core::accounts::{self, NewAccount};
use gatehouse::core::audit::Origin;
use gatehouse::core::clock::OffsetClock;
use gatehouse::core::model::User;
use gatehouse::http::AppState;
use sea_orm::{ConnectionTrait, Database};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const GOOD_PASSWORD: &str = "violet-tractor-sings-at-dawn";

/// A database for one test; PostgreSQL databases are dropped when it goes away.
pub struct TestDb {
    pub url: String,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// PostgreSQL when configured, SQLite otherwise.
    pub async fn new() -> TestDb {
        match std::env::var("GATEHOUSE_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Self::postgres(&url).await,
            _ => Self::sqlite(),
        }
    }

    /// Every backend this run covers: SQLite always, PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![Self::sqlite()];
        if let Ok(url) = std::env::var("GATEHOUSE_TEST_DATABASE_URL")
            && !url.is_empty()
        {
            dbs.push(Self::postgres(&url).await);
        }
        dbs
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        TestDb {
            url,
            admin_url: None,
            name: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres(admin_url: &str) -> TestDb {
        let name = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(admin_url)
            .await
            .expect("connect to GATEHOUSE_TEST_DATABASE_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let mut url = url::Url::parse(admin_url).expect("GATEHOUSE_TEST_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        TestDb {
            url: url.to_string(),
            admin_url: Some(admin_url.to_string()),
            name: Some(name),
            _dir: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.name.is_some()
    }

    /// Runs SQL on the maintenance database (PostgreSQL only).
    pub async fn admin_sql(&self, sql: &str) {
        let admin = Database::connect(self.admin_url.as_deref().expect("postgres"))
            .await
            .expect("admin connection");
        admin.execute_unprepared(sql).await.expect("admin sql");
        admin.close().await.ok();
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let (Some(admin_url), Some(name)) = (self.admin_url.clone(), self.name.clone()) {
            // Drop from a separate thread: Drop cannot await, and the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub running: Running,
    pub clock: Arc<OffsetClock>,
    pub data_dir: PathBuf,
    _data: Option<tempfile::TempDir>,
    pub db: Option<TestDb>,
}

/// A fixed key so that several instances in one test share CSRF keys, as production instances must.
pub const SHARED_SECRET: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

pub fn config_for(
    db_url: &str,
    data_dir: &Path,
    port: u16,
    public_url: Option<&str>,
    extra: &[(&str, &str)],
) -> Config {
    let base = format!("http://127.0.0.1:{port}");
    let mut env = vec![
        ("GATEHOUSE_LISTEN".to_string(), format!("127.0.0.1:{port}")),
        (
            "GATEHOUSE_PUBLIC_URL".to_string(),
            public_url.unwrap_or(&base).to_string(),
        ),
        ("GATEHOUSE_DATA_DIR".to_string(), data_dir.display().to_string()),
        ("GATEHOUSE_DATABASE_URL".to_string(), db_url.to_string()),
        ("GATEHOUSE_SECRET_KEY".to_string(), SHARED_SECRET.to_string()),
        // Most tests execute factor resets without verifying the caller first; the caller-verification tests
        // (tests/it/recovery/verify.rs) turn it back on, as it is by default.
        (
            "GATEHOUSE_RECOVERY_CALLER_VERIFICATION".to_string(),
            "false".to_string(),
        ),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::load_from(None, &env).expect("test configuration is valid")
}

impl TestServer {
    pub async fn start() -> TestServer {
        let db = TestDb::new().await;
        let mut server = Self::start_on(&db.url, None).await;
        server.db = Some(db);
        server
    }

    /// Another instance on an existing database (its own data directory, the shared secret key).
    pub async fn start_on(db_url: &str, public_url: Option<&str>) -> TestServer {
        Self::start_with(db_url, public_url, &[]).await
    }

    /// With extra `GATEHOUSE_*` settings.
    pub async fn start_with(db_url: &str, public_url: Option<&str>, extra: &[(&str, &str)]) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let port = listener.local_addr().expect("addr").port();
        // "{port}" in a public URL stands for the port just bound (WebAuthn needs http://localhost:PORT).
        let public_url = public_url.map(|u| u.replace("{port}", &port.to_string()));
        let config = config_for(db_url, data.path(), port, public_url.as_deref(), extra);
        let clock = Arc::new(OffsetClock::default());
        let state = app::build_state(config, clock.clone()).await.expect("server state");
        let running = app::start(state, listener, false).expect("server starts");
        TestServer {
            base: format!("http://127.0.0.1:{port}"),
            running,
            clock,
            data_dir: data.path().to_path_buf(),
            _data: Some(data),
            db: None,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.running.state
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    pub async fn add_user(&self, username: &str, password: Option<&str>) -> User {
        self.add_user_with(username, password, &[]).await
    }

    pub async fn add_user_with(&self, username: &str, password: Option<&str>, roles: &[&str]) -> User {
        self.create_account(NewAccount {
            roles: roles.iter().map(|r| r.to_string()).collect(),
            password: password.map(str::to_string),
            ..an_account(username)
        })
        .await
    }

    /// Creates an account as `gatehouse user add` does: audited as the command line, at the server's clock.
    pub async fn create_account(&self, account: NewAccount) -> User {
        accounts::create(
            self.state().store.as_ref(),
            &self.state().passwords,
            self.state().clock.now(),
            &Origin::cli(),
            account,
        )
        .await
        .expect("create user")
    }

    pub async fn user(&self, username: &str) -> User {
        accounts::find(self.state().store.as_ref(), username)
            .await
            .expect("user exists")
    }

    pub async fn session_count(&self, user: &User) -> u64 {
        self.state()
            .store
            .count_sessions_of_user(&user.id)
            .await
            .expect("count sessions")
    }

    pub async fn audit_kinds(&self, user: Option<&User>) -> Vec<(String, String)> {
        self.state()
            .store
            .list_audit(user.map(|u| u.id.as_str()), 200)
            .await
            .expect("audit")
            .into_iter()
            .map(|r| (r.event.kind, r.event.outcome.as_str().to_string()))
            .collect()
    }

    /// Mails written by the file transport, oldest first; waits up to 5 s for at least `count`.
    pub async fn mails(&self, count: usize) -> Vec<String> {
        mails_in(&self.data_dir, count).await
    }

    pub async fn stop(self) {
        self.running.handle.stop(true).await;
    }
}

/// Mails the file transport wrote under the data directory `data_dir` (a server's or a command's), oldest first;
/// waits up to 5 s for at least `count`.
pub async fn mails_in(data_dir: &Path, count: usize) -> Vec<String> {
    let dir = data_dir.join("mail");
    for _ in 0..100 {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        // A file may still be being written: count only complete messages (closing MIME boundary).
        let contents: Vec<_> = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        if files.len() >= count && contents.iter().all(|c| c.trim_end().ends_with("--")) {
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            return files
                .iter()
                .map(|p| decode_mail(&std::fs::read_to_string(p).unwrap_or_default()))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Vec::new()
}

/// Undoes quoted-printable soft breaks and escapes enough to find links in a mail.
fn decode_mail(raw: &str) -> String {
    raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
}

/// The first reset link in a mail.
pub fn link_in(mail: &str) -> String {
    let start = mail.find("http").expect("a link in the mail");
    mail[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// An HTTP client that keeps cookies and does not follow redirects, like a browser driven by hand.
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<String> {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }

    /// The value of a hidden input named `name`.
    pub fn input(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle)? + needle.len();
        Some(self.body[start..].split('"').next()?.to_string())
    }

    pub fn csrf(&self) -> String {
        self.input("csrf").expect("page has a CSRF token")
    }

    /// The one-time notice the page shows (base.html's `role="status"` paragraph), if any.
    pub fn notice(&self) -> Option<String> {
        let needle = "<p class=\"notice\" role=\"status\">";
        let start = self.body.find(needle)? + needle.len();
        Some(self.body[start..].split("</p>").next()?.to_string())
    }

    /// The value of a `data-<name>` attribute.
    pub fn data(&self, name: &str) -> Option<String> {
        let needle = format!("data-{name}=\"");
        let start = self.body.find(&needle)? + needle.len();
        Some(self.body[start..].split('"').next()?.to_string())
    }
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Self::with_jar(base, Arc::new(reqwest::cookie::Jar::default()))
    }

    /// A fresh browser that holds one cookie, e.g. a session token replayed by someone else.
    pub fn with_cookie(base: &str, name: &str, value: &str) -> Browser {
        let jar = reqwest::cookie::Jar::default();
        jar.add_cookie_str(&format!("{name}={value}; Path=/"), &base.parse().expect("base URL"));
        Self::with_jar(base, Arc::new(jar))
    }

    /// A fresh browser that names itself with `user_agent` (as Firefox or Safari would).
    pub fn with_user_agent(base: &str, user_agent: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .user_agent(user_agent)
            .build()
            .expect("client");
        Browser {
            client,
            base: base.to_string(),
        }
    }

    /// A fresh browser whose `Accept-Language` is `languages` (e.g. `de-CH, de;q=0.9`).
    pub fn with_language(base: &str, languages: &str) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            languages.parse().expect("an Accept-Language value"),
        );
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .default_headers(headers)
            .build()
            .expect("client");
        Browser {
            client,
            base: base.to_string(),
        }
    }

    fn with_jar(base: &str, jar: Arc<reqwest::cookie::Jar>) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Browser {
            client,
            base: base.to_string(),
        }
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(self.client.get(self.absolute(path)).send().await.expect("GET")).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Page {
        Self::read(
            self.client
                .post(self.absolute(path))
                .json(body)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Self::read(
            self.client
                .post(self.absolute(path))
                .form(form)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Loads the form at `page`, then posts `form` plus its CSRF token to `action`.
    pub async fn submit(&self, page: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let csrf = self.get(page).await.csrf();
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields).await
    }

    /// Opens a password link and sets `password` through its form.
    pub async fn set_password_via(&self, link: &str, password: &str) -> Page {
        let form = self.get(link).await;
        assert_eq!(form.status, 200, "the link opens a form: {link}");
        self.post_password_form(&form, password, password).await
    }

    /// Posts a loaded password form with the given new password and confirmation.
    pub async fn post_password_form(&self, form: &Page, password: &str, confirmation: &str) -> Page {
        let token = form.input("token").expect("form has the link's token");
        let fields = [
            ("csrf", form.csrf()),
            ("token", token),
            ("password", password.into()),
            ("password_confirm", confirmation.into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/password/reset", &fields).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.submit("/login", "/login", &[("username", username), ("password", password)])
            .await
    }
}

/// The value of a cookie in a `Set-Cookie` list.
pub fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| rest.split(';').next().unwrap_or("").to_string())
    })
}

/// A minimal SMTP server on loopback that keeps every message it is given, so tests exercise the real
/// SMTP transport end to end.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(body) = data.as_mut() {
                            if line == "." {
                                store.lock().expect("lock").push(data.take().unwrap_or_default());
                                let _ = write.write_all(b"250 queued\r\n").await;
                            } else {
                                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                                body.push('\n');
                            }
                            continue;
                        }
                        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    /// Waits up to 5 s for at least `count` messages.
    pub async fn messages(&self, count: usize) -> Vec<String> {
        for _ in 0..100 {
            let got = self.messages.lock().expect("lock").clone();
            if got.len() >= count {
                return got.into_iter().map(|m| decode_mail(&m)).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.messages.lock().expect("lock").clone()
    }
}

/// The secret shown on the enrolment page (`<code id="secret">`), decoded.
pub fn secret_on(page: &Page) -> Vec<u8> {
    let start = page
        .body
        .find("<code id=\"secret\">")
        .expect("secret on the enrolment page")
        + "<code id=\"secret\">".len();
    let base32 = &page.body[start..start + page.body[start..].find('<').expect("end of secret")];
    totp_rs::Secret::try_from_base32(base32)
        .expect("base32 secret")
        .as_bytes()
        .to_vec()
}

impl TestServer {
    /// The TOTP code for the server's current time, `steps` steps of 30 s ahead.
    pub fn totp_code(&self, secret: &[u8], steps: i64) -> String {
        let unix = (self.state().clock.now().timestamp() + steps * 30).max(0) as u64;
        gatehouse::core::factors::totp::code_at(secret, unix)
    }

    /// Adds an authenticator app for the browser's signed-in user through the real pages; returns its secret.
    pub async fn enrol_totp(&self, browser: &Browser) -> Vec<u8> {
        let page = browser.get("/account/security/totp").await;
        assert_eq!(page.status, 200, "enrolment page: {}", page.body);
        let secret = secret_on(&page);
        let code = self.totp_code(&secret, 0);
        let done = browser
            .post(
                "/account/security/totp",
                &[
                    ("csrf", &page.csrf()),
                    ("factor_id", &page.input("factor_id").unwrap()),
                    ("name", "Phone"),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "enrolment confirmed: {}", done.body);
        // Later codes in a test use later steps: the enrolment code's step is now used.
        self.clock.advance(chrono::Duration::seconds(30));
        secret
    }

    /// Signs in with password and then the TOTP code for the current step.
    pub async fn sign_in_with_totp(&self, browser: &Browser, username: &str, secret: &[u8]) -> Page {
        let first = browser.login(username, GOOD_PASSWORD).await;
        assert_eq!(first.status, 303);
        assert!(
            first.location().unwrap_or_default().starts_with("/login/factor"),
            "{:?}",
            first.location()
        );
        let code = self.totp_code(secret, 0);
        browser
            .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
            .await
    }
}

/// One HTTP request an `HttpSink` received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 server on loopback that records every request and answers with a fixed status and
/// body: the receiving end of the SMS webhook, or a stand-in for Twilio's API.
pub struct HttpSink {
    pub url: String,
    received: Arc<std::sync::Mutex<Vec<Received>>>,
}

impl HttpSink {
    pub async fn start(status: u16, reply_body: &'static str) -> HttpSink {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let header_end = loop {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break pos + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
                    let mut lines = head.lines();
                    let mut first = lines.next().unwrap_or_default().split_whitespace();
                    let method = first.next().unwrap_or_default().to_string();
                    let path = first.next().unwrap_or_default().to_string();
                    let headers: Vec<(String, String)> = lines
                        .filter_map(|l| {
                            l.split_once(':')
                                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        })
                        .collect();
                    let length: usize = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    while buf.len() < header_end + length {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let body = String::from_utf8_lossy(&buf[header_end..]).to_string();
                    store.lock().expect("lock").push(Received {
                        method,
                        path,
                        headers,
                        body,
                    });
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply_body}",
                        reply_body.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        HttpSink { url, received }
    }

    /// Waits up to 5 s for at least `count` requests.
    pub async fn received(&self, count: usize) -> Vec<Received> {
        for _ in 0..100 {
            let got = self.received.lock().expect("lock").clone();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.received.lock().expect("lock").clone()
    }
}

/// The 6-digit code in a text message.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code")
        .to_string()
}
