//! The templates under `templates/`, compiled into the binary so that it runs from any directory.
//! Pages (`*.html`) are HTML-escaped; mail subjects and plain-text bodies are not. `static/` is served as is.
use include_dir::{Dir, include_dir};
use std::sync::Arc;
use tera::Tera;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub fn load() -> Result<Tera, tera::Error> {
    let mut tera = Tera::new();
    // Percent-encoding (spaces as %20), valid in query strings and in data: URLs alike.
    tera.register_filter("urlencode", |value: &str, _: tera::Kwargs, _: &tera::State| {
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
    });
    tera.register_function("t", translate);
    tera.register_filter("datetime", |value: &str, _: tera::Kwargs, state: &tera::State| {
        when(value, state, crate::i18n::format_datetime)
    });
    tera.register_filter("date", |value: &str, _: tera::Kwargs, state: &tera::State| {
        when(value, state, crate::i18n::format_date)
    });
    let mut files = Vec::new();
    collect(&TEMPLATES, &mut files);
    tera.add_raw_templates(files)?;
    Ok(tera)
}

/// The language a template is rendered in: the context's `lang`, else the request's.
fn lang_of(state: &tera::State) -> crate::i18n::Lang {
    state
        .get::<String>("lang")
        .ok()
        .flatten()
        .and_then(|code| crate::i18n::Lang::parse(&code))
        .unwrap_or_else(crate::i18n::current)
}

/// `t(key="login-title", name=…)`: a catalogue message in the page's language; the other arguments fill it in.
fn translate(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    let mut args = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str().filter(|n| *n != "key") else {
            continue;
        };
        let arg = match value.as_f64() {
            Some(n) if value.is_number() => crate::i18n::Arg::Number(n),
            _ => crate::i18n::Arg::Text(value.as_str().map_or_else(|| value.to_string(), str::to_string)),
        };
        args.push((name, arg));
    }
    Ok(crate::i18n::t_in(lang_of(state), key, &args))
}

/// An RFC 3339 timestamp written the page's way; anything else is shown as given.
fn when(
    value: &str,
    state: &tera::State,
    format: fn(crate::i18n::Lang, chrono::DateTime<chrono::Utc>) -> String,
) -> String {
    match chrono::DateTime::parse_from_rfc3339(value) {
        Ok(at) => format(lang_of(state), at.with_timezone(&chrono::Utc)),
        Err(_) => value.to_string(),
    }
}

/// The embedded files under `prefix` (e.g. `i18n/de`), with their text.
pub fn files_under(prefix: &str) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let dir = if prefix.is_empty() {
        Some(&TEMPLATES)
    } else {
        TEMPLATES.get_dir(prefix)
    };
    if let Some(dir) = dir {
        collect_all(dir, &mut out);
    }
    out
}

fn collect_all(dir: &'static Dir<'static>, out: &mut Vec<(&'static str, &'static str)>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.push((path, text));
        }
    }
    for sub in dir.dirs() {
        collect_all(sub, out);
    }
}

fn collect<'a>(dir: &'a Dir<'a>, out: &mut Vec<(String, &'a str)>) {
    for file in dir.files() {
        let is_template = file
            .path()
            .extension()
            .is_some_and(|e| e == "html" || e == "txt" || e == "subject");
        if !is_template {
            continue;
        }
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.push((path.to_string(), text));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// Names of every embedded template, for the test that renders each one.
pub fn names() -> Vec<String> {
    let mut files = Vec::new();
    collect(&TEMPLATES, &mut files);
    files.into_iter().map(|(name, _)| name).collect()
}

/// The embedded templates, parsed once per process (they are compile-time constants, not configuration), and
/// shared by the pages and the mailer rather than copied (a copy is a few MiB of compiled templates).
pub fn shared() -> &'static Arc<Tera> {
    static SHARED: std::sync::OnceLock<Arc<Tera>> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| Arc::new(load().expect("embedded templates parse (checked by tests)")))
}
