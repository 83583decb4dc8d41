//! `gatehouse backup`: a checked copy of the SQLite database while a server runs on it, that a server then starts
//! on; PostgreSQL and bad targets are refused with a message and write nothing.
use crate::cli::common::Cli;
use crate::common::*;

#[tokio::test]
async fn a_backup_taken_while_serving_is_complete_checked_and_starts_a_server() {
    let cli = Cli::new().await;
    let target = cli.data_dir().join("copy.db");
    let target_s = target.to_str().unwrap().to_string();
    if !cli.db_url().starts_with("sqlite:") {
        let out = cli.run(&["backup", &target_s]);
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("pg_dump"), "{}", out.stderr);
        assert!(!target.exists());
        return;
    }
    // A server runs on the database and writes to it while the copy is taken.
    let server = TestServer::start_on(cli.db_url(), None).await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    server.add_user("bob", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);

    let report = cli.ok(&["backup", &target_s, "--json"]);
    assert_eq!(report["users"], 2, "{report}");
    assert!(report["bytes"].as_u64().unwrap() > 0);
    assert!(report["schema"].as_str().unwrap().starts_with("m2026"), "{report}");
    assert!(target.is_file());
    assert!(
        !cli.data_dir().join("copy.db-wal").exists(),
        "the copy is one self-contained file"
    );

    // A second backup to the same file is refused and leaves the first as it was.
    let before = std::fs::read(&target).unwrap();
    let again = cli.run(&["backup", &target_s]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("never overwrites"), "{}", again.stderr);
    assert_eq!(std::fs::read(&target).unwrap(), before);

    // Nowhere to write, or nothing to copy: a message, no file.
    let nowhere = cli.run(&["backup", "/nonexistent-dir/copy.db"]);
    assert_eq!(nowhere.code, 1);
    assert!(nowhere.stderr.contains("does not exist"), "{}", nowhere.stderr);
    let missing = cli.run_with(
        &["backup", cli.data_dir().join("other.db").to_str().unwrap()],
        None,
        &[(
            "GATEHOUSE_DATABASE_URL",
            &format!("sqlite://{}?mode=rwc", cli.data_dir().join("absent.db").display()),
        )],
    );
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no database"), "{}", missing.stderr);
    assert!(
        !cli.data_dir().join("absent.db").exists(),
        "a mistyped path is not created"
    );

    // The copy is a database a server starts on, with the users in it.
    let restored = TestServer::start_on(&format!("sqlite://{}?mode=rwc", target.display()), None).await;
    let signed_in = restored.browser();
    assert_eq!(signed_in.login("bob", GOOD_PASSWORD).await.status, 303);
}
