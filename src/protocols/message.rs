//! What a protocol tells a person on Gatehouse's own pages — why a sign-in or sign-out request is refused, a
//! device-code problem — as a catalogue id and its values: the page shows it in the request's language
//! (`shown`), the audit log keeps the English text (`english`, also its `Display`), as the CLI and logs do.
use std::fmt;

use crate::i18n::{self, Arg, Lang};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Message { key, args: Vec::new() }
    }

    /// With the value of `$name`.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    fn args(&self) -> Vec<(&str, Arg)> {
        self.args.iter().map(|(n, v)| (*n, Arg::from(v.as_str()))).collect()
    }

    /// In English, for the audit log.
    pub fn english(&self) -> String {
        i18n::t_in(Lang::En, self.key, &self.args())
    }

    /// In the language of the request being served.
    pub fn shown(&self) -> String {
        i18n::t_args(self.key, &self.args())
    }
}

impl From<&'static str> for Message {
    fn from(key: &'static str) -> Self {
        Message::new(key)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}
