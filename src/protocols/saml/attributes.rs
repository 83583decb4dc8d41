//! Which attributes a service provider is sent, under which names (`ServiceProvider::attributes`): the user's
//! username, e-mail, display name and roles, or a static value, each under the name the SP expects.
//!
//! Guarantees: names are 1–256 characters without whitespace or control characters and unique per SP; a
//! static value is at most 1024 characters; every name and value is written XML-escaped (`xml::escape`), so
//! a comment or entity in a value stays text and never changes what the SP reads. A name that is a URI
//! (contains `:`) is sent with the `uri` NameFormat, any other with `basic`.
use super::xml::escape;
use crate::core::model::User;
use crate::core::saml::{AttributeMapping, AttributeSource};
use crate::core::{Error, Result};

const MAX_NAME: usize = 256;
const MAX_STATIC_VALUE: usize = 1024;
const MAX_ATTRIBUTES: usize = 64;

const NAME_FORMAT_BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
const NAME_FORMAT_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_NAME || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(format!(
            "'{name}' is not an attribute name (1 to {MAX_NAME} characters, no spaces)."
        )));
    }
    Ok(())
}

/// `NAME=SOURCE` (`--attribute`), SOURCE one of username, email, name, roles.
pub fn parse_mapped(text: &str) -> Result<AttributeMapping> {
    let (name, source) = text
        .split_once('=')
        .ok_or_else(|| Error::invalid(format!("'{text}' is not NAME=SOURCE.")))?;
    let source = AttributeSource::parse(source.trim()).ok_or_else(|| {
        Error::invalid(format!(
            "'{source}' is not an attribute source: use username, email, name or roles (or --static-attribute)."
        ))
    })?;
    Ok(AttributeMapping::new(name.trim(), source))
}

/// `NAME=VALUE` (`--static-attribute`): the value is everything after the first `=`, as given.
pub fn parse_static(text: &str) -> Result<AttributeMapping> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| Error::invalid(format!("'{text}' is not NAME=VALUE.")))?;
    Ok(AttributeMapping::new(
        name.trim(),
        AttributeSource::Static {
            value: value.to_string(),
        },
    ))
}

/// Checks a whole mapping: names, static values, no name twice.
pub fn check(mappings: Vec<AttributeMapping>) -> Result<Vec<AttributeMapping>> {
    if mappings.len() > MAX_ATTRIBUTES {
        return Err(Error::invalid(format!(
            "At most {MAX_ATTRIBUTES} attributes can be sent."
        )));
    }
    for (at, mapping) in mappings.iter().enumerate() {
        check_name(&mapping.name)?;
        if let AttributeSource::Static { value } = &mapping.source
            && value.chars().count() > MAX_STATIC_VALUE
        {
            return Err(Error::invalid(format!(
                "The value of '{}' is longer than {MAX_STATIC_VALUE} characters.",
                mapping.name
            )));
        }
        if mappings[..at].iter().any(|m| m.name == mapping.name) {
            return Err(Error::invalid(format!(
                "The attribute '{}' is named twice.",
                mapping.name
            )));
        }
    }
    Ok(mappings)
}

/// The values `mapping` has for `user`.
fn values<'a>(mapping: &'a AttributeMapping, user: &'a User, roles: &'a [String]) -> Vec<&'a str> {
    match &mapping.source {
        AttributeSource::Username => vec![&user.username],
        AttributeSource::Email => vec![&user.email],
        AttributeSource::Name => vec![&user.display_name],
        AttributeSource::Roles => roles.iter().map(String::as_str).collect(),
        AttributeSource::Static { value } => vec![value],
    }
}

fn attribute(name: &str, values: &[&str]) -> String {
    let format = if name.contains(':') {
        NAME_FORMAT_URI
    } else {
        NAME_FORMAT_BASIC
    };
    let values: String = values
        .iter()
        .map(|v| {
            format!(
                "<saml:AttributeValue xsi:type=\"xs:string\">{}</saml:AttributeValue>",
                escape(v)
            )
        })
        .collect();
    format!(
        "<saml:Attribute Name=\"{}\" NameFormat=\"{format}\">{values}</saml:Attribute>",
        escape(name)
    )
}

/// The `saml:Attribute` elements for `user` (an attribute without values, such as roles of a user with none,
/// is left out); empty when nothing is to be sent.
pub fn elements(mappings: &[AttributeMapping], user: &User, roles: &[String]) -> String {
    mappings
        .iter()
        .filter_map(|m| {
            let values = values(m, user, roles);
            (!values.is_empty()).then(|| attribute(&m.name, &values))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::saml::default_attributes;

    fn user() -> User {
        User {
            id: "u".into(),
            username: "ann".into(),
            email: "ann@example.com".into(),
            display_name: "Ann <!--x--> &amp; Co".into(),
            phone: None,
            status: crate::core::model::UserStatus::Active,
            manager_id: None,
            password_hash: None,
            password_changed_at: None,
            mfa_required: false,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            locale: None,
        }
    }

    #[test]
    fn flags_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse_mapped("mail=email").unwrap(),
            AttributeMapping::new("mail", AttributeSource::Email)
        );
        assert_eq!(
            parse_static("org=a=b").unwrap(),
            AttributeMapping::new("org", AttributeSource::Static { value: "a=b".into() })
        );
        assert!(parse_mapped("mail=password").is_err());
        assert!(parse_mapped("mail").is_err());
        assert!(check(vec![parse_mapped("a b=email").unwrap()]).is_err());
        assert!(check(vec![parse_mapped("=email").unwrap()]).is_err());
        assert!(check(vec![parse_mapped("x=email").unwrap(), parse_static("x=1").unwrap()]).is_err());
        assert!(check(vec![parse_static(&format!("x={}", "v".repeat(2000))).unwrap()]).is_err());
        assert!(check(default_attributes()).is_ok());
    }

    #[test]
    fn values_are_escaped_and_empty_attributes_left_out() {
        let mappings = vec![
            AttributeMapping::new("cn", AttributeSource::Name),
            AttributeMapping::new("urn:oid:0.9.2342.19200300.100.1.3", AttributeSource::Email),
            AttributeMapping::new("roles", AttributeSource::Roles),
            AttributeMapping::new(
                "org",
                AttributeSource::Static {
                    value: "<!-- -->&x;".into(),
                },
            ),
        ];
        let xml = elements(&mappings, &user(), &[]);
        assert!(xml.contains(">Ann &lt;!--x--&gt; &amp;amp; Co<"), "{xml}");
        assert!(xml.contains(">&lt;!-- --&gt;&amp;x;<"), "{xml}");
        assert!(!xml.contains("Name=\"roles\""), "no roles, no attribute");
        assert!(xml.contains("attrname-format:uri\"><saml:AttributeValue xsi:type=\"xs:string\">ann@example.com"));
        let wrapped = format!(
            "<r xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">{xml}</r>"
        );
        let doc = roxmltree::Document::parse(&wrapped).expect("well-formed");
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "AttributeValue")
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            texts,
            ["Ann <!--x--> &amp; Co", "ann@example.com", "<!-- -->&x;"],
            "an SP reads exactly the stored text"
        );
    }
}
