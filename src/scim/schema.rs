//! The attributes Gatehouse's SCIM service understands (RFC 7643 §4, §8.7): the core User and Group schemas, the
//! Enterprise User extension, and the common attributes (`id`, `externalId`, `meta`). One table drives everything
//! else: discovery (`/Schemas`), the checks on incoming bodies (`normalise`), filters, PATCH paths, sorting and
//! projection — so what we advertise, accept and return cannot drift apart.
//!
//! Attributes of the RFC's core schemas that Gatehouse does not keep (`title`, `addresses`, `nickName`, …) are in the
//! table too, marked `stored: false`: directories such as Entra ID send several of them in their default mapping, so
//! a body carrying them is accepted and the values are dropped; they are not advertised and cannot be filtered on.
//! Names are matched case-insensitively (RFC 7643 §2.1) and answered in their canonical spelling.
mod documents;
mod normalise;
mod values;

pub use documents::{
    MAX_RESULTS, resource_type, resource_types, schema_resource, schemas_document, service_provider_config,
};
pub use normalise::{check_resource, normalise, version_of};
pub(crate) use values::{coerce_bool, normalise_value};

use super::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

/// Which kind of resource a request is about: the `/Users` or the `/Groups` endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    User,
    Group,
}

impl Kind {
    /// The resource type's name, as in `meta.resourceType` and `/ResourceTypes/{name}`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }

    pub fn core(self) -> &'static Schema {
        match self {
            Kind::User => &USER,
            Kind::Group => &GROUP,
        }
    }

    pub fn extensions(self) -> &'static [&'static Schema] {
        match self {
            Kind::User => &USER_EXTENSIONS,
            Kind::Group => &[],
        }
    }

    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::User => "/Users",
            Kind::Group => "/Groups",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Boolean,
    Complex,
    Reference,
    DateTime,
}

impl Type {
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Boolean => "boolean",
            Type::Complex => "complex",
            Type::Reference => "reference",
            Type::DateTime => "dateTime",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

impl Mutability {
    pub fn as_str(self) -> &'static str {
        match self {
            Mutability::ReadOnly => "readOnly",
            Mutability::ReadWrite => "readWrite",
            Mutability::Immutable => "immutable",
            Mutability::WriteOnly => "writeOnly",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

impl Returned {
    pub fn as_str(self) -> &'static str {
        match self {
            Returned::Always => "always",
            Returned::Never => "never",
            Returned::Default => "default",
            Returned::Request => "request",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
}

impl Uniqueness {
    pub fn as_str(self) -> &'static str {
        match self {
            Uniqueness::None => "none",
            Uniqueness::Server => "server",
        }
    }
}

/// One attribute definition (RFC 7643 §2.2, §7).
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub multi_valued: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub description: &'static str,
    pub canonical_values: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub_attributes: &'static [Attribute],
    /// `false`: an RFC 7643 attribute Gatehouse accepts in requests and drops (not advertised, not filterable).
    pub stored: bool,
}

impl Attribute {
    const fn new(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            name,
            ty,
            multi_valued: false,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            description,
            canonical_values: &[],
            reference_types: &[],
            sub_attributes: &[],
            stored: true,
        }
    }
    const fn string(name: &'static str, description: &'static str) -> Self {
        Attribute::new(name, Type::String, description)
    }
    const fn complex(name: &'static str, description: &'static str, subs: &'static [Attribute]) -> Self {
        let mut a = Attribute::new(name, Type::Complex, description);
        a.sub_attributes = subs;
        a
    }
    const fn reference(name: &'static str, description: &'static str, types: &'static [&'static str]) -> Self {
        let mut a = Attribute::new(name, Type::Reference, description);
        a.reference_types = types;
        a.case_exact = true;
        a
    }
    /// An attribute of the RFC's schemas that Gatehouse accepts and drops.
    const fn ignored(name: &'static str) -> Self {
        let mut a = Attribute::new(name, Type::String, "");
        a.stored = false;
        a
    }
    const fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    const fn read_only(mut self) -> Self {
        self.mutability = Mutability::ReadOnly;
        self
    }
    const fn immutable(mut self) -> Self {
        self.mutability = Mutability::Immutable;
        self
    }
    const fn unique(mut self) -> Self {
        self.uniqueness = Uniqueness::Server;
        self
    }
    const fn always(mut self) -> Self {
        self.returned = Returned::Always;
        self
    }
    const fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical_values = values;
        self
    }

    /// A sub-attribute by name, case-insensitively.
    pub fn sub(&'static self, name: &str) -> Option<&'static Attribute> {
        self.sub_attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// Whether a client may set this attribute at all (RFC 7643 §2.2 `mutability`).
    pub fn writable(&self) -> bool {
        !matches!(self.mutability, Mutability::ReadOnly)
    }
}

/// A schema: its URN, name and top-level attributes.
#[derive(Debug)]
pub struct Schema {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [Attribute],
}

/// Schemas are statics; one is another when their URNs are.
impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Schema {}

impl Schema {
    pub fn attribute(&'static self, name: &str) -> Option<&'static Attribute> {
        self.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

const PRIMARY: Attribute = Attribute::new(
    "primary",
    Type::Boolean,
    "Whether this is the primary value; true at most once.",
);

static MULTI_VALUE_SUBS_EMAIL: [Attribute; 4] = [
    // An entry without its address is refused (`invalidValue`): required, so a schema-driven client sends one.
    Attribute::string("value", "The e-mail address.").required(),
    Attribute::ignored("display"),
    Attribute::string("type", "The kind of address.").canonical(&["work", "home", "other"]),
    PRIMARY,
];

static MULTI_VALUE_SUBS_PHONE: [Attribute; 4] = [
    Attribute::string("value", "The phone number, E.164 (tel: URIs accepted)."),
    Attribute::ignored("display"),
    Attribute::string("type", "The kind of number; a mobile number is the SMS factor's phone.")
        .canonical(&["work", "home", "mobile", "fax", "pager", "other"]),
    PRIMARY,
];

static NAME_SUBS: [Attribute; 6] = [
    Attribute::string("formatted", "The full name, formatted for display."),
    Attribute::string("familyName", "The family (last) name."),
    Attribute::string("givenName", "The given (first) name."),
    Attribute::ignored("middleName"),
    Attribute::ignored("honorificPrefix"),
    Attribute::ignored("honorificSuffix"),
];

static GROUPS_SUBS: [Attribute; 4] = [
    Attribute::string("value", "The id of the group.").read_only(),
    Attribute::reference("$ref", "The URI of the group.", &["User", "Group"]).read_only(),
    Attribute::string("display", "The group's displayName.").read_only(),
    Attribute::string("type", "Direct membership or through another group.")
        .canonical(&["direct", "indirect"])
        .read_only(),
];

static USER_ATTRIBUTES: [Attribute; 21] = [
    Attribute::string(
        "userName",
        "The name the user signs in with; unique, compared case-insensitively.",
    )
    .required()
    .unique(),
    Attribute::complex("name", "The components of the user's name.", &NAME_SUBS),
    Attribute::string("displayName", "The name shown for the user."),
    Attribute::ignored("nickName"),
    Attribute::ignored("profileUrl"),
    Attribute::ignored("title"),
    Attribute::ignored("userType"),
    Attribute::string(
        "preferredLanguage",
        "The user's language (RFC 7231 Accept-Language form, e.g. de).",
    ),
    Attribute::ignored("locale"),
    Attribute::ignored("timezone"),
    Attribute::new(
        "active",
        Type::Boolean,
        "false disables the user and ends every session at once.",
    ),
    Attribute {
        mutability: Mutability::WriteOnly,
        returned: Returned::Never,
        case_exact: true,
        ..Attribute::string(
            "password",
            "A first password; checked against the password policy, stored hashed.",
        )
    },
    // Advertised required because every account has an address (invitations, notices): a client that builds
    // Users from /Schemas (scim2-tester does) then sends one. `normalise` does not check it, since a userName that
    // is an address stands in for it (Okta's default mapping sends no emails), which `core::provisioning` decides.
    Attribute::complex(
        "emails",
        "E-mail addresses; the primary one is the user's address. One is required, unless userName is an address.",
        &MULTI_VALUE_SUBS_EMAIL,
    )
    .multi()
    .required(),
    Attribute::complex(
        "phoneNumbers",
        "Phone numbers; the mobile one is the SMS phone.",
        &MULTI_VALUE_SUBS_PHONE,
    )
    .multi(),
    Attribute::ignored("ims"),
    Attribute::ignored("photos"),
    Attribute::ignored("addresses"),
    Attribute::complex(
        "groups",
        "The groups the user belongs to; change them through /Groups.",
        &GROUPS_SUBS,
    )
    .multi()
    .read_only(),
    Attribute::ignored("entitlements"),
    Attribute::ignored("roles"),
    Attribute::ignored("x509Certificates"),
];

static MANAGER_SUBS: [Attribute; 3] = [
    Attribute::string("value", "The id of the manager's User resource."),
    Attribute::reference("$ref", "The URI of the manager's User resource.", &["User"]),
    Attribute::string("displayName", "The manager's displayName.").read_only(),
];

static ENTERPRISE_ATTRIBUTES: [Attribute; 7] = [
    Attribute::string("employeeNumber", "The identifier the organisation gives the person."),
    Attribute::ignored("costCenter"),
    Attribute::ignored("organization"),
    Attribute::ignored("division"),
    Attribute::string("department", "The department the person works in."),
    Attribute::complex(
        "manager",
        "The user's manager; they approve factor resets and may be linked before they are provisioned.",
        &MANAGER_SUBS,
    ),
    Attribute::ignored("employeeType"),
];

static MEMBER_SUBS: [Attribute; 4] = [
    Attribute::string("value", "The id of the member's resource.").immutable(),
    Attribute::reference("$ref", "The URI of the member's resource.", &["User", "Group"]).immutable(),
    Attribute::string("display", "The member's userName.").read_only(),
    Attribute::string("type", "The kind of member.")
        .canonical(&["User", "Group"])
        .immutable(),
];

static GROUP_ATTRIBUTES: [Attribute; 2] = [
    Attribute::string("displayName", "The group's name; groups map to Gatehouse roles by it.")
        .required()
        .unique(),
    Attribute::complex("members", "The members of the group.", &MEMBER_SUBS).multi(),
];

static META_SUBS: [Attribute; 5] = [
    Attribute::string("resourceType", "User or Group.")
        .case_exact()
        .read_only(),
    Attribute::new("created", Type::DateTime, "When the resource was created.").read_only(),
    Attribute::new("lastModified", Type::DateTime, "When the resource last changed.").read_only(),
    Attribute::reference("location", "The resource's URI.", &["uri"]).read_only(),
    Attribute::string("version", "The resource's weak ETag.")
        .case_exact()
        .read_only(),
];

/// The attributes every resource has (RFC 7643 §3.1); they are not listed in a schema's `attributes`.
pub static COMMON: [Attribute; 3] = [
    Attribute::string("id", "The resource's identifier, assigned by Gatehouse.")
        .case_exact()
        .read_only()
        .always()
        .unique(),
    Attribute::string("externalId", "The client's identifier for the resource.").case_exact(),
    Attribute::complex("meta", "Resource metadata.", &META_SUBS).read_only(),
];

pub static USER: Schema = Schema {
    id: USER_SCHEMA,
    name: "User",
    description: "User Account",
    attributes: &USER_ATTRIBUTES,
};

pub static ENTERPRISE_USER: Schema = Schema {
    id: ENTERPRISE_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &ENTERPRISE_ATTRIBUTES,
};

static USER_EXTENSIONS: [&Schema; 1] = [&ENTERPRISE_USER];

pub static GROUP: Schema = Schema {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group",
    attributes: &GROUP_ATTRIBUTES,
};

/// Schema URNs a client may list in `schemas` beside ours, which we accept and drop: Entra ID's group creation
/// names its AD extension ("Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", Create Group).
pub const TOLERATED_SCHEMAS: [&str; 1] = ["http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"];

/// Where an attribute lives in a resource: at the top, or inside an extension's object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Top,
    Extension(&'static Schema),
}

/// A resolved attribute path: `attr` or `attr.sub`, at the top or in an extension.
#[derive(Clone, Copy, Debug)]
pub struct AttrRef {
    pub place: Place,
    pub attr: &'static Attribute,
    pub sub: Option<&'static Attribute>,
}

impl AttrRef {
    /// The attribute this path ends at (the sub-attribute when there is one).
    pub fn leaf(&self) -> &'static Attribute {
        self.sub.unwrap_or(self.attr)
    }

    /// Whether Gatehouse keeps this value (false for the RFC attributes we accept and drop).
    pub fn stored(&self) -> bool {
        self.attr.stored && self.sub.is_none_or(|s| s.stored)
    }

    /// The path in its canonical spelling, URN-qualified inside an extension.
    pub fn display(&self) -> String {
        let mut text = match self.place {
            Place::Top => self.attr.name.to_string(),
            Place::Extension(schema) => format!("{}:{}", schema.id, self.attr.name),
        };
        if let Some(sub) = self.sub {
            text.push('.');
            text.push_str(sub.name);
        }
        text
    }

    /// The object holding this attribute in `resource`, if there is one.
    pub fn container<'a>(
        &self,
        resource: &'a serde_json::Value,
    ) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
        match self.place {
            Place::Top => resource.as_object(),
            Place::Extension(schema) => resource.get(schema.id)?.as_object(),
        }
    }

    /// The attribute's value in `resource` (the whole attribute, not the sub-attribute).
    pub fn value<'a>(&self, resource: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        self.container(resource)?.get(self.attr.name).filter(|v| !v.is_null())
    }
}

/// What a name or path in a request stands for.
#[derive(Clone, Copy, Debug)]
pub enum Resolved {
    Attr(AttrRef),
    /// The extension's URN itself (`urn:…:enterprise:2.0:User` as a PATCH path or `attributes` entry).
    Extension(&'static Schema),
}

/// Resolves `[uri:]name[.sub]` for `kind`. Names are case-insensitive; an extension's attribute may also be named
/// without its URN when no core attribute has that name (Entra ID sends `"path": "manager"`, see
/// `docs/integrate/scim-patch.md`). `None` when the path names nothing of `kind`.
pub fn resolve(kind: Kind, uri: Option<&str>, name: &str, sub: Option<&str>) -> Option<Resolved> {
    let place_attr = match uri {
        Some(uri) => {
            if let Some(schema) = schema_of(kind, uri) {
                if std::ptr::eq(schema, kind.core()) {
                    (Place::Top, top_attribute(kind, name)?)
                } else {
                    (Place::Extension(schema), schema.attribute(name)?)
                }
            } else {
                // `urn:…:enterprise:2.0:User` parses as uri `urn:…:enterprise:2.0` and name `User`.
                let whole = format!("{uri}:{name}");
                let schema = schema_of(kind, &whole)?;
                if std::ptr::eq(schema, kind.core()) || sub.is_some() {
                    return None;
                }
                return Some(Resolved::Extension(schema));
            }
        }
        None => match top_attribute(kind, name) {
            Some(attr) => (Place::Top, attr),
            None => {
                let (schema, attr) = kind
                    .extensions()
                    .iter()
                    .find_map(|schema| schema.attribute(name).map(|attr| (*schema, attr)))?;
                (Place::Extension(schema), attr)
            }
        },
    };
    let (place, attr) = place_attr;
    let sub = match sub {
        None => None,
        Some(sub) if attr.ty == Type::Complex && attr.stored => Some(attr.sub(sub)?),
        // A sub-attribute of something we drop is dropped with it.
        Some(_) if !attr.stored => None,
        Some(_) => return None,
    };
    Some(Resolved::Attr(AttrRef { place, attr, sub }))
}

/// A top-level attribute of `kind`'s core schema or a common one.
fn top_attribute(kind: Kind, name: &str) -> Option<&'static Attribute> {
    kind.core()
        .attribute(name)
        .or_else(|| COMMON.iter().find(|a| a.name.eq_ignore_ascii_case(name)))
}

/// The schema of `kind` with this URN (case-insensitively: clients differ in the case of `urn:ietf:params`).
pub fn schema_of(kind: Kind, urn: &str) -> Option<&'static Schema> {
    std::iter::once(kind.core())
        .chain(kind.extensions().iter().copied())
        .find(|s| s.id.eq_ignore_ascii_case(urn))
}

/// Client text (a name, a path, a token) as an error message shows it: at most 80 characters, so an answer never
/// echoes a whole hostile input.
pub(crate) fn shown(text: &str) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(80).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

/// Splits a flat name as used in `attributes=` lists and PATCH value keys into `[uri:]name[.sub]` and resolves it.
/// `"urn:…:enterprise:2.0:User"` alone names the extension.
pub fn resolve_name(kind: Kind, text: &str) -> Option<Resolved> {
    let text = text.trim();
    if let Some(schema) = schema_of(kind, text) {
        if std::ptr::eq(schema, kind.core()) {
            return None;
        }
        return Some(Resolved::Extension(schema));
    }
    // A URN prefix ends at the last ':'; the attribute after it may carry one '.sub'.
    let (uri, rest) = match text.rfind(':') {
        Some(i) => (Some(&text[..i]), &text[i + 1..]),
        None => (None, text),
    };
    let (name, sub) = match rest.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (rest, None),
    };
    if name.is_empty() || sub.is_some_and(|s| s.is_empty() || s.contains('.')) {
        return None;
    }
    resolve(kind, uri, name, sub)
}

#[cfg(test)]
mod tests;
