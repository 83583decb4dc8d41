//! One-time notices across a redirect ("flash"): a handler that changed something redirects and leaves a short,
//! signed cookie; the next page that shows notices takes it, shows it once and clears it.
//!
//! The cookie never carries words. It carries a key from the page layer's fixed list (lower-case letters and `_`)
//! and a few small numbers ("2 trusted browsers"), expires after [`LIFETIME_SECS`] (the expiry is inside the
//! signed value, so it holds whatever the browser does with `Max-Age`), and is signed with HMAC-SHA256 under a key
//! derived for this purpose only (`Keys::flash`). A forged, altered or expired cookie is ignored and cleared, so
//! nobody can make a page say anything but its own sentences. The keys and their words are the page layer's
//! (`web::notices`); this kit names none of them.
use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::core::secrets::{constant_time_eq, hmac};
use crate::http::AppState;

/// How long a notice waits for its page: long enough for a redirect, short enough not to turn up much later.
pub const LIFETIME_SECS: i64 = 300;
/// At most this many numbers, each below `u32::MAX`, and a key of at most 32 characters.
const MAX_NUMBERS: usize = 4;
const MAX_KEY: usize = 32;

/// A notice as the cookie carries it: a key and its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub key: String,
    pub numbers: Vec<u32>,
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.is_https() {
        "__Host-gatehouse_flash"
    } else {
        "gatehouse_flash"
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn mac(secret: &[u8], payload: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac(secret, &[b"gatehouse-flash-v1", payload.as_bytes()]))
}

fn build(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(state), value)
        .path("/")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(LIFETIME_SECS))
        .finish()
}

/// The signed cookie value for `key` and `numbers`, valid until `now` (Unix seconds) + [`LIFETIME_SECS`].
fn encode(secret: &[u8], now: i64, key: &str, numbers: &[u32]) -> String {
    let numbers: Vec<String> = numbers.iter().take(MAX_NUMBERS).map(u32::to_string).collect();
    let expires = now + LIFETIME_SECS;
    let payload = format!("{key}.{}.{expires}", numbers.join("-"));
    let mac = mac(secret, &payload);
    format!("{payload}.{mac}")
}

/// Reads a cookie value back at `now`: `None` unless it is well formed, signed under `secret` and unexpired.
fn decode(secret: &[u8], now: i64, value: &str) -> Option<Flash> {
    if value.len() > 200 {
        return None;
    }
    let (payload, mac_given) = value.rsplit_once('.')?;
    if !constant_time_eq(mac(secret, payload).as_bytes(), mac_given.as_bytes()) {
        return None;
    }
    let mut parts = payload.split('.');
    let (key, numbers, expires) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !valid_key(key) {
        return None;
    }
    if expires.parse::<i64>().ok()? <= now {
        return None;
    }
    let numbers = if numbers.is_empty() {
        Vec::new()
    } else {
        numbers
            .split('-')
            .map(|n| n.parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>()?
    };
    (numbers.len() <= MAX_NUMBERS).then(|| Flash {
        key: key.to_string(),
        numbers,
    })
}

/// Leaves the notice `key` (with `numbers`) for the next page. A key outside `[a-z_]{1,32}` is a bug and is
/// dropped (logged) rather than sent.
pub fn set(response: &mut HttpResponse, state: &AppState, key: &str, numbers: &[u32]) {
    if !valid_key(key) {
        tracing::error!(key, "a flash notice key must be [a-z_]{{1,32}}");
        return;
    }
    let value = encode(&state.keys.flash, state.clock.now().timestamp(), key, numbers);
    let cookie = build(state, value);
    if let Err(e) = response.add_cookie(&cookie) {
        tracing::error!(error = %e, "could not set the flash cookie");
    }
}

/// The notice the previous response left, if this request carries a valid one.
pub fn take(req: &HttpRequest, state: &AppState) -> Option<Flash> {
    let now = state.clock.now().timestamp();
    req.cookie(cookie_name(state))
        .and_then(|c| decode(&state.keys.flash, now, c.value()))
}

/// Clears the flash cookie on `response` when the request carried one (valid or not): a notice shows once.
pub fn clear(req: &HttpRequest, state: &AppState, response: &mut HttpResponse) {
    if req.cookie(cookie_name(state)).is_none() {
        return;
    }
    let mut cookie = build(state, String::new());
    cookie.make_removal();
    if let Err(e) = response.add_cookie(&cookie) {
        tracing::error!(error = %e, "could not clear the flash cookie");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_notice_reads_back_until_it_expires() {
        let value = encode(SECRET, 1_000, "devices_revoked", &[2]);
        let read = decode(SECRET, 1_000, &value).expect("reads back");
        assert_eq!(
            (read.key.as_str(), read.numbers.as_slice()),
            ("devices_revoked", &[2][..])
        );
        assert!(decode(SECRET, 1_000 + LIFETIME_SECS, &value).is_none(), "expired");
        let bare = encode(SECRET, 1_000, "signed_out", &[]);
        assert_eq!(decode(SECRET, 1_000, &bare).unwrap().numbers, Vec::<u32>::new());
    }

    #[test]
    fn forged_and_altered_values_read_as_nothing() {
        let value = encode(SECRET, 1_000, "devices_revoked", &[2]);
        assert!(decode(b"another key, another installation", 1_000, &value).is_none());
        for altered in [
            value.replacen("devices_revoked", "signed_out", 1),
            value.replacen(".2.", ".9.", 1),
            value.replacen(&(1_000 + LIFETIME_SECS).to_string(), "99999999999", 1),
            format!("{value}x"),
            "signed_out..99999999999.".to_string(),
            "<script>..99999999999.AAAA".to_string(),
            String::new(),
            "x".repeat(500),
        ] {
            assert!(decode(SECRET, 1_000, &altered).is_none(), "{altered}");
        }
        // A signed value with a key outside the alphabet is still refused.
        let payload = format!("Bad-Key..{}", 1_000 + LIFETIME_SECS);
        let forged = format!("{payload}.{}", mac(SECRET, &payload));
        assert!(decode(SECRET, 1_000, &forged).is_none());
    }
}
