//! SCIM PATCH (RFC 7644 §3.5.2) on a rendered resource: `add`, `replace` and `remove`, with and without `path`,
//! and the forms Entra ID and Okta send that the RFC does not describe (listed, with their sources, in
//! `docs/integrate/scim-patch.md`). All or nothing: the resource changes only when every operation applied and
//! the result is still a valid resource, which the caller then stores as it would a PUT body
//! (`schema::normalise(kind, resource)` gives that body).
//!
//! Rules where the RFC leaves a choice:
//! - a read-only attribute (`id`, `meta`, `groups`, `manager.displayName`, `members.display`) may be "set" to the
//!   value it has (Okta renames a group with `{"id": <its id>, "displayName": …}`); any other change or its removal
//!   is `mutability`;
//! - `remove` of an attribute that has no value changes nothing; a value filter that selects nothing is `noTarget`
//!   for `remove` and `replace`, while `add` creates the value when the filter is only `eq` terms
//!   (`emails[type eq "work"].value`, what Entra ID sends for an address the user did not have);
//! - `add`/`replace` with a `null` value unassigns (RFC 7643 §2.5);
//! - at most [`MAX_OPERATIONS`] operations per request, else `tooMany`.
mod target;

use serde_json::{Map, Value};

use self::target::Target;
use super::PATCH_SCHEMA;
use super::error::ScimError;
use super::schema::{AttrRef, Attribute, Kind, Place, normalise, normalise_value, shown};

/// The most operations one PATCH request may carry.
pub const MAX_OPERATIONS: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// Applies the PatchOp `body` to `resource` (a rendered `kind` resource). On error `resource` is unchanged; the
/// detail names the failing operation (`Operations[2]: …`).
pub fn apply(kind: Kind, resource: &mut Value, body: &Value) -> Result<(), ScimError> {
    let operations = operations(body)?;
    let mut work = resource.clone();
    if !work.is_object() {
        return Err(ScimError::invalid_syntax(format!(
            "a {} must be a JSON object",
            kind.name()
        )));
    }
    for (i, operation) in operations.iter().enumerate() {
        apply_one(kind, &mut work, operation).map_err(|mut e| {
            e.detail = format!("Operations[{i}]: {}", e.detail);
            e
        })?;
    }
    normalise(kind, work.clone())?;
    *resource = work;
    Ok(())
}

/// The operations of a PatchOp message, after checking its `schemas`.
fn operations(body: &Value) -> Result<&Vec<Value>, ScimError> {
    let Some(body) = body.as_object() else {
        return Err(ScimError::invalid_syntax("a PATCH body must be a JSON object"));
    };
    let schemas = field(body, "schemas").and_then(Value::as_array);
    let is_patch = schemas.is_some_and(|s| {
        s.iter()
            .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(PATCH_SCHEMA)))
    });
    if !is_patch {
        return Err(ScimError::invalid_syntax(format!(
            "schemas must include {PATCH_SCHEMA}"
        )));
    }
    let Some(Value::Array(operations)) = field(body, "Operations") else {
        return Err(ScimError::invalid_syntax("Operations must be an array of operations"));
    };
    if operations.is_empty() {
        return Err(ScimError::invalid_syntax("Operations is empty"));
    }
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::too_many(format!(
            "at most {MAX_OPERATIONS} operations per request"
        )));
    }
    Ok(operations)
}

/// A member of a JSON object by name, case-insensitively (Entra ID capitalises `op` values; clients differ in the
/// case of `Operations`).
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn apply_one(kind: Kind, resource: &mut Value, operation: &Value) -> Result<(), ScimError> {
    let Some(operation) = operation.as_object() else {
        return Err(ScimError::invalid_syntax("an operation must be a JSON object"));
    };
    let op = match field(operation, "op").and_then(Value::as_str) {
        Some(op) if op.eq_ignore_ascii_case("add") => Op::Add,
        Some(op) if op.eq_ignore_ascii_case("replace") => Op::Replace,
        Some(op) if op.eq_ignore_ascii_case("remove") => Op::Remove,
        Some(op) => return Err(ScimError::invalid_syntax(format!("unknown op '{}'", shown(op)))),
        None => return Err(ScimError::invalid_syntax("op is missing")),
    };
    let value = field(operation, "value");
    match field(operation, "path") {
        Some(Value::String(path)) => {
            let target = target::parse(kind, path)?;
            if op != Op::Remove && value.is_none() {
                return Err(ScimError::invalid_value(format!("{op:?} needs a value").to_lowercase()));
            }
            apply_at(resource, op, &target, value.cloned())
        }
        Some(Value::Null) | None => {
            if op == Op::Remove {
                return Err(ScimError::no_target("remove needs a path"));
            }
            // RFC 7644 §3.5.2.1: without a path, the value is a set of attributes. Entra ID and Okta write paths
            // as its keys ("name.givenName", "urn:…:User:employeeNumber", 'emails[type eq "work"].value').
            let Some(Value::Object(attributes)) = value else {
                return Err(ScimError::invalid_value(
                    "without a path, value must be an object of attributes",
                ));
            };
            for (key, value) in attributes {
                if key.eq_ignore_ascii_case("schemas") {
                    continue;
                }
                let target = target::parse(kind, key)?;
                apply_at(resource, op, &target, Some(value.clone()))?;
            }
            Ok(())
        }
        Some(_) => Err(ScimError::invalid_path("path must be a string")),
    }
}

fn apply_at(resource: &mut Value, op: Op, target: &Target, value: Option<Value>) -> Result<(), ScimError> {
    match target {
        Target::Ignored => Ok(()),
        Target::Extension(schema) => {
            if op == Op::Remove {
                if let Some(root) = resource.as_object_mut() {
                    root.remove(schema.id);
                }
                return Ok(());
            }
            let attributes = match value {
                Some(Value::Object(attributes)) => attributes,
                Some(Value::Null) => return Ok(()),
                _ => {
                    return Err(ScimError::invalid_value(format!(
                        "{} takes an object of attributes",
                        schema.id
                    )));
                }
            };
            for (name, value) in attributes {
                // A client that serialises the extension as a model of its own (scim2-client) names its schema
                // inside it, as the path-less form may too: that says nothing to apply.
                if name.eq_ignore_ascii_case("schemas") {
                    continue;
                }
                let Some(attr) = schema.attribute(&name) else {
                    return Err(ScimError::invalid_path(format!(
                        "'{}:{}' is not an attribute",
                        schema.id,
                        shown(&name)
                    )));
                };
                let target = if attr.stored {
                    Target::Attr(AttrRef {
                        place: Place::Extension(schema),
                        attr,
                        sub: None,
                    })
                } else {
                    Target::Ignored
                };
                apply_at(resource, op, &target, Some(value))?;
            }
            Ok(())
        }
        Target::Attr(attr) => {
            read_only_guard(resource, op, *attr, value.as_ref())?;
            if !attr.attr.writable() || !attr.leaf().writable() {
                return Ok(()); // set to the value it has
            }
            match attr.sub {
                None => whole(resource, op, *attr, value),
                Some(sub) => sub_attribute(resource, op, *attr, sub, value),
            }
        }
        Target::Selected {
            attr,
            selector,
            sub,
            template,
        } => {
            if !attr.attr.writable() || sub.is_some_and(|s| !s.writable()) {
                return Err(ScimError::mutability(format!("{} is read-only", attr.display())));
            }
            selected(resource, op, *attr, selector, *sub, template.as_deref(), value)
        }
    }
}

/// A read-only target may only be "set" to the value it has.
fn read_only_guard(resource: &Value, op: Op, attr: AttrRef, value: Option<&Value>) -> Result<(), ScimError> {
    if attr.attr.writable() && attr.leaf().writable() {
        return Ok(());
    }
    let current = attr.value(resource).and_then(|v| match attr.sub {
        None => Some(v),
        Some(sub) => v.get(sub.name),
    });
    let unchanged = op != Op::Remove && current.is_some() && current == value;
    if unchanged {
        Ok(())
    } else {
        Err(ScimError::mutability(format!("{} is read-only", attr.display())))
    }
}

/// The object holding `attr`, created (for an extension) when `create` says so.
fn container(resource: &mut Value, place: Place, create: bool) -> Option<&mut Map<String, Value>> {
    let root = resource.as_object_mut()?;
    match place {
        Place::Top => Some(root),
        Place::Extension(schema) => {
            if create && !root.get(schema.id).is_some_and(Value::is_object) {
                root.insert(schema.id.to_string(), Value::Object(Map::new()));
            }
            root.get_mut(schema.id)?.as_object_mut()
        }
    }
}

fn invalid_resource() -> ScimError {
    ScimError::invalid_syntax("the resource is not a JSON object")
}

/// An operation on a whole attribute (`emails`, `name`, `active`, `urn:…:User:manager`).
fn whole(resource: &mut Value, op: Op, attr: AttrRef, value: Option<Value>) -> Result<(), ScimError> {
    let name = attr.display();
    let def = attr.attr;
    if op == Op::Remove {
        if let (true, Some(value)) = (def.multi_valued, value.filter(|v| !v.is_null())) {
            // Entra ID removes members with `"path": "members", "value": [{"value": id}]` ("Known issues …",
            // "Requests made to remove a group member", without the feature flag).
            return remove_listed(resource, attr, value);
        }
        if let Some(map) = container(resource, attr.place, false) {
            map.remove(def.name);
        }
        return Ok(());
    }
    let value = value.unwrap_or(Value::Null);
    if def.multi_valued {
        let items = match value {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            single => vec![single],
        };
        let Some(Value::Array(new)) = normalise_value(def, Value::Array(items), &name)? else {
            if op == Op::Replace {
                container(resource, attr.place, false).map(|m| m.remove(def.name));
            }
            return Ok(());
        };
        let map = container(resource, attr.place, true).ok_or_else(invalid_resource)?;
        if op == Op::Replace {
            map.insert(def.name.to_string(), Value::Array(new));
            return Ok(());
        }
        let mut items = match map.remove(def.name) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        for item in new {
            if items.iter().any(|existing| same_value(def, existing, &item)) {
                continue;
            }
            if item.get("primary") == Some(&Value::Bool(true)) {
                clear_primary(&mut items);
            }
            items.push(item);
        }
        map.insert(def.name.to_string(), Value::Array(items));
        return Ok(());
    }
    let normalised = normalise_value(def, value, &name)?;
    let map = container(resource, attr.place, true).ok_or_else(invalid_resource)?;
    match (normalised, map.get_mut(def.name)) {
        (None, _) => {
            if op == Op::Replace {
                map.remove(def.name);
            }
        }
        // RFC 7644 §3.5.2.1/§3.5.2.3: a complex value's sub-attributes are set; the others stay.
        (Some(Value::Object(new)), Some(Value::Object(existing))) => merge(existing, new),
        (Some(new), _) => {
            map.insert(def.name.to_string(), new);
        }
    }
    Ok(())
}

/// `name.givenName`, `urn:…:User:manager.value`: one sub-attribute of a single-valued complex attribute, or (for
/// `remove` only) of every value of a multi-valued one.
fn sub_attribute(
    resource: &mut Value,
    op: Op,
    attr: AttrRef,
    sub: &'static Attribute,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let def = attr.attr;
    if def.multi_valued {
        if op != Op::Remove {
            return Err(ScimError::invalid_path(format!(
                "'{}' is in every value of {}; select one, e.g. {}[type eq \"work\"].{}",
                attr.display(),
                def.name,
                def.name,
                sub.name
            )));
        }
        if let Some(Value::Array(items)) = container(resource, attr.place, false).and_then(|m| m.get_mut(def.name)) {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.remove(sub.name);
            }
        }
        return Ok(());
    }
    let normalised = match op {
        Op::Remove => None,
        _ => normalise_value(sub, value.unwrap_or(Value::Null), &attr.display())?,
    };
    if normalised.is_none() && op == Op::Add {
        return Ok(());
    }
    let Some(map) = container(resource, attr.place, normalised.is_some()) else {
        return if normalised.is_none() {
            Ok(())
        } else {
            Err(invalid_resource())
        };
    };
    if !map.get(def.name).is_some_and(Value::is_object) {
        if normalised.is_none() {
            return Ok(());
        }
        map.insert(def.name.to_string(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(object)) = map.get_mut(def.name) {
        set_sub(object, sub, normalised);
        if object.is_empty() {
            map.remove(def.name);
        }
    }
    Ok(())
}

/// `emails[type eq "work"]`, `members[value eq "…"]`, `phoneNumbers[type eq "mobile"].value`.
fn selected(
    resource: &mut Value,
    op: Op,
    attr: AttrRef,
    selector: &crate::scim::filter::ValueSelector,
    sub: Option<&'static Attribute>,
    template: Option<&[(&'static str, Value)]>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let def = attr.attr;
    let name = attr.display();
    let mut items = match container(resource, attr.place, false).and_then(|m| m.get(def.name)) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let chosen: Vec<usize> = (0..items.len()).filter(|i| selector.matches(&items[*i])).collect();
    if chosen.is_empty() {
        if op == Op::Add && value.as_ref().is_none_or(Value::is_null) {
            return Ok(());
        }
        return match (op, template) {
            (Op::Add, Some(template)) => {
                let mut element = Map::new();
                for (key, v) in template {
                    element.insert((*key).to_string(), v.clone());
                }
                match (sub, value) {
                    (Some(sub), Some(v)) => {
                        element.insert(sub.name.to_string(), v);
                    }
                    (None, Some(Value::Object(object))) => element.extend(object),
                    _ => return Err(ScimError::invalid_value(format!("add to {name} needs a value"))),
                }
                whole(
                    resource,
                    Op::Add,
                    attr,
                    Some(Value::Array(vec![Value::Object(element)])),
                )
            }
            _ => Err(ScimError::no_target(format!(
                "no value of {name} matches the path's filter"
            ))),
        };
    }
    match (op, sub) {
        (Op::Remove, None) => {
            items = items
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !chosen.contains(i))
                .map(|(_, item)| item)
                .collect();
        }
        (Op::Remove, Some(sub)) => {
            for i in &chosen {
                if let Some(item) = items[*i].as_object_mut() {
                    item.remove(sub.name);
                }
            }
        }
        (_, Some(sub)) => {
            let new = normalise_value(sub, value.unwrap_or(Value::Null), &format!("{name}.{}", sub.name))?;
            if sub.name == "primary" && new == Some(Value::Bool(true)) {
                clear_primary(&mut items);
            }
            for i in &chosen {
                if let Some(item) = items[*i].as_object_mut() {
                    set_sub(item, sub, new.clone());
                }
            }
        }
        (_, None) => {
            let one = match value {
                Some(Value::Array(mut list)) if list.len() == 1 => list.remove(0),
                Some(v) => v,
                None => Value::Null,
            };
            let single = AttrRef { sub: None, ..attr };
            let Some(Value::Array(mut new)) = normalise_value(def, Value::Array(vec![one]), &single.display())? else {
                return Err(ScimError::invalid_value(format!("{name} needs a value")));
            };
            let new = new.remove(0);
            if new.get("primary") == Some(&Value::Bool(true)) {
                clear_primary(&mut items);
            }
            for i in &chosen {
                match (op, &mut items[*i], &new) {
                    (Op::Add, Value::Object(existing), Value::Object(add)) => merge(existing, add.clone()),
                    (_, slot, _) => *slot = new.clone(),
                }
            }
        }
    }
    let primaries = items
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(format!("only one of {name} may be primary")));
    }
    let map = container(resource, attr.place, !items.is_empty()).ok_or_else(invalid_resource)?;
    if items.is_empty() {
        map.remove(def.name);
    } else {
        map.insert(def.name.to_string(), Value::Array(items));
    }
    Ok(())
}

/// Removes the values of a multi-valued attribute named by their `value` (`[{"value": id}, …]`).
fn remove_listed(resource: &mut Value, attr: AttrRef, listed: Value) -> Result<(), ScimError> {
    let def = attr.attr;
    let name = attr.display();
    let listed = match listed {
        Value::Array(items) => items,
        single => vec![single],
    };
    let Some(value_sub) = def.sub("value") else {
        return Err(ScimError::invalid_value(format!(
            "{name}: remove takes no value; use a path filter"
        )));
    };
    let mut wanted = Vec::with_capacity(listed.len());
    for item in listed {
        match item.get("value") {
            Some(Value::String(v)) => wanted.push(v.clone()),
            _ => {
                return Err(ScimError::invalid_value(format!(
                    "{name}: each value to remove needs its \"value\""
                )));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(map) = container(resource, attr.place, false) else {
        return Err(ScimError::no_target(format!("{name} has no such value")));
    };
    let Some(Value::Array(items)) = map.get_mut(def.name) else {
        return Err(ScimError::no_target(format!("{name} has no such value")));
    };
    let before = items.len();
    items.retain(|item| {
        let Some(v) = item.get("value").and_then(Value::as_str) else {
            return true;
        };
        !wanted.iter().any(|w| same_text(value_sub, v, w))
    });
    if items.len() == before {
        return Err(ScimError::no_target(format!("{name} has none of the values to remove")));
    }
    if items.is_empty() {
        map.remove(def.name);
    }
    Ok(())
}

/// Whether a new value of a multi-valued attribute is one it already has (RFC 7644 §3.5.2.1: adding it changes
/// nothing): the same `value` and, when both say, the same `type` — Entra ID adds members as bare
/// `{"value": id}`, which is the member rendered with its `type`, `display` and `$ref`.
fn same_value(def: &'static Attribute, existing: &Value, new: &Value) -> bool {
    let text = |v: &Value| v.get("value").and_then(Value::as_str).map(str::to_string);
    match (def.sub("value"), text(existing), text(new)) {
        (Some(sub), Some(a), Some(b)) => {
            same_text(sub, &a, &b)
                && match (
                    existing.get("type").and_then(Value::as_str),
                    new.get("type").and_then(Value::as_str),
                ) {
                    (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                    _ => true,
                }
        }
        _ => existing == new,
    }
}

fn same_text(attr: &Attribute, a: &str, b: &str) -> bool {
    if attr.case_exact {
        a == b
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn clear_primary(items: &mut [Value]) {
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        if item.get("primary") == Some(&Value::Bool(true)) {
            item.insert("primary".into(), Value::Bool(false));
        }
    }
}

/// Sets the sub-attributes of `new` on `existing`, `value` first (see [`set_sub`]).
fn merge(existing: &mut Map<String, Value>, mut new: Map<String, Value>) {
    if let Some(value) = new.remove("value") {
        existing_set(existing, "value", Some(value));
    }
    for (key, value) in new {
        existing.insert(key, value);
    }
}

fn set_sub(object: &mut Map<String, Value>, sub: &Attribute, value: Option<Value>) {
    existing_set(object, sub.name, value);
}

/// Sets one sub-attribute. A reference's `$ref` and display name describe its `value`: when the value changes
/// they are dropped, so a new manager does not keep the old one's `$ref`.
fn existing_set(object: &mut Map<String, Value>, name: &str, value: Option<Value>) {
    if name == "value" && object.get("value") != value.as_ref() {
        for derived in ["$ref", "display", "displayName"] {
            object.remove(derived);
        }
    }
    match value {
        Some(value) => {
            object.insert(name.to_string(), value);
        }
        None => {
            object.remove(name);
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vendor_tests;
