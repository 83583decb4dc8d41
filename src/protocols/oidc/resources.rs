//! Resource indicators (RFC 8707): which resource server an access token is for. A client names one with
//! `resource` at `/authorize`, `/par` or `/token`; it must be an absolute URI without a fragment (§2) and one the
//! client was allowed (`allowed_resources`), else `invalid_target`. A grant that named a resource (a code, a
//! refresh family) gives tokens for that resource only; its access tokens have it as their only audience, so our
//! own userinfo and admin API (whose audience is the issuer) refuse them. One resource per request: the strict
//! form readers refuse repeated parameters.
use url::Url;

/// The longest resource URI accepted.
const MAX_LEN: usize = 2048;

/// Whether `resource` is usable as a resource indicator: an absolute URI without a fragment (RFC 8707 §2).
pub fn is_resource_uri(resource: &str) -> bool {
    resource.len() <= MAX_LEN
        && !resource.contains('#')
        && Url::parse(resource).is_ok_and(|url| !url.cannot_be_a_base() || url.scheme() == "urn")
}

/// The resource a token is issued for: `requested` (if any) judged against the client's list, or against what the
/// grant was for (`granted`); the reason for `invalid_target` otherwise.
pub fn judge(
    allowed: &[String],
    requested: Option<&str>,
    granted: Option<&str>,
) -> Result<Option<String>, &'static str> {
    let Some(requested) = requested else {
        return Ok(granted.map(str::to_string));
    };
    if !is_resource_uri(requested) {
        return Err("resource must be an absolute URI without a fragment.");
    }
    match granted {
        Some(granted) if granted == requested => Ok(Some(requested.to_string())),
        Some(_) => Err("resource is not the resource this grant was issued for."),
        None if allowed.iter().any(|a| a == requested) => Ok(Some(requested.to_string())),
        None => Err("resource is not one this client may ask tokens for."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_absolute_without_fragment_and_allowed() {
        assert!(is_resource_uri("https://api.example.com/"));
        assert!(is_resource_uri("https://api.example.com/v1?x=1"));
        assert!(is_resource_uri("urn:example:reports"));
        assert!(!is_resource_uri("https://api.example.com/#frag"));
        assert!(!is_resource_uri("/relative"));
        assert!(!is_resource_uri("api.example.com"));
        let allowed = vec!["https://api.example.com/".to_string()];
        assert_eq!(judge(&allowed, None, None), Ok(None));
        assert_eq!(
            judge(&allowed, Some("https://api.example.com/"), None),
            Ok(Some("https://api.example.com/".into()))
        );
        assert!(judge(&allowed, Some("https://other.example.com/"), None).is_err());
        assert!(judge(&[], Some("https://api.example.com/"), None).is_err());
        assert_eq!(
            judge(&[], None, Some("https://api.example.com/")),
            Ok(Some("https://api.example.com/".into()))
        );
        assert!(judge(&allowed, Some("https://api.example.com/"), Some("https://b.example/")).is_err());
    }
}
