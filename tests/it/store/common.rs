//! What the conformance tests share: every configured backend, and a user to store.
use crate::common::TestDb;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::model::{User, UserStatus};
use gatehouse::store::SeaStore;
use std::sync::Arc;

pub(crate) fn user(id: &str, username: &str, email: &str) -> User {
    let now = SystemClock.now();
    User {
        id: id.into(),
        username: username.into(),
        email: email.into(),
        display_name: username.into(),
        phone: None,
        status: UserStatus::Active,
        manager_id: None,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into()),
        password_changed_at: Some(now),
        mfa_required: false,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) async fn backends() -> Vec<(TestDb, Arc<SeaStore>)> {
    let mut out = Vec::new();
    for db in TestDb::all().await {
        let store = SeaStore::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        store.migrate().await.expect("migrations are idempotent");
        out.push((db, Arc::new(store)));
    }
    out
}
