//! Changing the number of an SMS factor on the security page: the new number is proven by a code sent to it, then
//! replaces the old factor; trusted browsers are revoked (`phone_changed`), the old number gets a text and the
//! mailbox a mail, and sign-in codes go to the new number only.
use crate::common::*;
use crate::factors::sms::{E164, enrolled, server_with_webhook, text};
use crate::signin::trusted_devices::after_password;
use chrono::Duration;
use gatehouse::core::factors::{FactorKind, FactorStatus};

const NEW_PHONE: &str = "+41 44 668 18 99";
const NEW_E164: &str = "+41446681899";

#[tokio::test]
async fn changing_the_phone_number_proves_the_new_one_and_tells_the_old_one() {
    let (server, sink, _db) = server_with_webhook().await;
    enrolled(&server, &sink, "pam").await; // text 1: the enrolment code
    let pam = server.user("pam").await;
    let old = server.state().store.factors_of(&pam.id).await.unwrap().remove(0);

    // Sign in with a code, trusting this browser.
    let browser = server.browser();
    assert_eq!(browser.login("pam", GOOD_PASSWORD).await.status, 303);
    browser.submit("/login/factor", "/login/factor/sms", &[]).await;
    let code = code_in(text(&sink, 2).await["message"].as_str().unwrap());
    let signed_in = browser
        .submit(
            "/login/factor?method=sms&sent=1",
            "/login/factor",
            &[("method", "sms"), ("code", &code), ("trust", "1")],
        )
        .await;
    assert_eq!(signed_in.location().as_deref(), Some("/account"), "{}", signed_in.body);
    let device = cookie_value(&signed_in.set_cookies(), "gatehouse_device").expect("trusted");
    assert_eq!(after_password(&server, "pam", Some(&device)).await, "/account");

    let security = browser.get("/account/security").await;
    let change = format!("/account/security/sms?replace={}", old.id);
    assert!(security.body.contains(&change), "{}", security.body);
    let form = browser.get(&change).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Change your phone number") && form.body.contains("+41•••••••00"));

    // The same number again is not a change.
    let same = browser
        .post(
            "/account/security/sms",
            &[("csrf", &form.csrf()), ("phone", E164), ("replace", &old.id)],
        )
        .await;
    assert_eq!(same.status, 400);
    let confirm = browser
        .post(
            "/account/security/sms",
            &[("csrf", &form.csrf()), ("phone", NEW_PHONE), ("replace", &old.id)],
        )
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Confirm your new number") && confirm.body.contains("+41•••••••99"));
    let sent = text(&sink, 3).await;
    assert_eq!(sent["to"], NEW_E164, "the code goes to the new number");
    let new_code = code_in(sent["message"].as_str().unwrap());
    let factor_id = confirm.input("factor_id").unwrap();

    // A wrong code changes nothing: the old number still works.
    let wrong = browser
        .post(
            "/account/security/sms/confirm",
            &[("csrf", &confirm.csrf()), ("factor_id", &factor_id), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        server
            .state()
            .store
            .factor_of(&pam.id, &old.id)
            .await
            .unwrap()
            .is_some()
    );

    let done = browser
        .post(
            "/account/security/sms/confirm",
            &[
                ("csrf", &confirm.csrf()),
                ("factor_id", &factor_id),
                ("code", &new_code),
            ],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some("/account/security"), "{}", done.body);
    let page = browser.get("/account/security").await;
    let notice = page.notice().unwrap_or_default();
    assert!(
        notice.contains("phone number for sign-in codes was changed")
            && notice.contains("revoked your trusted browser"),
        "{notice}"
    );

    // One SMS factor, with the new number; the old one is gone.
    let sms: Vec<_> = server
        .state()
        .store
        .factors_of(&pam.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == FactorKind::Sms)
        .collect();
    assert_eq!(sms.len(), 1);
    assert_eq!((sms[0].phone(), sms[0].status), (Some(NEW_E164), FactorStatus::Active));
    // The old number is told, by text; the mailbox by mail.
    let told = text(&sink, 4).await;
    assert_eq!(told["to"], E164, "{told}");
    let words = told["message"].as_str().unwrap();
    assert!(
        words.contains("+41•••••••99") && words.contains("no longer to this number"),
        "{words}"
    );
    let mails = server.mails(2).await;
    assert!(
        mails.iter().any(
            |m| m.contains("Subject: Your sign-in codes now go to another phone number")
                && m.contains("99, no longer to +41")
        ),
        "{mails:#?}"
    );
    // Trusted browsers must prove a factor again.
    assert!(
        after_password(&server, "pam", Some(&device))
            .await
            .starts_with("/login/factor")
    );
    let kinds = server.audit_kinds(Some(&pam)).await;
    for kind in ["factor.removed", "factor.added", "device.revoked_all"] {
        assert!(kinds.contains(&(kind.into(), "success".into())), "{kind}");
    }

    // Sign-in codes now go to the new number only.
    let next = server.browser();
    assert_eq!(next.login("pam", GOOD_PASSWORD).await.status, 303);
    next.submit("/login/factor", "/login/factor/sms", &[]).await;
    assert_eq!(text(&sink, 5).await["to"], NEW_E164);
}

#[tokio::test]
async fn changing_the_number_needs_a_fresh_sign_in() {
    let (server, sink, _db) = server_with_webhook().await;
    let browser = enrolled(&server, &sink, "ray").await;
    let ray = server.user("ray").await;
    let old = server.state().store.factors_of(&ray.id).await.unwrap().remove(0);
    server.clock.advance(Duration::minutes(11));
    let stale = browser.get(&format!("/account/security/sms?replace={}", old.id)).await;
    assert!(
        stale.location().unwrap_or_default().starts_with("/login?reauth=1"),
        "{:?}",
        stale.location()
    );
    let account = browser.get("/account").await;
    let refused = browser
        .post(
            "/account/security/sms",
            &[("csrf", &account.csrf()), ("phone", NEW_PHONE), ("replace", &old.id)],
        )
        .await;
    assert!(refused.location().unwrap_or_default().starts_with("/login?reauth=1"));
    assert_eq!(sink.received(2).await.len(), 1, "no code sent");
}

/// Where the user's roles close `backup-sms`, a session proven by a text-message code cannot move the phone factor
/// to another number (a SIM-swapped phone must not re-home itself): refused with the reason, audited, unchanged.
#[tokio::test]
async fn a_code_by_text_cannot_change_the_number_where_the_role_closes_backup_sms() {
    use gatehouse::core::audit::Origin;
    use gatehouse::core::policy::recovery::RecoveryPath;
    use gatehouse::core::policy::{PolicyChange, roles};
    let (server, sink, _db) = server_with_webhook().await;
    enrolled(&server, &sink, "pam").await;
    let change = PolicyChange {
        recovery_paths: Some(Some(vec![RecoveryPath::BackupFactor, RecoveryPath::Approval])),
        ..Default::default()
    };
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::set(store, now, &Origin::cli(), "user", &change).await.unwrap();
    let pam = server.user("pam").await;
    let old = store.factors_of(&pam.id).await.unwrap().remove(0);

    let browser = server.browser();
    assert_eq!(browser.login("pam", GOOD_PASSWORD).await.status, 303);
    browser.submit("/login/factor", "/login/factor/sms", &[]).await;
    let code = code_in(text(&sink, 2).await["message"].as_str().unwrap());
    let signed_in = browser
        .submit(
            "/login/factor?method=sms&sent=1",
            "/login/factor",
            &[("method", "sms"), ("code", &code)],
        )
        .await;
    assert_eq!(signed_in.location().as_deref(), Some("/account"), "{}", signed_in.body);
    let form = browser.get(&format!("/account/security/sms?replace={}", old.id)).await;
    assert_eq!(form.status, 403, "{}", form.body);
    assert!(form.body.contains("backup-sms"), "{}", form.body);
    let csrf = browser.get("/account/security").await.csrf();
    let moved = browser
        .post(
            "/account/security/sms",
            &[("csrf", &csrf), ("phone", NEW_PHONE), ("replace", &old.id)],
        )
        .await;
    assert_eq!(moved.status, 403, "{}", moved.body);
    assert_eq!(sink.received(3).await.len(), 2, "no code goes to the new number");
    let factors = store.factors_of(&pam.id).await.unwrap();
    assert_eq!(factors.len(), 1);
    assert_eq!(factors[0].id, old.id);
    let audit = store.list_audit(Some(&pam.id), 50).await.unwrap();
    assert!(audit.iter().any(|r| r.event.kind == "factor.removed"
        && r.event.outcome.as_str() == "denied"
        && r.event.details["reason"] == "recovery_path_closed"));
}
