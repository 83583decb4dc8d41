use serde_json::{Value, json};

use super::*;
use crate::scim::fixtures::{self, ALICE, BOB, CAROL};
use crate::scim::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

fn users() -> Vec<Value> {
    vec![fixtures::alice(), fixtures::bob(), fixtures::carol()]
}

fn query(text: &str) -> ListParams {
    ListParams::from_query(Kind::User, text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn query_error(text: &str) -> &'static str {
    match ListParams::from_query(Kind::User, text) {
        Ok(p) => panic!("{text} accepted: {p:?}"),
        Err(e) => e.scim_type.unwrap_or("none"),
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn listed(text: &str) -> Value {
    list_response(Kind::User, users(), &query(text)).unwrap()
}

#[test]
fn okta_lookup_query_parses() {
    // Okta "SCIM 2.0 protocol reference", Determine if the User already exists.
    let params = query("filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
    assert_eq!(params.start_index, 1);
    assert_eq!(params.count, 100);
    let filter = params.filter.unwrap();
    assert_eq!(
        crate::scim::filter::equality_lookup(&filter, Kind::User),
        Some(("userName", "test.user@okta.local".to_string()))
    );
    // Entra ID's form, with + for spaces and excludedAttributes.
    let params = ListParams::from_query(
        Kind::Group,
        "excludedAttributes=members&filter=displayName+eq+%22Sales%22",
    )
    .unwrap();
    assert_eq!(params.excluded_attributes, ["members"]);
    assert!(params.filter.is_some());
}

#[test]
fn parameter_names_are_case_insensitive_and_bounds_are_applied() {
    let params = query("STARTINDEX=3&Count=2&sortby=userName&SortOrder=Descending&ATTRIBUTES=userName,%20emails");
    assert_eq!((params.start_index, params.count), (3, 2));
    assert_eq!(params.sort_order, SortOrder::Descending);
    assert_eq!(params.sort_by.unwrap().display(), "userName");
    assert_eq!(params.attributes, ["userName", "emails"]);
    assert_eq!(query("startIndex=0").start_index, 1);
    assert_eq!(query("startIndex=-5").start_index, 1);
    assert_eq!(query("count=-1").count, 0);
    assert_eq!(query("count=5000").count, MAX_RESULTS);
    assert_eq!(query("count=99999999999999999999999").count, MAX_RESULTS);
    assert_eq!(query("").count, MAX_RESULTS);
    assert!(query("cachebuster=1&filter=").filter.is_none());
}

#[test]
fn malformed_parameters_are_refused() {
    assert_eq!(query_error("count=ten"), "invalidValue");
    assert_eq!(query_error("startIndex=1.5"), "invalidValue");
    assert_eq!(query_error("count=1&COUNT=2"), "invalidValue");
    assert_eq!(query_error("sortOrder=up"), "invalidValue");
    assert_eq!(query_error("sortBy=shoeSize"), "invalidValue");
    assert_eq!(query_error("sortBy=password"), "invalidValue");
    assert_eq!(query_error("attributes=userName,shoeSize"), "invalidValue");
    assert_eq!(query_error("filter=userName%20eq"), "invalidFilter");
    assert_eq!(query_error("filter=title%20pr"), "invalidFilter");
    let many = format!("attributes={}", vec!["userName"; 101].join(","));
    assert_eq!(query_error(&many), "invalidValue");
}

#[test]
fn a_search_request_body_gives_the_same_parameters() {
    // RFC 7644 §3.4.3's example, for our attributes.
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "attributes": ["displayName", "userName"],
        "filter": "displayName ew \"smith\"",
        "startIndex": 1,
        "count": 10
    });
    let params = ListParams::from_search(Kind::User, &body).unwrap();
    assert_eq!(params.attributes, ["displayName", "userName"]);
    assert_eq!(params.count, 10);
    let list = list_response(Kind::User, users(), &params).unwrap();
    assert_eq!(
        list["Resources"],
        json!([{"schemas": [USER_SCHEMA], "id": ALICE, "displayName": "Alice Smith", "userName": "alice@example.com"}])
    );
    let sorted = ListParams::from_search(
        Kind::User,
        &json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "sortBy": "userName", "sortOrder": "descending", "startIndex": "2", "count": 99999999999999999999u128 as f64,
            "excludedAttributes": "emails"
        }),
    );
    assert_eq!(
        sorted.unwrap_err().scim_type,
        Some("invalidValue"),
        "a float count is not an integer"
    );
    let params = ListParams::from_search(
        Kind::User,
        &json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "sortBy": "userName", "sortOrder": "descending", "startIndex": "2", "excludedAttributes": "emails"
        }),
    )
    .unwrap();
    assert_eq!((params.start_index, params.sort_order), (2, SortOrder::Descending));
    assert_eq!(params.excluded_attributes, ["emails"]);
}

#[test]
fn search_bodies_must_be_search_requests_with_well_typed_members() {
    let refuse = |body: Value| {
        ListParams::from_search(Kind::User, &body)
            .unwrap_err()
            .scim_type
            .unwrap_or("none")
    };
    assert_eq!(refuse(json!({"filter": "userName pr"})), "invalidSyntax");
    assert_eq!(refuse(json!([])), "invalidSyntax");
    let search = |extra: Value| {
        let mut body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        refuse(body)
    };
    assert_eq!(search(json!({"filter": 7})), "invalidValue");
    assert_eq!(search(json!({"filter": "userName eq"})), "invalidFilter");
    assert_eq!(search(json!({"count": true})), "invalidValue");
    assert_eq!(search(json!({"attributes": [1]})), "invalidValue");
}

#[test]
fn lists_are_filtered_counted_and_paged() {
    let list = listed(r#"filter=userName%20ew%20%22example.com%22&startIndex=2&count=1"#);
    assert_eq!(list["schemas"], json!([crate::scim::LIST_SCHEMA]));
    assert_eq!(list["totalResults"], 3);
    assert_eq!(list["startIndex"], 2);
    assert_eq!(list["itemsPerPage"], 1);
    assert_eq!(ids(&list), [BOB]);
    let list = listed("count=0");
    assert_eq!(
        (list["totalResults"].as_u64(), list["itemsPerPage"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(list["Resources"], json!([]));
    let list = listed("startIndex=10");
    assert_eq!(list["totalResults"], 3);
    assert!(ids(&list).is_empty());
    let list = listed("filter=active%20eq%20true");
    assert_eq!(ids(&list), [ALICE, CAROL]);
    assert_eq!(list["totalResults"], 2);
}

#[test]
fn a_page_of_prefiltered_resources_is_not_filtered_again() {
    let params = query("filter=userName%20eq%20%22nobody%22");
    let page = page(Kind::User, users(), &params);
    assert_eq!(page["totalResults"], 3);
    let list = list_response(Kind::User, users(), &params).unwrap();
    assert_eq!(list["totalResults"], 0);
}

#[test]
fn sorting_folds_case_puts_missing_values_last_and_is_stable() {
    assert_eq!(ids(&listed("sortBy=userName")), [ALICE, BOB, CAROL]);
    assert_eq!(
        ids(&listed("sortBy=userName&sortOrder=descending")),
        [CAROL, BOB, ALICE]
    );
    assert_eq!(ids(&listed("sortBy=externalId")), [ALICE, BOB, CAROL]);
    assert_eq!(
        ids(&listed("sortBy=externalId&sortOrder=descending")),
        [ALICE, BOB, CAROL]
    );
    assert_eq!(ids(&listed("sortBy=meta.created")), [BOB, ALICE, CAROL]);
    assert_eq!(ids(&listed("sortBy=name.familyName")), [BOB, ALICE, CAROL]);
    assert_eq!(ids(&listed("sortBy=emails&sortOrder=descending")), [BOB, ALICE, CAROL]);
    assert_eq!(ids(&listed("sortBy=active")), [BOB, ALICE, CAROL]);
    assert_eq!(
        ids(&listed(
            "sortBy=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
        )),
        [BOB, ALICE, CAROL]
    );
}

#[test]
fn the_password_is_never_shown_even_when_present() {
    let mut alice = fixtures::alice();
    alice["password"] = json!("hunter2");
    assert!(project(Kind::User, &alice, &[], &[]).get("password").is_none());
    let asked = project(Kind::User, &alice, &["password".to_string()], &[]);
    assert!(asked.get("password").is_none());
    let list = list_response(Kind::User, vec![alice], &ListParams::default()).unwrap();
    assert!(!list.to_string().contains("hunter2"));
}

#[test]
fn attributes_select_with_sub_attributes_and_urns() {
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let alice = fixtures::alice();
    assert_eq!(
        project(Kind::User, &alice, &names(&["userName"]), &[]),
        json!({"schemas": [USER_SCHEMA], "id": ALICE, "userName": "alice@example.com"})
    );
    assert_eq!(
        project(
            Kind::User,
            &alice,
            &names(&["name.givenName", "emails.value", "NAME.familyName"]),
            &[]
        ),
        json!({
            "schemas": [USER_SCHEMA], "id": ALICE,
            "name": {"givenName": "Alice", "familyName": "Smith"},
            "emails": [{"value": "alice@example.com"}],
        })
    );
    assert_eq!(
        project(
            Kind::User,
            &alice,
            &names(&["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"]),
            &[]
        ),
        json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "id": ALICE, ENTERPRISE_SCHEMA: {"department": "Tour Operations"}})
    );
    let whole = project(Kind::User, &alice, &names(&[ENTERPRISE_SCHEMA, "manager.value"]), &[]);
    assert_eq!(whole[ENTERPRISE_SCHEMA], alice[ENTERPRISE_SCHEMA]);
    let manager = project(Kind::User, &alice, &names(&["manager.value"]), &[]);
    assert_eq!(manager[ENTERPRISE_SCHEMA], json!({"manager": {"value": BOB}}));
    // Asking for something the resource does not have shows nothing of it.
    let carol = project(
        Kind::User,
        &fixtures::carol(),
        &names(&["phoneNumbers.value", "manager"]),
        &[],
    );
    assert_eq!(carol, json!({"schemas": [USER_SCHEMA], "id": CAROL}));
}

#[test]
fn excluded_attributes_are_left_out_but_never_the_id() {
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let group = project(Kind::Group, &fixtures::engineering(), &[], &names(&["members"]));
    assert!(group.get("members").is_none());
    assert_eq!(group["displayName"], "Engineering");
    assert_eq!(group["schemas"], json!([GROUP_SCHEMA]));
    let alice = project(
        Kind::User,
        &fixtures::alice(),
        &[],
        &names(&["id", "emails.type", ENTERPRISE_SCHEMA, "meta"]),
    );
    assert_eq!(alice["id"], ALICE);
    assert_eq!(
        alice["emails"],
        json!([{"value": "alice@example.com", "primary": true}])
    );
    assert!(alice.get(ENTERPRISE_SCHEMA).is_none() && alice.get("meta").is_none());
    assert_eq!(alice["schemas"], json!([USER_SCHEMA]));
    let only_department = project(
        Kind::User,
        &fixtures::alice(),
        &[],
        &names(&[
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "employeeNumber",
        ]),
    );
    assert_eq!(
        only_department[ENTERPRISE_SCHEMA],
        json!({"department": "Tour Operations"})
    );
    // An empty list the resource had stays; projection only drops what it emptied.
    let bob = project(Kind::User, &fixtures::bob(), &[], &[]);
    assert_eq!(bob["groups"], json!([]));
    assert_eq!(bob, fixtures::bob());
}

#[test]
fn list_parameters_project_every_resource() {
    let list = listed("attributes=userName&sortBy=userName&count=2");
    assert_eq!(
        list["Resources"],
        json!([
            {"schemas": [USER_SCHEMA], "id": ALICE, "userName": "alice@example.com"},
            {"schemas": [USER_SCHEMA], "id": BOB, "userName": "Bob@Example.com"},
        ])
    );
}
