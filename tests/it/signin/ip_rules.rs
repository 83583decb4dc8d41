//! IP allow and deny lists through the real server: global rules (configuration) before the password, per-role
//! rules (`role set --ip-allow/--ip-deny`) after it, deny winning over allow, and the client address from the
//! socket unless a trusted proxy forwards it. The test server listens on 127.0.0.1.
use crate::cli::common::Cli;
use crate::common::*;
use gatehouse::config::Config;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::policy::roles;
use gatehouse::core::signin::ip_rules::parse_list;
use serde_json::json;

async fn server_with(extra: &[(&str, &str)]) -> TestServer {
    let db = TestDb::new().await;
    let mut server = TestServer::start_with(&db.url, None, extra).await;
    server.db = Some(db);
    server
}

/// Posts the sign-in form, optionally with an `X-Forwarded-For` header.
async fn sign_in(server: &TestServer, username: &str, password: &str, forwarded_for: Option<&str>) -> Page {
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    let mut request = browser.client.post(server.url("/login")).form(&[
        ("csrf", csrf.as_str()),
        ("username", username),
        ("password", password),
    ]);
    if let Some(value) = forwarded_for {
        request = request.header("X-Forwarded-For", value);
    }
    Browser::read(request.send().await.unwrap()).await
}

fn refused(page: &Page) -> bool {
    page.status == 403 && page.body.contains("not allowed from your network")
}

async fn role_ip(server: &TestServer, role: &str, allow: &str, deny: &str) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &PolicyChange {
            ip_allow: Some(parse_list(allow).unwrap()),
            ip_deny: Some(parse_list(deny).unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn ip_denials(server: &TestServer) -> usize {
    server
        .audit_kinds(None)
        .await
        .iter()
        .filter(|(kind, outcome)| kind == "login.ip_denied" && outcome == "denied")
        .count()
}

#[tokio::test]
async fn global_deny_and_allow_lists_apply_before_the_password() {
    let denied = server_with(&[("GATEHOUSE_IP_DENY", "10.0.0.0/8, 127.0.0.0/8")]).await;
    denied.add_user("gus", Some(GOOD_PASSWORD)).await;
    assert!(refused(&sign_in(&denied, "gus", GOOD_PASSWORD, None).await));
    // The password is not even checked: a wrong one gets the same denial, not "wrong password".
    assert!(refused(&sign_in(&denied, "gus", "wrong", None).await));
    assert_eq!(ip_denials(&denied).await, 2);
    denied.stop().await;

    let elsewhere = server_with(&[("GATEHOUSE_IP_ALLOW", "10.0.0.0/8,2001:db8::/32")]).await;
    elsewhere.add_user("gus", Some(GOOD_PASSWORD)).await;
    assert!(refused(&sign_in(&elsewhere, "gus", GOOD_PASSWORD, None).await));
    elsewhere.stop().await;

    let here = server_with(&[("GATEHOUSE_IP_ALLOW", "127.0.0.0/8")]).await;
    here.add_user("gus", Some(GOOD_PASSWORD)).await;
    assert_eq!(
        sign_in(&here, "gus", GOOD_PASSWORD, None).await.location().as_deref(),
        Some("/account")
    );
    here.stop().await;

    // Deny wins over allow.
    let both = server_with(&[
        ("GATEHOUSE_IP_ALLOW", "127.0.0.0/8"),
        ("GATEHOUSE_IP_DENY", "127.0.0.1"),
    ])
    .await;
    both.add_user("gus", Some(GOOD_PASSWORD)).await;
    assert!(refused(&sign_in(&both, "gus", GOOD_PASSWORD, None).await));
    both.stop().await;
}

#[tokio::test]
async fn role_rules_apply_after_the_password_to_members_only() {
    let server = TestServer::start().await;
    server.add_user("uma", Some(GOOD_PASSWORD)).await;
    server.add_user_with("hal", Some(GOOD_PASSWORD), &["helpdesk"]).await;
    role_ip(&server, "user", "", "127.0.0.0/8").await;
    let page = sign_in(&server, "uma", GOOD_PASSWORD, None).await;
    assert!(refused(&page), "{}", page.body);
    let uma = server.user("uma").await;
    assert!(
        server
            .audit_kinds(Some(&uma))
            .await
            .contains(&("login.ip_denied".into(), "denied".into()))
    );
    assert_eq!(
        server.session_count(&uma).await,
        0,
        "no session, not even a pending one"
    );
    // A wrong password is just a wrong password: the rule is not revealed to someone without it.
    assert_eq!(sign_in(&server, "uma", "wrong", None).await.status, 401);
    // Another role's member is not affected.
    assert_eq!(sign_in(&server, "hal", GOOD_PASSWORD, None).await.status, 303);

    // An allow list that does not contain the address refuses; one that does, admits; deny still wins.
    role_ip(&server, "user", "10.0.0.0/8", "").await;
    assert!(refused(&sign_in(&server, "uma", GOOD_PASSWORD, None).await));
    role_ip(&server, "user", "127.0.0.0/8,::1", "").await;
    assert_eq!(
        sign_in(&server, "uma", GOOD_PASSWORD, None).await.location().as_deref(),
        Some("/account")
    );
    role_ip(&server, "user", "127.0.0.0/8", "127.0.0.1/32").await;
    assert!(refused(&sign_in(&server, "uma", GOOD_PASSWORD, None).await));
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // No trusted proxy: the header is ignored, whatever it claims.
    let direct = server_with(&[("GATEHOUSE_IP_ALLOW", "198.51.100.0/24")]).await;
    direct.add_user("fay", Some(GOOD_PASSWORD)).await;
    assert!(refused(
        &sign_in(&direct, "fay", GOOD_PASSWORD, Some("198.51.100.7")).await
    ));
    direct.stop().await;
    // Proxies configured, but the request does not come from one of them: still ignored.
    let elsewhere = server_with(&[
        ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8"),
        ("GATEHOUSE_IP_ALLOW", "198.51.100.0/24"),
    ])
    .await;
    elsewhere.add_user("fay", Some(GOOD_PASSWORD)).await;
    assert!(refused(
        &sign_in(&elsewhere, "fay", GOOD_PASSWORD, Some("198.51.100.7")).await
    ));
    elsewhere.stop().await;

    // Behind a trusted proxy (the test client at 127.0.0.1): the right-most untrusted entry is the client.
    let proxied = server_with(&[
        ("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("GATEHOUSE_IP_ALLOW", "198.51.100.0/24"),
        ("GATEHOUSE_IP_DENY", "198.51.100.66"),
    ])
    .await;
    proxied.add_user("fay", Some(GOOD_PASSWORD)).await;
    let ok = sign_in(&proxied, "fay", GOOD_PASSWORD, Some("198.51.100.7")).await;
    assert_eq!(ok.location().as_deref(), Some("/account"), "{}", ok.body);
    assert!(refused(
        &sign_in(&proxied, "fay", GOOD_PASSWORD, Some("198.51.100.66")).await
    ));
    // A client that prepends an allowed address of its own is judged by what the proxy saw.
    assert!(refused(
        &sign_in(&proxied, "fay", GOOD_PASSWORD, Some("198.51.100.7, 203.0.113.9")).await
    ));
    // Without the header, the proxy's own address is the client.
    assert!(refused(&sign_in(&proxied, "fay", GOOD_PASSWORD, None).await));
    // Role rules use the same address.
    role_ip(&proxied, "user", "", "198.51.100.7").await;
    assert!(refused(
        &sign_in(&proxied, "fay", GOOD_PASSWORD, Some("198.51.100.7")).await
    ));
    assert_eq!(
        sign_in(&proxied, "fay", GOOD_PASSWORD, Some("198.51.100.8"))
            .await
            .location()
            .as_deref(),
        Some("/account")
    );
    proxied.stop().await;
}

#[tokio::test]
async fn forwarded_entries_with_ports_cannot_pass_ip_deny() {
    // The test client at 127.0.0.1 is the trusted proxy; it forwards for clients that a rule denies, writing
    // their address with a port as some proxies do. Before, such an entry fell back to the proxy's address.
    let server = server_with(&[
        ("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("GATEHOUSE_IP_DENY", "203.0.113.0/24, 2001:db8::/32"),
    ])
    .await;
    server.add_user("fay", Some(GOOD_PASSWORD)).await;
    for header in [
        "203.0.113.9:4711",
        "[2001:db8::1]:443",
        "198.51.100.7, 203.0.113.9:4711",
    ] {
        let page = sign_in(&server, "fay", GOOD_PASSWORD, Some(header)).await;
        assert!(refused(&page), "{header}: {} {}", page.status, page.body);
    }
    assert_eq!(ip_denials(&server).await, 3);
    let denied_ips: Vec<Option<String>> = server
        .state()
        .store
        .list_audit(None, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.kind == "login.ip_denied")
        .map(|e| e.event.ip)
        .collect();
    assert!(denied_ips.contains(&Some("203.0.113.9".into())), "{denied_ips:?}");
    assert!(denied_ips.contains(&Some("2001:db8::1".into())), "{denied_ips:?}");
    // A garbage entry from the trusted proxy: the client is unknown, and with rules configured that is a refusal.
    for header in ["garbage", "unknown", "203.0.113.9:port"] {
        let page = sign_in(&server, "fay", GOOD_PASSWORD, Some(header)).await;
        assert!(refused(&page), "{header}: {} {}", page.status, page.body);
    }
    // Allowed clients, with or without a port, still sign in.
    for header in ["198.51.100.7:5555", "[2001:db9::1]:443", "198.51.100.7"] {
        let page = sign_in(&server, "fay", GOOD_PASSWORD, Some(header)).await;
        assert_eq!(page.location().as_deref(), Some("/account"), "{header}: {}", page.body);
    }
    server.stop().await;
}

#[tokio::test]
async fn invalid_cidrs_are_clear_errors_in_configuration_and_cli() {
    for (key, value) in [
        ("GATEHOUSE_IP_ALLOW", "10.0.0.0/33"),
        ("GATEHOUSE_IP_DENY", "example.com"),
        ("GATEHOUSE_TRUSTED_PROXIES", "300.1.1.1"),
    ] {
        let env = vec![(key.to_string(), value.to_string())];
        let err = Config::load_from(None, &env).expect_err(key).to_string();
        let name = key.trim_start_matches("GATEHOUSE_").to_lowercase();
        assert!(err.contains(&name) && err.contains("is not a CIDR"), "{err}");
    }

    // A TOML file takes lists; the environment takes comma-separated text.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gatehouse.toml");
    std::fs::write(
        &file,
        "ip_allow = [\"10.0.0.0/8\", \"2001:db8::/32\"]\ntrusted_proxies = [\"127.0.0.1\"]\n",
    )
    .unwrap();
    let config = Config::load_from(Some(&file), &[]).unwrap();
    assert_eq!(config.ip_rules().allow, parse_list("10.0.0.0/8,2001:db8::/32").unwrap());
    assert_eq!(config.trusted_proxies(), parse_list("127.0.0.1/32").unwrap());
    std::fs::write(&file, "ip_deny = [\"10.0.0.0/8\", \"bad\"]\n").unwrap();
    assert!(
        Config::load_from(Some(&file), &[])
            .unwrap_err()
            .to_string()
            .contains("ip_deny: 'bad'")
    );

    let cli = Cli::new().await;
    let before = cli.ok(&["role", "show", "user", "--json"]);
    cli.fails(
        &["role", "set", "user", "--ip-allow", "10.0.0.0/8,fe80::/129"],
        "--ip-allow",
    );
    cli.fails(&["role", "set", "user", "--ip-deny", "nonsense"], "is not a CIDR");
    assert_eq!(cli.ok(&["role", "show", "user", "--json"]), before, "nothing changed");
    cli.ok(&[
        "role",
        "set",
        "user",
        "--ip-allow",
        "10.1.2.3/8, 2001:db8::/32",
        "--ip-deny",
        "10.9.0.0/16",
        "--json",
    ]);
    let after = cli.ok(&["role", "show", "user", "--json"]);
    assert_eq!(
        after["ip"],
        json!({ "allow": ["10.0.0.0/8", "2001:db8::/32"], "deny": ["10.9.0.0/16"] })
    );
    cli.ok(&[
        "role",
        "set",
        "user",
        "--ip-allow",
        "none",
        "--ip-deny",
        "none",
        "--json",
    ]);
    assert_eq!(
        cli.ok(&["role", "show", "user", "--json"])["ip"],
        json!({ "allow": [], "deny": [] })
    );
}
