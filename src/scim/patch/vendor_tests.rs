//! PATCH bodies as Microsoft Entra ID and Okta document sending them, verbatim but for the ids, each under the
//! title of the page it comes from. `docs/integrate/scim-patch.md` lists the same forms.
use serde_json::{Value, json};

use super::tests::{patched, refusal};
use super::*;
use crate::scim::fixtures::{self, ALICE, BOB, CAROL, ENGINEERING};
use crate::scim::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA};

/// Applies a whole PatchOp body as the vendor wrote it.
fn vendor(kind: Kind, resource: Value, body: Value) -> Value {
    let mut work = resource;
    apply(kind, &mut work, &body).unwrap_or_else(|e| panic!("{e}"));
    work
}

/// A group holding Entra's and Okta's example member ids.
fn group_with(members: &[&str]) -> Value {
    let mut group = fixtures::engineering();
    group["members"] = Value::Array(members.iter().map(|id| json!({"value": id, "type": "User"})).collect());
    group
}

// ---- "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID" (Microsoft Learn) ----

#[test]
fn entra_update_user_multi_valued_properties() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}
        ]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(
        out["emails"],
        json!([{"value": "updatedEmail@microsoft.com", "type": "work", "primary": true}])
    );
    assert_eq!(out["name"]["familyName"], "updatedFamilyName");
}

#[test]
fn entra_update_user_single_valued_properties() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(out["userName"], "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");
}

#[test]
fn entra_disable_user() {
    let body = json!({
        "Operations": [{"op": "Replace", "path": "active", "value": false}],
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]
    });
    assert_eq!(vendor(Kind::User, fixtures::alice(), body)["active"], false);
}

#[test]
fn entra_update_group_non_member_attributes() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]
    });
    let out = vendor(Kind::Group, fixtures::engineering(), body);
    assert_eq!(
        out["displayName"],
        "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    );
}

#[test]
fn entra_update_group_add_members_with_null_ref() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Add", "path": "members", "value": [{"$ref": null, "value": BOB}]}]
    });
    let out = vendor(Kind::Group, fixtures::engineering(), body);
    assert_eq!(out["members"].as_array().unwrap().len(), 3);
    assert_eq!(out["members"][2], json!({"value": BOB}));
}

#[test]
fn entra_update_group_remove_members_by_value_list() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": CAROL}]}]
    });
    let out = vendor(Kind::Group, fixtures::engineering(), body);
    let values: Vec<&str> = out["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, [ALICE]);
}

#[test]
fn entra_add_manager_with_an_unqualified_path_and_an_array_value() {
    // "Example 5. Request from Microsoft Entra ID to an SCIM endpoint to update a user".
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{
            "op": "Add",
            "path": "manager",
            "value": [{"$ref": format!("http://.../scim/Users/{CAROL}"), "value": CAROL}]
        }]
    });
    let out = vendor(Kind::User, fixtures::carol(), body);
    assert_eq!(out[ENTERPRISE_SCHEMA]["manager"]["value"], CAROL);
    // On a user who had a manager, the old reference goes with the old id.
    let out = vendor(
        Kind::User,
        fixtures::alice(),
        json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Add", "path": "manager", "value": [{"$ref": null, "value": CAROL}]}]
        }),
    );
    assert_eq!(out[ENTERPRISE_SCHEMA]["manager"], json!({"value": CAROL}));
}

// ---- "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra user provisioning
// ---- service" (Microsoft Learn): without and with the aadOptscim062020 flag ----

#[test]
fn entra_disable_user_without_feature_flag_sends_a_string() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(out["active"], Value::Bool(false));
}

#[test]
fn entra_add_single_value_string_attribute_we_do_not_keep() {
    for op in ["Add", "add"] {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": op, "path": "nickName", "value": "Babs"}]
        });
        assert_eq!(vendor(Kind::User, fixtures::alice(), body), fixtures::alice());
    }
}

#[test]
fn entra_replace_multiple_attributes_without_feature_flag() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "displayName", "value": "Pvlo"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "TestBcwqnm@test.microsoft.com"},
            {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
            {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
            {"op": "Replace", "path": "externalId", "value": "Eqpj"},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "Eqpj"}
        ]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(out["displayName"], "Pvlo");
    assert_eq!(out["emails"][0]["value"], "TestBcwqnm@test.microsoft.com");
    assert_eq!(out["name"]["givenName"], "Gtfd");
    assert_eq!(out["name"]["familyName"], "Pkqf");
    assert_eq!(out["externalId"], "Eqpj");
    assert_eq!(out[ENTERPRISE_SCHEMA]["employeeNumber"], "Eqpj");
}

#[test]
fn entra_replace_multiple_attributes_with_feature_flag_uses_paths_as_keys() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "TestMhvaes@test.microsoft.com"},
            {"op": "replace", "value": {
                "displayName": "Bjfe",
                "name.givenName": "Kkom",
                "name.familyName": "Unua",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"
            }}
        ]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(out["emails"][0]["value"], "TestMhvaes@test.microsoft.com");
    assert_eq!(out["displayName"], "Bjfe");
    assert_eq!(
        out["name"],
        json!({"formatted": "Alice Smith", "givenName": "Kkom", "familyName": "Unua"})
    );
    assert_eq!(out[ENTERPRISE_SCHEMA]["employeeNumber"], "Aklq");
    assert_eq!(out[ENTERPRISE_SCHEMA]["department"], "Tour Operations");
}

#[test]
fn entra_remove_group_member_without_feature_flag() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Remove", "path": "members", "value": [{"value": "u1091"}]}]
    });
    let out = vendor(Kind::Group, group_with(&["u1091", ALICE]), body);
    assert_eq!(out["members"], json!([{"value": ALICE, "type": "User"}]));
}

#[test]
fn entra_remove_group_member_with_feature_flag() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "remove", "path": "members[value eq \"7f4bc1a3-285e-48ae-8202-5accb43efb0e\"]"}]
    });
    let out = vendor(Kind::Group, group_with(&["7f4bc1a3-285e-48ae-8202-5accb43efb0e"]), body);
    assert!(out.get("members").is_none());
}

// ---- "SCIM 2.0 protocol reference" (Okta Developer) ----

#[test]
fn okta_deactivate_user_with_a_path_less_value() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": false}}]
    });
    let out = vendor(Kind::User, fixtures::alice(), body);
    assert_eq!(out["active"], false);
    assert_eq!(out["userName"], "alice@example.com");
}

#[test]
fn okta_update_group_name_repeats_the_group_id() {
    let mut group = fixtures::engineering();
    group["id"] = json!("abf4dd94-a4c0-4f67-89c9-76b03340cb9b");
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "displayName": "Test SCIMv2"}}]
    });
    let out = vendor(Kind::Group, group.clone(), body);
    assert_eq!(out["displayName"], "Test SCIMv2");
    assert_eq!(out["id"], "abf4dd94-a4c0-4f67-89c9-76b03340cb9b");
    // The same form with another id is a change of a read-only attribute.
    let (kind, _) = refusal(
        Kind::Group,
        group,
        json!([{"op": "replace", "value": {"id": ENGINEERING, "displayName": "x"}}]),
    );
    assert_eq!(kind, "mutability");
}

#[test]
fn okta_update_group_membership_removes_by_filter_and_adds_with_display() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "remove", "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},
            {"op": "add", "path": "members", "value": [{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}]}
        ]
    });
    let out = vendor(Kind::Group, group_with(&["89bb1940-b905-4575-9e7f-6f887cfb368e"]), body);
    assert_eq!(
        out["members"],
        json!([{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173"}])
    );
}

#[test]
fn okta_full_push_of_membership_replaces_members() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{
            "op": "replace",
            "path": "members",
            "value": [
                {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"},
                {"value": "89bb1940-b905-4575-9e7f-6f887cfb368e", "display": "test.user@okta.local"}
            ]
        }]
    });
    let out = vendor(Kind::Group, fixtures::engineering(), body);
    assert_eq!(
        out["members"],
        json!([{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173"}, {"value": "89bb1940-b905-4575-9e7f-6f887cfb368e"}])
    );
    assert_eq!(out["schemas"], json!([GROUP_SCHEMA]));
}

// ---- Combinations of the forms above that the same clients produce ----

#[test]
fn a_path_less_value_may_name_the_manager_by_urn_with_a_bare_id() {
    let out = patched(
        Kind::User,
        fixtures::alice(),
        json!([{"op": "Replace", "value": {
            "name.givenName": "Alicia",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": CAROL,
            "active": "True"
        }}]),
    )
    .unwrap();
    assert_eq!(out["name"]["givenName"], "Alicia");
    assert_eq!(out[ENTERPRISE_SCHEMA]["manager"], json!({"value": CAROL}));
    assert_eq!(out["active"], true);
}

#[test]
fn a_path_less_value_may_carry_the_whole_extension_object_and_schemas() {
    let out = patched(
        Kind::User,
        fixtures::bob(),
        json!([{"op": "add", "value": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            ENTERPRISE_SCHEMA: {"manager": {"value": ALICE}, "department": "Tours"}
        }}]),
    )
    .unwrap();
    assert_eq!(
        out[ENTERPRISE_SCHEMA],
        json!({"employeeNumber": "100", "department": "Tours", "manager": {"value": ALICE}})
    );
}

#[test]
fn entra_remove_of_a_member_who_is_not_there_is_no_target() {
    let (kind, _) = refusal(
        Kind::Group,
        fixtures::engineering(),
        json!([{"op": "Remove", "path": "members", "value": [{"value": BOB}]}]),
    );
    assert_eq!(kind, "noTarget");
}
