//! Stricter `Form` and `Query` extractors: valid UTF-8 after percent-decoding (no lossy replacement),
//! no NUL characters, and no parameter given twice; forms also only as `application/x-www-form-urlencoded`
//! within the configured body limit; `Params` for endpoints that take both. Anything else is a 4xx before a
//! handler runs.
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

use super::error::WebError;

pub struct Form<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = WebError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(WebError::UnsupportedMediaType);
            }
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                    WebError::PayloadTooLarge
                } else {
                    WebError::BadRequest("The request body could not be read.".into())
                }
            })?;
            let text = check(&body).map_err(|m| WebError::BadRequest(m.into()))?;
            serde_urlencoded::from_str(text)
                .map(Form)
                .map_err(|e| WebError::BadRequest(format!("The form is malformed: {e}.")))
        })
    }
}

pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = WebError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = check(req.query_string().as_bytes())
            .map_err(|m| WebError::BadRequest(m.replace("form", "address")))
            .and_then(|text| {
                serde_urlencoded::from_str(text)
                    .map(Query)
                    .map_err(|e| WebError::BadRequest(format!("The address is malformed: {e}.")))
            });
        std::future::ready(parsed)
    }
}

/// The parameters of an endpoint that takes GET and POST alike (OIDC `/authorize`, `/end_session`): from the
/// address on GET, from the form body otherwise, with the same checks as `Query` and `Form`.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Params<T> {
    type Error = WebError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.method() == actix_web::http::Method::GET {
            let parsed = Query::<T>::from_request(req, payload)
                .into_inner()
                .map(|Query(p)| Params(p));
            return Box::pin(std::future::ready(parsed));
        }
        let form = Form::<T>::from_request(req, payload);
        Box::pin(async move { form.await.map(|Form(p)| Params(p)) })
    }
}

/// A urlencoded form read from `payload` up to `limit` bytes, with `Form`'s checks (content type, UTF-8, no NUL,
/// no repeated field): for the few forms that carry a file's text (SAML metadata, token seed files), larger than
/// the server's body limit, read by the handler only after it has checked who is asking. 413 past `limit`.
pub async fn read<T: DeserializeOwned>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<T, WebError> {
    use futures_util::StreamExt;
    let content_type_ok = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !content_type_ok {
        return Err(WebError::UnsupportedMediaType);
    }
    let announced = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(WebError::PayloadTooLarge);
    }
    let mut body = web::BytesMut::with_capacity(announced.unwrap_or(0).min(limit as u64) as usize);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| WebError::BadRequest("The request body could not be read.".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(WebError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let text = check(&body).map_err(|m| WebError::BadRequest(m.into()))?;
    serde_urlencoded::from_str(text).map_err(|e| WebError::BadRequest(format!("The form is malformed: {e}.")))
}

/// Validates a raw urlencoded string and returns it as text.
fn check(body: &[u8]) -> Result<&str, &'static str> {
    let text = std::str::from_utf8(body).map_err(|_| "The form is not valid UTF-8.")?;
    let mut seen = HashSet::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?;
        let value = decode(value)?;
        if key.contains('\0') || value.contains('\0') {
            return Err("The form contains a NUL character.");
        }
        if !seen.insert(key) {
            return Err("The form repeats a field.");
        }
    }
    Ok(text)
}

fn decode(part: &str) -> Result<String, &'static str> {
    let spaced = part.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| "The form is not valid UTF-8.")
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn strictness() {
        assert!(check(b"a=1&b=hello+world&c=%C3%A9").is_ok());
        assert!(check(b"a=1&a=2").is_err());
        assert!(check(b"a=%FF").is_err());
        assert!(check(b"a=\xff").is_err());
        assert!(check(b"a=%00").is_err());
        assert!(check(b"").is_ok());
    }
}
