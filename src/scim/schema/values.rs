//! One attribute's value checked against its definition and put in canonical form: canonical sub-attribute names,
//! booleans that Entra ID sends as strings made booleans, read-only and dropped sub-attributes removed, `null` and
//! empty values treated as unassigned (RFC 7643 §2.5). Shared by whole bodies (`normalise`) and PATCH values.
use serde_json::{Map, Value};

use super::{Attribute, Type};
use crate::scim::error::ScimError;

/// `"True"`/`"False"` in any case as a boolean: Entra ID's provisioning service sends `active` as a string unless
/// the tenant opted into its SCIM-compliant behaviour ("Known issues and resolutions with SCIM 2.0 protocol
/// compliance of the Microsoft Entra user provisioning service", "Requests made to disable users").
pub(crate) fn coerce_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `value` checked against `attr` and normalised; `path` names the attribute in errors. `Ok(None)` means
/// unassigned: `null`, an empty array or object, or an attribute Gatehouse does not keep.
pub(crate) fn normalise_value(attr: &'static Attribute, value: Value, path: &str) -> Result<Option<Value>, ScimError> {
    if value.is_null() || !attr.stored {
        return Ok(None);
    }
    if !attr.multi_valued {
        return single(attr, value, path);
    }
    let Value::Array(items) = value else {
        return Err(ScimError::invalid_value(format!("{path} must be an array")));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(item) = single(attr, item, path)? {
            out.push(item);
        }
    }
    let primaries = out
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(format!("only one of {path} may be primary")));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

/// One value (of a single-valued attribute, or one element of a multi-valued one).
fn single(attr: &'static Attribute, value: Value, path: &str) -> Result<Option<Value>, ScimError> {
    match attr.ty {
        _ if value.is_null() => Ok(None),
        Type::String | Type::Reference => match value {
            Value::String(_) => Ok(Some(value)),
            _ => Err(ScimError::invalid_value(format!("{path} must be a string"))),
        },
        Type::Boolean => match &value {
            Value::Bool(_) => Ok(Some(value)),
            Value::String(text) => match coerce_bool(text) {
                Some(b) => Ok(Some(Value::Bool(b))),
                None => Err(ScimError::invalid_value(format!("{path} must be true or false"))),
            },
            _ => Err(ScimError::invalid_value(format!("{path} must be true or false"))),
        },
        Type::DateTime => match &value {
            Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok() => Ok(Some(value)),
            _ => Err(ScimError::invalid_value(format!(
                "{path} must be an RFC 3339 date and time"
            ))),
        },
        Type::Complex => complex(attr, value, path),
    }
}

fn complex(attr: &'static Attribute, value: Value, path: &str) -> Result<Option<Value>, ScimError> {
    let reference_like = !attr.multi_valued && attr.sub("value").is_some();
    let object = match value {
        Value::Object(object) => object,
        // Entra ID sends the manager as a bare id ("Develop and plan provisioning for a SCIM endpoint in
        // Microsoft Entra ID": `"manager": "123456"`); an empty one clears it …
        Value::String(id) if reference_like && id.trim().is_empty() => return Ok(None),
        Value::String(id) if reference_like => {
            let mut object = Map::new();
            object.insert("value".into(), Value::String(id));
            object
        }
        // … or as a one-element array (`"value": [{"$ref": …, "value": …}]` in its PATCH examples).
        Value::Array(mut items) if reference_like && items.len() == 1 => {
            return complex(attr, items.remove(0), path);
        }
        _ => return Err(ScimError::invalid_value(format!("{path} must be an object"))),
    };
    let mut out = Map::new();
    let mut seen: Vec<&'static str> = Vec::new();
    for (key, value) in object {
        let Some(sub) = attr.sub(&key) else {
            return Err(ScimError::invalid_syntax(format!(
                "unknown attribute '{path}.{}'",
                super::shown(&key)
            )));
        };
        if seen.contains(&sub.name) {
            return Err(ScimError::invalid_syntax(format!(
                "attribute '{path}.{}' appears twice",
                sub.name
            )));
        }
        seen.push(sub.name);
        if !sub.stored || !sub.writable() {
            continue;
        }
        if let Some(value) = single(sub, value, &format!("{path}.{}", sub.name))? {
            out.insert(sub.name.to_string(), value);
        }
    }
    // An e-mail, a phone number, a member or a manager is its `value`; the rest only describes it.
    if !out.is_empty() && attr.sub("value").is_some() && !out.contains_key("value") {
        return Err(ScimError::invalid_value(format!("{path} needs a value")));
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}
