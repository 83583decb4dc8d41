//! Request bodies read by the handler rather than by `web::Json`: with a limit of the route's own (SAML metadata
//! and token seed files are larger than the API's `MAX_JSON_BYTES`), after the `Caller` extractor has
//! authenticated the request (so an anonymous request never gets a body read), and only a JSON object (serde
//! would read a struct of optional members from `[]` as "change nothing"). The answers are `web::Json`'s: 415
//! for another content type, 413 past the limit (from `Content-Length` before reading, or while reading), 400
//! naming an unknown member.
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::{Problem, too_large, unusable_json};

/// `application/json`, or a `+json` type, as `web::Json` accepts.
fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The body as `T`, read up to `limit` bytes.
pub async fn json<T: DeserializeOwned>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<T, Problem> {
    if !is_json(req) {
        return Err(Problem::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as application/json.",
        ));
    }
    let too_big = || too_large(format!("The request body is larger than {} KiB.", limit / 1024));
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    let mut body = web::BytesMut::with_capacity(announced.unwrap_or(0).min(limit as u64) as usize);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Problem::bad_request(format!("The request body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Problem::bad_request("The body must be a JSON object."));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        unusable_json(&path, e.inner())
    })?;
    deserializer.end().map_err(|e| unusable_json(".", &e))?;
    Ok(value)
}

/// For a PATCH member where `null` means something (clear the setting): absent → `None` (with
/// `#[serde(default)]`), `null` → `Some(None)`, a value → `Some(Some(value))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A member given as `null` where `null` means nothing: 400 naming it (leave it out to keep the value).
pub fn not_null<'a, T>(field: &str, value: &'a Option<Option<T>>) -> Result<Option<&'a T>, Problem> {
    match value {
        None => Ok(None),
        Some(None) => Err(Problem::field(
            field,
            "cannot be null: leave it out to keep the current value",
        )),
        Some(Some(value)) => Ok(Some(value)),
    }
}
