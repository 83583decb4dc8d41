//! `/api/v1/hardware-tokens`: the inventory in cursor pages (never a seed) and importing seed files in the formats
//! `gatehouse tokens import` reads, through the same function (all or nothing, the same audit event); only
//! administrators; bad files name the line, other bad input the field, and nothing is imported.
use super::common::*;
use crate::common::*;
use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};
use serde_json::{Value, json};

const SEED_1: &[u8] = b"12345678901234567890";
const SEED_2: &[u8] = b"abcdefghijklmnopqrst";

fn base32(bytes: &[u8]) -> String {
    totp_rs::Secret::from(bytes.to_vec()).to_base32()
}

fn csv() -> String {
    format!(
        "serial,secret_base32,type,digits,period\n# shipped by the vendor\nHW-0001,{},hotp,6,\nHW-0002,{},totp,8,60\n",
        base32(SEED_1),
        base32(SEED_2)
    )
}

const PSKC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
  <KeyPackage>
    <DeviceInfo><Manufacturer>Token Works</Manufacturer><SerialNo>PSKC-77</SerialNo></DeviceInfo>
    <Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
      <AlgorithmParameters><Suite>HMAC-SHA256</Suite><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data><Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret></Data>
    </Key>
  </KeyPackage>
</KeyContainer>"#;

#[tokio::test]
async fn import_and_list_hardware_tokens() {
    let (server, token) = admin_server().await;
    let imported = call(
        &server,
        "POST",
        "/api/v1/hardware-tokens/import",
        Some(&token),
        Some(&json!({ "format": "csv", "content": csv() })),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert_eq!(imported.json, json!({ "imported": 2 }));
    let detected = json!({ "content": PSKC });
    let imported = call(
        &server,
        "POST",
        "/api/v1/hardware-tokens/import",
        Some(&token),
        Some(&detected),
    )
    .await;
    assert_eq!(imported.json, json!({ "imported": 1 }), "{}", imported.text);

    // One token bound to a user, as a user binding it at their security page leaves it.
    let user = server.add_user("tess", None).await;
    let now = server.state().clock.now();
    let factor = Factor::new(
        &user.id,
        FactorKind::OathToken,
        "HW-0002".into(),
        FactorStatus::Active,
        json!({ "serial": "HW-0002" }),
        now,
    );
    assert!(
        server
            .state()
            .store
            .bind_hardware_token("HW-0002", &factor, 0, 0, None, now)
            .await
            .unwrap()
    );

    let listed = call(&server, "GET", "/api/v1/hardware-tokens", Some(&token), None).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let items = listed.json["items"].as_array().unwrap();
    let serials: Vec<&str> = items.iter().map(|t| t["serial"].as_str().unwrap()).collect();
    assert_eq!(serials, ["HW-0001", "HW-0002", "PSKC-77"]);
    assert_eq!(listed.json["next_cursor"], Value::Null);
    assert_eq!(items[0]["type"], "hotp");
    assert_eq!(items[0]["period"], Value::Null);
    assert_eq!(items[0]["bound_user"], Value::Null);
    assert_eq!(
        (
            items[1]["type"].as_str(),
            items[1]["digits"].as_u64(),
            items[1]["period"].as_u64()
        ),
        (Some("totp"), Some(8), Some(60))
    );
    assert_eq!(items[1]["bound_user"], json!({ "id": user.id, "username": "tess" }));
    assert!(items[1]["bound_at"].is_string());
    assert_eq!(items[2]["algorithm"], "sha256");
    for seed in [base32(SEED_1), base32(SEED_2), "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=".into()] {
        assert!(!listed.text.contains(&seed), "never a seed");
    }
    assert!(!listed.text.contains("secret"), "{}", listed.text);

    let mut seen = Vec::new();
    let mut path = "/api/v1/hardware-tokens?limit=2".to_string();
    loop {
        let page = call(&server, "GET", &path, Some(&token), None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(
            page.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["serial"].as_str().unwrap().to_string()),
        );
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/hardware-tokens?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, serials);
}

#[tokio::test]
async fn only_administrators_read_or_import_tokens() {
    let (server, _) = admin_server().await;
    let body = json!({ "content": csv() });
    for (role, token) in non_admin_tokens(&server).await {
        for (method, path, body) in [
            ("GET", "/api/v1/hardware-tokens", None),
            ("POST", "/api/v1/hardware-tokens/import", Some(&body)),
        ] {
            let reply = call(&server, method, path, Some(&token), body).await;
            assert_eq!(reply.status, 403, "{role}: {method} {path}: {}", reply.text);
            reply.assert_problem(403);
        }
    }
    assert!(server.state().store.list_hardware_tokens().await.unwrap().is_empty());
    assert_eq!(count_events(&server, "tokens.imported").await, 0);
}

#[tokio::test]
async fn bad_files_and_bad_input_import_nothing() {
    let (server, token) = admin_server().await;
    let first = json!({ "content": csv() });
    assert_eq!(
        call(
            &server,
            "POST",
            "/api/v1/hardware-tokens/import",
            Some(&token),
            Some(&first)
        )
        .await
        .status,
        200
    );

    let bad_line = format!(
        "{}HW-0003,not base32!,totp\n",
        csv().replace("HW-0001", "HW-0101").replace("HW-0002", "HW-0102")
    );
    let cases = [
        (json!({ "content": bad_line }), "content", "line 5"),
        (json!({ "format": "csv", "content": PSKC }), "content", "line 1"),
        (json!({ "format": "pskc", "content": csv() }), "content", "PSKC"),
        (
            json!({ "content": PSKC.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<!DOCTYPE x>") }),
            "content",
            "DOCTYPE",
        ),
        (json!({ "format": "xlsx", "content": csv() }), "format", ""),
        (json!({ "content": csv(), "colour": "red" }), "colour", ""),
    ];
    for (body, field, detail) in cases {
        let reply = call(
            &server,
            "POST",
            "/api/v1/hardware-tokens/import",
            Some(&token),
            Some(&body),
        )
        .await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
        assert!(
            reply.json["detail"].as_str().unwrap().contains(detail),
            "{}",
            reply.text
        );
    }
    for body in [
        json!({ "content": 5 }),
        json!({ "format": "csv" }),
        json!("HW-1,x,totp"),
    ] {
        call(
            &server,
            "POST",
            "/api/v1/hardware-tokens/import",
            Some(&token),
            Some(&body),
        )
        .await
        .assert_problem(400);
    }
    // A serial imported before: the whole file is refused.
    let again = json!({ "content": format!("{}HW-0009,{},totp\n", csv(), base32(SEED_1)) });
    call(
        &server,
        "POST",
        "/api/v1/hardware-tokens/import",
        Some(&token),
        Some(&again),
    )
    .await
    .assert_problem(409);
    // Past 5 MiB of file (a comment keeps it valid CSV).
    let big = format!("#{}\n{}", "x".repeat(5 * 1024 * 1024), csv());
    call(
        &server,
        "POST",
        "/api/v1/hardware-tokens/import",
        Some(&token),
        Some(&json!({ "content": big })),
    )
    .await
    .assert_problem(413);
    let page_query = call(&server, "GET", "/api/v1/hardware-tokens?cursor=***", Some(&token), None).await;
    page_query.assert_problem(400);

    let serials: Vec<String> = server
        .state()
        .store
        .list_hardware_tokens()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.serial)
        .collect();
    assert_eq!(serials, ["HW-0001", "HW-0002"], "only the first file");
    assert_eq!(count_events(&server, "tokens.imported").await, 1);
}

#[tokio::test]
async fn an_import_through_the_api_is_audited_as_the_command_line_audits_it() {
    let by_cli = TestServer::start().await;
    let (by_api, token) = admin_server().await;
    let file = by_cli.data_dir.join("tokens.csv");
    std::fs::write(&file, csv()).unwrap();
    assert_eq!(
        cli(&by_cli, &["tokens", "import", file.to_str().unwrap()])["imported"],
        2
    );
    let body = json!({ "format": "csv", "content": csv() });
    assert_eq!(
        call(
            &by_api,
            "POST",
            "/api/v1/hardware-tokens/import",
            Some(&token),
            Some(&body)
        )
        .await
        .status,
        200
    );
    assert_same_event(
        &last_event(&by_api, "tokens.imported").await,
        &last_event(&by_cli, "tokens.imported").await,
        &[],
    );
}
