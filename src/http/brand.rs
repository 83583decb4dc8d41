//! The installation's look: product name, logo, primary colour and an optional stylesheet of its own
//! (`brand_*` in the configuration). Files are read once at start, so a page never touches the disk.
//! Pages get the brand through [`scope`] (set by the language middleware for every request), mails through
//! the mailer's own copy.
use std::future::Future;
use std::sync::Arc;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::config::Config;

const MAX_LOGO_BYTES: u64 = 512 * 1024;
const MAX_CSS_BYTES: u64 = 256 * 1024;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Brand {
    pub name: String,
    /// Where pages load the logo from: the configured URL, or `/brand/logo` for a configured file.
    pub logo_url: Option<String>,
    /// An absolute logo address for mails (which have no page to be relative to).
    pub mail_logo_url: Option<String>,
    #[serde(skip)]
    logo: Option<(&'static str, Vec<u8>)>,
    /// `/brand/theme.css`: the primary colour and the installation's own stylesheet; `None` when neither is set.
    #[serde(skip)]
    theme_css: Option<String>,
    pub has_theme: bool,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            name: "Gatehouse".into(),
            logo_url: None,
            mail_logo_url: None,
            logo: None,
            theme_css: None,
            has_theme: false,
        }
    }
}

impl Brand {
    /// Reads the logo and stylesheet files named in `config` (already checked by [`check_config`]).
    pub fn load(config: &Config) -> std::io::Result<Brand> {
        let logo = match &config.brand_logo_file {
            Some(path) => Some((
                image_type(path).unwrap_or("application/octet-stream"),
                std::fs::read(path)?,
            )),
            None => None,
        };
        let mut theme = String::new();
        if let Some(color) = &config.brand_primary_color {
            theme.push_str(&format!(":root {{ --accent: {color}; }}\n"));
        }
        if let Some(path) = &config.brand_css_file {
            theme.push_str(&std::fs::read_to_string(path)?);
        }
        let logo_url = match (&config.brand_logo_url, &logo) {
            (Some(url), _) => Some(url.to_string()),
            (None, Some(_)) => Some("/brand/logo".to_string()),
            (None, None) => None,
        };
        let mail_logo_url = match (&config.brand_logo_url, &logo) {
            (Some(url), _) => Some(url.to_string()),
            (None, Some(_)) => config.public_url.join("brand/logo").ok().map(|u| u.to_string()),
            (None, None) => None,
        };
        Ok(Brand {
            name: config.brand_name.clone(),
            logo_url,
            mail_logo_url,
            logo,
            has_theme: !theme.is_empty(),
            theme_css: (!theme.is_empty()).then_some(theme),
        })
    }

    /// The origin of an external logo, which the Content-Security-Policy must allow images from.
    pub fn logo_origin(config: &Config) -> Option<String> {
        config.brand_logo_url.as_ref().map(|u| u.origin().ascii_serialization())
    }
}

fn image_type(path: &std::path::Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "png" => Some("image/png"),
        "svg" => Some("image/svg+xml"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// The `brand_*` settings: a readable name, a colour CSS cannot be tricked by, files that exist and are small.
pub fn check_config(config: &Config) -> Result<(), String> {
    let name = config.brand_name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err("brand_name: 1 to 64 characters".into());
    }
    if crate::i18n::Lang::parse(&config.default_language).is_none_or(|l| l.code() != config.default_language) {
        return Err(format!(
            "default_language: '{}' is not one of en, de",
            config.default_language
        ));
    }
    if let Some(color) = &config.brand_primary_color {
        let hex = color.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "brand_primary_color: '{color}' is not a colour such as #2f5bd3"
            ));
        }
    }
    if let Some(url) = &config.brand_logo_url
        && !matches!(url.scheme(), "https" | "http")
    {
        return Err("brand_logo_url: an http(s) URL".into());
    }
    if config.brand_logo_url.is_some() && config.brand_logo_file.is_some() {
        return Err("brand_logo_url and brand_logo_file: set one, not both".into());
    }
    let small_file = |key: &str, path: &std::path::Path, max: u64| match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() <= max => Ok(()),
        Ok(_) => Err(format!(
            "{key}: {} is not a file of at most {} KiB",
            path.display(),
            max / 1024
        )),
        Err(e) => Err(format!("{key}: cannot read {}: {e}", path.display())),
    };
    if let Some(path) = &config.brand_logo_file {
        if image_type(path).is_none() {
            return Err("brand_logo_file: a .png, .svg, .jpg or .webp file".into());
        }
        small_file("brand_logo_file", path, MAX_LOGO_BYTES)?;
    }
    if let Some(path) = &config.brand_css_file {
        small_file("brand_css_file", path, MAX_CSS_BYTES)?;
    }
    Ok(())
}

tokio::task_local! {
    static CURRENT: Arc<Brand>;
}

/// Runs `f` with `brand` as the look of every page it renders.
pub async fn scope<F: Future>(brand: Arc<Brand>, f: F) -> F::Output {
    CURRENT.scope(brand, f).await
}

/// The brand of the request being served (the default look outside one, e.g. in unit tests).
pub fn current() -> Arc<Brand> {
    CURRENT.try_with(Arc::clone).unwrap_or_default()
}

pub async fn logo(state: web::Data<super::AppState>) -> HttpResponse {
    match &state.brand.logo {
        Some((content_type, bytes)) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, *content_type))
            .insert_header((CACHE_CONTROL, "public, max-age=3600"))
            // An SVG opened on its own must not run script.
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'",
            ))
            .body(bytes.clone()),
        None => super::pages::error_page(actix_web::http::StatusCode::NOT_FOUND, &crate::i18n::t("error-no-page")),
    }
}

pub async fn theme(state: web::Data<super::AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .body(state.brand.theme_css.clone().unwrap_or_default())
}
