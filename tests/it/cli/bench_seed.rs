//! `gatehouse bench seed`: benchmark users in bulk on every backend; a seeded user signs in through the real
//! web form with the password and a code of the authenticator app whose secret the documented derivation gives;
//! bad input is refused with nothing written.
use crate::cli::common::Cli;
use crate::common::*;
use hmac::{Hmac, Mac};

/// The derivation docs/operations.md documents, computed here independently of the code under test.
fn documented_secret(seed: &str, index: u64) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(seed.as_bytes()).unwrap();
    mac.update(index.to_string().as_bytes());
    mac.finalize().into_bytes()[..20].to_vec()
}

fn seed(cli: &Cli, args: &[&str], password: Option<&str>) -> crate::cli::common::Out {
    let mut all = vec!["bench", "seed"];
    all.extend_from_slice(args);
    let stdin = password.map(|p| format!("{p}\n"));
    cli.run_with(&all, stdin.as_deref(), &[("GATEHOUSE_SECRET_KEY", SHARED_SECRET)])
}

#[tokio::test]
async fn seeded_users_sign_in_with_their_password_and_authenticator_app() {
    for db in TestDb::all().await {
        let backend = if db.is_postgres() { "postgres" } else { "sqlite" };
        let cli = Cli::on(db);
        let out = seed(
            &cli,
            &[
                "--users",
                "2500",
                "--prefix",
                "load-",
                "--role",
                "helpdesk",
                "--password-stdin",
                "--json",
            ],
            Some(GOOD_PASSWORD),
        );
        assert_eq!(out.code, 0, "{backend}: {}", out.stderr);
        let report = out.json();
        assert_eq!(report["users"], 2500, "{backend}");
        assert_eq!(report["first"], "load-1");
        assert_eq!(report["last"], "load-2500");
        assert!(
            out.stderr.contains("of 2500 users"),
            "{backend}: progress: {}",
            out.stderr
        );
        // The default seed and password, a second prefix beside the first.
        let out = seed(&cli, &["--users", "30", "--totp-seed", "other-seed"], None);
        assert_eq!(out.code, 0, "{backend}: {}", out.stderr);
        assert!(
            out.stdout.contains("Loaded 30 users (bench-1 … bench-30)"),
            "{}",
            out.stdout
        );

        let server = TestServer::start_on(cli.db_url(), None).await;
        let store = server.state().store.clone();
        assert_eq!(store.count_usernames_with_prefix("load-").await.unwrap(), 2500);
        for (username, index, seed_text) in [("load-1", 1, "gatehouse-bench"), ("load-2500", 2500, "gatehouse-bench")] {
            let user = server.user(username).await;
            assert_eq!(store.roles_of(&user.id).await.unwrap(), vec!["helpdesk".to_string()]);
            let factors = store.factors_of(&user.id).await.unwrap();
            assert_eq!(factors.len(), 1, "{backend}: one authenticator app");
            let browser = server.browser();
            let done = server
                .sign_in_with_totp(&browser, username, &documented_secret(seed_text, index))
                .await;
            assert_eq!(done.status, 303, "{backend} {username}: {}", done.body);
            assert_eq!(
                browser.get("/account").await.status,
                200,
                "{backend} {username} is signed in"
            );
        }
        // The default password, and a secret from the other seed; a code of another user's secret fails.
        let browser = server.browser();
        let first = browser.login("bench-7", "bench-violet-tractor-sings-at-dawn").await;
        assert_eq!(first.status, 303, "{backend}: {}", first.body);
        let wrong = server.totp_code(&documented_secret("other-seed", 8), 0);
        let refused = browser
            .submit(
                "/login/factor",
                "/login/factor",
                &[("method", "totp"), ("code", &wrong)],
            )
            .await;
        assert_ne!(refused.status, 303, "{backend}: another user's code");
        let code = server.totp_code(&documented_secret("other-seed", 7), 0);
        let done = browser
            .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
            .await;
        assert_eq!(done.status, 303, "{backend}: {}", done.body);
        assert_eq!(browser.get("/account").await.status, 200);
        server.stop().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    for db in TestDb::all().await {
        let cli = Cli::on(db);
        for (args, message) in [
            (vec!["--users", "0"], "--users: 1 to 10000000"),
            (vec!["--users", "10000001"], "--users: 1 to 10000000"),
            (
                vec!["--users", "5", "--role", "nobody"],
                "--role: unknown role 'nobody'",
            ),
            (vec!["--users", "5", "--prefix", "Load-"], "--prefix"),
            (vec!["--users", "5", "--prefix", "a b"], "--prefix"),
            (vec!["--users", "5", "--prefix", &"x".repeat(64)], "--prefix"),
        ] {
            let out = seed(&cli, &args, None);
            assert_eq!(out.code, 1, "{args:?} should fail: {}", out.stdout);
            assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        }
        let weak = seed(&cli, &["--users", "5", "--password-stdin"], Some("password"));
        assert_eq!(weak.code, 1);
        assert!(weak.stderr.contains("password:"), "{}", weak.stderr);
        assert_eq!(
            cli.ok(&["user", "list", "--json"]).as_array().unwrap().len(),
            0,
            "nothing written"
        );

        let out = seed(&cli, &["--users", "3"], None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        // The same prefix again: refused whole, even for users beyond the first three.
        let again = seed(&cli, &["--users", "10"], None);
        assert_eq!(again.code, 1);
        assert!(
            again
                .stderr
                .contains("3 users whose username starts with 'bench-' exist already"),
            "{}",
            again.stderr
        );
        assert_eq!(cli.ok(&["user", "list", "--json"]).as_array().unwrap().len(), 3);
        // A prefix's wildcard characters are taken literally.
        let out = seed(&cli, &["--users", "2", "--prefix", "bench_"], None);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}
