//! Finding users from the helpdesk console: a case-insensitive substring of the username, e-mail address or
//! display name, at most [`MAX_RESULTS`] users, each with what an agent needs before opening a factor reset —
//! roles, the kinds of their active factors, and their open requests. The query is bounded and matched
//! literally (the store escapes LIKE wildcards), so hostile input is a clear refusal or an empty result.
use serde::Serialize;
use serde_json::json;

use super::super::accounts;
use super::super::audit::{AuditKind, Outcome};
use super::super::factors::FactorStatus;
use super::super::store::Store;
use super::super::{Error, Result};
use super::flow::{Ctx, Member};

/// Longest query, in characters.
pub const MAX_QUERY: usize = 100;
/// Most users listed for one query.
pub const MAX_RESULTS: u64 = 50;

/// One user as the console lists them.
#[derive(Clone, Debug, Serialize)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
    /// Kinds of the active factors, strongest first, each once.
    pub factor_kinds: Vec<&'static str>,
    pub open_requests: Vec<OpenRequest>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OpenRequest {
    pub id: String,
    pub state: &'static str,
}

/// The query as searched: trimmed; `None` when empty (no search yet). Longer than [`MAX_QUERY`] characters or
/// containing control characters: refused.
pub fn parse_query(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_QUERY || text.chars().any(char::is_control) {
        // The text names MAX_QUERY: a literal, so pages can translate it.
        return Err(Error::invalid(
            "Search for at most 100 characters of a username, e-mail address or name.",
        ));
    }
    Ok(Some(text.to_string()))
}

/// The users matching `query` (already parsed), with their roles, factor kinds and open requests.
pub async fn search(store: &dyn Store, query: &str) -> Result<Vec<UserSummary>> {
    let mut out = Vec::new();
    for user in store.search_users(query, MAX_RESULTS).await? {
        let factors = store.factors_of(&user.id).await?;
        let factor_kinds = super::super::policy::ALL_KINDS
            .into_iter()
            .filter(|k| factors.iter().any(|f| f.kind == *k && f.status == FactorStatus::Active))
            .map(|k| k.as_str())
            .collect();
        let open_requests = store
            .list_factor_resets(Some(&user.id), true)
            .await?
            .into_iter()
            .filter(|r| r.state.is_open())
            .map(|r| OpenRequest {
                id: r.id,
                state: r.state.as_str(),
            })
            .collect();
        out.push(UserSummary {
            roles: store.roles_of(&user.id).await?,
            active: user.status == super::super::model::UserStatus::Active,
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            factor_kinds,
            open_requests,
        });
    }
    Ok(out)
}

/// Finds a subject for an agent by username or e-mail; an unknown one is audited (an agent probing accounts).
pub async fn find_subject(ctx: &Ctx<'_>, identifier: &str) -> Result<Member> {
    match accounts::find(ctx.store, identifier).await {
        Ok(user) => Member::load(ctx.store, user).await,
        Err(Error::NotFound(what)) => {
            ctx.audit(
                AuditKind::RecoveryOpened,
                Outcome::Failure,
                None,
                json!({ "identifier": super::super::model::truncate(identifier, 64), "reason": "unknown_user" }),
            )
            .await?;
            Err(Error::NotFound(what))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(parse_query("  ").unwrap(), None);
        assert_eq!(parse_query(" Kim ").unwrap().as_deref(), Some("Kim"));
        assert_eq!(
            parse_query("%_").unwrap().as_deref(),
            Some("%_"),
            "wildcards are escaped later"
        );
        assert!(parse_query(&"x".repeat(MAX_QUERY)).is_ok());
        assert!(parse_query(&"x".repeat(MAX_QUERY + 1)).is_err());
        assert!(parse_query("a\u{0}b").is_err());
        assert!(parse_query("a\nb").is_err());
    }
}
