//! Every template renders with the values its handler gives it.
use tera::Context;

const RENDERED_BY_THEIR_TESTS: [&str; 12] = [
    "admin/user.html",
    "admin/clients.html",
    "admin/client.html",
    "admin/client_secret.html",
    "admin/sps.html",
    "admin/sp.html",
    "admin/keys.html",
    "admin/tokens.html",
    "admin/signals.html",
    "admin/roles.html",
    "admin/role.html",
    "admin/profile.html",
];

#[test]
fn every_template_renders() {
    let tera = gatehouse::templates::load().expect("templates parse");
    let mut ctx = Context::new();
    ctx.insert("product", "Gatehouse");
    ctx.insert("lang", "en");
    ctx.insert("languages", &serde_json::json!([{ "code": "de", "name": "Deutsch" }]));
    ctx.insert(
        "brand",
        &serde_json::json!({ "name": "Gatehouse", "logo_url": null, "mail_logo_url": null, "has_theme": false }),
    );
    ctx.insert("error", "An <error>");
    ctx.insert("notice", &Option::<String>::None);
    ctx.insert("csrf", "token");
    ctx.insert("username", "alice");
    ctx.insert("return_to", "/account");
    ctx.insert("token", "t");
    ctx.insert("setup", &true);
    ctx.insert("status", &404);
    ctx.insert("reason", "Not Found");
    ctx.insert("message", "gone");
    ctx.insert("signed_in_at", "2026-01-01T00:00:00+00:00");
    ctx.insert("display_name", "Alice");
    ctx.insert("link", "http://localhost/password/reset?token=x");
    ctx.insert("minutes", &30);
    ctx.insert("days", &7);
    ctx.insert(
        "account",
        &serde_json::json!({ "id": "u-alice", "display_name": "Alice", "username": "alice", "email": "a@example.com", "phone": "+41446681800", "roles": ["user"] }),
    );
    ctx.insert("codes", &["abcde-fghjk", "mnpqr-stuvw"]);
    ctx.insert("method", "totp");
    ctx.insert(
        "methods",
        &serde_json::json!([{ "kind": "totp", "current": true }, { "kind": "recovery_code", "current": false }]),
    );
    ctx.insert(
        "factors",
        &serde_json::json!([{ "id": "f1", "kind": "totp", "name": "Phone", "added": "2026-01-01T00:00:00+00:00", "last_used": null, "flagged": false },
            { "id": "f2", "kind": "webauthn", "name": "YubiKey", "added": "2026-01-01T00:00:00+00:00", "last_used": "2026-01-02T10:30:00+00:00", "flagged": true }]),
    );
    for (key, value) in [
        ("has_primary", true),
        ("has_recovery", false),
        ("fresh", true),
        ("can_remove", true),
        ("must_enrol", false),
        ("first_factor", true),
    ] {
        ctx.insert(key, &value);
    }
    ctx.insert("recovery_remaining", &10);
    ctx.insert("admin_single_key", "YubiKey");
    ctx.insert("recovery_sign_in", &Some(3));
    ctx.insert("allowed", &["webauthn", "totp", "sms", "oath_token", "recovery_code"]);
    ctx.insert(
        "reminder",
        &serde_json::json!({ "kinds": ["webauthn", "totp"], "kinds_text": "a security key or passkey or an authenticator app",
            "enforce_from": "2026-03-01T00:00:00+00:00", "enrol_by": "2026-03-15T00:00:00+00:00", "enforced": false }),
    );
    ctx.insert("kinds", &["webauthn", "totp"]);
    ctx.insert("enforce_from", "2026-03-01");
    ctx.insert("enrol_by", "2026-03-15");
    ctx.insert("sent", &true);
    ctx.insert("serial", "987654321");
    ctx.insert("available", &true);
    ctx.insert("download", "codes");
    ctx.insert("request", "r1");
    ctx.insert("client_id", "app");
    ctx.insert("client_label", "App (app)");
    ctx.insert(
        "client",
        &serde_json::json!({ "id": "app", "label": "App (app)", "logo_uri": "https://app.example/logo.png",
            "policy_uri": "https://app.example/privacy", "tos_uri": "https://app.example/terms" }),
    );
    ctx.insert("party", "Application: App (app)");
    ctx.insert("refused_address", "https://evil.example/<cb>");
    ctx.insert("hint", "Nothing was sent there.");
    ctx.insert("scopes", &["openid", "email", "offline_access"]);
    ctx.insert("phone", "+41•••••••00");
    ctx.insert("factor_id", "f1");
    ctx.insert("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    ctx.insert(
        "uri",
        "otpauth://totp/Gatehouse:alice?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse",
    );
    ctx.insert("qr", "iVBORw0KGgo=");
    ctx.insert("factor", "Phone");
    ctx.insert("ip", "127.0.0.1");
    ctx.insert("remaining", &9);
    ctx.insert("kind", "totp");
    ctx.insert("until", "2026-01-01 00:15 UTC");
    ctx.insert("failures", &100);
    ctx.insert("at", "2026-01-01 00:10 UTC");
    ctx.insert(
        "params",
        &serde_json::json!({ "id_token_hint": "h", "client_id": "app", "post_logout_redirect_uri": "https://app.example/bye", "state": "s" }),
    );
    ctx.insert("user_code", "BCDF-GHJK");
    ctx.insert("approved", &true);
    ctx.insert("acs_url", "https://sp.example/acs");
    ctx.insert("saml_response", "PHNhbWxwOlJlc3BvbnNlLz4=");
    ctx.insert("relay_state", "state");
    ctx.insert("subject", "Bob");
    ctx.insert("subject_username", "bob");
    ctx.insert("hours", &24);
    ctx.insert("opened", &true);
    ctx.insert("opened_by_self", &true);
    ctx.insert(
        "reset",
        &serde_json::json!({ "id": "r1", "state": "requested", "state_label": "waiting for approval", "user": "Bob (bob)",
            "factors": "all factors", "reason": "lost phone", "opened_by": "the user", "opened_at": "2026-01-01T00:00:00+00:00",
            "opened_ip": "127.0.0.1", "opened_user_agent": "ua", "checks_passed": ["employee ID"],
            "cooling_off_until": "2026-01-01T01:00:00+00:00", "approver": "Mona (mona)", "approver_amr": "password + one-time code",
            "decided_at": "2026-01-01T00:30:00+00:00", "approval_note": "on leave", "executor": "Hana (hana)",
            "executed_at": "2026-01-01T00:40:00+00:00", "closed_by": null, "closed_at": null,
            "route": [{ "who": "Mona (mona)", "as": "manager", "as_label": "the user's manager", "outcome": "absent",
                "outcome_label": "skipped: away" }, { "who": "Dana (dana)", "as": "delegate",
                "as_label": "delegate of Mona (mona)", "outcome": "asked", "outcome_label": "asked to approve" }],
            "routed_nobody": false }),
    );
    ctx.insert("resets", &serde_json::json!([{ "id": "r1", "state": "requested", "state_label": "waiting for approval", "user": "Bob (bob)",
        "opened_by": "Hugo (hugo)", "factors": "all factors", "opened_at": "2026-01-01T00:00:00+00:00" }]));
    ctx.insert("all", &false);
    ctx.insert("basis", "manager");
    ctx.insert("decide", "override");
    ctx.insert("chosen_all", &true);
    ctx.insert(
        "checks",
        &serde_json::json!([{ "name": "employee_id", "label": "employee ID" }, { "name": "hr_question", "label": "HR question" }]),
    );
    ctx.insert("query_user", "bob");
    ctx.insert("q", "bo");
    ctx.insert("max_query", &100);
    ctx.insert("limit", &50);
    ctx.insert("searched", &true);
    ctx.insert(
        "users",
        &serde_json::json!([{ "id": "u1", "username": "bob", "display_name": "Bob", "email": "bob@example.com", "active": true,
            "roles": ["user"], "factor_kinds": ["totp", "recovery_code"], "open_requests": [], "person": "Bob (bob)",
            "factor_labels": ["authenticator app", "recovery codes"] },
            { "id": "u2", "username": "bo", "display_name": "Bo", "email": "bo@example.com", "active": false,
            "roles": [], "factor_kinds": [], "open_requests": [{ "id": "r1", "state": "requested", "state_label": "waiting for approval" }],
            "person": "Bo (bo)", "factor_labels": [] }]),
    );
    ctx.insert(
        "who",
        &serde_json::json!({ "username": "bob", "person": "Bob (bob)", "email": "bob@example.com" }),
    );
    ctx.insert(
        "who_factors",
        &serde_json::json!([{ "id": "f1", "kind": "authenticator app", "name": "Phone", "added": "2026-01-01T00:00:00+00:00", "chosen": false }]),
    );
    ctx.insert("timeline", &serde_json::json!([{ "at": "2026-01-01T00:00:00+00:00", "kind": "recovery.opened", "event": "Request opened",
        "outcome": "done", "actor": "Hugo (hugo)", "ip": "127.0.0.1", "reason": null, "note": null, "methods": null },
        { "at": "2026-01-01T00:30:00+00:00", "kind": "recovery.approved", "event": "Approval", "outcome": "done",
        "actor": "Mona (mona)", "ip": "127.0.0.1", "reason": null, "note": null, "methods": "password + one-time code" }]));
    ctx.insert(
        "verify",
        &serde_json::json!({ "required": "either", "required_label": "one passed prompt", "enforced": true,
            "prompts": [{ "target": "user", "to": "Bob (bob)", "channel": "by mail", "by": "Hana (hana)", "state": "pending",
                "state_label": "waiting", "at": "2026-01-01T00:05:00+00:00", "counts": false, "number": 42 },
                { "target": "manager", "to": "Mona (mona)", "channel": "by mail", "by": "Hana (hana)", "state": "passed",
                "state_label": "passed", "at": "2026-01-01T00:06:00+00:00", "counts": false, "number": null }],
            "pending": true, "blocked": true, "blocked_reason": "not verified", "may_send": true, "has_phone": true,
            "manager": "Mona (mona)", "manager_is_approver": true,
            "override": { "by": "Abe (abe)", "reason": "seen in person", "at": "2026-01-01T00:07:00+00:00" },
            "may_override": true, "minutes": 5 }),
    );
    ctx.insert("outcome", "mismatch");
    ctx.insert("manager", &true);
    ctx.insert("name", "Bob");
    ctx.insert("choices", &[17, 42, 88]);
    ctx.insert("confirm", &true);
    ctx.insert("trust_days", &14);
    ctx.insert("approval", &true);
    ctx.insert("number", &42);
    ctx.insert("may_approve", &true);
    ctx.insert(
        "prompts",
        &serde_json::json!([{ "id": "p1", "choices": [17, 42, 88], "browser": "Chrome on Linux", "ip": "192.0.2.7", "sent": "2026-01-01T00:00:00+00:00" }]),
    );
    ctx.insert(
        "ways_back",
        &[
            "backup-factor",
            "backup-sms",
            "recovery-codes",
            "approval",
            "two-admins",
        ],
    );
    ctx.insert("reauth", &true);
    ctx.insert(
        "devices",
        &serde_json::json!([{ "id": "d1", "browser": "Firefox on Linux", "first_seen": "2026-01-01T00:00:00+00:00", "last_seen": "2026-01-02T00:00:00+00:00", "expires": "2026-01-15T00:00:00+00:00", "current": true }]),
    );
    ctx.insert("action", "https://sp.example/slo");
    ctx.insert("field", "SAMLRequest");
    ctx.insert("message", "PHNhbWxwOkxvZ291dFJlcXVlc3QvPg==");
    ctx.insert("sp", "https://sp.example/metadata");
    ctx.insert("title", "Gatehouse admin API");
    ctx.insert("version", "0.1.0");
    ctx.insert("description", "Administration.");
    ctx.insert(
        "operations",
        &serde_json::json!([{ "id": "users_list", "method": "GET", "path": "/api/v1/users", "summary": "Users.",
            "parameters": [{ "name": "q", "location": "query", "required": false, "description": "Search." }],
            "body": null, "responses": [{ "status": "200", "description": "", "schema": "UserView" }] }]),
    );
    ctx.insert(
        "schemas",
        &serde_json::json!([{ "name": "UserView", "description": "",
            "members": [{ "name": "id", "kind": "string", "required": true, "description": "" }] }]),
    );
    // The admin console (`web/admin/`): the layout's operator, and each page's values.
    ctx.insert(
        "console",
        &serde_json::json!({ "username": "root", "display_name": "Root", "role": "admin", "section": "users",
            "audit": true, "recovery": true }),
    );
    let audit_link = "/admin/audit?kind=login.password&since=2026-01-01%2000%3A00%3A00";
    ctx.insert(
        "dashboard",
        &serde_json::json!({
            "readiness": [{ "kind": "no_administrator", "username": "", "key": "no" },
                { "kind": "one_administrator", "username": "root", "key": "no" },
                { "kind": "one_factor", "username": "root", "key": "yes" }],
            "sign_ins": { "since": "2026-01-01 00:00:00", "since_text": "1 Jan 2026, 00:00 UTC", "success": 3,
                "failed": 2, "all_link": audit_link,
                "rows": [{ "kind": "login.password", "label": "Password", "success": { "count": 3, "link": audit_link },
                    "failure": { "count": 2, "link": audit_link }, "denied": { "count": 0, "link": audit_link } }] },
            "accounts": { "disabled": 1, "locked": 0 },
            "resets": { "open": 1, "by_state": [{ "count": 1, "label": "requested" }] },
            "keys": { "days": 30, "expiring": [{ "what": "SAML certificate expires", "id": "k1", "at": "2026-01-20T00:00:00Z" }] },
        }),
    );
    ctx.insert(
        "listing",
        &serde_json::json!({ "q": "bo", "first": false, "first_link": "/admin/users?q=bo", "next": "/admin/users?q=bo&after=bob",
            "rows": [{ "username": "bob", "display_name": "Bob", "email": "bob@example.com", "status": "active", "locked": true,
                "roles": ["user"], "path": "/admin/users/bob" }] }),
    );
    ctx.insert(
        "create",
        &serde_json::json!({ "roles": [{ "name": "user", "description": "Everyone", "checked": true }],
            "entered": { "username": "dan", "email": "dan@example.com", "display_name": "", "manager": "bob", "phone": "", "roles": [] } }),
    );
    let person =
        serde_json::json!({ "path": "/admin/users/bob", "username": "bob", "display_name": "Bob", "deleted": false });
    ctx.insert(
        "person",
        &serde_json::json!({
            "path": "/admin/users/bob", "username": "bob", "display_name": "Bob", "email": "bob@example.com",
            "phone": null, "status": "active",
            "locked": false, "created": "2026-01-01 00:00:00", "has_password": true, "mfa_required": true,
            "manager": person, "roles": ["user", "helpdesk"], "addable_roles": ["admin"],
            "factors": [{ "kind": "authenticator app", "name": "Phone", "status": "active", "flagged": false,
                "added": "2026-01-01 00:00:00", "last_used": null }],
            "devices": [{ "browser": "Firefox on Linux", "first_seen": "2026-01-01 00:00:00", "last_seen": "2026-01-02 00:00:00",
                "expires": "2026-01-15 00:00:00" }],
            "resets": [{ "state": "requested", "opened": "2026-01-01 00:00:00", "link": "/helpdesk/request?id=r1" }],
            "events": [{ "at": "2026-01-01 00:00:00", "kind": "user.created", "outcome": "success", "actor": person,
                "via": "cli:root", "actor_raw": "user:x via cli:root", "ip": "127.0.0.1" },
                { "at": "2026-01-01 00:00:00", "kind": "login.password", "outcome": "failure", "actor": null,
                "via": null, "actor_raw": "anonymous", "ip": "127.0.0.1" }],
            "audit_link": "/admin/audit?user=bob", "open_reset_link": "/helpdesk/open?user=bob", "manage_roles": true,
            "support": true, "recovery": true, "read_audit": true, "is_self": false,
        }),
    );
    ctx.insert(
        "audit",
        &serde_json::json!({
            "given": { "user": "bob", "actor": "", "kind": "user.*", "outcome": "success", "since": "", "until": "" },
            "rows": [{ "id": 7, "at": "2026-01-01T00:00:00Z", "kind": "user.created", "outcome": "success", "actor": person,
                "via": null, "actor_raw": "user:x", "subject": { "deleted": true }, "ip": "127.0.0.1" },
                { "id": 6, "at": "2026-01-01 00:00:00", "kind": "oidc.token", "outcome": "success", "actor": null,
                "via": null, "actor_raw": "client:ci", "subject": null, "ip": "" }],
            "next": "/admin/audit?user=bob&before=6", "first": true, "first_link": "/admin/audit?user=bob",
            "export_jsonl": "/admin/audit/export?format=jsonl&user=bob", "export_csv": "/admin/audit/export?format=csv&user=bob",
            "kinds": ["user.created", "login.password"],
        }),
    );
    ctx.insert(
        "confirm",
        &serde_json::json!({ "title": "Disable bob?", "consequences": ["Bob can no longer sign in."],
            "action": "/admin/users/bob/status", "fields": [{ "name": "status", "value": "disabled" }],
            "button": "Disable the account", "cancel": "/admin/users/bob", "cancel_label": "bob" }),
    );
    ctx.insert(
        "sessions",
        &serde_json::json!([{ "id": "s1", "browser": "Firefox on Linux", "ip": "127.0.0.1", "signed_in": "2026-01-01T00:00:00+00:00",
            "last_seen": "2026-01-01T00:05:00+00:00", "state": "authenticated", "methods": ["pwd", "otp"], "level": "mfa", "current": true },
            { "id": "s2", "browser": "Safari on iOS", "ip": null, "signed_in": "2026-01-01T00:00:00+00:00",
            "last_seen": "2026-01-01T00:01:00+00:00", "state": "authenticated", "methods": ["swk"], "level": "phishing_resistant", "current": false },
            { "id": "s3", "browser": "Other browser", "ip": "10.0.0.1", "signed_in": "2026-01-01T00:00:00+00:00",
            "last_seen": "2026-01-01T00:00:00+00:00", "state": "pending_second_factor", "methods": ["pwd"], "level": "password", "current": false }]),
    );
    ctx.insert("others", &2);
    ctx.insert(
        "apps",
        &serde_json::json!([{ "client_id": "wiki", "scopes": ["openid", "email"], "consented_at": "2026-01-01T00:00:00+00:00",
            "last_token_at": "2026-01-02T00:00:00+00:00", "grants": 1, "offline": false },
            { "client_id": "mail", "scopes": ["openid", "offline_access"], "consented_at": null,
            "last_token_at": "2026-01-02T00:00:00+00:00", "grants": 2, "offline": true }]),
    );
    ctx.insert("replace", "f3");
    ctx.insert("old_phone", "+41•••••••00");
    ctx.insert("new_email", "new@example.com");
    ctx.insert("confirming", &true);
    let names = gatehouse::templates::names();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        // The layout and partials (`_name.html`) are rendered inside the pages that use them.
        if name == "base.html" || name.rsplit('/').next().is_some_and(|file| file.starts_with('_')) {
            continue;
        }
        // These console pages are rendered with real data by their own tests (tests/it/admin/: users.rs, settings.rs,
        // federation.rs, profile.rs) and by the browser run of every console page (interop::admin_console).
        if RENDERED_BY_THEIR_TESTS.contains(&name.as_str()) {
            continue;
        }
        let out = tera.render(&name, &ctx).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(!out.trim().is_empty(), "{name}");
        // Pages that show errors (the API reference is a document, not a form: it has none to show).
        if name.ends_with(".html") && !name.starts_with("email/") && !name.starts_with("api/") {
            assert!(out.contains("An &lt;error&gt;"), "{name}: errors are shown, escaped");
        }
    }
    // Consent and the device confirmation describe every scope in words, offline access included.
    for page in ["oidc/consent.html", "oidc/device_confirm.html"] {
        let out = tera.render(page, &ctx).expect("scopes page");
        assert!(
            out.contains("your e-mail address") && out.contains("access while you are signed out"),
            "{page}"
        );
    }
    // Trusted browsers: listed with revoke buttons, and the offer on the second step.
    let account = tera.render("account/index.html", &ctx).expect("account with devices");
    assert!(account.contains("Firefox on Linux (this browser)") && account.contains("/account/devices/revoke-all"));
    let factor = tera.render("login/second_factor.html", &ctx).expect("second step");
    assert!(factor.contains("Trust this browser for 14 days"));
    ctx.insert("devices", &serde_json::json!([]));
    ctx.insert("trust_days", &0);
    assert!(
        tera.render("account/index.html", &ctx)
            .unwrap()
            .contains("no-trusted-devices")
    );
    assert!(
        !tera
            .render("login/second_factor.html", &ctx)
            .unwrap()
            .contains("Trust this browser")
    );
    // After a recovery-code sign-in both account pages guide the user to replace the lost factor; otherwise not.
    for name in ["account/index.html", "account/security.html"] {
        let out = tera.render(name, &ctx).unwrap();
        assert!(
            out.contains("id=\"recovery-code-notice\"") && out.contains("3 left"),
            "{name}"
        );
    }
    ctx.insert("recovery_sign_in", &Option::<u64>::None);
    for name in ["account/index.html", "account/security.html"] {
        assert!(
            !tera.render(name, &ctx).unwrap().contains("recovery-code-notice"),
            "{name}"
        );
    }
    // A changed address or number: the new value, or "removed" when the number was cleared.
    ctx.insert("new_email", "new@example.com");
    ctx.insert("new_phone", "+41•••••••99");
    for ext in ["txt", "html"] {
        let mail = tera.render(&format!("email/email_changed.{ext}"), &ctx).unwrap();
        assert!(mail.contains("new@example.com") && mail.contains("alice"), "{mail}");
        let text = tera.render(&format!("email/phone_changed.{ext}"), &ctx).unwrap();
        assert!(text.contains("+41•••••••99") && !text.contains("removed"), "{text}");
    }
    ctx.insert("new_phone", &Option::<String>::None);
    for ext in ["txt", "html"] {
        let text = tera.render(&format!("email/phone_changed.{ext}"), &ctx).unwrap();
        assert!(text.contains("was removed"), "{text}");
    }
    // Sessions: each browser, how it signed in in words, the one in use marked and without "End".
    let sessions = tera.render("account/sessions.html", &ctx).expect("sessions");
    assert!(
        sessions.contains("class=\"scroll\"") && sessions.contains("Firefox on Linux <strong>(this browser)</strong>")
    );
    assert!(sessions.contains("password + one-time code") && sessions.contains("Two factors, phishing-resistant"));
    assert!(sessions.contains("waiting for the second step") && sessions.contains("End all other sessions"));
    assert_eq!(
        sessions.matches("/account/sessions/end\"").count(),
        2,
        "End on the others only"
    );
    // Connected applications: each with its own scopes in the consent page's words.
    let apps = tera.render("account/apps.html", &ctx).expect("apps");
    let (wiki, mail) = apps.split_at(apps.find("data-client=\"mail\"").expect("both apps"));
    assert!(
        wiki.contains("your e-mail address") && !wiki.contains("while you are signed out"),
        "{wiki}"
    );
    assert!(mail.contains("access while you are signed out") && mail.contains("Trusted by your organisation"));
    // Changing a phone number, and confirming it is you with the username shown, not asked.
    let sms = tera.render("account/sms.html", &ctx).unwrap();
    assert!(sms.contains("Change your phone number") && sms.contains("name=\"replace\" value=\"f3\""));
    let login = tera.render("login/password.html", &ctx).unwrap();
    assert!(login.contains("readonly") && login.contains("Confirm it is you"));
    ctx.insert("confirming", &false);
    assert!(!tera.render("login/password.html", &ctx).unwrap().contains("readonly"));
    // The first administrator's password is set, not changed.
    let done = tera.render("password/reset_done.html", &ctx).unwrap();
    assert!(done.contains("Administrator ready") && !done.contains("Password changed"));
    // The approval route on the approval page, and the words of each basis it can ask on.
    let approve = tera.render("recovery/approve.html", &ctx).unwrap();
    assert!(
        approve.contains("<tr data-as=\"delegate\" data-outcome=\"asked\"><td>Dana (dana)</td>"),
        "{approve}"
    );
    for (basis, words) in [
        ("delegate", "is away and named you"),
        ("chain", "above Bob (bob) in the chain of managers"),
        ("role", "you hold the role that approves"),
        ("override", "This request was not sent to you"),
    ] {
        ctx.insert("basis", basis);
        let page = tera.render("recovery/approve.html", &ctx).unwrap();
        assert!(
            page.contains(words) && page.contains(&format!("data-basis=\"{basis}\"")),
            "{basis}: {page}"
        );
    }
    // The approval mail says why this person is asked.
    ctx.insert("on_behalf_of", "Mona");
    ctx.insert("role", "admin");
    for (basis, words) in [
        ("manager", "As their manager"),
        ("delegate", "Mona is away and named you"),
        ("chain", "Nobody between you and them"),
        ("role", "the members of the role admin are asked"),
    ] {
        ctx.insert("basis", basis);
        for file in ["email/recovery_approval.txt", "email/recovery_approval.html"] {
            let mail = tera.render(file, &ctx).unwrap();
            assert!(mail.contains(words), "{file}, {basis}: {mail}");
        }
    }
    ctx.insert("basis", "manager");
    // Pages with two outcomes render both.
    ctx.insert("approved", &false);
    let denied = tera
        .render("oidc/device_done.html", &ctx)
        .expect("device_done.html, denied");
    assert!(denied.contains("Access denied"));
}
