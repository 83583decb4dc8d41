//! The SCIM service provider against python-scim's client and compliance checker, which we did not write:
//! - `scim_compliance.py`: scim2-tester's checks of RFC 7643/7644 (discovery, create/read/list/projection/replace/
//!   patch/delete of Users and Groups, error answers) plus filters, sorting, paging and ETags, with a static token
//!   (`gatehouse scim token create`). What Gatehouse deliberately does otherwise is listed in the script with its
//!   reason and quoted in `docs/integrate/scim-compliance.md`.
//! - `scim_org.py`: a scripted provisioning session (20 people in three levels of managers, 4 groups, moves,
//!   renames, deactivations in Entra ID's and Okta's PATCH shapes, deletions) with a `client_credentials` token of a
//!   `--service-role scim` client; this test then checks in the database what SCIM cannot show: the roles the
//!   mapped groups grant, the managers as Gatehouse managers, the disabled and the deleted accounts.
//!
//! Both run on SQLite and, in CI's second pass, on PostgreSQL. `make test` installs scim2-tester and scim2-client into
//! .venv-interop; without GATEHOUSE_INTEROP the tests skip when they are missing.
use crate::api::common::{cli, client_token, service_client};
use crate::common::*;
use crate::interop::{node, python};
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::provisioning::tokens;
use serde_json::Value;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(240);
/// The roles the org script's groups are mapped to.
const ROLES: [&str; 3] = ["admin", "engineering", "helpdesk"];

fn scim_clients_missing() -> Vec<String> {
    python::missing(&["scim2_client.engines.httpx2", "scim2_tester"])
}

#[tokio::test]
async fn scim2_tester_finds_nothing_undocumented_against_the_rfcs() {
    if !node::available("SCIM compliance test", scim_clients_missing()) {
        return;
    }
    let server = TestServer::start().await;
    let (_, token) = tokens::create(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "scim2-tester",
    )
    .await
    .expect("static token");
    let output = python::run_with(
        "scim_compliance.py",
        &[&server.base],
        &[("GATEHOUSE_SCIM_TOKEN", &token)],
        TIMEOUT,
    )
    .await;
    let result = node::json_result("scim_compliance.py", &output);
    eprintln!(
        "scim_compliance.py: {} results, {} by scim2-tester {}, ours {}",
        result["total"], result["checker_total"], result["checker_counts"], result["extra_counts"]
    );
    assert_eq!(result["failures"], serde_json::json!([]), "{result}");
    let count = |status: &str| result["counts"][status].as_u64().unwrap_or(0);
    let accepted = result["accepted"].as_array().expect("accepted list");
    // Every result that is not a pass is an accepted deviation with its reason, and nothing else.
    assert_eq!(
        count("ERROR") + count("CRITICAL") + count("DEVIATION"),
        accepted.len() as u64,
        "{result}"
    );
    assert!(
        accepted
            .iter()
            .all(|a| a["why"].as_str().is_some_and(|w| !w.is_empty()))
    );
    // The checker really ran its CRUD and PATCH checks on both resource types, not only discovery; the numbers are
    // those of the seeded run quoted in docs/integrate/scim-compliance.md (update it when they change).
    let checker = |status: &str| result["checker_counts"][status].as_u64().unwrap_or(0);
    assert!(checker("SUCCESS") >= 66, "fewer checks pass than documented: {result}");
    assert!(
        accepted.len() <= 16,
        "more accepted deviations than documented: {result}"
    );
    assert_eq!(result["extra_counts"]["SUCCESS"], 30, "{result}");
}

/// The username of the account `id`, if any.
async fn username_of(server: &TestServer, id: Option<&str>) -> Option<String> {
    let id = id?;
    server
        .state()
        .store
        .user_by_id(id)
        .await
        .expect("store")
        .map(|u| u.username)
}

#[tokio::test]
async fn an_organisation_provisioned_by_scim2_client_is_what_gatehouse_holds() {
    if !node::available("SCIM provisioning test", scim_clients_missing()) {
        return;
    }
    let server = TestServer::start().await;
    // Before the directory sends anything, the operator maps three of its groups to roles: one of their own, and
    // two administrative ones, which need --allow-admin.
    let mappings: [&[&str]; 4] = [
        &["role", "add", "engineering"],
        &["role", "set", "engineering", "--scim-group", "Engineering"],
        &[
            "role",
            "set",
            "helpdesk",
            "--scim-group",
            "IT Helpdesk",
            "--allow-admin",
        ],
        &[
            "role",
            "set",
            "admin",
            "--scim-group",
            "Platform Admins",
            "--allow-admin",
        ],
    ];
    for args in mappings {
        cli(&server, args);
    }
    let secret = service_client(&server, "hr-sync", Some("scim")).await;
    let token = client_token(&server, "hr-sync", &secret).await;

    let output = python::run_with(
        "scim_org.py",
        &[&server.base],
        &[("GATEHOUSE_SCIM_TOKEN", &token)],
        TIMEOUT,
    )
    .await;
    let result = node::json_result("scim_org.py", &output);
    eprintln!(
        "scim_org.py: {} people and {} groups provisioned, {} checks read back",
        result["users_created"], result["groups_created"], result["checks"]
    );
    assert_eq!(result["users_created"], 20, "{result}");
    assert_eq!(result["groups_created"], 4, "{result}");
    assert!(result["checks"].as_u64().unwrap_or(0) > 100, "{result}");
    let expected = result["expected"].as_object().expect("the expected state");
    assert_eq!(expected.len(), 19, "{result}");

    let store = server.state().store.as_ref();
    let mut disabled = 0;
    let mut holders = std::collections::BTreeMap::<&str, usize>::new();
    for (username, want) in expected {
        let user = accounts::find(store, username)
            .await
            .unwrap_or_else(|e| panic!("{username}: {e}"));
        let manager = username_of(&server, user.manager_id.as_deref()).await;
        assert_eq!(
            manager.as_deref(),
            want["manager"].as_str(),
            "{username}: the Gatehouse manager"
        );
        let active = want["active"].as_bool().expect("active");
        assert_eq!(user.status == UserStatus::Active, active, "{username}: status");
        disabled += usize::from(!active);
        let roles = store.roles_of(&user.id).await.expect("roles");
        let from_groups: Vec<&str> = want["group_roles"]
            .as_array()
            .expect("group_roles")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for role in ROLES {
            assert_eq!(
                roles.iter().any(|r| r == role),
                from_groups.contains(&role),
                "{username}: role {role} follows the mapped groups (has {roles:?})"
            );
        }
        for role in &from_groups {
            *holders.entry(role).or_default() += 1;
        }
        let entry = store.directory_entry(&user.id).await.expect("store").expect("entry");
        assert_eq!(entry.department.as_deref(), want["department"].as_str(), "{username}");
    }
    assert_eq!(disabled, 2, "the two deactivated people are disabled");
    // Platform Admins ends with two members, Engineering with its director and five engineers (one moved to Sales),
    // and IT Helpdesk is deleted.
    assert_eq!(
        holders,
        [("admin", 2), ("engineering", 6)].into_iter().collect(),
        "{result}"
    );
    // Those whose role came from a group they left, or from a deleted group, lost it.
    let lost = result["lost_roles"].as_object().expect("lost_roles");
    // The three of the deleted IT Helpdesk, the admin who left Platform Admins, the engineer who moved to Sales.
    assert_eq!(lost.len(), 5, "{result}");
    for (username, roles) in lost {
        let user = accounts::find(store, username).await.expect("user");
        let held = store.roles_of(&user.id).await.expect("roles");
        for role in roles.as_array().expect("roles").iter().filter_map(Value::as_str) {
            assert!(!held.iter().any(|r| r == role), "{username} still has {role}");
        }
    }
    // The deleted person is kept disabled for the retention period, and SCIM no longer knows them.
    for username in result["deleted_people"]
        .as_array()
        .expect("deleted")
        .iter()
        .filter_map(Value::as_str)
    {
        let user = accounts::find(store, username).await.expect("kept until purged");
        assert_eq!(user.status, UserStatus::Disabled, "{username}");
        let entry = store.directory_entry(&user.id).await.expect("store").expect("entry");
        assert!(entry.deleted_at.is_some(), "{username}: marked deleted");
        let answer = reqwest::Client::new()
            .get(server.url(&format!("/scim/v2/Users/{}", user.id)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        assert_eq!(answer.status(), 404, "{username}: gone from SCIM");
    }
    let groups = store.list_groups().await.expect("groups");
    let names: Vec<&str> = groups.iter().map(|g| g.display_name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(!names.contains(&"IT Helpdesk"), "{names:?}");
}
