//! RFC 7644 §3.5.2 semantics and the refusals; the vendors' own bodies are in `vendor_tests`.
use serde_json::{Value, json};

use super::*;
use crate::scim::fixtures::{self, ALICE, BASE, BOB, CAROL};
use crate::scim::{ENTERPRISE_SCHEMA, PATCH_SCHEMA};

pub(super) fn body(operations: Value) -> Value {
    json!({"schemas": [PATCH_SCHEMA], "Operations": operations})
}

/// `resource` after the operations, or the error (and then the resource must be unchanged).
pub(super) fn patched(kind: Kind, resource: Value, operations: Value) -> Result<Value, ScimError> {
    let mut work = resource.clone();
    match apply(kind, &mut work, &body(operations)) {
        Ok(()) => Ok(work),
        Err(e) => {
            assert_eq!(work, resource, "a failed PATCH changed the resource");
            Err(e)
        }
    }
}

pub(super) fn refusal(kind: Kind, resource: Value, operations: Value) -> (&'static str, String) {
    match patched(kind, resource, operations) {
        Ok(v) => panic!("accepted: {v}"),
        Err(e) => {
            assert_eq!(e.status.as_u16(), 400);
            (e.scim_type.unwrap_or("none"), e.detail)
        }
    }
}

fn user(operations: Value) -> Value {
    patched(Kind::User, fixtures::alice(), operations).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn add_and_replace_set_simple_attributes() {
    let out = user(json!([{"op": "add", "path": "displayName", "value": "Ally"}]));
    assert_eq!(out["displayName"], "Ally");
    let out = user(json!([{"op": "replace", "path": "userName", "value": "ally@example.com"}]));
    assert_eq!(out["userName"], "ally@example.com");
    let out = user(json!([{"op": "replace", "path": "externalId", "value": "e999"}]));
    assert_eq!(out["externalId"], "e999");
    let out = patched(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "add", "path": "preferredLanguage", "value": "fr"}]),
    )
    .unwrap();
    assert_eq!(out["preferredLanguage"], "fr");
}

#[test]
fn sub_attributes_and_complex_values_merge() {
    let out = user(json!([{"op": "replace", "path": "name.givenName", "value": "Alicia"}]));
    assert_eq!(
        out["name"],
        json!({"formatted": "Alice Smith", "givenName": "Alicia", "familyName": "Smith"})
    );
    let out = user(json!([{"op": "replace", "path": "name", "value": {"familyName": "Jones"}}]));
    assert_eq!(out["name"]["familyName"], "Jones");
    assert_eq!(out["name"]["givenName"], "Alice");
    let out = patched(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "add", "path": "name.familyName", "value": "Lee"}]),
    )
    .unwrap();
    assert_eq!(out["name"], json!({"familyName": "Lee"}));
    let out = user(json!([{"op": "remove", "path": "name.formatted"}]));
    assert!(out["name"].get("formatted").is_none());
}

#[test]
fn add_to_a_multi_valued_attribute_appends_once_and_moves_primary() {
    let out = user(
        json!([{"op": "add", "path": "emails", "value": [{"value": "a@home.example", "type": "home", "primary": true}]}]),
    );
    assert_eq!(
        out["emails"],
        json!([
            {"value": "alice@example.com", "type": "work", "primary": false},
            {"value": "a@home.example", "type": "home", "primary": true},
        ])
    );
    // The same address again changes nothing; a single object is taken as a list of one.
    let again = user(json!([{"op": "add", "path": "emails", "value": {"value": "ALICE@example.com", "type": "work"}}]));
    assert_eq!(again["emails"], fixtures::alice()["emails"]);
}

#[test]
fn replace_of_a_multi_valued_attribute_replaces_all_values() {
    let out =
        user(json!([{"op": "replace", "path": "emails", "value": [{"value": "new@example.com", "type": "work"}]}]));
    assert_eq!(out["emails"], json!([{"value": "new@example.com", "type": "work"}]));
    let err = refusal(
        Kind::User,
        fixtures::alice(),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}
        ]}]),
    );
    assert_eq!(err.0, "invalidValue");
}

#[test]
fn remove_clears_an_attribute_and_is_quiet_when_there_is_none() {
    let out = user(json!([{"op": "remove", "path": "phoneNumbers"}]));
    assert!(out.get("phoneNumbers").is_none());
    let out = patched(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "remove", "path": "displayName"}]),
    )
    .unwrap();
    assert_eq!(out, fixtures::carol());
    let out = user(json!([{"op": "replace", "path": "displayName", "value": null}]));
    assert!(out.get("displayName").is_none());
}

#[test]
fn value_filter_paths_pick_values() {
    let out = user(json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "alice@new.example"}]));
    assert_eq!(
        out["emails"],
        json!([{"value": "alice@new.example", "type": "work", "primary": true}])
    );
    let bob = patched(
        Kind::User,
        fixtures::bob(),
        json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]),
    )
    .unwrap();
    assert_eq!(
        bob["emails"],
        json!([{"value": "bob@example.com", "type": "work", "primary": true}])
    );
    let bob = patched(
        Kind::User,
        fixtures::bob(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
    )
    .unwrap();
    assert_eq!(bob["emails"][0]["primary"], false);
    assert_eq!(bob["emails"][1]["primary"], true);
    let bob = patched(Kind::User, fixtures::bob(), json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": {"value": "b@cottage.example", "type": "home"}}])).unwrap();
    assert_eq!(bob["emails"][1], json!({"value": "b@cottage.example", "type": "home"}));
    let alice = user(json!([{"op": "remove", "path": "phoneNumbers[type eq \"mobile\"]"}]));
    assert!(
        alice.get("phoneNumbers").is_none(),
        "removing the last value unassigns the attribute"
    );
}

#[test]
fn a_filter_that_selects_nothing_is_no_target_except_for_an_add_of_eq_terms() {
    for op in ["replace", "remove"] {
        let (kind, _) = refusal(
            Kind::User,
            fixtures::alice(),
            json!([{"op": op, "path": "emails[type eq \"home\"].value", "value": "x@y"}]),
        );
        assert_eq!(kind, "noTarget", "{op}");
    }
    let carol = patched(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+41791234567"}]),
    )
    .unwrap();
    assert_eq!(
        carol["phoneNumbers"],
        json!([{"type": "mobile", "value": "+41791234567"}])
    );
    let (kind, _) = refusal(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "add", "path": "emails[value co \"x\"].type", "value": "work"}]),
    );
    assert_eq!(kind, "noTarget");
}

#[test]
fn extension_attributes_take_urn_paths_and_a_new_manager_drops_the_old_reference() {
    let urn = ENTERPRISE_SCHEMA;
    let out = user(json!([{"op": "replace", "path": format!("{urn}:employeeNumber"), "value": "9"}]));
    assert_eq!(out[urn]["employeeNumber"], "9");
    let out = user(json!([{"op": "replace", "path": format!("{urn}:manager"), "value": {"value": CAROL}}]));
    assert_eq!(out[urn]["manager"], json!({"value": CAROL}));
    let out = user(json!([{"op": "replace", "path": format!("{urn}:manager.value"), "value": CAROL}]));
    assert_eq!(out[urn]["manager"], json!({"value": CAROL}));
    let same = user(json!([{"op": "replace", "path": format!("{urn}:manager.value"), "value": BOB}]));
    assert_eq!(
        same[urn]["manager"]["displayName"], "Bob",
        "an unchanged manager keeps its reference"
    );
    let out = user(json!([{"op": "remove", "path": format!("{urn}:manager")}]));
    assert!(out[urn].get("manager").is_none());
    let carol = patched(
        Kind::User,
        fixtures::carol(),
        json!([{"op": "add", "path": urn, "value": {"department": "Sales", "manager": ALICE}}]),
    )
    .unwrap();
    assert_eq!(carol[urn], json!({"department": "Sales", "manager": {"value": ALICE}}));
    let out = user(json!([{"op": "remove", "path": urn}]));
    assert!(out.get(urn).is_none());
}

/// scim2-client sends the whole extension with its own `schemas` inside (found by scim2-tester).
#[test]
fn an_extension_value_may_name_its_schema() {
    let urn = ENTERPRISE_SCHEMA;
    for op in ["add", "replace"] {
        let out = user(json!([{"op": op, "path": urn, "value": {"schemas": [urn], "department": "Ops"}}]));
        assert_eq!(out[urn]["department"], "Ops");
        assert!(out[urn].get("schemas").is_none(), "{}", out[urn]);
    }
}

#[test]
fn read_only_attributes_may_only_be_set_to_what_they_are() {
    for (op, path, value) in [
        ("replace", "id", json!("other")),
        ("remove", "id", Value::Null),
        ("replace", "meta.lastModified", json!("2030-01-01T00:00:00Z")),
        ("add", "groups", json!([{"value": "g2"}])),
        ("remove", "groups", Value::Null),
        (
            "replace",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName",
            json!("Robert"),
        ),
        (
            "remove",
            "groups[value eq \"e9e30dba-f08f-4109-8486-d5c6a331660a\"]",
            Value::Null,
        ),
    ] {
        let (kind, detail) = refusal(
            Kind::User,
            fixtures::alice(),
            json!([{"op": op, "path": path, "value": value}]),
        );
        assert_eq!(kind, "mutability", "{op} {path}");
        assert!(detail.contains("read-only"), "{detail}");
    }
    let same = user(json!([{"op": "replace", "path": "id", "value": ALICE}]));
    assert_eq!(same, fixtures::alice());
    let (kind, _) = refusal(
        Kind::Group,
        fixtures::engineering(),
        json!([{"op": "replace", "path": "members[value eq \"x\"].display", "value": "y"}]),
    );
    assert_eq!(kind, "mutability");
}

#[test]
fn unknown_or_malformed_paths_are_invalid_paths() {
    for path in [
        "shoeSize",
        "name.nick",
        "emails[foo eq \"x\"]",
        "emails[type eq \"work\"",
        "userName[value eq \"x\"]",
        "emails[type eq \"work\"].nope",
        "members",
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "a.b.c",
        "",
    ] {
        let (kind, _) = refusal(
            Kind::User,
            fixtures::alice(),
            json!([{"op": "replace", "path": path, "value": "x"}]),
        );
        assert_eq!(kind, "invalidPath", "{path}");
    }
    let (kind, _) = refusal(
        Kind::User,
        fixtures::alice(),
        json!([{"op": "replace", "path": 7, "value": "x"}]),
    );
    assert_eq!(kind, "invalidPath");
    let (kind, detail) = refusal(
        Kind::User,
        fixtures::alice(),
        json!([{"op": "replace", "path": "emails.value", "value": "x"}]),
    );
    assert_eq!(kind, "invalidPath");
    assert!(detail.contains("emails[type eq"), "{detail}");
    let long = "a".repeat(2000);
    assert_eq!(
        refusal(
            Kind::User,
            fixtures::alice(),
            json!([{"op": "replace", "path": long, "value": "x"}])
        )
        .0,
        "invalidPath"
    );
}

#[test]
fn messages_without_the_patch_schema_or_operations_are_invalid_syntax() {
    let one = json!([{"op": "replace", "path": "displayName", "value": "x"}]);
    let mut alice = fixtures::alice();
    for bad in [
        json!({"Operations": one}),
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "Operations": one}),
        json!({"schemas": [PATCH_SCHEMA]}),
        json!({"schemas": [PATCH_SCHEMA], "Operations": []}),
        json!({"schemas": [PATCH_SCHEMA], "Operations": {"op": "add"}}),
        json!([1]),
    ] {
        let err = apply(Kind::User, &mut alice, &bad).unwrap_err();
        assert_eq!(err.scim_type, Some("invalidSyntax"), "{bad}");
    }
    assert_eq!(alice, fixtures::alice());
    // Member names in any case.
    let lenient =
        json!({"SCHEMAS": [PATCH_SCHEMA], "operations": [{"OP": "Replace", "PATH": "displayName", "VALUE": "x"}]});
    apply(Kind::User, &mut alice, &lenient).unwrap();
    assert_eq!(alice["displayName"], "x");
}

#[test]
fn unknown_ops_and_operation_shapes_are_refused() {
    let alice = fixtures::alice;
    assert_eq!(
        refusal(
            Kind::User,
            alice(),
            json!([{"op": "move", "path": "displayName", "value": "x"}])
        )
        .0,
        "invalidSyntax"
    );
    assert_eq!(
        refusal(Kind::User, alice(), json!([{"path": "displayName", "value": "x"}])).0,
        "invalidSyntax"
    );
    assert_eq!(refusal(Kind::User, alice(), json!(["replace"])).0, "invalidSyntax");
    assert_eq!(refusal(Kind::User, alice(), json!([{"op": "remove"}])).0, "noTarget");
    assert_eq!(
        refusal(Kind::User, alice(), json!([{"op": "replace", "value": "x"}])).0,
        "invalidValue"
    );
    assert_eq!(
        refusal(Kind::User, alice(), json!([{"op": "add", "path": "displayName"}])).0,
        "invalidValue"
    );
    assert_eq!(
        refusal(
            Kind::User,
            alice(),
            json!([{"op": "replace", "path": "active", "value": 3}])
        )
        .0,
        "invalidValue"
    );
    assert_eq!(
        refusal(
            Kind::User,
            alice(),
            json!([{"op": "replace", "path": "name", "value": "Alice"}])
        )
        .0,
        "invalidValue"
    );
    let (kind, detail) = refusal(
        Kind::User,
        alice(),
        json!([{"op": "replace", "value": {"shoeSize": 44}}]),
    );
    assert_eq!(kind, "invalidPath");
    assert!(detail.starts_with("Operations[0]: "), "{detail}");
}

#[test]
fn a_failing_operation_leaves_the_resource_untouched() {
    let (kind, detail) = refusal(
        Kind::User,
        fixtures::alice(),
        json!([
            {"op": "replace", "path": "displayName", "value": "Changed"},
            {"op": "remove", "path": "emails"},
            {"op": "replace", "path": "id", "value": "nope"},
        ]),
    );
    assert_eq!(kind, "mutability");
    assert!(detail.starts_with("Operations[2]"), "{detail}");
}

#[test]
fn the_result_must_still_be_a_valid_resource() {
    let (kind, detail) = refusal(
        Kind::User,
        fixtures::alice(),
        json!([{"op": "remove", "path": "userName"}]),
    );
    assert_eq!(kind, "invalidValue");
    assert!(detail.contains("userName"));
    let (kind, _) = refusal(
        Kind::Group,
        fixtures::engineering(),
        json!([{"op": "replace", "path": "displayName", "value": ""}]),
    );
    assert_eq!(kind, "invalidValue");
}

#[test]
fn the_number_of_operations_is_bounded() {
    let op = json!({"op": "replace", "path": "displayName", "value": "x"});
    let at_limit = Value::Array(vec![op.clone(); MAX_OPERATIONS]);
    assert!(patched(Kind::User, fixtures::alice(), at_limit).is_ok());
    let over = Value::Array(vec![op; MAX_OPERATIONS + 1]);
    assert_eq!(refusal(Kind::User, fixtures::alice(), over).0, "tooMany");
}

#[test]
fn attributes_gatehouse_does_not_keep_change_nothing() {
    for operation in [
        json!({"op": "replace", "path": "title", "value": "Boss"}),
        json!({"op": "add", "path": "addresses[type eq \"work\"].postalCode", "value": "8000"}),
        json!({"op": "remove", "path": "name.middleName"}),
        json!({"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", "value": "4130"}),
        json!({"op": "replace", "value": {"userType": "Employee", "emails[type eq \"work\"].display": "A"}}),
    ] {
        assert_eq!(user(json!([operation.clone()])), fixtures::alice(), "{operation}");
    }
}

#[test]
fn the_password_may_be_set_and_stays_out_of_the_version() {
    let out = user(json!([{"op": "replace", "path": "password", "value": "correct horse battery"}]));
    assert_eq!(out["password"], "correct horse battery");
    let mut without = out.clone();
    without.as_object_mut().unwrap().remove("password");
    assert_eq!(
        crate::scim::schema::version_of(&out),
        crate::scim::schema::version_of(&without)
    );
    assert_eq!(
        refusal(
            Kind::User,
            fixtures::alice(),
            json!([{"op": "replace", "path": "password", "value": 123}])
        )
        .0,
        "invalidValue"
    );
}

#[test]
fn group_members_are_added_once_removed_by_filter_and_replaced() {
    let group = fixtures::engineering;
    let out = patched(
        Kind::Group,
        group(),
        json!([{"op": "add", "path": "members", "value": [{"value": ALICE}, {"value": BOB}]}]),
    )
    .unwrap();
    let values: Vec<&str> = out["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, [ALICE, CAROL, BOB]);
    let out = patched(
        Kind::Group,
        group(),
        json!([{"op": "remove", "path": format!("members[value eq \"{CAROL}\"]")}]),
    )
    .unwrap();
    assert_eq!(out["members"].as_array().unwrap().len(), 1);
    assert_eq!(out["members"][0]["value"], ALICE);
    let out = patched(
        Kind::Group,
        group(),
        json!([{"op": "replace", "path": "members", "value": [{"value": BOB, "display": "ignored"}]}]),
    )
    .unwrap();
    assert_eq!(out["members"], json!([{"value": BOB}]));
    let out = patched(Kind::Group, group(), json!([{"op": "remove", "path": "members"}])).unwrap();
    assert!(out.get("members").is_none());
    let (kind, _) = refusal(
        Kind::Group,
        group(),
        json!([{"op": "remove", "path": format!("members[value eq \"{BOB}\"]")}]),
    );
    assert_eq!(kind, "noTarget");
    let out = patched(Kind::Group, group(), json!([{"op": "add", "path": "members", "value": [{"value": BOB, "$ref": format!("{BASE}/Users/{BOB}"), "type": "User"}]}])).unwrap();
    assert_eq!(out["members"][2]["$ref"], format!("{BASE}/Users/{BOB}"));
}
