//! The message catalogue (`templates/i18n/`): every template string is in it, every language has every message,
//! and the messages of one id take the same arguments in every language.
use std::collections::{BTreeMap, BTreeSet};

use gatehouse::i18n::{Lang, core_key, message_ids};

/// Templates whose text may stay outside the catalogue: the API reference is a document for developers, generated
/// from the OpenAPI description, and stays English (as the API's problem documents do).
const NOT_TRANSLATED: [&str; 1] = ["api/"];

fn templates() -> Vec<(&'static str, &'static str)> {
    gatehouse::templates::files_under("")
        .into_iter()
        .filter(|(path, _)| {
            (path.ends_with(".html") || path.ends_with(".txt") || path.ends_with(".subject"))
                && !path.starts_with("static/")
        })
        .collect()
}

/// Removes every `open … close` span from `text`.
fn strip(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start + open.len()..].find(close) {
            Some(end) => rest = &rest[start + open.len() + end + close.len()..],
            None => return out,
        }
        out.push(' ');
    }
    out.push_str(rest);
    out
}

/// The words of a template that a person would read and that do not come from the catalogue (or from values).
fn bare_text(template: &str, html: bool) -> Vec<String> {
    // The card's width is a class name for the layout (`{% block card_width %} wide{% endblock card_width %}`).
    let mut text = strip(template, "{% block card_width %}", "{% endblock card_width %}");
    text = strip(&text, "{#", "#}");
    text = strip(&text, "{%", "%}");
    text = strip(&text, "{{", "}}");
    let mut found = Vec::new();
    if html {
        text = strip(&text, "<script", "</script>");
        text = strip(&text, "<style", "</style>");
        text = strip(&text, "<!--", "-->");
        // Attributes people read (or hear): alt, title, placeholder, aria-label.
        let mut rest = text.as_str();
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
            let tag = &rest[start..end];
            for attr in ["alt=\"", "title=\"", "placeholder=\"", "aria-label=\""] {
                if let Some(at) = tag.find(attr) {
                    let value = &tag[at + attr.len()..];
                    let value = &value[..value.find('"').unwrap_or(value.len())];
                    if value.chars().any(char::is_alphabetic) {
                        found.push(format!("{attr}{value}\""));
                    }
                }
            }
            rest = &rest[end..];
        }
        text = strip(&text, "<", ">");
        text = strip(&text, "&", ";");
    }
    found.extend(
        text.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(str::to_string),
    );
    found
}

/// `t(key="…")` calls of a template.
fn keys_used(template: &str) -> Vec<String> {
    template
        .split("t(key=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

#[test]
fn every_template_string_is_in_the_catalogue() {
    let mut bare = BTreeMap::new();
    for (path, text) in templates() {
        if NOT_TRANSLATED.iter().any(|p| path.starts_with(p)) {
            continue;
        }
        let words = bare_text(text, path.ends_with(".html"));
        if !words.is_empty() {
            bare.insert(path, words.into_iter().take(8).collect::<Vec<_>>().join(" "));
        }
    }
    assert!(
        bare.is_empty(),
        "text outside the catalogue (use t(key=…) and templates/i18n/):\n{bare:#?}"
    );
}

#[test]
fn the_checker_finds_text_outside_the_catalogue() {
    assert_eq!(bare_text("<p>Sign in</p>", true), ["Sign", "in"]);
    assert_eq!(bare_text("<img alt=\"Logo\" src=\"x\">", true), ["alt=\"Logo\""]);
    assert!(
        bare_text(
            "<p>{{ t(key=\"a\") }} · {{ name }}</p>{# note #}{% if x %}{% endif %}",
            true
        )
        .is_empty()
    );
    assert!(bare_text("<a href=\"/x\" aria-label=\"{{ t(key='b') }}\">&rarr;</a>", true).is_empty());
    assert_eq!(bare_text("Hello {{ name }},", false), ["Hello"]);
    assert!(bare_text("{% block card_width %} wide{% endblock card_width %}", true).is_empty());
}

#[test]
fn every_key_a_template_uses_exists_in_every_language() {
    let ids: BTreeMap<Lang, BTreeSet<String>> = Lang::ALL
        .into_iter()
        .map(|l| (l, message_ids(l).into_iter().collect()))
        .collect();
    let mut missing = Vec::new();
    for (path, text) in templates() {
        for key in keys_used(text) {
            for lang in Lang::ALL {
                if !ids[&lang].contains(&key) {
                    missing.push(format!("{path}: {key} ({})", lang.code()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_language_has_every_message_once_with_the_same_arguments() {
    let en = message_ids(Lang::En);
    for lang in Lang::ALL {
        let ids = message_ids(lang);
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{}: an id is defined twice", lang.code());
        let theirs: BTreeSet<_> = ids.iter().cloned().collect();
        let ours: BTreeSet<_> = en.iter().cloned().collect();
        let lacking: Vec<_> = ours.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&ours).collect();
        assert!(
            lacking.is_empty() && extra.is_empty(),
            "{}: lacks {lacking:?}, has extra {extra:?}",
            lang.code()
        );
    }
    // Same arguments: a translation that drops `{ $seconds }` would tell people nothing.
    let args_of = |lang: Lang| -> BTreeMap<String, BTreeSet<String>> {
        gatehouse::templates::files_under(&format!("i18n/{}", lang.code()))
            .into_iter()
            .flat_map(|(_, text)| parse_args(text))
            .collect()
    };
    let (en_args, de_args) = (args_of(Lang::En), args_of(Lang::De));
    for (id, args) in &en_args {
        assert_eq!(
            Some(args),
            de_args.get(id),
            "{id}: German and English take different arguments"
        );
    }
}

/// Each message id of a `.ftl` file with the `$arguments` its text (all variants) names.
fn parse_args(ftl: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut out: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in ftl.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let is_entry = !line.starts_with(char::is_whitespace) && line.contains(" =");
        if is_entry {
            let id = line.split(" =").next().unwrap_or_default().trim().to_string();
            out.push((id, BTreeSet::new()));
        }
        if let Some((_, args)) = out.last_mut() {
            for piece in line.split('$').skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !name.is_empty() {
                    args.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn core_messages_are_filed_under_their_english_text() {
    // `core-…` entries translate texts the core writes in English; their id must be what `core_key` makes of
    // the English entry, or they would never be found.
    for (path, text) in gatehouse::templates::files_under("i18n/en") {
        for line in text.lines() {
            if let Some((id, english)) = line.split_once(" = ")
                && id.starts_with("core-")
            {
                assert_eq!(core_key(english), id, "{path}: {id} is not the key of its English text");
            }
        }
    }
}
