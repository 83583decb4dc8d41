//! Loading the part of the manager graph a decision about approvals looks at into a `recovery::route::Graph`:
//! the people above someone (each with their status and roles), the absences in force, the delegates they name
//! and the people above those, and the members of the fallback role. The rules themselves are pure and live in
//! `recovery::route`; this file only reads.
//!
//! Every walk up is bounded (`MAX_MANAGER_CHAIN` people, and it stops at someone already loaded), so a manager
//! cycle stored by a race or a direct edit costs a few reads, never an endless loop.
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::model::{User, UserStatus};
use crate::core::recovery::route::{Graph, MAX_MANAGER_CHAIN, Node};
use crate::core::store::Store;

fn node(user: &User, roles: Vec<String>) -> Node {
    Node {
        id: user.id.clone(),
        manager_id: user.manager_id.clone(),
        active: user.status == UserStatus::Active,
        roles,
    }
}

/// Adds `user` and the chain of managers above them, until someone already in `graph`, a missing account, the
/// top, or `MAX_MANAGER_CHAIN` people further up.
async fn add_chain(store: &dyn Store, graph: &mut Graph, user: &User) -> Result<()> {
    if graph.contains(&user.id) {
        return Ok(());
    }
    graph.add(node(user, store.roles_of(&user.id).await?));
    let mut next = user.manager_id.clone();
    for _ in 0..MAX_MANAGER_CHAIN {
        let Some(id) = next.filter(|id| !graph.contains(id)) else {
            return Ok(());
        };
        let Some(above) = store.user_by_id(&id).await? else {
            return Ok(());
        };
        graph.add(node(&above, store.roles_of(&above.id).await?));
        next = above.manager_id;
    }
    Ok(())
}

/// Like `add_chain`, for someone known by id only (a delegate); nothing for a missing account.
async fn add_chain_of(store: &dyn Store, graph: &mut Graph, id: &str) -> Result<()> {
    if graph.contains(id) {
        return Ok(());
    }
    match store.user_by_id(id).await? {
        Some(user) => add_chain(store, graph, &user).await,
        None => Ok(()),
    }
}

/// What routing a request for `subject` needs at `now`: the chain above them, every absence in force and the
/// chain above each delegate named by someone in it, and the members of `role` with the chains above them.
pub async fn for_routing(store: &dyn Store, subject: &User, role: &str, now: DateTime<Utc>) -> Result<Graph> {
    let mut graph = Graph::default();
    add_chain(store, &mut graph, subject).await?;
    for absence in store.absences_in_force(now).await? {
        if let Some(delegate) = absence.delegate_id.as_deref()
            && graph.contains(&absence.user_id)
        {
            add_chain_of(store, &mut graph, delegate).await?;
        }
        graph.add_absence(absence);
    }
    // Listed by username on the request, as people read them.
    let mut members = store
        .users_with_role(role, crate::core::store::MEMBERS_READ_AT_MOST)
        .await?;
    members.sort_by(|a, b| a.username.cmp(&b.username));
    for member in &members {
        add_chain(store, &mut graph, member).await?;
    }
    graph.set_role_members(members.into_iter().map(|m| m.id).collect());
    Ok(graph)
}

/// Whether `person` reports to `boss_id`, directly or through others (within `MAX_MANAGER_CHAIN`; a cycle ends
/// the walk).
pub async fn reports_to(store: &dyn Store, person: &User, boss_id: &str) -> Result<bool> {
    let mut graph = Graph::default();
    add_chain(store, &mut graph, person).await?;
    Ok(graph.reports_to(&person.id, boss_id))
}
