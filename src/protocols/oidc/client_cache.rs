//! Registered clients as client authentication sees them, cached per instance for `TTL`.
//!
//! Every token, introspection and revocation request authenticates its client; reading the client's row each time
//! was one database round trip per request on the busiest endpoint. The cache keeps what was read for a few
//! seconds, like the signing-key list: a secret rotated or a client removed with the command line or the admin
//! API takes effect on every running instance within `TTL` (docs/operations.md); the admin API drops its own
//! instance's copy at once. Only clients that exist are cached, and the map is bounded, so unknown client ids
//! cannot grow it.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::core::Result;
use crate::core::oauth::Client;
use crate::core::store::Store;

/// How long a cached client is trusted.
pub const TTL: Duration = Duration::from_secs(5);
/// Entries at most; beyond it the cache starts over.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct ClientCache {
    entries: RwLock<HashMap<String, (Instant, Arc<Client>)>>,
}

impl ClientCache {
    /// The client `client_id`, from the cache when read less than `TTL` ago, else from the store.
    pub async fn client(&self, store: &dyn Store, client_id: &str) -> Result<Option<Arc<Client>>> {
        if let Ok(entries) = self.entries.read()
            && let Some((read_at, client)) = entries.get(client_id)
            && read_at.elapsed() < TTL
        {
            return Ok(Some(client.clone()));
        }
        let Some(client) = store.client(client_id).await? else {
            self.forget(client_id);
            return Ok(None);
        };
        let client = Arc::new(client);
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(client_id.to_string(), (Instant::now(), client.clone()));
        }
        Ok(Some(client))
    }

    /// Drops this instance's copy of a client: one no longer registered, or one the admin API just changed (other
    /// instances see the change within `TTL`).
    pub fn forget(&self, client_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(client_id);
        }
    }
}
