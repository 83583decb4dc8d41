//! Gatehouse accounts and directory groups as SCIM resources (RFC 7643 §4, the Enterprise User extension §4.3),
//! and SCIM bodies read back into what `core::provisioning` takes.
//!
//! Reading is tolerant where the big clients differ and the RFC allows it (attribute names are
//! case-insensitive, §2.1; Entra ID sends booleans as strings), strict where a value cannot be right (a
//! number for a name, a nested group as a member).
use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};
use crate::core::model::{User, UserStatus};
use crate::core::provisioning::DirectoryPerson;
use crate::core::provisioning::directory::{DirectoryEntry, DirectoryGroup};
use crate::core::provisioning::groups::GroupSpec;

/// The member `name` of `object`, whatever its case.
pub fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn text(object: &Value, name: &str) -> Result<Option<String>, ScimError> {
    match member(object, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::invalid_value(format!("{name}: a string is expected."))),
    }
}

/// `true`/`false`, or Entra ID's `"True"`/`"False"`.
pub fn boolean(value: &Value, name: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!("{name}: true or false is expected."))),
    }
}

fn list<'a>(object: &'a Value, name: &str) -> Result<Vec<&'a Value>, ScimError> {
    match member(object, name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(items.iter().collect()),
        Some(_) => Err(ScimError::invalid_value(format!(
            "{name}: a list of objects is expected."
        ))),
    }
}

fn is_primary(item: &Value) -> bool {
    member(item, "primary").is_some_and(|p| boolean(p, "primary").unwrap_or(false))
}

fn has_type(item: &Value, kind: &str) -> bool {
    member(item, "type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case(kind))
}

/// The `schemas` a resource body must carry: its core schema, and nothing we do not know.
fn check_schemas(body: &Value, core: &str, allowed: &[&str]) -> Result<(), ScimError> {
    let Some(Value::Array(schemas)) = member(body, "schemas") else {
        return Err(ScimError::invalid_syntax(format!(
            "schemas: a list naming {core} is required."
        )));
    };
    let names: Vec<&str> = schemas.iter().filter_map(Value::as_str).collect();
    if names.len() != schemas.len() || !names.iter().any(|s| s.eq_ignore_ascii_case(core)) {
        return Err(ScimError::invalid_syntax(format!("schemas: must name {core}.")));
    }
    if let Some(unknown) = names
        .iter()
        .find(|s| !allowed.iter().any(|a| a.eq_ignore_ascii_case(s)))
    {
        return Err(ScimError::invalid_syntax(format!(
            "schemas: '{unknown}' is not supported here."
        )));
    }
    Ok(())
}

/// A SCIM User body (POST, PUT, or a PATCH's result) as a directory person.
pub fn person(body: &Value) -> Result<DirectoryPerson, ScimError> {
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("A User is a JSON object."));
    }
    check_schemas(body, USER_SCHEMA, &[USER_SCHEMA, ENTERPRISE_SCHEMA])?;
    let user_name = text(body, "userName")?
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("userName is required."))?;
    let name = member(body, "name").cloned().unwrap_or(Value::Null);
    if !name.is_null() && !name.is_object() {
        return Err(ScimError::invalid_value("name: an object is expected."));
    }
    let emails = list(body, "emails")?;
    let email = emails
        .iter()
        .find(|e| is_primary(e))
        .or_else(|| emails.iter().find(|e| has_type(e, "work")))
        .or_else(|| emails.first())
        .map(|e| text(e, "value"))
        .transpose()?
        .flatten();
    let phones = list(body, "phoneNumbers")?;
    let mobile = phones
        .iter()
        .find(|p| has_type(p, "mobile"))
        .map(|p| text(p, "value"))
        .transpose()?
        .flatten();
    let active = match member(body, "active") {
        None | Some(Value::Null) => None,
        Some(value) => Some(boolean(value, "active")?),
    };
    let locale = text(body, "preferredLanguage")?.and_then(|l| language(&l));
    let enterprise = member(body, ENTERPRISE_SCHEMA).cloned().unwrap_or(Value::Null);
    if !enterprise.is_null() && !enterprise.is_object() {
        return Err(ScimError::invalid_value(format!(
            "{ENTERPRISE_SCHEMA}: an object is expected."
        )));
    }
    let manager = match member(&enterprise, "manager") {
        None | Some(Value::Null) => None,
        // Entra ID's PATCH sends the bare id; the schema says an object with `value`.
        Some(Value::String(id)) => Some(id.clone()),
        Some(object @ Value::Object(_)) => text(object, "value")?,
        Some(_) => return Err(ScimError::invalid_value("manager: an object with a value is expected.")),
    };
    Ok(DirectoryPerson {
        user_name,
        external_id: text(body, "externalId")?,
        given_name: text(&name, "givenName")?,
        family_name: text(&name, "familyName")?,
        display_name: text(body, "displayName")?,
        email,
        mobile,
        locale,
        active,
        password: text(body, "password")?,
        employee_number: text(&enterprise, "employeeNumber")?,
        department: text(&enterprise, "department")?,
        manager: manager.filter(|m| !m.trim().is_empty()),
    })
}

/// `preferredLanguage` (`de-CH`, `en_US`, `de`) as one of Gatehouse's languages, if it is one.
fn language(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    crate::i18n::Lang::parse(&primary).map(|l| l.code().to_string())
}

/// A SCIM Group body as a group description.
pub fn group_spec(body: &Value) -> Result<GroupSpec, ScimError> {
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("A Group is a JSON object."));
    }
    check_schemas(body, GROUP_SCHEMA, &[GROUP_SCHEMA])?;
    let display_name = text(body, "displayName")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("displayName is required."))?;
    let mut members = Vec::new();
    for item in list(body, "members")? {
        if member(item, "type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("group"))
        {
            return Err(ScimError::invalid_value(
                "members: groups inside groups are not supported.",
            ));
        }
        let id = text(item, "value")?.ok_or_else(|| ScimError::invalid_value("members: each needs a value."))?;
        members.push(id);
    }
    Ok(GroupSpec {
        display_name,
        external_id: text(body, "externalId")?,
        members,
    })
}

fn meta(
    kind: &str,
    location: String,
    created: chrono::DateTime<chrono::Utc>,
    modified: chrono::DateTime<chrono::Utc>,
) -> Value {
    json!({
        "resourceType": kind,
        "created": created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "lastModified": modified.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "location": location,
    })
}

/// Sets `meta.version` to the weak ETag of everything else.
fn versioned(mut resource: Value) -> Value {
    let version = super::schema::version_of(&resource);
    resource["meta"]["version"] = json!(version);
    resource
}

/// What a user resource shows besides the account: the directory's record, the groups, the manager.
pub struct UserView<'a> {
    pub user: &'a User,
    pub entry: Option<&'a DirectoryEntry>,
    pub groups: Vec<&'a DirectoryGroup>,
    pub manager: Option<&'a User>,
}

pub fn user_resource(view: &UserView, base: &str) -> Value {
    let user = view.user;
    let entry = view.entry;
    let field = |f: fn(&DirectoryEntry) -> &Option<String>| entry.and_then(|e| f(e).clone());
    let mut name = Map::new();
    name.insert("formatted".into(), json!(user.display_name));
    if let Some(given) = field(|e| &e.given_name) {
        name.insert("givenName".into(), json!(given));
    }
    if let Some(family) = field(|e| &e.family_name) {
        name.insert("familyName".into(), json!(family));
    }
    let mut resource = json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": user.id,
        "userName": user.username,
        "name": name,
        "displayName": user.display_name,
        "emails": [{ "value": user.email, "type": "work", "primary": true }],
        "active": user.status == UserStatus::Active,
        "groups": view.groups.iter().map(|g| json!({
            "value": g.id, "display": g.display_name, "$ref": format!("{base}/Groups/{}", g.id), "type": "direct",
        })).collect::<Vec<_>>(),
    });
    if let Some(external_id) = field(|e| &e.external_id) {
        resource["externalId"] = json!(external_id);
    }
    if let Some(phone) = &user.phone {
        resource["phoneNumbers"] = json!([{ "value": phone, "type": "mobile", "primary": true }]);
    }
    if let Some(locale) = &user.locale {
        resource["preferredLanguage"] = json!(locale);
    }
    let mut enterprise = Map::new();
    if let Some(number) = field(|e| &e.employee_number) {
        enterprise.insert("employeeNumber".into(), json!(number));
    }
    if let Some(department) = field(|e| &e.department) {
        enterprise.insert("department".into(), json!(department));
    }
    if let Some(manager) = view.manager {
        enterprise.insert(
            "manager".into(),
            json!({
                "value": manager.id, "$ref": format!("{base}/Users/{}", manager.id),
                "displayName": manager.display_name,
            }),
        );
    } else if let Some(waiting) = field(|e| &e.manager_ref) {
        // Named by the directory, not provisioned yet: shown as sent, so a PUT of what was read changes nothing.
        enterprise.insert("manager".into(), json!({ "value": waiting }));
    }
    resource[ENTERPRISE_SCHEMA] = Value::Object(enterprise);
    let modified = entry.map_or(user.updated_at, |e| e.updated_at.max(user.updated_at));
    resource["meta"] = meta("User", format!("{base}/Users/{}", user.id), user.created_at, modified);
    versioned(resource)
}

/// A group member: the user's id and username.
pub struct Member<'a> {
    pub id: &'a str,
    pub username: &'a str,
}

pub fn group_resource(group: &DirectoryGroup, members: &[Member], base: &str) -> Value {
    let mut resource = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "members": members.iter().map(|m| json!({
            "value": m.id, "display": m.username, "$ref": format!("{base}/Users/{}", m.id), "type": "User",
        })).collect::<Vec<_>>(),
    });
    if let Some(external_id) = &group.external_id {
        resource["externalId"] = json!(external_id);
    }
    resource["meta"] = meta(
        "Group",
        format!("{base}/Groups/{}", group.id),
        group.created_at,
        group.updated_at,
    );
    versioned(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_body_reads_tolerantly_where_clients_differ() {
        let body = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "USERNAME": "Alice@Example.com",
            "name": { "givenName": "Alice", "familyName": "Smith" },
            "emails": [{ "value": "home@example.org", "type": "home" }, { "value": "alice@example.com", "type": "work", "primary": "True" }],
            "phoneNumbers": [{ "value": "+41446681800", "type": "work" }, { "value": "+41791234567", "type": "Mobile" }],
            "active": "False",
            "preferredLanguage": "de-CH",
            ENTERPRISE_SCHEMA: { "manager": "m-1", "department": "Ops" },
        });
        let p = person(&body).unwrap();
        assert_eq!(p.user_name, "Alice@Example.com");
        assert_eq!(p.email.as_deref(), Some("alice@example.com"));
        assert_eq!(p.mobile.as_deref(), Some("+41791234567"));
        assert_eq!(p.active, Some(false));
        assert_eq!(p.locale.as_deref(), Some("de"));
        assert_eq!(p.manager.as_deref(), Some("m-1"));
        assert_eq!(p.department.as_deref(), Some("Ops"));
    }

    #[test]
    fn wrong_shapes_are_scim_errors() {
        let no_schema = json!({ "userName": "a" });
        assert_eq!(person(&no_schema).unwrap_err().scim_type, Some("invalidSyntax"));
        let group_schema = json!({ "schemas": [GROUP_SCHEMA], "userName": "a" });
        assert_eq!(person(&group_schema).unwrap_err().scim_type, Some("invalidSyntax"));
        let numeric = json!({ "schemas": [USER_SCHEMA], "userName": 7 });
        assert_eq!(person(&numeric).unwrap_err().scim_type, Some("invalidValue"));
        let active = json!({ "schemas": [USER_SCHEMA], "userName": "a", "active": "maybe" });
        assert_eq!(person(&active).unwrap_err().scim_type, Some("invalidValue"));
        let nested =
            json!({ "schemas": [GROUP_SCHEMA], "displayName": "g", "members": [{ "value": "x", "type": "Group" }] });
        assert_eq!(group_spec(&nested).unwrap_err().scim_type, Some("invalidValue"));
    }
}
