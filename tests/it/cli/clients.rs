//! `gatehouse client …` and `gatehouse keys …`: OIDC client administration, signing keys and client options.
use crate::cli::common::Cli;

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

#[tokio::test]
async fn a_service_client_for_the_admin_api_names_its_role_and_needs_client_credentials() {
    let cli = Cli::new().await;
    let added = cli.ok(&[
        "client",
        "add",
        "ops-bot",
        "--grant",
        "client_credentials",
        "--service-role",
        "helpdesk",
        "--json",
    ]);
    assert_eq!(added["service_role"], "helpdesk");
    assert!(added["client_secret"].as_str().is_some());
    assert_eq!(
        cli.ok(&["client", "show", "ops-bot", "--json"])["service_role"],
        "helpdesk"
    );
    cli.fails(
        &[
            "client",
            "add",
            "bot2",
            "--grant",
            "client_credentials",
            "--service-role",
            "root",
        ],
        "service_role: unknown role",
    );
    cli.fails(
        &[
            "client",
            "add",
            "bot3",
            "--redirect-uri",
            "https://a.example/cb",
            "--service-role",
            "admin",
        ],
        "--grant client_credentials",
    );
    let web = cli.ok(&[
        "client",
        "add",
        "console-app",
        "--redirect-uri",
        "https://admin.example/cb",
        "--allow-scope",
        "gatehouse:admin",
        "--json",
    ]);
    assert!(web["client_secret"].as_str().is_some());
    assert_eq!(
        cli.ok(&["client", "show", "console-app", "--json"])["extra_scopes"],
        serde_json::json!(["gatehouse:admin"])
    );
    cli.fails(
        &[
            "client",
            "add",
            "x",
            "--redirect-uri",
            "https://a.example/cb",
            "--allow-scope",
            "root",
        ],
        "cannot be allowed",
    );
    assert!(cli.ok(&["client", "list", "--json"]).to_string().contains("ops-bot"));
}

#[tokio::test]
async fn a_client_says_who_it_is_with_a_name_logo_policy_and_terms() {
    let cli = Cli::new().await;
    let added = cli.ok(&[
        "client",
        "add",
        "wiki",
        "--redirect-uri",
        "https://wiki.example.com/cb",
        "--name",
        "  Team Wiki ",
        "--logo-uri",
        "https://cdn.example.com/wiki.png",
        "--policy-uri",
        "https://wiki.example.com/privacy",
        "--tos-uri",
        "http://localhost:8080/terms",
        "--json",
    ]);
    assert_eq!(added["client_name"], "Team Wiki", "trimmed");
    let shown = cli.ok(&["client", "show", "wiki", "--json"]);
    assert_eq!(shown["logo_uri"], "https://cdn.example.com/wiki.png");
    assert_eq!(shown["policy_uri"], "https://wiki.example.com/privacy");
    assert_eq!(shown["tos_uri"], "http://localhost:8080/terms");

    // Refused with the setting named; nothing registered, nothing changed.
    for (flag, value, says) in [
        ("--logo-uri", "http://cdn.example.com/wiki.png", "logo_uri:"),
        ("--policy-uri", "javascript:alert(1)", "policy_uri:"),
        ("--tos-uri", "https://user:secret@wiki.example.com/terms", "tos_uri:"),
        ("--name", "Wiki\u{202e}", "client_name:"),
    ] {
        cli.fails(
            &[
                "client",
                "add",
                "other",
                "--redirect-uri",
                "https://o.example/cb",
                flag,
                value,
            ],
            says,
        );
        cli.fails(&["client", "update", "wiki", flag, value], says);
    }
    cli.fails(
        &["client", "update", "wiki", "--name", &"n".repeat(101), "--logo-uri", ""],
        "at most 100 characters",
    );
    cli.fails(&["client", "show", "other"], "not found");
    assert_eq!(cli.ok(&["client", "show", "wiki", "--json"]), shown, "nothing changed");

    // Changed one at a time; '' removes; the rest stays.
    let updated = cli.ok(&["client", "update", "wiki", "--name", "Wiki", "--tos-uri", "", "--json"]);
    assert_eq!(updated["client_name"], "Wiki");
    assert!(updated["tos_uri"].is_null());
    assert_eq!(updated["logo_uri"], "https://cdn.example.com/wiki.png");
    assert_eq!(
        updated["redirect_uris"],
        serde_json::json!(["https://wiki.example.com/cb"])
    );
    let out = cli.run(&["client", "update", "wiki", "--name", ""]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("name none"), "{}", out.stdout);
    assert!(cli.ok(&["client", "show", "wiki", "--json"])["client_name"].is_null());
}

#[tokio::test]
async fn a_client_can_be_made_to_push_its_authorization_requests() {
    let cli = Cli::new().await;
    let added = cli.ok(&[
        "client",
        "add",
        "payroll",
        "--redirect-uri",
        "https://payroll.example.com/cb",
        "--require-par",
        "--json",
    ]);
    assert!(added["client_secret"].is_string());
    let shown = cli.ok(&["client", "show", "payroll", "--json"]);
    assert_eq!(shown["require_pushed_authorization_requests"], true);
    let out = cli.run(&["client", "update", "payroll", "--no-require-par"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("PAR required no"), "{}", out.stdout);
    assert_eq!(
        cli.ok(&["client", "show", "payroll", "--json"])["require_pushed_authorization_requests"],
        false
    );
    let updated = cli.ok(&["client", "update", "payroll", "--require-par", "--json"]);
    assert_eq!(updated["require_pushed_authorization_requests"], true);
    let both = cli.run(&["client", "update", "payroll", "--require-par", "--no-require-par"]);
    assert!(
        both.code != 0 && both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let default = cli.ok(&[
        "client",
        "add",
        "wiki",
        "--redirect-uri",
        "https://wiki.example.com/cb",
        "--json",
    ]);
    assert!(default["client_secret"].is_string());
    assert_eq!(
        cli.ok(&["client", "show", "wiki", "--json"])["require_pushed_authorization_requests"],
        false,
        "off unless asked for"
    );
}
