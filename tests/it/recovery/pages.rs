//! The pages of issue #15 through the real server: the agent ticks the factors a reset covers (and the server checks
//! them), the manager's approval page explains itself and asks only someone deciding in the manager's place for a
//! reason, an approver steps up to what their own role requires and the request records how they signed in, a
//! refused late action is on the timeline once, and the pages speak German when the browser asks for it.
use crate::common::*;
use crate::recovery::common::{add, as_user, cast, ctx, mail_to, member, opened_by_hugo, settings, state_of, token_of};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::recovery::flow::{self, Target};
use gatehouse::core::recovery::{FactorSelection, ResetState};

/// Hana (helpdesk) signed in with the authenticator app her role requires.
async fn hana(server: &TestServer) -> Browser {
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    hana
}

/// A GET as a browser set to German.
async fn get_de(server: &TestServer, browser: &Browser, path: &str) -> Page {
    let response = browser
        .client
        .get(server.url(path))
        .header("Accept-Language", "de-CH,de;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("GET");
    Browser::read(response).await
}

/// Audit events of `kind` and `outcome` that name request `id`.
async fn events(server: &TestServer, id: &str, kind: &str, outcome: &str) -> Vec<serde_json::Value> {
    server
        .state()
        .store
        .list_audit(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.event.kind == kind
                && r.event.outcome.as_str() == outcome
                && r.event.details.get("request").and_then(|v| v.as_str()) == Some(id)
        })
        .map(|r| {
            let mut details = r.event.details;
            details["actor"] = r.event.actor.unwrap_or_default().into();
            details
        })
        .collect()
}

async fn stored_factor(server: &TestServer, user_id: &str, kind: FactorKind, name: &str) -> Factor {
    let factor = Factor::new(
        user_id,
        kind,
        name.into(),
        FactorStatus::Active,
        serde_json::json!({}),
        server.state().clock.now(),
    );
    server.state().store.insert_factor(&factor).await.unwrap();
    factor
}

#[tokio::test]
async fn an_agent_ticks_the_factors_a_reset_covers_and_the_server_checks_them() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = server.user("kim").await;
    let key = stored_factor(&server, &kim.id, FactorKind::WebAuthn, "Blue key").await;
    let monas = stored_factor(&server, &server.user("mona").await.id, FactorKind::Totp, "Mona's phone").await;
    let hana = hana(&server).await;

    // The form lists Kim's factors by kind, name and the day they were added, with "all factors" ticked.
    let form = hana.get("/helpdesk/open?user=kim").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Kim Ode (kim)"));
    assert!(form.body.contains("name=\"all\" value=\"on\" checked"));
    assert!(form.body.contains(&format!("name=\"factor_{}\"", key.id)));
    assert!(form.body.contains("security key or passkey") && form.body.contains("Blue key"));
    assert!(form.body.contains("authenticator app") && form.body.contains("added"));
    assert!(!form.body.contains("name=\"factors\""), "no ids to type");
    let post = |fields: Vec<(&'static str, String)>| {
        let (hana, csrf) = (&hana, form.csrf());
        async move {
            let mut all = vec![
                ("csrf", csrf),
                ("user", "kim".to_string()),
                ("reason", "lost the key".to_string()),
            ];
            all.extend(fields);
            let fields: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            hana.post("/helpdesk/open", &fields).await
        }
    };
    let box_of = |f: &Factor| -> &'static str { Box::leak(format!("factor_{}", f.id).into_boxed_str()) };

    // Refused, each with a clear 4xx, the form shown again, and nothing stored: nothing ticked, both "all" and a
    // factor, another account's factor, a factor that does not exist.
    let none = post(vec![]).await;
    assert_eq!(none.status, 400, "{}", none.body);
    assert!(none.body.contains("Choose the factors to reset"), "{}", none.body);
    let both = post(vec![("all", "on".into()), (box_of(&key), "on".into())]).await;
    assert_eq!(both.status, 400);
    assert!(
        both.body.contains("not both") && both.body.contains("lost the key"),
        "typed reason kept"
    );
    let foreign = post(vec![(box_of(&monas), "on".into())]).await;
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    assert!(foreign.body.contains("This account has no such factor"));
    let unknown = post(vec![("factor_no-such-factor", "on".into())]).await;
    assert_eq!(unknown.status, 403);
    assert!(
        server
            .state()
            .store
            .list_factor_resets(None, false)
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    let refused: Vec<_> = server
        .state()
        .store
        .list_audit(Some(&kim.id), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.event.details["reason"] == "unknown_factor")
        .map(|r| r.event.details["factor"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(refused.len(), 2, "each refusal audited once");
    assert!(refused.contains(&monas.id), "the foreign id is recorded: {refused:?}");

    // Only the key: the request names it, and the request page says which factor in words.
    let opened = post(vec![(box_of(&key), "on".into())]).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let request = server
        .state()
        .store
        .list_factor_resets(Some(&kim.id), true)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(request.factors, FactorSelection::Ids(vec![key.id.clone()]));
    let page = hana.get(&opened.location().unwrap()).await;
    assert!(
        page.body.contains("security key or passkey “Blue key”"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_managers_page_explains_itself_and_only_an_override_asks_for_a_reason() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "walt", &["user"], None).await;
    // Admins may use an authenticator app here, so Ada can sign in through the pages.
    gatehouse::core::policy::roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "admin",
        &PolicyChange {
            allowed_factors: Some(vec![FactorKind::WebAuthn, FactorKind::Totp, FactorKind::RecoveryCode]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    let path = link.trim_start_matches(&server.base).to_string();

    // The manager: why she signed in, what approving does, no reason field, Deny apart from Approve.
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let page = mona.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-basis=\"manager\""));
    assert!(page.body.contains("because you are the manager of Kim Ode (kim)"));
    assert!(
        page.body
            .contains("asked to sign in so that the decision is really yours")
    );
    assert!(page.body.contains("What approving does") && page.body.contains("cooling-off period"));
    assert!(page.body.contains("sets up new factors") && page.body.contains("every channel they have"));
    assert!(
        !page.body.contains("name=\"note\""),
        "the manager is not asked for a reason"
    );
    assert!(!page.body.contains("place (required)"));
    assert_eq!(
        page.body
            .matches("<form method=\"post\" action=\"/recovery/approve\"")
            .count(),
        2
    );
    assert!(
        page.body
            .contains("<button type=\"submit\" class=\"danger\">Deny the reset</button>")
    );
    assert!(page.body.contains("<button type=\"submit\">Approve the reset</button>"));

    // Someone who may not decide sees why, and nothing is recorded until they post a decision.
    let walt = server.browser();
    walt.login("walt", GOOD_PASSWORD).await;
    let refused = walt.get(&path).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("approver this request was sent to (or an administrator, with a reason) may decide"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("lost phone"), "no details for a stranger");
    assert!(
        events(&server, &request.id, "recovery.approved", "denied")
            .await
            .is_empty()
    );

    // An administrator holding the link decides in the manager's place: the reason is asked, for either decision.
    let ada = server.browser();
    ada.login("ada", GOOD_PASSWORD).await;
    server.enrol_totp(&ada).await;
    let page = ada.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-basis=\"override\"") && page.body.contains("This request was not sent to you"));
    assert_eq!(page.body.matches("name=\"note\" required").count(), 2, "{}", page.body);
    assert!(page.body.contains("place (required)</label>"), "{}", page.body);

    // The console shows the same split: Ada gets the forms with the reason, Hana only who decides.
    let console = ada.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert!(console.body.contains("id=\"decide\" data-basis=\"override\""));
    assert!(console.body.contains("class=\"danger\""));
    let hana = hana(&server).await;
    let console = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert!(!console.body.contains("id=\"decide\"") && console.body.contains("id=\"who-decides\""));
    assert_eq!(state_of(&server, &request.id).await, ResetState::Requested);
}

#[tokio::test]
async fn an_approver_steps_up_to_what_their_own_role_requires_and_the_request_records_how() {
    let server = TestServer::start().await;
    cast(&server).await;
    // Ordinary users must have a second factor from next month: until then a password alone signs in.
    let next_month = (server.state().clock.now() + Duration::days(30)).date_naive();
    gatehouse::core::policy::roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            mfa_required: Some(true),
            enforce_from: Some(Some(next_month)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    let path = link.trim_start_matches(&server.base).to_string();
    let token = token_of(&link);

    // Mona signs in with her password alone and has no factor yet: she cannot decide, and is told what to add.
    let mona = server.browser();
    assert_eq!(mona.login("mona", GOOD_PASSWORD).await.status, 303);
    let unreachable = mona.get(&path).await;
    assert_eq!(unreachable.status, 403, "{}", unreachable.body);
    assert!(
        unreachable.body.contains("requires a second factor"),
        "{}",
        unreachable.body
    );
    let weak = events(&server, &request.id, "recovery.approved", "denied").await;
    assert_eq!(weak.len(), 1, "{weak:?}");
    assert_eq!(weak[0]["reason"], "sign_in_too_weak");

    // She adds an app in the same (password-only) session: now she is sent to confirm with it, not refused.
    let secret = server.enrol_totp(&mona).await;
    let sent = mona.get(&path).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let step_up = sent.location().unwrap();
    assert_eq!(
        step_up,
        format!(
            "/login/factor?level={}&return_to={}",
            gatehouse::http::encode("urn:gatehouse:acr:mfa"),
            gatehouse::http::encode(&path)
        )
    );
    // A decision posted before the step-up is sent there too, and decides nothing.
    let csrf = mona.get("/account").await.csrf();
    let early = mona
        .post(
            "/recovery/approve",
            &[("csrf", &csrf), ("token", &token), ("decision", "approve")],
        )
        .await;
    assert_eq!(early.status, 303);
    assert_eq!(early.location().unwrap(), step_up);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Requested);

    let code = server.totp_code(&secret, 0);
    let stepped = mona
        .submit(
            &step_up,
            "/login/factor",
            &[
                ("method", "totp"),
                ("code", &code),
                ("level", "urn:gatehouse:acr:mfa"),
                ("return_to", &path),
            ],
        )
        .await;
    assert_eq!(stepped.status, 303, "{}", stepped.body);
    assert_eq!(stepped.location().unwrap(), path, "back to the approval page");
    let review = mona.get(&path).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let approved = mona
        .post(
            "/recovery/approve",
            &[("csrf", &review.csrf()), ("token", &token), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert!(approved.body.contains("Reset approved"));

    // The request and the audit event record the methods of the sign-in that decided; the console shows them.
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ResetState::Approved);
    let amr = stored.approver_amr.clone().expect("methods recorded");
    assert!(
        amr.contains(&"pwd".to_string()) && amr.contains(&"otp".to_string()),
        "{amr:?}"
    );
    let approval = events(&server, &request.id, "recovery.approved", "success").await;
    assert_eq!(approval.len(), 1);
    assert_eq!(approval[0]["approver_amr"], serde_json::json!(amr));
    let hana = hana(&server).await;
    let page = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert!(
        page.body
            .contains("<dd id=\"approver-amr\">password + one-time code</dd>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("signed in with password + one-time code"),
        "on the timeline"
    );
}

#[tokio::test]
async fn a_late_approval_or_execution_is_refused_once_and_the_expiry_is_the_systems() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);

    // A day later the link is used: the request expires (the system's doing) and Mona's attempt is refused once.
    server.clock.advance(Duration::hours(24) + Duration::minutes(1));
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let csrf = mona.get("/account").await.csrf();
    let late = mona
        .post(
            "/recovery/approve",
            &[("csrf", &csrf), ("token", &token_of(&link)), ("decision", "approve")],
        )
        .await;
    assert_eq!(late.status, 400);
    let mona_actor = format!("user:{}", server.user("mona").await.id);
    let expired = events(&server, &request.id, "recovery.expired", "success").await;
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["actor"], "system:recovery", "time expired it, not Mona");
    let refused = events(&server, &request.id, "recovery.approved", "denied").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["actor"], mona_actor.as_str());
    assert_eq!(refused[0]["state"], "expired");

    // An approved request left a day: the agent's execution is refused once, on the timeline as hers alone.
    let kim = member(&server, "kim").await;
    let second = as_user!(&server, "hugo", |c, m| flow::open(&c, Some(&m), &kim, "all", "again")).unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&second.id),
        true,
        None
    ))
    .unwrap();
    server.clock.advance(Duration::hours(24) + Duration::minutes(1));
    let hana = hana(&server).await;
    assert_eq!(hana.get("/helpdesk").await.status, 200);
    let page = hana.get("/helpdesk/open?user=kim").await;
    let executed = hana
        .post(
            "/helpdesk/execute",
            &[("csrf", &page.csrf()), ("id", &second.id), ("check_employee_id", "on")],
        )
        .await;
    assert_eq!(executed.status, 403, "{}", executed.body);
    assert!(executed.body.contains("Only an approved request can be executed."));
    let refused = events(&server, &second.id, "recovery.executed", "denied").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["state"], "expired");
    let timeline = hana.get(&format!("/helpdesk/request?id={}", second.id)).await.body;
    assert_eq!(
        timeline.matches("<td class=\"who\">Hana Ode (hana)</td>").count(),
        1,
        "{timeline}"
    );
    assert_eq!(timeline.matches("<td class=\"who\">the system</td>").count(), 1);
}

#[tokio::test]
async fn the_approval_page_and_the_request_page_speak_german() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let page = get_de(&server, &mona, link.trim_start_matches(&server.base)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<html lang=\"de\">"));
    assert!(page.body.contains("Zurücksetzen von Faktoren genehmigen oder ablehnen"));
    assert!(
        page.body
            .contains("Sie werden gefragt, weil Sie die Führungskraft von Kim Ode (kim) sind.")
    );
    assert!(page.body.contains("Zurücksetzen ablehnen") && page.body.contains("wartet auf Genehmigung"));
    assert!(!page.body.contains("Approve the reset"));

    let hana = hana(&server).await;
    let page = get_de(&server, &hana, &format!("/helpdesk/request?id={}", request.id)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<html lang=\"de\">"));
    assert!(page.body.contains("Antrag auf Zurücksetzen von Faktoren") && page.body.contains("Verlauf"));
    assert!(
        page.body
            .contains("alle Faktoren, einschließlich der Wiederherstellungscodes")
    );
    assert!(page.body.contains("Antrag gestellt") && page.body.contains("<code>recovery.opened</code>"));
    // Dates the German way (dd.mm.yyyy).
    let today = server.state().clock.now().format("%d.%m.%Y").to_string();
    assert!(page.body.contains(&today), "{}", page.body);
    let queue = get_de(&server, &hana, "/helpdesk").await;
    assert!(queue.body.contains("Anträge auf Zurücksetzen von Faktoren") && queue.body.contains(&today));
    let _ = (ctx, settings);
}
