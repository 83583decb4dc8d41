//! The console's one-time notices: after a change, the page the browser is sent back to says what happened, once.
//! The text travels in a short-lived cookie signed with an HMAC (so no other site or script can make the console
//! say something), is shown on the next console page, and is removed by that page's answer. The text is written in
//! the language of the request that made the change (the catalogue's `admin-…` messages), which is the language of
//! the page that shows it.
//!
//! Why not `http::flash`, which the end-user pages use: a flash cookie deliberately carries no words, only a key
//! of a closed list and a few numbers, so that nothing outside the page layer's own sentences can ever be shown.
//! The console's notices name what was changed — usernames, roles, entity IDs, key ids and fingerprints — and an
//! administrator acting on many accounts needs those names; carrying them would mean giving the flash cookie text
//! arguments (and weakening its rule for every page) or dropping the names from the notices. Both mechanisms sign
//! their cookie and show it once; they stay two until a notice needs nothing but numbers.
use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::core::secrets::{constant_time_eq, hmac};
use crate::http::AppState;

/// Long enough for the redirect after the change, short enough not to resurface later.
const LIFETIME_SECS: i64 = 120;
/// Longer texts are cut: a notice is a sentence.
const MAX_CHARS: usize = 300;

fn name(state: &AppState) -> &'static str {
    if state.config.is_https() {
        "__Host-gatehouse_notice"
    } else {
        "gatehouse_notice"
    }
}

fn signature(state: &AppState, text: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac(&state.keys.csrf, &[b"admin-notice", text.as_bytes()]))
}

fn cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(name(state), value)
        .path("/")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::seconds(LIFETIME_SECS))
        .finish()
}

/// Attaches `message` to the answer, for the next console page.
pub fn set(state: &AppState, response: &mut HttpResponse, message: &str) {
    let text: String = message.chars().take(MAX_CHARS).collect();
    let value = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(text.as_bytes()),
        signature(state, &text)
    );
    let _ = response.add_cookie(&cookie(state, value));
}

/// The notice the browser carries, when it is one of ours.
pub fn read(req: &HttpRequest, state: &AppState) -> Option<String> {
    let cookie = req.cookie(name(state))?;
    let (text, mac) = cookie.value().split_once('.')?;
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    constant_time_eq(signature(state, &text).as_bytes(), mac.as_bytes()).then_some(text)
}

/// Removes the notice from the browser once a page has shown it.
pub fn consume(req: &HttpRequest, state: &AppState, response: &mut HttpResponse) {
    if req.cookie(name(state)).is_some() {
        let mut removal = cookie(state, String::new());
        removal.make_removal();
        let _ = response.add_cookie(&removal);
    }
}
