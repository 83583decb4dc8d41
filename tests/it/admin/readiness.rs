//! Recovery readiness (`core::accounts::readiness`, what `gatehouse serve` logs at start-up and the dashboard
//! shows): who counts as an administrator who can sign in, and when one lost key would lock the installation out.
use super::common::*;
use crate::common::*;
use gatehouse::core::accounts::readiness::{self, Warning};
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::policy::{PolicyChange, roles};

async fn warnings(server: &TestServer) -> Vec<Warning> {
    readiness::check(server.state().store.as_ref(), server.state().clock.now())
        .await
        .expect("readiness")
        .warnings()
}

fn one(username: &str) -> Warning {
    Warning::OneAdministrator {
        username: username.into(),
    }
}

#[tokio::test]
async fn only_administrators_who_can_sign_in_count() {
    let (server, _db) = console_server().await;
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    assert_eq!(warnings(&server).await, [Warning::NoAdministrator]);
    // A password alone: the admin policy requires a second factor now, so that sign-in would only reach enrolment.
    let pat = server.add_user_with("pat", Some(GOOD_PASSWORD), &["admin"]).await;
    // Nor does an administrator without a password or a key (a new account before its first password).
    server.add_user_with("newbie", None, &["admin"]).await;
    assert_eq!(warnings(&server).await, [Warning::NoAdministrator]);

    // With a security key: one administrator, resting on that key alone.
    let (root, _key) = admin(&server, "root").await;
    assert_eq!(
        warnings(&server).await,
        [
            one("root"),
            Warning::OneFactor {
                username: "root".into(),
                key: true
            }
        ]
    );
    let access = readiness::check(store, now).await.unwrap();
    let root_access = access.admins.iter().find(|a| a.username == "root").unwrap();
    assert!(root_access.can_sign_in && root_access.keys == 1 && root_access.recovery_codes == 0);
    assert!(!access.admins.iter().find(|a| a.username == "pat").unwrap().can_sign_in);

    // Recovery codes are a way back in: only the lone administrator is left to warn about.
    let codes = root
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert_eq!(warnings(&server).await, [one("root")]);

    // A second administrator who can sign in: ready.
    admin(&server, "root2").await;
    assert!(warnings(&server).await.is_empty());

    // A disabled one does not count.
    let root2 = server.user("root2").await;
    let cli = Origin::cli();
    let disabled = gatehouse::core::accounts::set_status(store, now, &cli, &root2, UserStatus::Disabled);
    disabled.await.unwrap();
    assert_eq!(warnings(&server).await, [one("root")]);

    // Without a second factor required of administrators, a password signs in: pat counts again.
    let optional = PolicyChange {
        mfa_required: Some(false),
        ..Default::default()
    };
    roles::set(store, now, &Origin::cli(), "admin", &optional)
        .await
        .unwrap();
    assert!(warnings(&server).await.is_empty(), "root and pat");
    assert!(
        readiness::check(store, now)
            .await
            .unwrap()
            .admins
            .iter()
            .any(|a| a.username == pat.username && a.can_sign_in)
    );
}

#[tokio::test]
async fn the_dashboard_warns_administrators_while_only_one_can_sign_in() {
    let (server, _db) = console_server().await;
    let (browser, _key) = admin(&server, "root").await;
    let page = browser.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("<div role=\"alert\" id=\"readiness\" aria-labelledby=\"readiness-heading\">"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Administrator access at risk"));
    assert!(
        page.body
            .contains("data-warning=\"one-administrator\">Only root can sign in as an administrator")
    );
    assert!(
        page.body
            .contains("gatehouse user add NAME --email ADDRESS --role admin")
    );
    assert!(
        page.body.contains("href=\"/admin/users#create\""),
        "the console's own way to add one"
    );
    // Root's one key, no recovery codes: their own account page is where to add a spare.
    assert!(page.body.contains(
        "data-warning=\"one-factor\">root signs in with a single security key and has no recovery codes: losing it \
         locks Gatehouse out."
    ));
    assert!(
        page.body
            .contains("<a href=\"/account/security\">Add a second security key or create recovery codes.")
    );

    // The helpdesk cannot add administrators: no warning for them.
    let hana = helpdesk(&server, "hana").await;
    assert!(!hana.get("/admin").await.body.contains("id=\"readiness\""));

    // A second administrator: the warning goes, for both.
    let (second, _) = admin(&server, "root2").await;
    for browser in [&browser, &second] {
        let page = browser.get("/admin").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("id=\"readiness\""), "{}", page.body);
    }
}
