//! The installation's look: product name, logo, primary colour and an optional stylesheet of its own
//! (`brand_*` in the configuration). Files are read once at start, so a page never touches the disk.
//! Pages get the brand through [`scope`] (set by the language middleware for every request), mails through
//! the mailer's own copy.
use std::future::Future;
use std::sync::Arc;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::config::Config;

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
        let logo = match &config.brand_logo_path {
            Some(path) => Some((
                crate::config::brand_image_type(path).unwrap_or("application/octet-stream"),
                std::fs::read(path)?,
            )),
            None => None,
        };
        let mut theme = String::new();
        if let Some(color) = &config.brand_primary_color {
            theme.push_str(&format!(":root {{ --accent: {color}; }}\n"));
        }
        if let Some(path) = &config.brand_css_path {
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
