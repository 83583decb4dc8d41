use serde_json::{Value, json};

use super::*;
use crate::scim::fixtures::{self, BASE, BOB};

fn scim_type(result: Result<Value, ScimError>) -> &'static str {
    match result {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => e.scim_type.unwrap_or("none"),
    }
}

use crate::scim::error::ScimError;

fn attr(kind: Kind, text: &str) -> AttrRef {
    match resolve_name(kind, text) {
        Some(Resolved::Attr(a)) => a,
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn names_resolve_case_insensitively_to_their_canonical_spelling() {
    let a = attr(Kind::User, "USERNAME");
    assert_eq!(a.display(), "userName");
    let a = attr(Kind::User, "emails.VALUE");
    assert_eq!(a.display(), "emails.value");
    let a = attr(Kind::User, "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName");
    assert_eq!(a.display(), "name.givenName");
    assert_eq!(a.place, Place::Top);
    let a = attr(Kind::Group, "MEMBERS.value");
    assert_eq!(a.display(), "members.value");
    assert_eq!(attr(Kind::Group, "id").display(), "id");
}

#[test]
fn extension_attributes_resolve_with_their_urn_or_without_it() {
    let qualified = attr(
        Kind::User,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    );
    assert_eq!(qualified.place, Place::Extension(&ENTERPRISE_USER));
    assert_eq!(qualified.display(), format!("{ENTERPRISE_SCHEMA}:manager.value"));
    // Entra ID's `"path": "manager"`.
    let bare = attr(Kind::User, "manager");
    assert_eq!(bare.place, Place::Extension(&ENTERPRISE_USER));
    assert!(matches!(
        resolve_name(Kind::User, ENTERPRISE_SCHEMA),
        Some(Resolved::Extension(_))
    ));
    assert!(matches!(
        resolve_name(Kind::User, "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER"),
        Some(Resolved::Extension(_))
    ));
    // A group has no extension.
    assert!(resolve_name(Kind::Group, "manager").is_none());
    assert!(resolve_name(Kind::Group, ENTERPRISE_SCHEMA).is_none());
}

#[test]
fn unknown_names_resolve_to_nothing_and_dropped_ones_say_so() {
    for unknown in [
        "shoeSize",
        "name.nickname",
        "userName.first",
        "emails.value.x",
        "urn:x:y:userName",
        "",
    ] {
        assert!(resolve_name(Kind::User, unknown).is_none(), "{unknown}");
    }
    assert!(resolve_name(Kind::Group, "userName").is_none());
    let title = attr(Kind::User, "title");
    assert!(!title.stored());
    let middle = attr(Kind::User, "name.middleName");
    assert!(!middle.stored());
    let postal = attr(Kind::User, "addresses.postalCode");
    assert!(!postal.stored());
    assert!(attr(Kind::User, "name.givenName").stored());
}

#[test]
fn entra_create_user_body_is_accepted_and_cleaned() {
    // "Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", Create User request.
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": []
    });
    let out = normalise(Kind::User, body).expect("accepted");
    assert_eq!(out["schemas"], json!([USER_SCHEMA]));
    assert_eq!(out["userName"], "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee");
    assert_eq!(out["emails"][0]["primary"], true);
    assert!(out.get("meta").is_none() && out.get("roles").is_none());
}

#[test]
fn entra_sample_with_top_level_nulls_for_extension_attributes_is_accepted() {
    // The same article, "Example 2. Provision a user": department and manager at the top, as null.
    let body = json!({
        "schemas": [USER_SCHEMA],
        "externalId": "jyoung",
        "userName": "jyoung@testuser.com",
        "active": true,
        "addresses": null,
        "displayName": "Joy Young",
        "emails": [{"type": "work", "value": "jyoung@Contoso.com", "primary": true}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": "Young", "givenName": "Joy"},
        "phoneNumbers": null,
        "preferredLanguage": null,
        "title": null,
        "department": null,
        "manager": null
    });
    let out = normalise(Kind::User, body).expect("accepted");
    assert_eq!(out["displayName"], "Joy Young");
    for gone in [
        "phoneNumbers",
        "preferredLanguage",
        "department",
        "manager",
        ENTERPRISE_SCHEMA,
    ] {
        assert!(out.get(gone).is_none(), "{gone}");
    }
    let moved = normalise(
        Kind::User,
        json!({"schemas": [USER_SCHEMA], "userName": "j", "department": "Sales"}),
    )
    .unwrap();
    assert_eq!(moved[ENTERPRISE_SCHEMA]["department"], "Sales");
    assert_eq!(moved["schemas"], json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
}

#[test]
fn okta_create_user_body_keeps_the_password_and_drops_read_only_groups() {
    // Okta "SCIM 2.0 protocol reference", Create the User.
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    });
    let out = normalise(Kind::User, body).expect("accepted");
    assert_eq!(out["password"], "1mz050nq");
    assert_eq!(out["externalId"], "00ujl29u0le5T6Aj10h7");
    assert!(out.get("groups").is_none() && out.get("locale").is_none());
}

#[test]
fn string_booleans_become_booleans_and_other_strings_are_refused() {
    let body = |active: Value| json!({"schemas": [USER_SCHEMA], "userName": "a", "active": active});
    assert_eq!(normalise(Kind::User, body(json!("False"))).unwrap()["active"], false);
    assert_eq!(normalise(Kind::User, body(json!("TRUE"))).unwrap()["active"], true);
    assert_eq!(scim_type(normalise(Kind::User, body(json!("no")))), "invalidValue");
    assert_eq!(scim_type(normalise(Kind::User, body(json!(0)))), "invalidValue");
    let primary = json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": [{"value": "a@x", "primary": "True"}]});
    assert_eq!(normalise(Kind::User, primary).unwrap()["emails"][0]["primary"], true);
}

#[test]
fn attribute_names_come_out_canonical() {
    let body = json!({
        "SCHEMAS": [USER_SCHEMA],
        "USERNAME": "a@x",
        "Emails": [{"Value": "a@x", "TYPE": "work"}],
        "NAME": {"GivenName": "A"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"EmployeeNumber": "7"},
    });
    let out = normalise(Kind::User, body).unwrap();
    assert_eq!(
        out,
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "userName": "a@x",
            "emails": [{"value": "a@x", "type": "work"}],
            "name": {"givenName": "A"},
            ENTERPRISE_SCHEMA: {"employeeNumber": "7"},
        })
    );
}

#[test]
fn unknown_attributes_are_refused_by_name_and_known_unkept_ones_dropped() {
    let with = |key: &str, value: Value| {
        let mut body = json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "userName": "a"});
        body[key] = value;
        normalise(Kind::User, body)
    };
    let err = with("shoeSize", json!(42)).unwrap_err();
    assert_eq!(err.scim_type, Some("invalidSyntax"));
    assert!(err.detail.contains("shoeSize"), "{}", err.detail);
    let err = with("name", json!({"nick": "x"})).unwrap_err();
    assert!(err.detail.contains("name.nick"), "{}", err.detail);
    let err = with(ENTERPRISE_SCHEMA, json!({"badge": "x"})).unwrap_err();
    assert_eq!(err.scim_type, Some("invalidSyntax"));
    assert!(err.detail.contains("badge"));
    for (key, value) in [
        ("title", json!("Tour Guide")),
        ("nickName", json!("Babs")),
        ("addresses", json!([{"type": "work", "postalCode": "8000"}])),
        ("x509Certificates", json!([{"value": "MIIB"}])),
        ("timezone", json!("Europe/Zurich")),
    ] {
        let out = with(key, value).expect(key);
        assert!(out.get(key).is_none(), "{key} kept");
    }
    let out = with(ENTERPRISE_SCHEMA, json!({"costCenter": "4130", "department": "X"})).unwrap();
    assert_eq!(out[ENTERPRISE_SCHEMA], json!({"department": "X"}));
}

#[test]
fn schemas_must_name_the_core_schema_and_only_ours() {
    let body = |schemas: Value| json!({"schemas": schemas, "userName": "a"});
    assert_eq!(
        scim_type(normalise(Kind::User, json!({"userName": "a"}))),
        "invalidSyntax"
    );
    assert_eq!(
        scim_type(normalise(Kind::User, body(json!(USER_SCHEMA)))),
        "invalidSyntax"
    );
    assert_eq!(
        scim_type(normalise(Kind::User, body(json!([ENTERPRISE_SCHEMA])))),
        "invalidSyntax"
    );
    assert_eq!(
        scim_type(normalise(Kind::User, body(json!([USER_SCHEMA, GROUP_SCHEMA])))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(normalise(Kind::User, body(json!([USER_SCHEMA, "urn:x:custom"])))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(normalise(
            Kind::Group,
            json!({"schemas": [USER_SCHEMA], "displayName": "g"})
        )),
        "invalidValue"
    );
    assert!(normalise(Kind::User, body(json!(["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"]))).is_ok());
    // Entra ID's Create Group names its AD extension.
    let group = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": "displayName",
        "meta": {"resourceType": "Group"}
    });
    let out = normalise(Kind::Group, group).unwrap();
    assert_eq!(out["schemas"], json!([GROUP_SCHEMA]));
}

#[test]
fn bodies_that_are_not_objects_or_lack_required_values_are_refused() {
    assert_eq!(scim_type(normalise(Kind::User, json!([1, 2]))), "invalidSyntax");
    assert_eq!(scim_type(normalise(Kind::User, json!("alice"))), "invalidSyntax");
    assert_eq!(
        scim_type(normalise(Kind::User, json!({"schemas": [USER_SCHEMA]}))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(normalise(
            Kind::User,
            json!({"schemas": [USER_SCHEMA], "userName": "  "})
        )),
        "invalidValue"
    );
    assert_eq!(
        scim_type(normalise(Kind::User, json!({"schemas": [USER_SCHEMA], "userName": 7}))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(normalise(
            Kind::Group,
            json!({"schemas": [GROUP_SCHEMA], "members": []})
        )),
        "invalidValue"
    );
    let err = normalise(Kind::Group, json!({"schemas": [GROUP_SCHEMA]})).unwrap_err();
    assert!(err.detail.contains("displayName"));
}

#[test]
fn values_of_the_wrong_shape_are_invalid_values() {
    let with = |key: &str, value: Value| {
        let mut body = json!({"schemas": [USER_SCHEMA], "userName": "a"});
        body[key] = value;
        scim_type(normalise(Kind::User, body))
    };
    assert_eq!(with("displayName", json!(5)), "invalidValue");
    assert_eq!(with("emails", json!({"value": "a@x"})), "invalidValue");
    assert_eq!(with("emails", json!(["a@x"])), "invalidValue");
    assert_eq!(with("name", json!("Alice")), "invalidValue");
    assert_eq!(with("externalId", json!(["e1"])), "invalidValue");
    assert_eq!(
        with(
            "emails",
            json!([{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}])
        ),
        "invalidValue"
    );
}

#[test]
fn emails_phones_members_and_managers_need_their_value() {
    let user = |key: &str, value: Value| {
        let mut body = json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "userName": "a"});
        body[key] = value;
        normalise(Kind::User, body)
    };
    assert_eq!(
        scim_type(user("emails", json!([{"type": "work", "primary": true}]))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(user("phoneNumbers", json!([{"type": "mobile"}]))),
        "invalidValue"
    );
    assert_eq!(
        scim_type(user(
            ENTERPRISE_SCHEMA,
            json!({"manager": {"$ref": "https://x/Users/1"}})
        )),
        "invalidValue"
    );
    let group = json!({"schemas": [GROUP_SCHEMA], "displayName": "g", "members": [{"type": "User"}]});
    assert_eq!(scim_type(normalise(Kind::Group, group)), "invalidValue");
    // Only read-only or dropped parts is no value at all, which is fine.
    assert!(
        user("emails", json!([{"display": "A"}]))
            .unwrap()
            .get("emails")
            .is_none()
    );
}

#[test]
fn duplicate_attributes_in_different_case_are_refused() {
    let body = json!({"schemas": [USER_SCHEMA], "userName": "a", "USERNAME": "b"});
    assert_eq!(scim_type(normalise(Kind::User, body)), "invalidSyntax");
    let body =
        json!({"schemas": [USER_SCHEMA], "userName": "a", "department": "x", ENTERPRISE_SCHEMA: {"department": "y"}});
    assert_eq!(scim_type(normalise(Kind::User, body)), "invalidSyntax");
    let body = json!({"schemas": [USER_SCHEMA], "userName": "a", "name": {"givenName": "a", "GIVENNAME": "b"}});
    assert_eq!(scim_type(normalise(Kind::User, body)), "invalidSyntax");
}

#[test]
fn the_manager_may_be_a_bare_id_or_a_one_element_array() {
    let with = |manager: Value| {
        let body = json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "userName": "a", ENTERPRISE_SCHEMA: {"manager": manager}});
        normalise(Kind::User, body)
    };
    assert_eq!(
        with(json!(BOB)).unwrap()[ENTERPRISE_SCHEMA]["manager"],
        json!({"value": BOB})
    );
    let array = with(json!([{"$ref": null, "value": BOB}])).unwrap();
    assert_eq!(array[ENTERPRISE_SCHEMA]["manager"], json!({"value": BOB}));
    // displayName is read-only and dropped; an empty id clears the manager.
    let named = with(json!({"value": BOB, "displayName": "Bob"})).unwrap();
    assert_eq!(named[ENTERPRISE_SCHEMA]["manager"], json!({"value": BOB}));
    assert!(with(json!("")).unwrap().get(ENTERPRISE_SCHEMA).is_none());
    assert_eq!(scim_type(with(json!([{"value": "a"}, {"value": "b"}]))), "invalidValue");
    assert_eq!(scim_type(with(json!(17))), "invalidValue");
}

#[test]
fn rendered_resources_normalise_without_read_only_parts_and_idempotently() {
    for (kind, resource) in [
        (Kind::User, fixtures::alice()),
        (Kind::User, fixtures::bob()),
        (Kind::User, fixtures::carol()),
        (Kind::Group, fixtures::engineering()),
    ] {
        let once = normalise(kind, resource.clone()).expect("a rendered resource is valid");
        for gone in ["id", "meta", "groups"] {
            assert!(once.get(gone).is_none(), "{gone}");
        }
        assert_eq!(normalise(kind, once.clone()).unwrap(), once);
        assert!(check_resource(kind, &resource).is_ok());
    }
    let alice = normalise(Kind::User, fixtures::alice()).unwrap();
    assert_eq!(
        alice[ENTERPRISE_SCHEMA]["manager"],
        json!({"value": BOB, "$ref": format!("{BASE}/Users/{BOB}")})
    );
    let group = normalise(Kind::Group, fixtures::engineering()).unwrap();
    assert!(
        group["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("display").is_none() && m.get("value").is_some())
    );
    let carol = normalise(Kind::User, fixtures::carol()).unwrap();
    assert_eq!(carol["schemas"], json!([USER_SCHEMA]));
}

#[test]
fn nulls_and_empty_values_are_unassigned() {
    let body = json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": "a",
        "displayName": null,
        "emails": [],
        "name": {"givenName": null},
        ENTERPRISE_SCHEMA: {"manager": {"value": null, "$ref": null}},
    });
    assert_eq!(
        normalise(Kind::User, body).unwrap(),
        json!({"schemas": [USER_SCHEMA], "userName": "a"})
    );
}

#[test]
fn the_version_ignores_key_order_meta_and_password_but_not_values() {
    let alice = fixtures::alice();
    let version = version_of(&alice);
    assert!(
        version.starts_with("W/\"") && version.ends_with('"') && version.len() == 24,
        "{version}"
    );
    let reordered: Value = {
        let mut object: Vec<(String, Value)> = alice.as_object().unwrap().clone().into_iter().collect();
        object.reverse();
        Value::Object(object.into_iter().collect())
    };
    assert_eq!(version_of(&reordered), version);
    let mut touched = alice.clone();
    touched["meta"]["lastModified"] = json!("2030-01-01T00:00:00Z");
    touched["password"] = json!("hunter2");
    assert_eq!(version_of(&touched), version);
    let mut changed = alice.clone();
    changed["name"]["givenName"] = json!("Alicia");
    assert_ne!(version_of(&changed), version);
    let mut moved = alice;
    moved[ENTERPRISE_SCHEMA]["department"] = json!("Finance");
    assert_ne!(version_of(&moved), version);
}

/// Every account has an address, so `emails` (and an entry's `value`) is advertised required — a client building
/// Users from /Schemas, as scim2-tester does, sent none before — but a body without it still passes here: a userName
/// that is an address stands in for it, which core::provisioning decides.
#[test]
fn emails_are_advertised_required_and_left_to_provisioning() {
    let user = schema_resource(USER_SCHEMA, BASE).unwrap();
    let emails = user["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "emails")
        .cloned()
        .unwrap();
    assert_eq!(emails["required"], true);
    let value = emails["subAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "value")
        .cloned()
        .unwrap();
    assert_eq!(value["required"], true);
    let without = json!({"schemas": [USER_SCHEMA], "userName": "carol@example.com"});
    assert!(normalise(Kind::User, without).is_ok());
}

#[test]
fn the_schemas_document_advertises_what_is_kept_and_nothing_else() {
    let document = schemas_document(BASE);
    assert_eq!(document["totalResults"], 3);
    let ids: Vec<&str> = document["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]);
    let user = schema_resource(USER_SCHEMA, BASE).unwrap();
    assert_eq!(user["meta"]["location"], format!("{BASE}/Schemas/{USER_SCHEMA}"));
    let attributes = user["attributes"].as_array().unwrap();
    let find = |name: &str| attributes.iter().find(|a| a["name"] == name).cloned();
    for absent in ["title", "addresses", "nickName", "id", "externalId", "meta", "roles"] {
        assert!(find(absent).is_none(), "{absent} advertised");
    }
    let user_name = find("userName").unwrap();
    assert_eq!(user_name["required"], true);
    assert_eq!(user_name["caseExact"], false);
    assert_eq!(user_name["uniqueness"], "server");
    let password = find("password").unwrap();
    assert_eq!(
        (password["mutability"].as_str(), password["returned"].as_str()),
        (Some("writeOnly"), Some("never"))
    );
    assert_eq!(find("groups").unwrap()["mutability"], "readOnly");
    assert_eq!(find("active").unwrap()["type"], "boolean");
    let subs = |name: &str| -> Vec<String> {
        find(name).unwrap()["subAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(subs("name"), ["formatted", "familyName", "givenName"]);
    assert_eq!(subs("emails"), ["value", "type", "primary"]);

    let enterprise = schema_resource("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user", BASE).unwrap();
    let manager = enterprise["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "manager")
        .unwrap()
        .clone();
    let display = manager["subAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "displayName")
        .unwrap()
        .clone();
    assert_eq!(display["mutability"], "readOnly");
    let reference = manager["subAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "$ref")
        .unwrap()
        .clone();
    assert_eq!(reference["referenceTypes"], json!(["User"]));
    assert!(schema_resource("urn:x:nope", BASE).is_none());
}

#[test]
fn every_advertised_attribute_has_all_its_characteristics() {
    fn walk(attribute: &Value) {
        for key in [
            "name",
            "type",
            "multiValued",
            "description",
            "required",
            "caseExact",
            "mutability",
            "returned",
            "uniqueness",
        ] {
            assert!(attribute.get(key).is_some(), "{} lacks {key}", attribute["name"]);
            assert!(!attribute[key].is_null());
        }
        assert!(
            !attribute["description"].as_str().unwrap().is_empty(),
            "{}",
            attribute["name"]
        );
        if attribute["type"] == "complex" {
            attribute["subAttributes"].as_array().unwrap().iter().for_each(walk);
        }
    }
    for schema in schemas_document(BASE)["Resources"].as_array().unwrap() {
        schema["attributes"].as_array().unwrap().iter().for_each(walk);
    }
}

#[test]
fn resource_types_describe_users_with_the_extension_and_groups() {
    let types = resource_types(BASE);
    assert_eq!(types["totalResults"], 2);
    let user = resource_type("user", BASE).unwrap();
    assert_eq!(user["endpoint"], "/Users");
    assert_eq!(user["schema"], USER_SCHEMA);
    assert_eq!(
        user["schemaExtensions"],
        json!([{"schema": ENTERPRISE_SCHEMA, "required": false}])
    );
    assert_eq!(user["meta"]["location"], format!("{BASE}/ResourceTypes/User"));
    let group = resource_type("Group", BASE).unwrap();
    assert_eq!(group["schemaExtensions"], json!([]));
    assert!(resource_type("Printer", BASE).is_none());
}

#[test]
fn the_service_provider_config_says_what_is_supported() {
    let config = service_provider_config(BASE);
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["bulk"]["supported"], false);
    assert_eq!(config["filter"], json!({"supported": true, "maxResults": MAX_RESULTS}));
    assert_eq!(config["changePassword"]["supported"], false);
    assert_eq!(config["sort"]["supported"], true);
    assert_eq!(config["etag"]["supported"], true);
    assert_eq!(config["authenticationSchemes"][0]["type"], "oauthbearertoken");
    assert_eq!(config["meta"]["location"], format!("{BASE}/ServiceProviderConfig"));
}

#[test]
fn errors_echo_at_most_a_little_of_hostile_input() {
    let key = "x".repeat(10_000);
    let mut body = json!({"schemas": [USER_SCHEMA], "userName": "a"});
    body[key.as_str()] = json!(1);
    let err = normalise(Kind::User, body).unwrap_err();
    assert!(err.detail.len() < 150, "{}", err.detail);
    assert!(err.detail.contains('…'));
    assert_eq!(shown("short"), "short");
}
