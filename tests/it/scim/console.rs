//! The console shows where each account came from, so an administrator knows a change by hand may be undone by
//! the next provisioning run.
use super::common::*;
use crate::admin::common::{admin, console_server};

#[tokio::test]
async fn the_console_shows_each_users_source() {
    let (server, _db) = console_server().await;
    let (browser, _key) = admin(&server, "root").await;
    let token = static_token(&server, "workday").await;
    provision(&server, &token, &person("hana@example.com", "w-1001")).await;

    let list = browser.get("/admin/users").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Directory (SCIM)"), "{}", list.body);
    assert!(
        list.body.contains("Command line"),
        "root was made as `gatehouse user add` makes users"
    );
    let page = browser.get("/admin/users/hana@example.com").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("scim:token:workday"), "{}", page.body);
    assert!(page.body.contains("w-1001"), "the directory's id is shown");
}
