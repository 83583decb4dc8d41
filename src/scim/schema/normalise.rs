//! A User or Group body as the handlers receive it (POST, PUT, or a resource after PATCH) checked against the
//! schema and put in one canonical form, so `core::provisioning` reads canonical names and real booleans whatever
//! the client's spelling. And the resource's version: a weak ETag over everything but `meta`.
//!
//! What the canonical form is:
//! - `schemas` lists the core schema, plus the Enterprise extension when the body has any of its attributes;
//! - every attribute name in its canonical spelling; extension attributes inside the extension's object (Entra
//!   ID's sample sends `department` and `manager` at the top);
//! - read-only attributes (`id`, `meta`, `groups`, `members.display`, `manager.displayName`) dropped, as RFC 7644
//!   §3.3 and §3.5.1 say a server ignores them in a request; attributes Gatehouse does not keep dropped;
//! - `null`, empty arrays and empty objects dropped: RFC 7643 §2.5 makes them equal to unassigned;
//! - `password` kept (writeOnly): the caller hashes it and must never render it.
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Kind, Place, Resolved, TOLERATED_SCHEMAS, normalise_value, resolve_name, schema_of, shown};
use crate::scim::error::ScimError;

/// `Ok` when `body` is an acceptable `kind` resource (see [`normalise`]).
pub fn check_resource(kind: Kind, body: &Value) -> Result<(), ScimError> {
    normalise(kind, body.clone()).map(drop)
}

/// `body` checked and in canonical form (see the module doc). Errors: not an object, `schemas` missing or without
/// the core schema → `invalidSyntax`; an unsupported schema URN, a value of the wrong type, a missing `userName`
/// or group `displayName` → `invalidValue`; an unknown attribute → `invalidSyntax` naming it.
pub fn normalise(kind: Kind, body: Value) -> Result<Value, ScimError> {
    let Value::Object(body) = body else {
        return Err(ScimError::invalid_syntax(format!(
            "a {} must be a JSON object",
            kind.name()
        )));
    };
    let mut top = Map::new();
    let mut extensions: Vec<(&'static str, Map<String, Value>)> =
        kind.extensions().iter().map(|s| (s.id, Map::new())).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut schemas = None;
    for (key, value) in body {
        if key.eq_ignore_ascii_case("schemas") {
            if schemas.replace(value).is_some() {
                return Err(ScimError::invalid_syntax("schemas appears twice"));
            }
            continue;
        }
        match resolve_name(kind, &key) {
            Some(Resolved::Extension(schema)) => {
                if seen.iter().any(|s| s == schema.id) {
                    return Err(ScimError::invalid_syntax(format!("'{}' appears twice", schema.id)));
                }
                seen.push(schema.id.to_string());
                let object = match value {
                    Value::Null => continue,
                    Value::Object(object) => object,
                    _ => return Err(ScimError::invalid_value(format!("{} must be an object", schema.id))),
                };
                for (name, value) in object {
                    let Some(attr) = schema.attribute(&name) else {
                        return Err(ScimError::invalid_syntax(format!(
                            "unknown attribute '{}:{}'",
                            schema.id,
                            shown(&name)
                        )));
                    };
                    let place = Place::Extension(schema);
                    put(&mut top, &mut extensions, &mut seen, place, attr, value)?;
                }
            }
            Some(Resolved::Attr(path)) if path.sub.is_none() => {
                put(&mut top, &mut extensions, &mut seen, path.place, path.attr, value)?;
            }
            _ => {
                return Err(ScimError::invalid_syntax(format!(
                    "unknown attribute '{}'",
                    shown(&key)
                )));
            }
        }
    }
    check_schemas(kind, schemas)?;
    // The required single strings (userName, a group's displayName); the required `emails` is core::provisioning's
    // to check, as a userName that is an address stands in for it.
    for attr in kind.core().attributes.iter().filter(|a| a.required && !a.multi_valued) {
        let present = top
            .get(attr.name)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        if !present {
            return Err(ScimError::invalid_value(format!("{} is required", attr.name)));
        }
    }
    let mut out = Map::new();
    let mut listed = vec![Value::String(kind.core().id.to_string())];
    listed.extend(
        extensions
            .iter()
            .filter(|(_, object)| !object.is_empty())
            .map(|(id, _)| Value::String(id.to_string())),
    );
    out.insert("schemas".into(), Value::Array(listed));
    out.extend(top);
    for (id, object) in extensions {
        if !object.is_empty() {
            out.insert(id.to_string(), Value::Object(object));
        }
    }
    Ok(Value::Object(out))
}

/// One attribute into its place, once; read-only and dropped attributes are left out.
fn put(
    top: &mut Map<String, Value>,
    extensions: &mut [(&'static str, Map<String, Value>)],
    seen: &mut Vec<String>,
    place: Place,
    attr: &'static super::Attribute,
    value: Value,
) -> Result<(), ScimError> {
    let path = match place {
        Place::Top => attr.name.to_string(),
        Place::Extension(schema) => format!("{}:{}", schema.id, attr.name),
    };
    if seen.contains(&path) {
        return Err(ScimError::invalid_syntax(format!("attribute '{path}' appears twice")));
    }
    seen.push(path.clone());
    if !attr.writable() {
        return Ok(());
    }
    let Some(value) = normalise_value(attr, value, &path)? else {
        return Ok(());
    };
    let container = match place {
        Place::Top => top,
        Place::Extension(schema) => match extensions.iter_mut().find(|(id, _)| *id == schema.id) {
            Some((_, object)) => object,
            None => return Err(ScimError::invalid_syntax(format!("unknown attribute '{path}'"))),
        },
    };
    container.insert(attr.name.to_string(), value);
    Ok(())
}

fn check_schemas(kind: Kind, schemas: Option<Value>) -> Result<(), ScimError> {
    let core = kind.core().id;
    let Some(Value::Array(schemas)) = schemas else {
        return Err(ScimError::invalid_syntax(format!(
            "schemas must be an array that includes {core}"
        )));
    };
    let mut has_core = false;
    for urn in &schemas {
        let Some(urn) = urn.as_str() else {
            return Err(ScimError::invalid_syntax("schemas must hold schema URNs"));
        };
        match schema_of(kind, urn) {
            Some(schema) if std::ptr::eq(schema, kind.core()) => has_core = true,
            Some(_) => {}
            None if TOLERATED_SCHEMAS.iter().any(|t| t.eq_ignore_ascii_case(urn)) => {}
            None => {
                return Err(ScimError::invalid_value(format!(
                    "schema '{}' is not supported for a {}",
                    shown(urn),
                    kind.name()
                )));
            }
        }
    }
    if !has_core {
        return Err(ScimError::invalid_syntax(format!("schemas must include {core}")));
    }
    Ok(())
}

/// A weak ETag (`W/"…"`) of a rendered resource: SHA-256 over its JSON with keys sorted, without `meta` (which
/// holds the version itself) and without `password` (so a version never lets anyone test a guess at it).
pub fn version_of(resource: &Value) -> String {
    let mut text = String::new();
    match resource {
        Value::Object(object) => {
            let trimmed: Map<String, Value> = object
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("meta") && !k.eq_ignore_ascii_case("password"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            canonical(&Value::Object(trimmed), &mut text);
        }
        other => canonical(other, &mut text),
    }
    let digest = Sha256::digest(text.as_bytes());
    format!("W/\"{}\"", hex::encode(&digest[..10]))
}

/// JSON with object keys sorted, whatever order the map keeps (a dependency may turn on serde_json's `preserve_order`).
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = object.get(key) {
                    canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
