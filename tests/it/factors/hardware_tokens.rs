//! Hardware OATH tokens: `gatehouse tokens import` (CSV and PSKC), binding by serial and two consecutive
//! codes, sign-in with HOTP and TOTP tokens, and what a token refuses.
use crate::common::*;
use gatehouse::core::factors::oath_token::hotp::{HashAlgorithm, hotp};
use std::process::Command;

const HOTP_SEED: &[u8] = b"12345678901234567890";
const TOTP_SEED: &[u8] = b"abcdefghijklmnopqrst";

fn base32(bytes: &[u8]) -> String {
    totp_rs::Secret::from(bytes.to_vec()).to_base32()
}

/// Runs `gatehouse` against the test server's database with its key (seeds are sealed with it).
fn gatehouse(server: &TestServer, args: &[&str]) -> std::process::Output {
    let db = server.db.as_ref().unwrap();
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .env_clear()
        .env("GATEHOUSE_DATA_DIR", &server.data_dir)
        .env("GATEHOUSE_DATABASE_URL", &db.url)
        .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
        .output()
        .expect("run gatehouse")
}

fn import(server: &TestServer, name: &str, content: &str) -> std::process::Output {
    let path = server.data_dir.join(name);
    std::fs::write(&path, content).unwrap();
    gatehouse(server, &["tokens", "import", path.to_str().unwrap(), "--json"])
}

fn totp_code(server: &TestServer, steps_ahead: i64) -> String {
    let step = server.state().clock.now().timestamp() / 30 + steps_ahead;
    hotp(TOTP_SEED, step as u64, 6, HashAlgorithm::Sha1)
}

async fn bind(browser: &Browser, serial: &str, first: &str, second: &str) -> Page {
    browser
        .submit(
            "/account/security/token",
            "/account/security/token",
            &[("serial", serial), ("first", first), ("second", second)],
        )
        .await
}

#[tokio::test]
async fn import_bind_and_sign_in_with_hardware_tokens() {
    let server = TestServer::start().await;
    let csv = format!(
        "serial,secret_base32,type,digits,period\n# shipped by the vendor\nHOTP-0001,{},hotp,6,\nTOTP-0002,{},totp,6,30\n",
        base32(HOTP_SEED),
        base32(TOTP_SEED)
    );
    let out = import(&server, "tokens.csv", &csv);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["imported"],
        2
    );

    // Malformed and hostile files: refused, nothing imported.
    for (name, content) in [
        (
            "bad.csv",
            "serial,secret_base32,type\nX-1,not-base32!,hotp\n".to_string(),
        ),
        ("dup.csv", format!("HOTP-0001,{},hotp\n", base32(HOTP_SEED))),
        (
            "doctype.xml",
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><KeyContainer/>".to_string(),
        ),
        (
            "empty.xml",
            "<KeyContainer xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\" Version=\"1.0\"/>".to_string(),
        ),
    ] {
        let out = import(&server, name, &content);
        assert_eq!(out.status.code(), Some(1), "{name} must be refused");
        assert!(!out.stderr.is_empty());
    }
    let pskc = r#"<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
  <KeyPackage>
    <DeviceInfo><Manufacturer>Manufacturer</Manufacturer><SerialNo>987654321</SerialNo></DeviceInfo>
    <Key Id="12345678" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
      <AlgorithmParameters><ResponseFormat Length="8" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data><Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret><Counter><PlainValue>0</PlainValue></Counter></Data>
    </Key>
  </KeyPackage>
</KeyContainer>"#;
    assert!(import(&server, "tokens.pskc", pskc).status.success());
    let listed: serde_json::Value =
        serde_json::from_slice(&gatehouse(&server, &["tokens", "list", "--json"]).stdout).unwrap();
    let serials: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials, ["987654321", "HOTP-0001", "TOTP-0002"]);
    assert!(listed.to_string().find("MTIz").is_none(), "seeds never listed");

    // Bind the HOTP token, whose button was pressed 5 times before: codes at counters 5 and 6.
    server.add_user("kai", Some(GOOD_PASSWORD)).await;
    let kai = server.browser();
    assert_eq!(kai.login("kai", GOOD_PASSWORD).await.status, 303);
    let wrong = bind(
        &kai,
        "HOTP-0001",
        &hotp(HOTP_SEED, 5, 6, HashAlgorithm::Sha1),
        &hotp(HOTP_SEED, 7, 6, HashAlgorithm::Sha1),
    )
    .await;
    assert_eq!(wrong.status, 401, "codes must be consecutive");
    let unknown = bind(&kai, "NO-SUCH", "123456", "654321").await;
    assert_eq!(unknown.status, 401);
    assert!(
        unknown.body.contains("do not match an available token"),
        "one answer for unknown serials and wrong codes"
    );
    let done = bind(
        &kai,
        "HOTP-0001",
        &hotp(HOTP_SEED, 5, 6, HashAlgorithm::Sha1),
        &hotp(HOTP_SEED, 6, 6, HashAlgorithm::Sha1),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);

    // Sign in with the next code; replays and older codes are refused; look-ahead tolerates skipped presses.
    let sign_in = |code: String| {
        let server = &server;
        async move {
            let b = server.browser();
            assert_eq!(b.login("kai", GOOD_PASSWORD).await.status, 303);
            b.submit(
                "/login/factor",
                "/login/factor",
                &[("method", "oath_token"), ("code", &code)],
            )
            .await
            .status
        }
    };
    assert_eq!(sign_in(hotp(HOTP_SEED, 7, 6, HashAlgorithm::Sha1)).await, 303);
    assert_eq!(
        sign_in(hotp(HOTP_SEED, 7, 6, HashAlgorithm::Sha1)).await,
        401,
        "replayed"
    );
    assert!(
        server
            .mails(2)
            .await
            .iter()
            .any(|m| m.contains("To: kai@example.com") && m.contains("already been used")),
        "a replayed token code is reported to the user"
    );
    assert_eq!(
        sign_in(hotp(HOTP_SEED, 6, 6, HashAlgorithm::Sha1)).await,
        401,
        "older than the counter"
    );
    assert_eq!(
        sign_in(hotp(HOTP_SEED, 20, 6, HashAlgorithm::Sha1)).await,
        303,
        "within the look-ahead"
    );
    assert_eq!(
        sign_in(hotp(HOTP_SEED, 60, 6, HashAlgorithm::Sha1)).await,
        401,
        "beyond the look-ahead"
    );

    // A bound token cannot be bound again, by anyone.
    server.add_user("lea", Some(GOOD_PASSWORD)).await;
    let lea = server.browser();
    assert_eq!(lea.login("lea", GOOD_PASSWORD).await.status, 303);
    let taken = bind(
        &lea,
        "HOTP-0001",
        &hotp(HOTP_SEED, 21, 6, HashAlgorithm::Sha1),
        &hotp(HOTP_SEED, 22, 6, HashAlgorithm::Sha1),
    )
    .await;
    assert_eq!(taken.status, 401);

    // A TOTP token whose clock runs 10 steps fast: binding finds the drift; sign-in uses it.
    let done = bind(&lea, "TOTP-0002", &totp_code(&server, 9), &totp_code(&server, 10)).await;
    assert_eq!(done.status, 303, "{}", done.body);
    server.clock.advance(chrono::Duration::seconds(30));
    let b = server.browser();
    assert_eq!(b.login("lea", GOOD_PASSWORD).await.status, 303);
    let ok = b
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "oath_token"), ("code", &totp_code(&server, 10))],
        )
        .await;
    assert_eq!(ok.status, 303);
    let lea_user = server.user("lea").await;
    assert!(
        server
            .audit_kinds(Some(&lea_user))
            .await
            .contains(&("factor.added".into(), "success".into()))
    );
}
