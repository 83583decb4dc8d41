//! `attributes` and `excludedAttributes` (RFC 7644 §3.9, RFC 7643 §2.2 `returned`): which parts of a rendered
//! resource an answer shows. `id` and `schemas` are always shown; `password` (`returned: never`) never is, even
//! if a caller forgot to leave it out; `returned: request` attributes only when named.
use serde_json::{Map, Value};

use crate::scim::schema::{AttrRef, COMMON, Kind, Place, Resolved, Returned, resolve_name};

/// `resource` as the client asked to see it. Names that are not attributes of `kind` are skipped (the list
/// parameters were checked when parsed).
pub fn project(kind: Kind, resource: &Value, attributes: &[String], excluded: &[String]) -> Value {
    let Some(source) = resource.as_object() else {
        return resource.clone();
    };
    let mut out = if attributes.is_empty() {
        let mut all = source.clone();
        drop_returned(kind, &mut all, Returned::Request);
        all
    } else {
        select(kind, resource, source, attributes)
    };
    drop_returned(kind, &mut out, Returned::Never);
    for name in excluded {
        match resolve_name(kind, name) {
            Some(Resolved::Extension(schema)) => {
                out.remove(schema.id);
            }
            Some(Resolved::Attr(attr)) if attr.leaf().returned != Returned::Always => exclude(&mut out, attr),
            _ => {}
        }
    }
    tidy(kind, &mut out);
    Value::Object(out)
}

/// The named attributes, with `schemas` and the always-returned ones.
fn select(kind: Kind, resource: &Value, source: &Map<String, Value>, attributes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(schemas) = source.get("schemas") {
        out.insert("schemas".into(), schemas.clone());
    }
    let always = COMMON
        .iter()
        .chain(kind.core().attributes.iter())
        .filter(|a| a.returned == Returned::Always);
    for attr in always {
        if let Some(v) = source.get(attr.name) {
            out.insert(attr.name.to_string(), v.clone());
        }
    }
    for name in attributes {
        match resolve_name(kind, name) {
            Some(Resolved::Extension(schema)) => {
                if let Some(v) = source.get(schema.id) {
                    out.insert(schema.id.to_string(), v.clone());
                }
            }
            Some(Resolved::Attr(attr)) => {
                let Some(value) = attr.value(resource) else {
                    continue;
                };
                let Some(dest) = place_mut(&mut out, attr.place) else {
                    continue;
                };
                match attr.sub {
                    None => {
                        dest.insert(attr.attr.name.to_string(), value.clone());
                    }
                    Some(sub) => copy_sub(dest, attr.attr.name, value, sub.name),
                }
            }
            None => {}
        }
    }
    out
}

/// The object an attribute of `place` goes in, created for an extension.
fn place_mut(out: &mut Map<String, Value>, place: Place) -> Option<&mut Map<String, Value>> {
    match place {
        Place::Top => Some(out),
        Place::Extension(schema) => out
            .entry(schema.id.to_string())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut(),
    }
}

/// Copies one sub-attribute of `value` (an object, or each element of an array) into `dest[name]`.
fn copy_sub(dest: &mut Map<String, Value>, name: &str, value: &Value, sub: &str) {
    match value {
        Value::Object(object) => {
            let Some(v) = object.get(sub) else {
                return;
            };
            if let Value::Object(target) = dest
                .entry(name.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                target.insert(sub.to_string(), v.clone());
            }
        }
        Value::Array(items) => {
            let slot = dest
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(items.iter().map(|_| Value::Object(Map::new())).collect()));
            let Value::Array(target) = slot else {
                return;
            };
            for (item, target) in items.iter().zip(target.iter_mut()) {
                if let (Some(v), Value::Object(target)) = (item.get(sub), target) {
                    target.insert(sub.to_string(), v.clone());
                }
            }
        }
        _ => {}
    }
}

/// Removes every attribute (and sub-attribute) `returned` as given.
fn drop_returned(kind: Kind, out: &mut Map<String, Value>, returned: Returned) {
    let places =
        std::iter::once((Place::Top, kind.core())).chain(kind.extensions().iter().map(|s| (Place::Extension(s), *s)));
    for (place, schema) in places {
        let Some(container) = (match place {
            Place::Top => Some(&mut *out),
            Place::Extension(s) => out.get_mut(s.id).and_then(Value::as_object_mut),
        }) else {
            continue;
        };
        for attr in schema.attributes {
            if attr.returned == returned {
                container.remove(attr.name);
                continue;
            }
            for sub in attr.sub_attributes.iter().filter(|s| s.returned == returned) {
                match container.get_mut(attr.name) {
                    Some(Value::Object(object)) => {
                        object.remove(sub.name);
                    }
                    Some(Value::Array(items)) => {
                        for item in items.iter_mut().filter_map(Value::as_object_mut) {
                            item.remove(sub.name);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn exclude(out: &mut Map<String, Value>, attr: AttrRef) {
    let container = match attr.place {
        Place::Top => Some(out),
        Place::Extension(schema) => out.get_mut(schema.id).and_then(Value::as_object_mut),
    };
    let Some(container) = container else {
        return;
    };
    match attr.sub {
        None => {
            container.remove(attr.attr.name);
        }
        Some(sub) => match container.get_mut(attr.attr.name) {
            Some(Value::Object(object)) => {
                object.remove(sub.name);
            }
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    item.remove(sub.name);
                }
            }
            _ => {}
        },
    }
}

/// Drops what projection emptied, and lists in `schemas` only the extensions still present.
fn tidy(kind: Kind, out: &mut Map<String, Value>) {
    let keys: Vec<String> = out.keys().cloned().collect();
    for key in keys {
        let empty = match out.get_mut(&key) {
            Some(Value::Array(items)) => {
                let had = items.len();
                items.retain(|i| !matches!(i, Value::Object(o) if o.is_empty()));
                had > 0 && items.is_empty()
            }
            Some(Value::Object(object)) => object.is_empty(),
            _ => false,
        };
        if empty {
            out.remove(&key);
        }
    }
    if let Some(Value::Array(schemas)) = out.get("schemas").cloned() {
        let kept: Vec<Value> = schemas
            .into_iter()
            .filter(|urn| {
                let Some(urn) = urn.as_str() else { return false };
                !kind.extensions().iter().any(|s| s.id.eq_ignore_ascii_case(urn)) || out.contains_key(urn)
            })
            .collect();
        out.insert("schemas".into(), Value::Array(kept));
    }
}
