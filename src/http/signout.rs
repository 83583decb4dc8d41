//! The sign-out fan-out. A browser session ends in three places — `/logout`, an RP-initiated `/end_session`,
//! a SAML `LogoutRequest` — and each must end it once in the core and then tell every protocol. The protocols
//! register a `SignOutStep` with `app`; whoever ends a session calls `end` and, when it owns the browser, asks
//! `browser_hop` where to send it. No page or protocol handler calls another protocol's handlers.
use actix_web::{HttpRequest, HttpResponse};
use async_trait::async_trait;

use super::AppState;
use super::error::WebError;
use super::session;
use crate::core::audit::Origin;
use crate::core::model::{Session, User};
use crate::core::signin::sessions;

/// What one protocol does when a browser session ends.
#[async_trait(?Send)]
pub trait SignOutStep: Send + Sync {
    /// Tells this protocol's parties, server to server, that `session` ended (OIDC back-channel logout).
    async fn ended(&self, _state: &AppState, _origin: &Origin, _session: &Session) -> Result<(), WebError> {
        Ok(())
    }

    /// The first browser hop out of this protocol's parties (SAML front-channel logout), or `None` when it has
    /// none for `session`. `then` is where the browser goes after the last hop: a validated post-logout redirect,
    /// or `None` for our own signed-out page.
    async fn browser_hop(
        &self,
        _req: &HttpRequest,
        _state: &AppState,
        _session: &Session,
        _user: &User,
        _then: Option<String>,
    ) -> Result<Option<HttpResponse>, WebError> {
        Ok(None)
    }
}

/// Ends `session` server-side (its tokens die with it) and tells every protocol.
pub async fn end(req: &HttpRequest, state: &AppState, session: &Session, user: &User) -> Result<(), WebError> {
    let origin = session::origin(req).with_actor(format!("user:{}", user.id));
    sessions::end(state.store.as_ref(), state.clock.now(), &origin, session).await?;
    for step in &state.sign_out {
        step.ended(state, &origin, session).await?;
    }
    Ok(())
}

/// Where the browser of a session that just ended goes first: the first protocol with a hop for it, if any.
pub async fn browser_hop(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &User,
    then: Option<String>,
) -> Result<Option<HttpResponse>, WebError> {
    for step in &state.sign_out {
        if let Some(hop) = step.browser_hop(req, state, session, user, then.clone()).await? {
            return Ok(Some(hop));
        }
    }
    Ok(None)
}
