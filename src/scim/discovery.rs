//! The discovery endpoints (RFC 7644 §4): `GET /ServiceProviderConfig`, `/ResourceTypes[/{name}]` and
//! `/Schemas[/{urn}]`, answered as `application/scim+json` from `schema`'s documents. The route table (and
//! whether these need a token — RFC 7644 §4 lets a service provider serve them without) is the caller's.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::Value;
use url::Url;

use super::error::{ScimError, resource_response};
use super::schema::{self, shown};
use crate::http::AppState;

/// The service's base URL: the public URL (with any path it has) and `/scim/v2`, without a doubled slash.
pub fn base_url(public_url: &Url) -> String {
    format!("{}/scim/v2", public_url.as_str().trim_end_matches('/'))
}

pub async fn service_provider_config(state: web::Data<AppState>) -> HttpResponse {
    ok(&schema::service_provider_config(&base_url(&state.config.public_url)))
}

pub async fn resource_types(state: web::Data<AppState>) -> HttpResponse {
    ok(&schema::resource_types(&base_url(&state.config.public_url)))
}

pub async fn resource_type(state: web::Data<AppState>, name: web::Path<String>) -> Result<HttpResponse, ScimError> {
    resource_type_answer(&name, &base_url(&state.config.public_url))
}

pub async fn schemas(state: web::Data<AppState>) -> HttpResponse {
    ok(&schema::schemas_document(&base_url(&state.config.public_url)))
}

pub async fn schema(state: web::Data<AppState>, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    schema_answer(&id, &base_url(&state.config.public_url))
}

fn ok(document: &Value) -> HttpResponse {
    resource_response(StatusCode::OK, document, document, false)
}

fn resource_type_answer(name: &str, base: &str) -> Result<HttpResponse, ScimError> {
    schema::resource_type(name, base)
        .map(|document| ok(&document))
        .ok_or_else(|| ScimError::not_found(format!("no resource type '{}'", shown(name))))
}

fn schema_answer(id: &str, base: &str) -> Result<HttpResponse, ScimError> {
    schema::schema_resource(id, base)
        .map(|document| ok(&document))
        .ok_or_else(|| ScimError::not_found(format!("no schema '{}'", shown(id))))
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use actix_web::body::MessageBody;
    use actix_web::http::header::CONTENT_TYPE;

    use super::*;
    use crate::scim::{GROUP_SCHEMA, USER_SCHEMA};

    #[test]
    fn the_base_url_follows_the_public_url_and_its_path() {
        let base = |u: &str| base_url(&Url::parse(u).unwrap());
        assert_eq!(base("https://id.example.com"), "https://id.example.com/scim/v2");
        assert_eq!(base("https://id.example.com/"), "https://id.example.com/scim/v2");
        assert_eq!(
            base("https://example.com/gatehouse/"),
            "https://example.com/gatehouse/scim/v2"
        );
        assert_eq!(base("http://localhost:8080"), "http://localhost:8080/scim/v2");
    }

    fn body_of(response: HttpResponse) -> Value {
        let bytes = response.into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn known_ids_are_answered_as_scim_json() {
        let base = "https://id.example.com/scim/v2";
        let response = schema_answer(USER_SCHEMA, base).unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get(CONTENT_TYPE).unwrap(), "application/scim+json");
        assert_eq!(body_of(response)["id"], USER_SCHEMA);
        let response = resource_type_answer("Group", base).unwrap();
        assert_eq!(body_of(response)["schema"], GROUP_SCHEMA);
        let response = ok(&schema::service_provider_config(base));
        assert_eq!(body_of(response)["patch"]["supported"], true);
    }

    #[test]
    fn unknown_ids_are_scim_404s() {
        let base = "https://id.example.com/scim/v2";
        for error in [
            schema_answer("urn:example:nope", base).unwrap_err(),
            resource_type_answer(&"x".repeat(500), base).unwrap_err(),
        ] {
            assert_eq!(error.status, StatusCode::NOT_FOUND);
            assert!(error.detail.chars().count() < 130, "{}", error.detail);
            let response = error.error_response();
            assert_eq!(response.headers().get(CONTENT_TYPE).unwrap(), "application/scim+json");
            assert_eq!(body_of(response)["status"], "404");
        }
    }
}
