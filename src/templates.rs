//! The templates under `templates/`, compiled into the binary so that it runs from any directory.
//! Pages (`*.html`) are HTML-escaped; mail subjects and plain-text bodies are not. `static/` is served as is.
use include_dir::{Dir, include_dir};
use tera::Tera;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub fn load() -> Result<Tera, tera::Error> {
    let mut tera = Tera::new();
    // Percent-encoding (spaces as %20), valid in query strings and in data: URLs alike.
    tera.register_filter("urlencode", |value: &str, _: tera::Kwargs, _: &tera::State| {
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
    });
    let mut files = Vec::new();
    collect(&TEMPLATES, &mut files);
    tera.add_raw_templates(files)?;
    Ok(tera)
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

/// The embedded templates, parsed once per process (they are compile-time constants, not configuration).
pub fn shared() -> &'static Tera {
    static SHARED: std::sync::OnceLock<Tera> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| load().expect("embedded templates parse (checked by tests)"))
}
