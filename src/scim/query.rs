//! Listing resources (RFC 7644 §3.4.2, §3.4.3, §3.9): the parameters of `GET /Users?…` and of a `POST /.search`
//! body, and the ListResponse built from them — filtered, sorted, paged and projected.
//!
//! Choices: parameter names are case-insensitive and may appear once; `startIndex` below 1 is 1; `count` below 0
//! is 0 (only `totalResults` is answered) and above [`MAX_RESULTS`] is `MAX_RESULTS`, the default; without
//! `sortBy` the caller's order is kept (Okta needs a stable one across pages); a sort puts resources without a
//! value last in either order and folds case unless the attribute is `caseExact`.
mod project;

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

pub use self::project::project;
use super::LIST_SCHEMA;
use super::error::ScimError;
use super::filter::{self, Filter, Matcher};
use super::schema::{AttrRef, Kind, MAX_RESULTS, Resolved, Returned, Type, resolve_name, shown};

pub const SEARCH_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// The longest `attributes`/`excludedAttributes` list accepted, in names.
const MAX_ATTRIBUTE_NAMES: usize = 100;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// What a list request asks for. `filter` has been checked against the kind's attributes.
#[derive(Debug)]
pub struct ListParams {
    pub filter: Option<Filter>,
    pub sort_by: Option<AttrRef>,
    pub sort_order: SortOrder,
    /// 1-based.
    pub start_index: u64,
    pub count: u64,
    pub attributes: Vec<String>,
    pub excluded_attributes: Vec<String>,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            filter: None,
            sort_by: None,
            sort_order: SortOrder::Ascending,
            start_index: 1,
            count: MAX_RESULTS,
            attributes: Vec::new(),
            excluded_attributes: Vec::new(),
        }
    }
}

/// One parameter's value as it came: query strings carry text, a search body JSON.
enum Raw<'a> {
    Text(&'a str),
    Json(&'a Value),
}

impl ListParams {
    /// From a query string (without the `?`). Also gives `attributes`/`excludedAttributes` for a single
    /// resource's GET. Errors: a malformed filter → `invalidFilter`; anything else malformed → `invalidValue`.
    pub fn from_query(kind: Kind, query: &str) -> Result<Self, ScimError> {
        let mut params = ListParams::default();
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let lower = name.to_ascii_lowercase();
            if seen.contains(&lower) {
                return Err(ScimError::invalid_value(format!("parameter {name} appears twice")));
            }
            seen.push(lower);
            params.set(kind, &name, Raw::Text(&value))?;
        }
        Ok(params)
    }

    /// From a `POST /.search` body (RFC 7644 §3.4.3): a SearchRequest message.
    pub fn from_search(kind: Kind, body: &Value) -> Result<Self, ScimError> {
        let Some(body) = body.as_object() else {
            return Err(ScimError::invalid_syntax("a search request must be a JSON object"));
        };
        let mut params = ListParams::default();
        let mut is_search = false;
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in body {
            let lower = name.to_ascii_lowercase();
            if seen.contains(&lower) {
                return Err(ScimError::invalid_syntax(format!("{name} appears twice")));
            }
            seen.push(lower);
            if name.eq_ignore_ascii_case("schemas") {
                is_search = value.as_array().is_some_and(|s| {
                    s.iter().any(|u| {
                        u.as_str()
                            .is_some_and(|u| u.eq_ignore_ascii_case(SEARCH_REQUEST_SCHEMA))
                    })
                });
                continue;
            }
            params.set(kind, name, Raw::Json(value))?;
        }
        if !is_search {
            return Err(ScimError::invalid_syntax(format!(
                "schemas must include {SEARCH_REQUEST_SCHEMA}"
            )));
        }
        Ok(params)
    }

    fn set(&mut self, kind: Kind, name: &str, raw: Raw) -> Result<(), ScimError> {
        let text = |raw: &Raw| -> Result<Option<String>, ScimError> {
            match raw {
                Raw::Text(t) => Ok(Some(t.to_string())),
                Raw::Json(Value::String(t)) => Ok(Some(t.clone())),
                Raw::Json(Value::Null) => Ok(None),
                Raw::Json(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
            }
        };
        match name.to_ascii_lowercase().as_str() {
            "filter" => {
                if let Some(t) = text(&raw)?.filter(|t| !t.trim().is_empty()) {
                    self.filter = Some(filter::parse_for(kind, &t)?);
                }
            }
            "sortby" => {
                if let Some(t) = text(&raw)?.filter(|t| !t.trim().is_empty()) {
                    self.sort_by = Some(sortable(kind, &t)?);
                }
            }
            "sortorder" => match text(&raw)? {
                Some(t) if t.eq_ignore_ascii_case("ascending") => self.sort_order = SortOrder::Ascending,
                Some(t) if t.eq_ignore_ascii_case("descending") => self.sort_order = SortOrder::Descending,
                Some(t) if t.is_empty() => {}
                None => {}
                Some(_) => return Err(ScimError::invalid_value("sortOrder must be ascending or descending")),
            },
            "startindex" => {
                if let Some(n) = integer(name, &raw)? {
                    self.start_index = n.max(1) as u64;
                }
            }
            "count" => {
                if let Some(n) = integer(name, &raw)? {
                    self.count = (n.max(0) as u64).min(MAX_RESULTS);
                }
            }
            "attributes" => self.attributes = names(kind, name, &raw)?,
            "excludedattributes" => self.excluded_attributes = names(kind, name, &raw)?,
            // Unknown parameters (a client's cache-buster, say) are not ours to refuse.
            _ => {}
        }
        Ok(())
    }
}

/// An integer parameter; beyond i64 it saturates. `None` when empty.
fn integer(name: &str, raw: &Raw) -> Result<Option<i64>, ScimError> {
    let bad = || ScimError::invalid_value(format!("{name} must be an integer"));
    let text = match raw {
        Raw::Json(Value::Null) => return Ok(None),
        Raw::Json(Value::Number(n)) => {
            if let Some(n) = n.as_i64() {
                return Ok(Some(n));
            }
            if n.as_u64().is_some() {
                return Ok(Some(i64::MAX));
            }
            return Err(bad());
        }
        Raw::Json(Value::String(t)) => t.as_str(),
        Raw::Text(t) => t,
        Raw::Json(_) => return Err(bad()),
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(Some(text.parse::<i64>().unwrap_or(if text.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    })))
}

/// An `attributes`/`excludedAttributes` list: comma-separated text or a JSON array of names, each known.
fn names(kind: Kind, param: &str, raw: &Raw) -> Result<Vec<String>, ScimError> {
    let list: Vec<String> = match raw {
        Raw::Text(t) => t.split(',').map(str::to_string).collect(),
        Raw::Json(Value::String(t)) => t.split(',').map(str::to_string).collect(),
        Raw::Json(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| ScimError::invalid_value(format!("{param} must list attribute names")))?,
        Raw::Json(Value::Null) => Vec::new(),
        Raw::Json(_) => return Err(ScimError::invalid_value(format!("{param} must list attribute names"))),
    };
    let list: Vec<String> = list
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if list.len() > MAX_ATTRIBUTE_NAMES {
        return Err(ScimError::invalid_value(format!(
            "{param} may name at most {MAX_ATTRIBUTE_NAMES} attributes"
        )));
    }
    for name in &list {
        if resolve_name(kind, name).is_none() {
            return Err(ScimError::invalid_value(format!(
                "{param}: unknown attribute '{}'",
                shown(name)
            )));
        }
    }
    Ok(list)
}

/// `sortBy`: an attribute we keep and return.
fn sortable(kind: Kind, text: &str) -> Result<AttrRef, ScimError> {
    match resolve_name(kind, text) {
        Some(Resolved::Attr(attr)) if attr.stored() && attr.leaf().returned != Returned::Never => Ok(attr),
        _ => Err(ScimError::invalid_value(format!("cannot sort by '{}'", shown(text)))),
    }
}

/// The ListResponse for `resources` (rendered `kind` resources): those matching the filter, sorted, the page
/// asked for, each projected.
pub fn list_response(kind: Kind, resources: Vec<Value>, params: &ListParams) -> Result<Value, ScimError> {
    let resources = match &params.filter {
        Some(filter) => {
            let matcher = Matcher::new(filter, kind)?;
            resources.into_iter().filter(|r| matcher.matches(r)).collect()
        }
        None => resources,
    };
    Ok(page(kind, resources, params))
}

/// Like [`list_response`] for resources the caller has already filtered.
pub fn page(kind: Kind, mut resources: Vec<Value>, params: &ListParams) -> Value {
    if let Some(attr) = params.sort_by {
        sort(&mut resources, attr, params.sort_order);
    }
    let total = resources.len();
    let skip = usize::try_from(params.start_index.saturating_sub(1)).unwrap_or(usize::MAX);
    let take = usize::try_from(params.count).unwrap_or(usize::MAX);
    let shown: Vec<Value> = resources
        .iter()
        .skip(skip)
        .take(take)
        .map(|r| project(kind, r, &params.attributes, &params.excluded_attributes))
        .collect();
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": params.start_index,
        "itemsPerPage": shown.len(),
        "Resources": shown,
    })
}

#[derive(PartialEq, PartialOrd)]
enum Key {
    Text(String),
    Bool(bool),
    Instant(DateTime<FixedOffset>),
}

/// Stable sort by `attr`; resources without a value last, whatever the order.
fn sort(resources: &mut Vec<Value>, attr: AttrRef, order: SortOrder) {
    let mut keyed: Vec<(Option<Key>, Value)> = resources.drain(..).map(|r| (sort_key(&r, attr), r)).collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let ordering = a.partial_cmp(b).unwrap_or(Ordering::Equal);
            if order == SortOrder::Descending {
                ordering.reverse()
            } else {
                ordering
            }
        }
    });
    resources.extend(keyed.into_iter().map(|(_, r)| r));
}

/// The value a resource sorts by: for a multi-valued attribute its primary value (else the first, RFC 7644
/// §3.4.2.3); a complex attribute without a sub-attribute sorts by its `value`.
fn sort_key(resource: &Value, attr: AttrRef) -> Option<Key> {
    let value = attr.value(resource)?;
    let element = match value {
        Value::Array(items) => items
            .iter()
            .find(|i| i.get("primary") == Some(&Value::Bool(true)))
            .or_else(|| items.first())?,
        single => single,
    };
    let leaf = match attr.sub.or_else(|| {
        (attr.attr.ty == Type::Complex)
            .then(|| attr.attr.sub("value"))
            .flatten()
    }) {
        Some(sub) => sub,
        None if attr.attr.ty == Type::Complex => return None,
        None => attr.attr,
    };
    let scalar = if std::ptr::eq(leaf, attr.attr) {
        element
    } else {
        element.get(leaf.name)?
    };
    match (leaf.ty, scalar) {
        (Type::Boolean, Value::Bool(b)) => Some(Key::Bool(*b)),
        (Type::DateTime, Value::String(s)) => DateTime::parse_from_rfc3339(s).ok().map(Key::Instant),
        (_, Value::String(s)) if leaf.case_exact => Some(Key::Text(s.clone())),
        (_, Value::String(s)) => Some(Key::Text(s.to_lowercase())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
