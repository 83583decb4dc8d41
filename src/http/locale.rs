//! The language (and look) of each request: chosen once here and held while the request is served, so that
//! pages, error messages and the mails a request sends all use it (see `crate::i18n`). The switcher at the foot
//! of every page remembers a choice in a cookie, and on the account of whoever is signed in; a sign-in remembers
//! the language it was made in ([`remember_sign_in`]), so that mails and texts sent to the user later speak it.
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use crate::core::model::{SessionState, User};
use crate::core::signin::login::SignedIn;
use crate::i18n::{self, Lang};

pub async fn language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let default = state
        .as_ref()
        .and_then(|s| Lang::parse(&s.config.default_language))
        .unwrap_or(Lang::En);
    let cookie = req.cookie(i18n::COOKIE);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = i18n::negotiate(cookie.as_ref().map(|c| c.value()), accept, default);
    let brand = state.map(|s| s.brand.clone()).unwrap_or_default();
    let mut res = i18n::scope(lang, super::brand::scope(brand, next.call(req))).await?;
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
    Ok(res)
}

/// `GET /language/{code}`: remembers the choice for a year and goes back to the page it was made on (the
/// `Referer`, when it is one of ours), else to the account page.
/// A signed-in user's choice is also remembered on their account (see [`remember`]).
pub async fn switch(req: HttpRequest, state: web::Data<AppState>, code: web::Path<String>) -> HttpResponse {
    let Some(lang) = Lang::parse(&code) else {
        return super::pages::error_page(actix_web::http::StatusCode::NOT_FOUND, &i18n::t("error-no-page"));
    };
    match super::session::current(&req, &state).await {
        Ok(Some((_, user))) => remember(&state, &user, lang).await,
        Ok(None) => {}
        // The cookie still carries the choice; the account learns it at the next sign-in.
        Err(_) => tracing::warn!("could not read the session to remember a language choice"),
    }
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
        .filter(|u| u.origin() == state.config.public_url.origin())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .and_then(|path| crate::core::signin::flow::safe_return_to(Some(&path)))
        .unwrap_or_else(|| "/account".to_string());
    let cookie = Cookie::build(i18n::COOKIE, lang.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(state.config.public_url.scheme() == "https")
        .http_only(true)
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, back))
        .finish()
}

/// Remembers `lang` as the language of `user`'s mails and text messages: one write, and none when it is the one
/// already remembered. A failure is logged, never a reason to fail the request that chose it.
pub async fn remember(state: &AppState, user: &User, lang: Lang) {
    if user.locale.as_deref() == Some(lang.code()) {
        return;
    }
    if let Err(e) = state.store.set_locale(&user.id, Some(lang.code())).await {
        tracing::warn!(error = %e, user = %user.id, "could not remember the user's language");
    }
}

/// After a step of sign-in: once the user has proven all that is asked of them (the session no longer waits for
/// a second factor), the language of the request they signed in with becomes theirs ([`remember`]). A password
/// alone does not change what language the account's notices speak.
pub async fn remember_sign_in(state: &AppState, signed_in: &SignedIn) {
    if signed_in.session.state != SessionState::PendingSecondFactor {
        remember(state, &signed_in.user, i18n::current()).await;
    }
}
