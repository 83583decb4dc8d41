//! What the conformance tests share: every configured backend, migrated. Stored values to put in them are in
//! `common/builders.rs`.
use crate::common::TestDb;
use gatehouse::store::SeaStore;
use std::sync::Arc;

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
