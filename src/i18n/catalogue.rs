//! The Fluent bundles, one per language, parsed once from the embedded `templates/i18n/<code>/*.ftl`.
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::{Arg, Lang};

struct Catalogue {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    ids: HashMap<Lang, Vec<String>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut bundles = HashMap::new();
        let mut ids = HashMap::new();
        for lang in Lang::ALL {
            let (bundle, lang_ids) = load(lang);
            bundles.insert(lang, bundle);
            ids.insert(lang, lang_ids);
        }
        Catalogue { bundles, ids }
    })
}

/// One language's bundle. A file that does not parse is a bug caught by the tests; its good entries still load.
fn load(lang: Lang) -> (FluentBundle<FluentResource>, Vec<String>) {
    let tag = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // No Unicode isolation marks around arguments: they would show up in plain-text mails and SMS.
    bundle.set_use_isolating(false);
    let mut ids = Vec::new();
    let files = super::CATALOGUE_FILES
        .get_dir(lang.code())
        .map(|d| d.files())
        .into_iter()
        .flatten();
    for file in files {
        let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) else {
            continue;
        };
        if !path.ends_with(".ftl") {
            continue;
        }
        let resource = match FluentResource::try_new(text.to_string()) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::error!(path, ?errors, "message catalogue has syntax errors");
                r
            }
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.push(m.id.name.to_string());
            }
        }
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(path, ?errors, "message catalogue defines a message twice");
        }
    }
    (bundle, ids)
}

pub fn has_message(lang: Lang, key: &str) -> bool {
    catalogue().bundles.get(&lang).is_some_and(|b| b.has_message(key))
}

/// Every message id a language's catalogue defines (for the tests that compare catalogues).
pub fn message_ids(lang: Lang) -> Vec<String> {
    catalogue().ids.get(&lang).cloned().unwrap_or_default()
}

/// `key` formatted in `lang`, else in English, else the key itself (so a missing message is visible, not blank).
pub(super) fn format(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let catalogue = catalogue();
    let fluent_args = (!args.is_empty()).then(|| {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => fa.set(*name, FluentValue::from(s.as_str())),
                Arg::Number(n) => fa.set(*name, FluentValue::from(*n)),
            }
        }
        fa
    });
    for lang in [lang, Lang::En] {
        let Some(bundle) = catalogue.bundles.get(&lang) else {
            continue;
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, fluent_args.as_ref(), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "message formatted with errors");
        }
        return text.into_owned();
    }
    tracing::warn!(key, "no such message in the catalogue");
    key.to_string()
}
