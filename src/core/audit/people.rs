//! The people an audit event names, for readers: `user:<id>` as "Display Name (username)", each account looked up
//! once per `People`. An account deleted since is shown by its id; other actors (`client:…`, `cli:…`,
//! `system:…`, `anonymous`) as recorded.
use std::collections::HashMap;

use crate::core::Result;
use crate::core::store::Store;

pub struct People<'a> {
    store: &'a dyn Store,
    known: HashMap<String, Option<(String, String)>>,
}

impl<'a> People<'a> {
    pub fn new(store: &'a dyn Store) -> Self {
        People {
            store,
            known: HashMap::new(),
        }
    }

    /// The username and display name of the account `user_id`, if it still exists.
    pub async fn account(&mut self, user_id: &str) -> Result<Option<(String, String)>> {
        if let Some(known) = self.known.get(user_id) {
            return Ok(known.clone());
        }
        let found = self
            .store
            .user_by_id(user_id)
            .await?
            .map(|u| (u.username, u.display_name));
        self.known.insert(user_id.to_string(), found.clone());
        Ok(found)
    }

    pub async fn username(&mut self, user_id: &str) -> Result<Option<String>> {
        Ok(self.account(user_id).await?.map(|(username, _)| username))
    }

    /// "Display Name (username)", or the id of an account that no longer exists.
    pub async fn person(&mut self, user_id: &str) -> Result<String> {
        Ok(match self.account(user_id).await? {
            Some((username, name)) if name != username => format!("{name} ({username})"),
            Some((username, _)) => username,
            None => user_id.to_string(),
        })
    }

    /// An event's actor for a reader: a person by name (also a person acting through the command line,
    /// `user:<id> via cli:<os user>`), anything else as recorded.
    pub async fn actor(&mut self, actor: &str) -> Result<String> {
        let Some(rest) = actor.strip_prefix("user:") else {
            return Ok(actor.to_string());
        };
        Ok(match rest.split_once(" via ") {
            Some((id, via)) => format!("{} via {via}", self.person(id).await?),
            None => self.person(rest).await?,
        })
    }
}
