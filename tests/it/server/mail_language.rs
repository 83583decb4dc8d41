//! Mails and text messages in the recipient's language (`users.locale`, remembered at sign-in and by the language
//! switcher; else the request's language; else the installation's default), with the brand's name and logo.
use std::path::Path;

use base64::Engine;
use chrono::Duration;
use gatehouse::core::clock::Clock;
use gatehouse::core::notify::notify;
use serde_json::json;

use crate::common::*;
use crate::factors::sms::{PHONE, server_with_webhook, text};

const GERMAN: &str = "de-CH, de;q=0.9, en;q=0.5";
const WRONG: &str = "not-the-password-at-all";

/// Every mail written under `data_dir` (waiting for at least `count`), oldest first, decoded as a person reads it:
/// the subject's encoded words and each part's quoted-printable or base64 undone.
async fn read_mails(data_dir: &Path, count: usize) -> Vec<String> {
    assert!(mails_in(data_dir, count).await.len() >= count, "expected {count} mails");
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join("mail"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .map(|p| decode(&std::fs::read_to_string(p).unwrap()))
        .collect()
}

/// The newest mail to `to` among `mails`.
fn mail_to<'a>(mails: &'a [String], to: &str) -> &'a str {
    mails
        .iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")))
        .unwrap_or_else(|| panic!("no mail to {to}: {mails:#?}"))
}

fn decode(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    // Unfold the headers; encoded words split over lines join up.
    let head = head.replace("?=\n =?", "?==?").replace("\n ", " ");
    let mut out: Vec<String> = head.lines().map(decode_words).collect();
    let mut encoding = "7bit".to_string();
    let mut in_part_head = false;
    let mut part = String::new();
    let flush = |part: &mut String, encoding: &str, out: &mut Vec<String>| {
        let text = match encoding {
            "quoted-printable" => unquote(part),
            "base64" => String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(part.replace('\n', ""))
                    .unwrap_or_default(),
            )
            .to_string(),
            _ => part.clone(),
        };
        out.push(text);
        part.clear();
    };
    for line in body.lines() {
        if line.starts_with("--") {
            flush(&mut part, &encoding, &mut out);
            in_part_head = true;
            encoding = "7bit".into();
            continue;
        }
        if in_part_head {
            if line.is_empty() {
                in_part_head = false;
            } else if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-transfer-encoding:") {
                encoding = value.trim().to_string();
            }
            continue;
        }
        part.push_str(line);
        part.push('\n');
    }
    flush(&mut part, &encoding, &mut out);
    out.join("\n")
}

/// Quoted-printable: soft line breaks and `=XX` bytes.
fn unquote(text: &str) -> String {
    let text = text.replace("=\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header line.
fn decode_words(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + 2..];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        let Some(end) = parts.get(2).and_then(|p| p.find("?=")) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let (encoding, data) = (parts[1].to_ascii_lowercase(), &parts[2][..end]);
        let bytes = if encoding == "b" {
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap_or_default()
        } else {
            unquote(&data.replace('_', " ")).into_bytes()
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &parts[2][end + 2..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_german_browser_gets_a_german_reset_mail_and_german_sms_codes() {
    let (server, sink, _db) = server_with_webhook().await;
    let greta = server.add_user("greta", Some(GOOD_PASSWORD)).await;
    let browser = Browser::with_language(&server.base, GERMAN);

    // Before any sign-in the account has no language: the mail speaks the request's.
    let sent = browser
        .submit("/password/forgot", "/password/forgot", &[("identifier", "greta")])
        .await;
    assert_eq!(sent.status, 200);
    let mails = read_mails(&server.data_dir, 1).await;
    let mail = mail_to(&mails, "greta@example.com");
    assert!(mail.contains("Subject: Passwort für Gatehouse zurücksetzen"), "{mail}");
    assert!(mail.contains("Guten Tag greta,"), "{mail}");
    assert!(mail.contains("innerhalb von 30 Minuten"), "{mail}");
    assert!(mail.contains("<html lang=\"de\">"), "{mail}");
    assert!(mail.contains("/password/reset?token="), "{mail}");
    assert!(!mail.contains("Reset your") && !mail.contains("<img"), "{mail}");
    assert_eq!(
        server.user("greta").await.locale,
        None,
        "asking for a reset is not signing in"
    );

    // Signing in remembers the language; the enrolment code of a phone speaks it.
    assert_eq!(browser.login("greta", GOOD_PASSWORD).await.status, 303);
    assert_eq!(server.user("greta").await.locale.as_deref(), Some("de"));
    let form = browser.get("/account/security/sms").await;
    let confirm = browser
        .post("/account/security/sms", &[("csrf", &form.csrf()), ("phone", PHONE)])
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let enrolment = text(&sink, 1).await["message"].as_str().unwrap().to_string();
    assert!(enrolment.starts_with("Ihr Code für Gatehouse lautet "), "{enrolment}");
    assert!(enrolment.contains("5 Minuten gültig"), "{enrolment}");
    let done = browser
        .post(
            "/account/security/sms/confirm",
            &[
                ("csrf", &confirm.csrf()),
                ("factor_id", &confirm.input("factor_id").unwrap()),
                ("code", &code_in(&enrolment)),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    // Forgotten again: the code of the next sign-in speaks the request's language, and completing the sign-in
    // (not the password alone) remembers it.
    server.state().store.set_locale(&greta.id, None).await.unwrap();
    let other = Browser::with_language(&server.base, GERMAN);
    let first = other.login("greta", GOOD_PASSWORD).await;
    assert!(
        first.location().unwrap().starts_with("/login/factor"),
        "{:?}",
        first.location()
    );
    assert_eq!(
        server.user("greta").await.locale,
        None,
        "a password alone changes nothing"
    );
    other.submit("/login/factor", "/login/factor/sms", &[]).await;
    let code = text(&sink, 2).await["message"].as_str().unwrap().to_string();
    assert!(code.starts_with("Ihr Code für Gatehouse lautet "), "{code}");
    let signed_in = other
        .submit(
            "/login/factor?method=sms",
            "/login/factor",
            &[("method", "sms"), ("code", &code_in(&code))],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(server.user("greta").await.locale.as_deref(), Some("de"));
}

#[tokio::test]
async fn a_language_switched_to_while_signed_in_is_kept_for_notices_someone_else_causes() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES", "5")]).await;
    server.add_user("bob", Some(GOOD_PASSWORD)).await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;

    // Bob signs in with an English browser, then picks German at the foot of a page.
    let browser = server.browser();
    assert_eq!(browser.login("bob", GOOD_PASSWORD).await.status, 303);
    assert_eq!(server.user("bob").await.locale.as_deref(), Some("en"));
    let switched = browser.get("/language/de").await;
    assert_eq!(switched.status, 303);
    assert_eq!(server.user("bob").await.locale.as_deref(), Some("de"));
    // A switch without a session changes no account.
    assert_eq!(server.browser().get("/language/en").await.status, 303);
    assert_eq!(server.user("bob").await.locale.as_deref(), Some("de"));

    // Someone else, in English, guesses Bob's password until it locks.
    for _ in 0..5 {
        server.clock.advance(Duration::seconds(31));
        assert_eq!(server.browser().login("bob", WRONG).await.status, 401);
    }
    let mails = read_mails(&server.data_dir, 2).await;
    let to_bob = mail_to(&mails, "bob@example.com");
    assert!(to_bob.contains("Subject: Ihr Passwort wurde gesperrt"), "{to_bob}");
    assert!(to_bob.contains("nach 5 falschen Passwörtern in Folge"), "{to_bob}");
    // Its date is written the German way.
    let day = server.clock.now().format("%d.%m.%Y").to_string();
    assert!(to_bob.contains(&format!("(das letzte am {day}, ")), "{to_bob}");
    assert!(to_bob.contains("<html lang=\"de\">"), "{to_bob}");
    // The administrator has no language yet: the request's (English), with the day the English way.
    let to_root = mail_to(&mails, "root@example.com");
    assert!(
        to_root.contains("Subject: [Gatehouse] A password was locked"),
        "{to_root}"
    );
    assert!(to_root.contains("gatehouse user unlock bob"), "{to_root}");
    let english_day = gatehouse::i18n::format_date(gatehouse::i18n::Lang::En, server.clock.now());
    assert!(to_root.contains(&format!("(the last at {english_day}, ")), "{to_root}");
}

#[tokio::test]
async fn without_a_remembered_language_mails_speak_the_installation_default() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_DEFAULT_LANGUAGE", "de")]).await;
    let nora = server.add_user("nora", Some(GOOD_PASSWORD)).await;
    assert_eq!(nora.locale, None);

    // A request that names no language gets the default, and so does its mail.
    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "nora")])
        .await;
    assert_eq!(sent.status, 200);
    let mails = read_mails(&server.data_dir, 1).await;
    assert!(
        mails[0].contains("Subject: Passwort für Gatehouse zurücksetzen"),
        "{}",
        mails[0]
    );

    // Outside any request (a sweeper, a command) too.
    let notifier = server.state().notifier.as_ref();
    assert!(
        notify(
            notifier,
            &nora,
            "factor_added",
            json!({ "factor": "Telefon", "ip": null })
        )
        .await
    );
    let mails = read_mails(&server.data_dir, 2).await;
    let added = &mails[1];
    assert!(
        added.contains("Subject: Ihrem Konto bei Gatehouse wurde ein Anmeldefaktor hinzugefügt"),
        "{added}"
    );
    assert!(
        added.contains("„Telefon“ wurde zu den Anmeldefaktoren Ihres Kontos „nora“ hinzugefügt."),
        "{added}"
    );

    // A language the user chose wins over the default.
    server.state().store.set_locale(&nora.id, Some("en")).await.unwrap();
    let nora = server.user("nora").await;
    assert!(
        notify(
            notifier,
            &nora,
            "factor_added",
            json!({ "factor": "Phone", "ip": null })
        )
        .await
    );
    let mails = read_mails(&server.data_dir, 3).await;
    assert!(
        mails[2].contains("Subject: A sign-in factor was added to your Gatehouse account"),
        "{}",
        mails[2]
    );
    assert!(mails[2].contains("<html lang=\"en\">"), "{}", mails[2]);
}

#[tokio::test]
async fn mails_carry_the_brand_name_and_logo() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_BRAND_NAME", "Acme ID"),
            ("GATEHOUSE_BRAND_LOGO_URL", "https://cdn.example.com/logo.png"),
        ],
    )
    .await;
    server.add_user("ivy", Some(GOOD_PASSWORD)).await;
    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "ivy")])
        .await;
    assert_eq!(sent.status, 200);
    let mail = &read_mails(&server.data_dir, 1).await[0];
    assert!(mail.contains("Subject: Reset your Acme ID password"), "{mail}");
    assert!(mail.contains("the Acme ID account \"ivy\""), "{mail}");
    assert!(
        mail.contains("<img src=\"https://cdn.example.com/logo.png\" alt=\"Acme ID\""),
        "{mail}"
    );
    assert!(
        !mail.contains("Gatehouse password") && !mail.contains("Gatehouse account"),
        "{mail}"
    );
}

#[tokio::test]
async fn every_mail_renders_in_every_language() {
    let tera = gatehouse::templates::load().expect("templates parse");
    let names: Vec<String> = gatehouse::templates::names()
        .into_iter()
        .filter(|n| n.starts_with("email/") && !n.starts_with("email/_"))
        .collect();
    assert_eq!(names.len(), 25 * 3, "{names:?}");
    let values = json!({
        "product": "Acme ID", "brand_logo_url": "https://cdn.example.com/logo.png", "display_name": "Alice",
        "username": "alice", "ip": "192.0.2.1", "at": "2026-12-06T21:06:09+00:00", "until": "2026-12-06T21:21:09+00:00",
        "new_email": "new@example.com", "new_phone": "+41•••••••99", "old_phone": "+41•••••••00", "factor": "Phone",
        "kind": "totp", "failures": 5, "minutes": 30, "hours": 24, "days": 7, "remaining": 1, "link": "https://id.example/x?token=t",
        "kinds": ["webauthn", "totp"], "enforce_from": "2027-03-01T00:00:00+00:00", "enrol_by": "2027-03-15T00:00:00+00:00",
        "subject": "Bob", "subject_username": "bob", "reason": "lost <phone>", "opened_by_self": false,
        "subject_name": "Bob <Boss>", "manager": true, "state": "timed_out", "browser": "Chrome on Linux", "mismatch": true,
        "count": 3,
    });
    for (lang, day) in [("en", "6 Dec 2026, 21:06 UTC"), ("de", "06.12.2026, 21:06 UTC")] {
        let mut ctx = tera::Context::from_serialize(&values).unwrap();
        ctx.insert("lang", lang);
        for name in &names {
            let out = tera
                .render(name, &ctx)
                .unwrap_or_else(|e| panic!("{lang} {name}: {e:?}"));
            assert!(!out.trim().is_empty(), "{lang} {name}");
            assert!(
                !out.contains("email-"),
                "{lang} {name}: a message id instead of its text: {out}"
            );
            if name.ends_with(".html") {
                assert!(out.contains(&format!("<html lang=\"{lang}\">")), "{name}");
                assert!(out.contains("alt=\"Acme ID\""), "{lang} {name}: the logo");
                assert!(!out.contains("<phone>"), "{lang} {name}: values are escaped");
            }
            if name.ends_with(".subject") {
                assert!(!out.contains("Gatehouse"), "{lang} {name}: the brand name, not ours");
            }
        }
        let locked = tera.render("email/password_locked.txt", &ctx).unwrap();
        assert!(locked.contains(day) && locked.contains("192.0.2.1"), "{lang}: {locked}");
        let reminder = tera.render("email/mfa_reminder.txt", &ctx).unwrap();
        let deadline = if lang == "de" { "15.03.2027" } else { "15 Mar 2027" };
        assert!(reminder.contains(deadline), "{lang}: {reminder}");
    }
}
