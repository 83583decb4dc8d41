//! What a PATCH path (or a key of a path-less operation's value) points at, resolved against the schema.
use scim_v2::filter::{AttrExp, CompValue, CompareOp, PatchPath, ValFilter};
use serde_json::Value;

use crate::scim::error::ScimError;
use crate::scim::filter::ValueSelector;
use crate::scim::schema::{AttrRef, Attribute, Kind, Resolved, Schema, Type, resolve, resolve_name, schema_of, shown};

/// The longest path accepted, in bytes.
const MAX_PATH_LEN: usize = 1024;

pub(super) enum Target {
    /// An extension's whole object (`urn:…:enterprise:2.0:User`).
    Extension(&'static Schema),
    /// `attr` or `attr.sub`.
    Attr(AttrRef),
    /// `attr[filter]` or `attr[filter].sub`: the values of a multi-valued attribute the filter selects.
    Selected {
        attr: AttrRef,
        selector: ValueSelector,
        sub: Option<&'static Attribute>,
        /// The `sub eq "…"` terms of a filter made only of them: what a value created by `add` must hold.
        template: Option<Vec<(&'static str, Value)>>,
    },
    /// An RFC 7643 attribute Gatehouse does not keep: the operation changes nothing.
    Ignored,
}

/// `text` (a PATCH path) resolved for `kind`; `invalidPath` when it names nothing we know.
pub(super) fn parse(kind: Kind, text: &str) -> Result<Target, ScimError> {
    let text = text.trim();
    if text.len() > MAX_PATH_LEN {
        return Err(ScimError::invalid_path(format!(
            "a path may be at most {MAX_PATH_LEN} bytes long"
        )));
    }
    if let Some(schema) = schema_of(kind, text) {
        if std::ptr::eq(schema, kind.core()) {
            return Err(ScimError::invalid_path(format!(
                "'{text}' names the whole resource; use PUT"
            )));
        }
        return Ok(Target::Extension(schema));
    }
    let unknown = || ScimError::invalid_path(format!("'{}' is not an attribute of a {}", shown(text), kind.name()));
    // Without a value filter a path is `[urn:]attr[.sub]`, which the schema resolves directly; the grammar (whose
    // parser builds its lexer on every call) is only needed for brackets.
    if !text.contains('[') {
        return match resolve_name(kind, text) {
            Some(Resolved::Extension(schema)) => Ok(Target::Extension(schema)),
            Some(Resolved::Attr(attr)) if !attr.stored() => Ok(Target::Ignored),
            Some(Resolved::Attr(attr)) => Ok(Target::Attr(attr)),
            None => Err(unknown()),
        };
    }
    let path: PatchPath = text.parse().map_err(|_| unknown())?;
    match path {
        PatchPath::Attr(_) => Err(unknown()),
        PatchPath::Value(vp) => {
            if vp.attr.sub_attr.is_some() {
                return Err(unknown());
            }
            let Some(Resolved::Attr(attr)) = resolve(kind, vp.attr.uri.as_deref(), &vp.attr.name, None) else {
                return Err(unknown());
            };
            if !attr.stored() {
                return Ok(Target::Ignored);
            }
            if attr.attr.ty != Type::Complex || !attr.attr.multi_valued {
                return Err(ScimError::invalid_path(format!(
                    "'{}' has no values to select with [ ]",
                    attr.display()
                )));
            }
            let sub = match &vp.sub_attr {
                None => None,
                Some(name) => match attr.attr.sub(name) {
                    Some(sub) if !sub.stored => return Ok(Target::Ignored),
                    Some(sub) => Some(sub),
                    None => return Err(unknown()),
                },
            };
            let selector = ValueSelector::new(&vp.filter, attr).map_err(|e| ScimError::invalid_path(e.detail))?;
            let mut template = Some(Vec::new());
            equality_terms(&vp.filter, attr.attr, &mut template);
            Ok(Target::Selected {
                attr,
                selector,
                sub,
                template,
            })
        }
    }
}

/// Collects `sub eq "…"` terms joined by `and`; any other shape leaves `None`.
fn equality_terms(filter: &ValFilter, parent: &'static Attribute, out: &mut Option<Vec<(&'static str, Value)>>) {
    match filter {
        ValFilter::And(l, r) => {
            equality_terms(l, parent, out);
            equality_terms(r, parent, out);
        }
        ValFilter::Attr(AttrExp::Comparison(path, CompareOp::Eq, value)) if path.sub_attr.is_none() => {
            let sub = parent.sub(&path.name);
            let value = match value {
                CompValue::Str(s) => Some(Value::String(s.clone())),
                CompValue::True => Some(Value::Bool(true)),
                CompValue::False => Some(Value::Bool(false)),
                _ => None,
            };
            match (out.as_mut(), sub, value) {
                (Some(terms), Some(sub), Some(value)) => terms.push((sub.name, value)),
                _ => *out = None,
            }
        }
        _ => *out = None,
    }
}
