//! Resources shaped as the handlers render them, for the unit tests of the pure SCIM modules.
use serde_json::{Value, json};

use super::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

pub const BASE: &str = "https://id.example.com/scim/v2";
pub const ALICE: &str = "2819c223-7f76-453a-919d-413861904646";
pub const BOB: &str = "902c246b-6245-4190-8e05-00816be7344a";
pub const CAROL: &str = "c4f1c5a4-2f6e-4d8e-9a36-1f0b6a1b2c3d";
pub const ENGINEERING: &str = "e9e30dba-f08f-4109-8486-d5c6a331660a";

/// Alice, managed by Bob, in Engineering.
pub fn alice() -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": ALICE,
        "externalId": "e123",
        "userName": "alice@example.com",
        "name": {"formatted": "Alice Smith", "givenName": "Alice", "familyName": "Smith"},
        "displayName": "Alice Smith",
        "emails": [{"value": "alice@example.com", "type": "work", "primary": true}],
        "phoneNumbers": [{"value": "+41446681800", "type": "mobile", "primary": true}],
        "preferredLanguage": "de",
        "active": true,
        "groups": [{
            "value": ENGINEERING,
            "display": "Engineering",
            "$ref": format!("{BASE}/Groups/{ENGINEERING}"),
            "type": "direct",
        }],
        ENTERPRISE_SCHEMA: {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": {"value": BOB, "$ref": format!("{BASE}/Users/{BOB}"), "displayName": "Bob"},
        },
        "meta": {
            "resourceType": "User",
            "created": "2026-01-05T08:00:00Z",
            "lastModified": "2026-03-01T12:30:00Z",
            "location": format!("{BASE}/Users/{ALICE}"),
            "version": "W/\"a1\"",
        },
    })
}

/// Bob: no externalId, phone or language, no manager, inactive.
pub fn bob() -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": BOB,
        "userName": "Bob@Example.com",
        "name": {"formatted": "Bob Jones", "givenName": "Bob", "familyName": "Jones"},
        "displayName": "Bob Jones",
        "emails": [
            {"value": "bob@example.com", "type": "work", "primary": true},
            {"value": "bob@home.example", "type": "home"},
        ],
        "active": false,
        "groups": [],
        ENTERPRISE_SCHEMA: {"employeeNumber": "100", "department": "Management"},
        "meta": {
            "resourceType": "User",
            "created": "2025-12-31T23:00:00+01:00",
            "lastModified": "2026-01-02T00:00:00Z",
            "location": format!("{BASE}/Users/{BOB}"),
            "version": "W/\"b1\"",
        },
    })
}

/// Carol: only the required attributes.
pub fn carol() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "id": CAROL,
        "userName": "carol@example.com",
        "active": true,
        "meta": {
            "resourceType": "User",
            "created": "2026-02-01T00:00:00Z",
            "lastModified": "2026-02-01T00:00:00Z",
            "location": format!("{BASE}/Users/{CAROL}"),
            "version": "W/\"c1\"",
        },
    })
}

/// Engineering, with Alice and Carol.
pub fn engineering() -> Value {
    json!({
        "schemas": [GROUP_SCHEMA],
        "id": ENGINEERING,
        "externalId": "g-eng",
        "displayName": "Engineering",
        "members": [
            {"value": ALICE, "display": "alice@example.com", "$ref": format!("{BASE}/Users/{ALICE}"), "type": "User"},
            {"value": CAROL, "display": "carol@example.com", "$ref": format!("{BASE}/Users/{CAROL}"), "type": "User"},
        ],
        "meta": {
            "resourceType": "Group",
            "created": "2026-01-01T00:00:00Z",
            "lastModified": "2026-01-01T00:00:00Z",
            "location": format!("{BASE}/Groups/{ENGINEERING}"),
            "version": "W/\"g1\"",
        },
    })
}
