//! Approval routing from the manager graph (`core::recovery::route`): who a factor reset is sent to when the
//! manager is away (with or without a delegate), departed or missing, or when the managers form a cycle; that
//! nobody the subject manages is ever asked or allowed to decide, administrators included; and that the route is
//! stored on the request, shown on its pages and kept in the `recovery.opened` event.
use crate::common::*;
use crate::recovery::common::*;
use chrono::{DateTime, Duration, Utc};
use gatehouse::core::Error;
use gatehouse::core::accounts::{self, absence};
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::recovery::flow::{self, Target};
use gatehouse::core::recovery::route::{Position, Skip};
use gatehouse::core::recovery::{FactorResetRequest, ResetState};
use gatehouse::core::store::ProfileChange;
use serde_json::{Value, json};

/// `user` away (as an administrator at the command line would mark them), with `delegate`, until `until`.
async fn away(server: &TestServer, user: &str, delegate: Option<&str>, until: Option<DateTime<Utc>>) {
    let store = server.state().store.as_ref();
    let user = server.user(user).await;
    absence::set_away(
        store,
        server.state().clock.now(),
        &Origin::cli(),
        &user,
        delegate,
        until,
    )
    .await
    .expect("marked away");
}

/// Makes `boss` the manager of `user`, through the account rules (no cycles).
pub(crate) async fn reports(server: &TestServer, user: &str, boss: &str) {
    let store = server.state().store.as_ref();
    let user = server.user(user).await;
    accounts::set_manager(store, server.state().clock.now(), &Origin::cli(), &user, Some(boss))
        .await
        .expect("manager set");
}

/// The route as `username:as:outcome` (`-` for "no manager"; `asked` when asked).
pub(crate) async fn trail(server: &TestServer, request: &FactorResetRequest) -> Vec<String> {
    let store = server.state().store.as_ref();
    let stored = store.factor_reset(&request.id).await.unwrap().unwrap();
    let mut out = Vec::new();
    for step in stored.route.expect("a route").steps {
        let who = match &step.user {
            Some(id) => store
                .user_by_id(id)
                .await
                .unwrap()
                .map(|u| u.username)
                .unwrap_or("?".into()),
            None => "-".into(),
        };
        let outcome = step.skipped.map_or("asked", Skip::as_str);
        out.push(format!("{who}:{}:{outcome}", step.position.as_str()));
    }
    out
}

/// Opens a request for `subject` as the helpdesk agent Hugo.
async fn open_for(server: &TestServer, subject: &str) -> FactorResetRequest {
    let subject = member(server, subject).await;
    as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "lost phone"
    ))
    .expect("opened")
}

/// `name` decides `id` from the command line or the API (no browser sign-in).
async fn decide(server: &TestServer, name: &str, id: &str, note: Option<&str>) -> Result<FactorResetRequest, Error> {
    as_user!(server, name, |c, m| flow::decide(&c, &m, Target::Id(id), true, note))
}

/// The newest `kind` event about request `id` with `outcome`: its details.
async fn event(server: &TestServer, id: &str, kind: &str, outcome: &str) -> Value {
    server
        .state()
        .store
        .list_audit(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| {
            r.event.kind == kind
                && r.event.outcome.as_str() == outcome
                && r.event.details.get("request").and_then(Value::as_str) == Some(id)
        })
        .map(|r| r.event.details)
        .unwrap_or_else(|| panic!("no {kind}/{outcome} event for {id}"))
}

/// Whether any approval link for `subject_name` (display name) was mailed to `name`.
async fn approval_mailed(server: &TestServer, name: &str, subject_name: &str) -> bool {
    server.mails(1).await.iter().any(|m| {
        m.contains(&format!("To: {name}@example.com")) && m.contains("/recovery/approve") && m.contains(subject_name)
    })
}

#[tokio::test]
async fn an_away_manager_passes_to_the_managers_manager_until_the_absence_ends() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "otto", &["user"], None).await;
    reports(&server, "mona", "otto").await;
    let back_at = server.state().clock.now() + Duration::hours(2);
    away(&server, "mona", None, Some(back_at)).await;

    let request = open_for(&server, "kim").await;
    assert_eq!(
        trail(&server, &request).await,
        ["mona:manager:absent", "otto:chain:asked"]
    );
    assert!(approval_mailed(&server, "otto", "Kim Ode").await);
    assert!(
        !approval_mailed(&server, "mona", "Kim Ode").await,
        "the away manager is not asked"
    );
    let mail = mail_to(&server, "otto", "/recovery/approve").await;
    assert!(
        mail.contains("Nobody between you and them in the chain of managers"),
        "{mail}"
    );

    // Mona was not asked: she is refused, as anyone else would be; Otto decides without giving a reason.
    let refused = decide(&server, "mona", &request.id, None).await.unwrap_err();
    assert!(
        refused.to_string().contains("approver this request was sent to"),
        "{refused}"
    );
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "denied").await["reason"],
        "not_manager"
    );
    let approved = decide(&server, "otto", &request.id, None).await.expect("otto approves");
    assert_eq!(approved.state, ResetState::Approved);
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "success").await["basis"],
        "chain"
    );

    // Once the absence has ended, Mona is asked again: the end is compared with the server's clock.
    add(&server, "lea", &["user"], Some("mona")).await;
    stored_security_key(&server, &server.user("lea").await.id).await;
    server.clock.advance(Duration::hours(2));
    let later = open_for(&server, "lea").await;
    assert_eq!(trail(&server, &later).await, ["mona:manager:asked"]);
}

#[tokio::test]
async fn a_departed_manager_passes_to_the_managers_manager() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "otto", &["user"], None).await;
    reports(&server, "mona", "otto").await;
    let store = server.state().store.as_ref();
    let mona = server.user("mona").await;
    accounts::set_status(
        store,
        server.state().clock.now(),
        &Origin::cli(),
        &mona,
        UserStatus::Disabled,
    )
    .await
    .unwrap();

    let request = open_for(&server, "kim").await;
    assert_eq!(
        trail(&server, &request).await,
        ["mona:manager:disabled", "otto:chain:asked"]
    );
    let opened = event(&server, &request.id, "recovery.opened", "success").await;
    assert_eq!(opened["routed_to"], json!(server.user("otto").await.id));
    assert_eq!(opened["approval_mailed_to"], json!([server.user("otto").await.id]));
    assert_eq!(
        decide(&server, "otto", &request.id, None).await.unwrap().state,
        ResetState::Approved
    );
}

#[tokio::test]
async fn the_delegate_of_an_away_manager_approves_through_the_link_and_the_route_is_shown_and_audited() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "otto", &["user"], None).await;
    add(&server, "dana", &["user"], Some("otto")).await;
    reports(&server, "mona", "otto").await;
    away(&server, "mona", Some("dana"), None).await;
    let (mona, dana) = (server.user("mona").await, server.user("dana").await);

    let request = open_for(&server, "kim").await;
    assert_eq!(
        trail(&server, &request).await,
        ["mona:manager:absent", "dana:delegate:asked"]
    );
    // Kept in the audit event as stored: each step, whose delegate, who was asked and who was mailed.
    let opened = event(&server, &request.id, "recovery.opened", "success").await;
    assert_eq!(
        opened["route"],
        json!([
            { "user": mona.id, "as": "manager", "skipped": "absent" },
            { "user": dana.id, "as": "delegate", "delegate_of": mona.id },
        ])
    );
    assert_eq!(opened["routed_to"], json!(dana.id));
    assert_eq!(opened["routed_role"], Value::Null);
    assert_eq!(opened["approval_mailed_to"], json!([dana.id]));

    let mail = mail_to(&server, "dana", "/recovery/approve").await;
    assert!(mail.contains("Mona Ode is away and named you"), "{mail}");
    let link = link_in(&mail);
    let path = link.trim_start_matches(&server.base).to_string();

    // The delegate's page says why she is asked and shows the route; she approves without a reason.
    let browser = server.browser();
    browser.login("dana", GOOD_PASSWORD).await;
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.data("basis").as_deref(), Some("delegate"));
    assert!(
        page.body.contains("the manager of Kim Ode (kim) is away and named you"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<tr data-as=\"manager\" data-outcome=\"absent\"><td>Mona Ode (mona)</td>")
    );
    assert!(
        page.body
            .contains("<td>delegate of Mona Ode (mona)</td><td>asked to approve</td>")
    );
    assert!(
        !page.body.contains("name=\"note\""),
        "the delegate is asked for no reason"
    );
    let decided = browser
        .post(
            "/recovery/approve",
            &[
                ("csrf", &page.csrf()),
                ("token", &token_of(&link)),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "success").await["basis"],
        "delegate"
    );

    // The helpdesk's page of the request shows the same route.
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let console = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert_eq!(console.status, 200, "{}", console.body);
    assert!(console.body.contains("Who was asked to approve"));
    assert!(
        console
            .body
            .contains("<td>Mona Ode (mona)</td><td>the user&#39;s manager</td><td>skipped: away</td>"),
        "{}",
        console.body
    );
}

#[tokio::test]
async fn without_a_manager_every_eligible_member_of_the_approver_role_is_asked() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "walt", &["user"], None).await;
    let walt = server.user("walt").await;
    stored_security_key(&server, &walt.id).await;
    // Abe is away: of the role's members he alone is not asked.
    away(&server, "abe", None, None).await;

    let request = open_for(&server, "walt").await;
    let route = trail(&server, &request).await;
    assert_eq!(route[0], "-:manager:no_manager");
    assert!(route.contains(&"ada:role:asked".to_string()), "{route:?}");
    assert!(route.contains(&"abe:role:absent".to_string()), "{route:?}");
    assert!(approval_mailed(&server, "ada", "Walt Ode").await);
    assert!(!approval_mailed(&server, "abe", "Walt Ode").await);
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    let route = stored.route.unwrap();
    assert_eq!((route.approver_id, route.role.as_deref()), (None, Some("admin")));
    assert!(route.steps.iter().all(|s| s.position != Position::Chain));

    // A member of the role decides on that basis, without a reason; a helpdesk agent cannot.
    assert!(decide(&server, "hana", &request.id, Some("why")).await.is_err());
    decide(&server, "ada", &request.id, None)
        .await
        .expect("ada approves as a member of the role");
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "success").await["basis"],
        "role"
    );
}

#[tokio::test]
async fn a_manager_cycle_ends_and_never_reaches_anyone_the_subject_manages_not_even_an_admin() {
    let server = TestServer::start().await;
    cast(&server).await;
    // Rob, an administrator, reports to Kim; Mona's manager is then set to Rob behind the account rules' back
    // (as a race or a direct edit could): Kim → Mona → Rob → Kim.
    add(&server, "rob", &["admin"], Some("kim")).await;
    let (mona, rob) = (server.user("mona").await, server.user("rob").await);
    let store = server.state().store.as_ref();
    assert!(
        store
            .update_profile(
                &mona.id,
                &ProfileChange::Manager(Some(&rob.id)),
                server.state().clock.now()
            )
            .await
            .unwrap()
    );

    let request = open_for(&server, "kim").await;
    let route = trail(&server, &request).await;
    assert_eq!(
        route[..3],
        [
            "mona:manager:reports_to_subject",
            "rob:chain:reports_to_subject",
            "kim:chain:cycle"
        ]
    );
    assert!(route.contains(&"rob:role:reports_to_subject".to_string()), "{route:?}");
    assert!(route.contains(&"ada:role:asked".to_string()), "{route:?}");
    assert!(!approval_mailed(&server, "rob", "Kim Ode").await);
    assert!(!approval_mailed(&server, "mona", "Kim Ode").await);

    // Rob is an administrator, yet may not decide a reset of the person he reports to, reason or not.
    for (name, note) in [("rob", Some("I am an admin")), ("mona", None)] {
        let refused = decide(&server, name, &request.id, note).await.unwrap_err();
        assert!(
            refused.to_string().contains("someone who manages them"),
            "{name}: {refused}"
        );
    }
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "denied").await["reason"],
        "reports_to_subject"
    );
    assert_eq!(state_of(&server, &request.id).await, ResetState::Requested);
    decide(&server, "ada", &request.id, None).await.expect("ada approves");
}

#[tokio::test]
async fn an_admin_who_reports_to_the_subject_cannot_decide_even_in_the_managers_place() {
    let server = TestServer::start().await;
    cast(&server).await;
    // Ida administers Gatehouse, and reports to Kim. (Admins may use an authenticator app here, so Ida can sign in
    // through the pages.)
    add(&server, "ida", &["admin"], Some("kim")).await;
    crate::api::common::allow_factors(&server, "admin", "webauthn,totp,recovery_code").await;
    let request = open_for(&server, "kim").await;
    assert_eq!(trail(&server, &request).await, ["mona:manager:asked"]);

    // In the console she is offered no decision; through the API or CLI she is refused, audited.
    let ida = server.browser();
    ida.login("ida", GOOD_PASSWORD).await;
    server.enrol_totp(&ida).await;
    let console = ida.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert_eq!(console.status, 200, "{}", console.body);
    assert!(!console.body.contains("id=\"decide\""), "{}", console.body);
    let refused = decide(&server, "ida", &request.id, Some("manager on leave"))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::NotAllowed(_)), "{refused}");
    assert_eq!(
        event(&server, &request.id, "recovery.approved", "denied").await["reason"],
        "reports_to_subject"
    );
    // Another administrator still may, in the manager's place with a reason; the manager herself without one.
    assert!(
        decide(&server, "ada", &request.id, None)
            .await
            .unwrap_err()
            .to_string()
            .contains("state why")
    );
    assert_eq!(
        decide(&server, "mona", &request.id, None).await.unwrap().state,
        ResetState::Approved
    );
}

#[tokio::test]
async fn a_request_opened_by_the_manager_goes_to_the_managers_manager() {
    let server = TestServer::start().await;
    cast(&server).await;
    // Hugo (helpdesk) is also Kim's manager; he opens her request, so he cannot be the one asked.
    add(&server, "otto", &["user"], None).await;
    reports(&server, "kim", "hugo").await;
    reports(&server, "hugo", "otto").await;
    let request = open_for(&server, "kim").await;
    assert_eq!(
        trail(&server, &request).await,
        ["hugo:manager:requester", "otto:chain:asked"]
    );
}

#[tokio::test]
async fn a_manager_marks_themselves_away_and_back_on_their_account_page() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "otto", &["user"], None).await;
    add(&server, "dana", &["user"], Some("otto")).await;
    reports(&server, "mona", "otto").await;
    let (mona, store) = (server.user("mona").await, server.state().store.as_ref());
    let browser = server.browser();
    // Dana manages nobody and holds no approver role: her account page offers no "away" form.
    let danas = server.browser();
    danas.login("dana", GOOD_PASSWORD).await;
    let hers = danas.get("/account").await;
    assert_eq!(hers.status, 200);
    assert!(!hers.body.contains("id=\"away\""), "{}", hers.body);
    browser.login("mona", GOOD_PASSWORD).await;
    let page = browser.get("/account").await;
    assert!(
        page.body.contains("id=\"away-form\"") && page.body.contains("Going away?"),
        "{}",
        page.body
    );

    // A report of hers as delegate, or a day gone by: the form comes back with the words and what was typed.
    let csrf = page.csrf();
    for (delegate, until, words) in [
        ("kim", "", "delegate: they report to the person who is away"),
        (
            "dana",
            "2020-01-01",
            "until: the end of an absence must lie in the future",
        ),
        ("nobody-here", "", "delegate: there is no such user"),
    ] {
        let refused = browser
            .post(
                "/account/away",
                &[("csrf", &csrf), ("delegate", delegate), ("until", until)],
            )
            .await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains(words), "{}", refused.body);
        assert!(
            refused.body.contains(&format!("value=\"{delegate}\"")),
            "what was typed comes back"
        );
    }
    assert_eq!(store.absence_of(&mona.id).await.unwrap(), None, "nothing stored");

    // Away with Dana until a day ahead: the page says so, the audit log names Mona, and Kim's reset goes to Dana.
    let day = (server.state().clock.now() + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let set = browser
        .post(
            "/account/away",
            &[("csrf", &csrf), ("delegate", "dana"), ("until", &day)],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let page = browser.get("/account").await;
    assert!(page.body.contains("You are marked away: factor resets"), "the notice");
    assert!(page.body.contains("go to Dana Ode (dana)"), "{}", page.body);
    let events = store.list_audit(Some(&mona.id), 20).await.unwrap();
    let event = events
        .iter()
        .find(|e| e.event.kind == "user.absence_set")
        .expect("audited");
    assert_eq!(event.event.actor.as_deref(), Some(format!("user:{}", mona.id).as_str()));
    let request = open_for(&server, "kim").await;
    assert_eq!(
        trail(&server, &request).await,
        ["mona:manager:absent", "dana:delegate:asked"]
    );

    // Back.
    let back = browser.post("/account/back", &[("csrf", &page.csrf())]).await;
    assert_eq!(back.status, 303);
    assert_eq!(store.absence_of(&mona.id).await.unwrap(), None);
    assert!(browser.get("/account").await.body.contains("Welcome back"));
}
