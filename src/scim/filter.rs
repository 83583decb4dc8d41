//! SCIM filters (RFC 7644 §3.4.2.2): parsed by the `scim_v2` crate's grammar (which also bounds nesting), then
//! resolved against our schema and evaluated on rendered resources.
//!
//! Semantics chosen where the RFC leaves room:
//! - string comparisons fold case unless the attribute is `caseExact`; `meta.created`/`meta.lastModified`
//!   compare as instants;
//! - a multi-valued attribute matches when any of its values does (`emails.value co "@x"`), and `ne` is the
//!   negation of `eq` (no value equal); comparing a complex attribute itself compares its `value` sub-attribute
//!   (`manager eq "<id>"`, which Entra ID asks before it updates a manager);
//! - `eq null` means unassigned, `ne null` assigned;
//! - filtering on an attribute we do not know, do not keep, or never return (`password`) is `invalidFilter`, as
//!   are ordering operators on booleans and comparisons whose value has the wrong type;
//! - Entra ID's `emails[type eq "work"].value eq "x"` (a sub-attribute after the brackets, outside the RFC's
//!   grammar) is read as `emails[type eq "work" and value eq "x"]`.
use chrono::{DateTime, FixedOffset};
use scim_v2::filter::{AttrExp, AttrPath, CompValue, CompareOp, FilterActionError, ParseError, ValFilter};
use serde_json::Value;

pub use scim_v2::filter::Filter;

use super::error::ScimError;
use super::schema::{AttrRef, Attribute, Kind, Place, Resolved, Returned, Type, resolve, shown};

/// The longest filter accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 4096;

/// `text` parsed; `invalidFilter` naming what is wrong when it does not parse or is too long or too deep.
pub fn parse(text: &str) -> Result<Filter, ScimError> {
    if text.len() > MAX_FILTER_LEN {
        return Err(ScimError::invalid_filter(format!(
            "a filter may be at most {MAX_FILTER_LEN} bytes long"
        )));
    }
    match text.parse::<Filter>() {
        Ok(filter) => Ok(filter),
        Err(error) => {
            if let Some(rewritten) = entra_value_path(text)
                && let Ok(filter) = rewritten.parse::<Filter>()
            {
                return Ok(filter);
            }
            Err(ScimError::invalid_filter(describe(&error)))
        }
    }
}

/// `text` parsed and checked against `kind`'s attributes (see [`check`]).
pub fn parse_for(kind: Kind, text: &str) -> Result<Filter, ScimError> {
    let filter = parse(text)?;
    check(&filter, kind)?;
    Ok(filter)
}

/// `Ok` when every attribute in `filter` is one of `kind`'s that may be filtered on and every value fits it.
pub fn check(filter: &Filter, kind: Kind) -> Result<(), ScimError> {
    Matcher::new(filter, kind).map(drop)
}

/// Whether `resource` (a rendered `kind` resource) matches `filter`; `invalidFilter` as in [`check`].
pub fn matches(filter: &Filter, resource: &Value, kind: Kind) -> Result<bool, ScimError> {
    Ok(Matcher::new(filter, kind)?.matches(resource))
}

/// When the whole filter is one `eq` on `id`, `userName`, `externalId`, `displayName` or an e-mail address
/// (`emails eq`, `emails.value eq`, `emails[… value eq …]`), that attribute and the value: the caller can
/// look the candidates up by index instead of scanning, then pass them through [`Matcher`] (or
/// `query::list_response`) for the exact semantics — `userName` and `displayName` compare case-insensitively.
pub fn equality_lookup(filter: &Filter, kind: Kind) -> Option<(&'static str, String)> {
    let (path, value) = match filter {
        Filter::Attr(AttrExp::Comparison(path, CompareOp::Eq, CompValue::Str(value))) => (path, value),
        Filter::ValuePath(vp) => {
            let Resolved::Attr(attr) = resolve(kind, vp.attr.uri.as_deref(), &vp.attr.name, None)? else {
                return None;
            };
            if attr.attr.name != "emails" || vp.attr.sub_attr.is_some() {
                return None;
            }
            return email_in(&vp.filter).map(|v| ("emails", v));
        }
        _ => return None,
    };
    let Resolved::Attr(attr) = resolve(kind, path.uri.as_deref(), &path.name, path.sub_attr.as_deref())? else {
        return None;
    };
    if attr.place != Place::Top {
        return None;
    }
    let name = match (attr.attr.name, attr.sub.map(|s| s.name)) {
        ("id", None) => "id",
        ("userName", None) if kind == Kind::User => "userName",
        ("externalId", None) => "externalId",
        ("displayName", None) => "displayName",
        ("emails", None | Some("value")) => "emails",
        _ => return None,
    };
    Some((name, value.clone()))
}

/// The address in `value eq "…"` when it is a term every match must satisfy.
fn email_in(filter: &ValFilter) -> Option<String> {
    match filter {
        ValFilter::Attr(AttrExp::Comparison(path, CompareOp::Eq, CompValue::Str(value)))
            if path.uri.is_none() && path.sub_attr.is_none() && path.name.eq_ignore_ascii_case("value") =>
        {
            Some(value.clone())
        }
        ValFilter::And(lhs, rhs) => email_in(lhs).or_else(|| email_in(rhs)),
        _ => None,
    }
}

/// A filter resolved against a kind's schema, ready to test many resources.
#[derive(Debug)]
pub struct Matcher {
    root: Node,
}

#[derive(Debug)]
enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Test(Target, Test),
    /// `attr[…]`: some value of `attr` satisfies the inner node, whose targets are sub-attributes.
    Within(AttrRef, Box<Node>),
}

#[derive(Debug)]
enum Target {
    /// An attribute (or `attr.sub`) of the resource.
    Resource(AttrRef),
    /// A sub-attribute of one value, inside `attr[…]`.
    Element(&'static Attribute),
}

#[derive(Debug)]
enum Test {
    Present,
    Absent,
    Compare(CompareOp, Operand),
}

#[derive(Debug)]
enum Operand {
    /// Already case-folded when the attribute is not `caseExact`.
    Text(String, bool),
    Bool(bool),
    Instant(DateTime<FixedOffset>),
}

impl Matcher {
    pub fn new(filter: &Filter, kind: Kind) -> Result<Self, ScimError> {
        Ok(Matcher {
            root: compile(filter, kind)?,
        })
    }

    pub fn matches(&self, resource: &Value) -> bool {
        eval(&self.root, resource)
    }
}

/// The inside of a value path (`type eq "work"` in `emails[type eq "work"].value`) compiled for the values of
/// `parent`: PATCH uses it to pick the values an operation targets.
#[derive(Debug)]
pub(crate) struct ValueSelector {
    node: Node,
}

impl ValueSelector {
    pub(crate) fn new(filter: &ValFilter, parent: AttrRef) -> Result<Self, ScimError> {
        Ok(ValueSelector {
            node: compile_inner(filter, parent)?,
        })
    }

    pub(crate) fn matches(&self, value: &Value) -> bool {
        eval(&self.node, value)
    }
}

fn compile(filter: &Filter, kind: Kind) -> Result<Node, ScimError> {
    Ok(match filter {
        Filter::And(l, r) => Node::And(Box::new(compile(l, kind)?), Box::new(compile(r, kind)?)),
        Filter::Or(l, r) => Node::Or(Box::new(compile(l, kind)?), Box::new(compile(r, kind)?)),
        Filter::Not(inner) => Node::Not(Box::new(compile(inner, kind)?)),
        Filter::Attr(exp) => {
            let (path, test) = split(exp);
            let attr = filterable(kind, path)?;
            let (target, leaf) = comparable(attr, &test)?;
            Node::Test(target, compile_test(leaf, &attr.display(), test)?)
        }
        Filter::ValuePath(vp) => {
            let attr = filterable(kind, &vp.attr)?;
            if attr.sub.is_some() || attr.attr.ty != Type::Complex {
                return Err(ScimError::invalid_filter(format!(
                    "'{}[…]' needs a complex attribute such as emails",
                    vp.attr
                )));
            }
            Node::Within(attr, Box::new(compile_inner(&vp.filter, attr)?))
        }
    })
}

fn compile_inner(filter: &ValFilter, parent: AttrRef) -> Result<Node, ScimError> {
    Ok(match filter {
        ValFilter::And(l, r) => Node::And(Box::new(compile_inner(l, parent)?), Box::new(compile_inner(r, parent)?)),
        ValFilter::Or(l, r) => Node::Or(Box::new(compile_inner(l, parent)?), Box::new(compile_inner(r, parent)?)),
        ValFilter::Not(inner) => Node::Not(Box::new(compile_inner(inner, parent)?)),
        ValFilter::Attr(exp) => {
            let (path, test) = split(exp);
            let sub = (path.uri.is_none() && path.sub_attr.is_none())
                .then(|| parent.attr.sub(&path.name))
                .flatten()
                .filter(|s| s.stored && s.returned != Returned::Never)
                .ok_or_else(|| {
                    ScimError::invalid_filter(format!("'{}' is not a sub-attribute of {}", path, parent.display()))
                })?;
            Node::Test(
                Target::Element(sub),
                compile_test(sub, &format!("{}.{}", parent.display(), sub.name), test)?,
            )
        }
    })
}

/// The path of an expression and what it asks.
fn split(exp: &AttrExp) -> (&AttrPath, Option<(&CompareOp, &CompValue)>) {
    match exp {
        AttrExp::Present(path) => (path, None),
        AttrExp::Comparison(path, op, value) => (path, Some((op, value))),
    }
}

/// The attribute a filter path names, if it may be filtered on.
fn filterable(kind: Kind, path: &AttrPath) -> Result<AttrRef, ScimError> {
    let resolved = resolve(kind, path.uri.as_deref(), &path.name, path.sub_attr.as_deref());
    let Some(Resolved::Attr(attr)) = resolved else {
        return Err(ScimError::invalid_filter(format!(
            "unknown attribute '{}'",
            shown(&path.to_string())
        )));
    };
    if !attr.stored() {
        return Err(ScimError::invalid_filter(format!(
            "'{path}' is not kept by Gatehouse and cannot be filtered on"
        )));
    }
    if attr.attr.returned == Returned::Never || attr.leaf().returned == Returned::Never {
        return Err(ScimError::invalid_filter(format!(
            "'{}' cannot be used in a filter",
            attr.display()
        )));
    }
    Ok(attr)
}

/// What a test compares: a complex attribute compared as a whole compares its `value` sub-attribute.
fn comparable(
    attr: AttrRef,
    test: &Option<(&CompareOp, &CompValue)>,
) -> Result<(Target, &'static Attribute), ScimError> {
    if attr.sub.is_none() && attr.attr.ty == Type::Complex && test.is_some() {
        let Some(value) = attr.attr.sub("value") else {
            return Err(ScimError::invalid_filter(format!(
                "compare a sub-attribute of {}, e.g. {}.{}",
                attr.display(),
                attr.display(),
                attr.attr.sub_attributes.first().map_or("value", |s| s.name)
            )));
        };
        let attr = AttrRef {
            sub: Some(value),
            ..attr
        };
        return Ok((Target::Resource(attr), value));
    }
    Ok((Target::Resource(attr), attr.leaf()))
}

fn compile_test(
    leaf: &'static Attribute,
    name: &str,
    test: Option<(&CompareOp, &CompValue)>,
) -> Result<Test, ScimError> {
    let Some((op, value)) = test else {
        return Ok(Test::Present);
    };
    let refuse = |why: &str| Err(ScimError::invalid_filter(format!("{name} {op} {value}: {why}")));
    let ordering = matches!(op, CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le);
    let substring = matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew);
    if let CompValue::Null = value {
        return match op {
            CompareOp::Eq => Ok(Test::Absent),
            CompareOp::Ne => Ok(Test::Present),
            _ => refuse("null can only be compared with eq or ne"),
        };
    }
    let operand = match leaf.ty {
        Type::String | Type::Reference => match value {
            CompValue::Str(text) if leaf.case_exact => Operand::Text(text.clone(), true),
            CompValue::Str(text) => Operand::Text(text.to_lowercase(), false),
            _ => return refuse("the attribute is a string; quote the value"),
        },
        Type::Boolean => {
            let b = match value {
                CompValue::True => true,
                CompValue::False => false,
                CompValue::Str(text) => match super::schema::coerce_bool(text) {
                    Some(b) => b,
                    None => return refuse("the attribute is true or false"),
                },
                _ => return refuse("the attribute is true or false"),
            };
            if ordering || substring {
                return refuse("a boolean can only be compared with eq or ne");
            }
            Operand::Bool(b)
        }
        Type::DateTime => {
            let CompValue::Str(text) = value else {
                return refuse("the attribute is a date and time; quote an RFC 3339 value");
            };
            let Ok(instant) = DateTime::parse_from_rfc3339(text) else {
                return refuse("not an RFC 3339 date and time");
            };
            if substring {
                return refuse("a date and time cannot be compared with co, sw or ew");
            }
            Operand::Instant(instant)
        }
        Type::Complex => return refuse("compare one of its sub-attributes"),
    };
    Ok(Test::Compare(op.clone(), operand))
}

fn eval(node: &Node, context: &Value) -> bool {
    match node {
        Node::And(l, r) => eval(l, context) && eval(r, context),
        Node::Or(l, r) => eval(l, context) || eval(r, context),
        Node::Not(inner) => !eval(inner, context),
        Node::Within(attr, inner) => match attr.value(context) {
            Some(Value::Array(items)) => items.iter().any(|item| eval(inner, item)),
            Some(single @ Value::Object(_)) => eval(inner, single),
            _ => false,
        },
        Node::Test(target, test) => {
            let values = values_of(target, context);
            match test {
                Test::Present => values.iter().any(|v| present(v)),
                Test::Absent => !values.iter().any(|v| present(v)),
                Test::Compare(CompareOp::Ne, operand) => !values.iter().any(|v| compare(v, &CompareOp::Eq, operand)),
                Test::Compare(op, operand) => values.iter().any(|v| compare(v, op, operand)),
            }
        }
    }
}

/// The values a target stands for in `context`: one for a single-valued attribute, each element's for a
/// multi-valued one.
fn values_of<'a>(target: &Target, context: &'a Value) -> Vec<&'a Value> {
    match target {
        Target::Element(sub) => context.get(sub.name).into_iter().collect(),
        Target::Resource(attr) => {
            let Some(value) = attr.value(context) else {
                return Vec::new();
            };
            match (value, attr.sub) {
                (Value::Array(items), Some(sub)) => items.iter().filter_map(|item| item.get(sub.name)).collect(),
                (Value::Array(items), None) => items.iter().collect(),
                (value, Some(sub)) => value.get(sub.name).into_iter().collect(),
                (value, None) => vec![value],
            }
        }
    }
}

/// RFC 7644 §3.4.2.2 `pr`: a non-empty value.
fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(present),
        Value::Object(o) => o.values().any(present),
        _ => true,
    }
}

fn compare(value: &Value, op: &CompareOp, operand: &Operand) -> bool {
    match operand {
        Operand::Text(wanted, case_exact) => {
            let Some(text) = value.as_str() else {
                return false;
            };
            let folded;
            let text = if *case_exact {
                text
            } else {
                folded = text.to_lowercase();
                &folded
            };
            let wanted = wanted.as_str();
            match op {
                CompareOp::Eq => text == wanted,
                CompareOp::Ne => text != wanted,
                CompareOp::Co => text.contains(wanted),
                CompareOp::Sw => text.starts_with(wanted),
                CompareOp::Ew => text.ends_with(wanted),
                CompareOp::Gt => text > wanted,
                CompareOp::Ge => text >= wanted,
                CompareOp::Lt => text < wanted,
                CompareOp::Le => text <= wanted,
            }
        }
        Operand::Bool(wanted) => {
            let actual = match value {
                Value::Bool(b) => *b,
                Value::String(s) => match super::schema::coerce_bool(s) {
                    Some(b) => b,
                    None => return false,
                },
                _ => return false,
            };
            match op {
                CompareOp::Eq => actual == *wanted,
                CompareOp::Ne => actual != *wanted,
                _ => false,
            }
        }
        Operand::Instant(wanted) => {
            let Some(actual) = value.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
                return false;
            };
            match op {
                CompareOp::Eq => actual == *wanted,
                CompareOp::Ne => actual != *wanted,
                CompareOp::Gt => actual > *wanted,
                CompareOp::Ge => actual >= *wanted,
                CompareOp::Lt => actual < *wanted,
                CompareOp::Le => actual <= *wanted,
                CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
            }
        }
    }
}

/// A parse error in words a connector's log can show.
fn describe(error: &ParseError) -> String {
    match error {
        ParseError::InvalidToken { location } => format!("the filter cannot be read at byte {location}"),
        ParseError::UnrecognizedEof { .. } => "the filter ends too early".to_string(),
        ParseError::UnrecognizedToken {
            token: (at, token, _), ..
        } => {
            format!("unexpected '{}' at byte {at} of the filter", shown(token))
        }
        ParseError::ExtraToken { token: (at, token, _) } => {
            format!("unexpected '{}' at byte {at} of the filter", shown(token))
        }
        ParseError::User { error } => match error {
            FilterActionError::DepthExceeded(_) => {
                format!(
                    "the filter is nested more than {} levels deep",
                    scim_v2::filter::MAX_FILTER_DEPTH
                )
            }
            FilterActionError::InvalidAttrPath(path) => {
                format!("attribute path '{}' has more than one sub-attribute", shown(path))
            }
            FilterActionError::InvalidCompValue(_) => "a comparison value is not valid JSON".to_string(),
        },
    }
}

/// Entra ID's `attr[filter].sub op value` (outside the RFC grammar, sent for `emails[type eq "work"].value eq
/// "…"` matching — "Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", /Users) rewritten as
/// `attr[(filter) and sub op value]`. `None` when the text has no such form. Quoted strings are skipped, so a
/// bracket inside a value is never taken for one.
fn entra_value_path(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    let mut rewrote = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'[' => {
                let open = i;
                let close = find_close(bytes, open + 1)?;
                // `].name` followed by an operator and (unless `pr`) a value.
                let sub_start = close + 2;
                if bytes.get(close + 1) != Some(&b'.') {
                    i = close + 1;
                    continue;
                }
                let sub_end = sub_start
                    + bytes[sub_start..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
                        .count();
                if sub_end == sub_start {
                    return None;
                }
                let op_start = sub_end + bytes[sub_end..].iter().take_while(|b| b.is_ascii_whitespace()).count();
                let op_end = op_start + bytes[op_start..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
                if op_start == sub_end || op_end == op_start {
                    return None;
                }
                let end = if text[op_start..op_end].eq_ignore_ascii_case("pr") {
                    op_end
                } else {
                    let value_start = op_end + bytes[op_end..].iter().take_while(|b| b.is_ascii_whitespace()).count();
                    if value_start == op_end || value_start >= bytes.len() {
                        return None;
                    }
                    if bytes[value_start] == b'"' {
                        skip_string(bytes, value_start)
                    } else {
                        value_start
                            + bytes[value_start..]
                                .iter()
                                .take_while(|b| !b.is_ascii_whitespace() && **b != b')')
                                .count()
                    }
                };
                out.push_str(&text[copied..open]);
                out.push_str("[(");
                out.push_str(&text[open + 1..close]);
                out.push_str(") and ");
                out.push_str(&text[sub_start..end]);
                out.push(']');
                copied = end;
                i = end;
                rewrote = true;
            }
            _ => i += 1,
        }
    }
    if !rewrote {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The index just past the string literal starting at `start` (a `"`), or the end of the text.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index of the `]` closing a value path whose contents start at `from`.
fn find_close(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b']' => return Some(i),
            b'[' => return None,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
