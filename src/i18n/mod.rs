//! Languages. Every user-visible string of the pages, mails and text messages lives in a Fluent catalogue
//! (`templates/i18n/<language>/*.ftl`, compiled into the binary); templates call `t(key=…)` and Rust code
//! calls [`t`] / [`t_args`]. English is complete and the fallback for any message another language lacks.
//!
//! The language of a request is chosen once, by [`negotiate`] (the `gh_lang` cookie the language switcher sets,
//! then `Accept-Language`, then the installation's default), and held for the request in a task-local, so that
//! pages, error messages and the mails a request sends all speak it without passing it through every call.
//! Mails to someone else speak the recipient's remembered language (`users.locale`).
//!
//! Messages written in the core in English (validation and error texts) are looked up by their text: the catalogue
//! entry `core-<slug of the English text>` (see [`core_key`]) translates them; an unknown text stays English.
mod catalogue;
mod dates;

use include_dir::{Dir, include_dir};

/// The catalogue files, `<code>/<area>.ftl`.
static CATALOGUE_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/i18n");

pub use catalogue::{has_message, message_ids};
pub use dates::{format_date, format_datetime};

use std::future::Future;

/// The languages with a complete catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The BCP 47 tag, as in `<html lang>` and the catalogue's folder.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
        }
    }

    /// A tag such as `de`, `de-CH` or `EN`: its primary language, when it is one we speak.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }
}

/// Name of the cookie that remembers a choice made with the language switcher.
pub const COOKIE: &str = "gh_lang";

/// The language for a request: an explicit choice (cookie) first, then the browser's `Accept-Language` in order of
/// its q-values, else `default`.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>, default: Lang) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::parse) {
        return lang;
    }
    let Some(header) = accept_language else {
        return default;
    };
    let mut ranges: Vec<(f32, usize, &str)> = header
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty()).then_some((q, i, tag))
        })
        .collect();
    // Highest q first; equal q keeps the order the browser sent.
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges
        .into_iter()
        .find_map(|(_, _, tag)| Lang::parse(tag))
        .unwrap_or(default)
}

tokio::task_local! {
    static CURRENT: Lang;
}

/// Runs `f` with `lang` as the language of everything it renders.
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    CURRENT.scope(lang, f).await
}

/// The language of the request being served; English outside one.
pub fn current() -> Lang {
    current_or(Lang::En)
}

/// The language of the request being served; `default` outside one (a sweeper, a command).
pub fn current_or(default: Lang) -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or(default)
}

/// A message without arguments, in the current language.
pub fn t(key: &str) -> String {
    catalogue::format(current(), key, &[])
}

/// A message with named arguments, in the current language.
pub fn t_args(key: &str, args: &[(&str, Arg)]) -> String {
    catalogue::format(current(), key, args)
}

/// A message in a given language (mails and texts to someone other than the requester).
pub fn t_in(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    catalogue::format(lang, key, args)
}

/// An argument of a message: text, or a number (which chooses plural forms).
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(f64::from(n))
    }
}

/// The catalogue id of a message the core wrote in English: `core-` and the text's lowercase words joined by
/// hyphens, at most 80 characters (`"Invalid username or password."` → `core-invalid-username-or-password`).
pub fn core_key(english: &str) -> String {
    let mut key = String::from("core");
    let mut gap = true;
    for c in english.chars() {
        if c.is_ascii_alphanumeric() {
            if gap {
                key.push('-');
            }
            key.push(c.to_ascii_lowercase());
            gap = false;
        } else {
            gap = true;
        }
        if key.len() >= 80 {
            break;
        }
    }
    key
}

/// A message the core wrote in English, in the current language when the catalogue has it.
pub fn core_text(english: &str) -> String {
    let key = core_key(english);
    if has_message(current(), &key) {
        catalogue::format(current(), &key, &[])
    } else {
        english.to_string()
    }
}

/// An error that can say itself to a person: a message of its own (with values), or its English text.
/// (Implemented by `core::Error`; the catalogue knows nothing of the core.)
pub trait Describe {
    /// The catalogue message for errors with values in them (waiting times), if it has one.
    fn message(&self) -> Option<(&'static str, Vec<(&'static str, Arg)>)>;
    /// The English text, looked up as a `core-…` message.
    fn english(&self) -> String;
}

/// What an error says to a person on a page, in the current language.
pub fn describe(error: &impl Describe) -> String {
    match error.message() {
        Some((key, args)) => t_args(key, &args),
        None => core_text(&error.english()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_cookie_then_q_values_then_default() {
        assert_eq!(negotiate(Some("de"), Some("en"), Lang::En), Lang::De);
        assert_eq!(negotiate(Some("xx"), Some("de-CH,de;q=0.9"), Lang::En), Lang::De);
        assert_eq!(
            negotiate(None, Some("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7"), Lang::En),
            Lang::De
        );
        assert_eq!(negotiate(None, Some("en;q=0.5,de;q=0.9"), Lang::En), Lang::De);
        assert_eq!(negotiate(None, Some("de;q=0,en"), Lang::De), Lang::En);
        assert_eq!(negotiate(None, Some("fr, ja"), Lang::De), Lang::De);
        assert_eq!(negotiate(None, Some(";;;,q=abc,,"), Lang::En), Lang::En);
        assert_eq!(negotiate(None, None, Lang::De), Lang::De);
    }

    #[test]
    fn core_keys_are_slugs_of_the_english_text() {
        assert_eq!(
            core_key("Invalid username or password."),
            "core-invalid-username-or-password"
        );
        assert_eq!(core_key("  It's 6-digit!  "), "core-it-s-6-digit");
        assert!(core_key(&"word ".repeat(100)).len() <= 84);
    }

    #[tokio::test]
    async fn the_scope_sets_the_language_of_messages() {
        assert_eq!(current(), Lang::En);
        let de = scope(Lang::De, async { t("lang-switch-label") }).await;
        let en = t("lang-switch-label");
        assert_ne!(de, en);
        assert_eq!(current(), Lang::En);
    }

    #[test]
    fn plural_forms_follow_the_number() {
        let one = t_in(Lang::En, "recovery-codes-left", &[("count", 1u64.into())]);
        let many = t_in(Lang::En, "recovery-codes-left", &[("count", 5u64.into())]);
        assert!(one.contains("1 recovery code") && !one.contains("codes"), "{one}");
        assert!(many.contains("5 recovery codes"), "{many}");
        let de = t_in(Lang::De, "recovery-codes-left", &[("count", 5u64.into())]);
        assert!(de.contains("5 Wiederherstellungscodes"), "{de}");
    }
}
