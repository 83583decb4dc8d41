//! `RequestedAuthnContext` (SAML core §3.3.2.2.1) mapped to Gatehouse's assurance levels (`core::policy::assurance`).
//!
//! Each AuthnContextClassRef an SP may ask for is given the acr level it stands for (`level_of`); the request
//! is satisfied when the session's level compares as asked (`exact`, `minimum`, `better`, `maximum`). The
//! session's level counts only methods of kinds the user's current role policy allows
//! (`assurance::counting_amr`, as `core::policy::stepup` does for OIDC `acr_values`), so a role that became stricter
//! applies at the next request. Unknown
//! class refs and declaration refs cannot be satisfied. When a request is not satisfied, `required_acr` tells which
//! level would satisfy it; `http` asks `core::policy::stepup` whether one more factor reaches it (step-up page, then the
//! request resumes) or not (`NoAuthnContext`).
use roxmltree::Node;
use serde::{Deserialize, Serialize};

use super::xml::{self, NS_ASSERTION, NS_PROTOCOL};
use super::{AC_MFA, AC_PASSWORD};
use crate::core::policy::Requirement;
use crate::core::policy::assurance;

/// Class refs that stand for a password over a protected channel (or less).
const PASSWORD_CLASSES: [&str; 4] = [
    AC_PASSWORD,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession",
];
/// Class refs that stand for two factors.
const MFA_CLASSES: [&str; 3] = [
    AC_MFA,
    "http://schemas.microsoft.com/claims/multipleauthn",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Exact,
    Minimum,
    Better,
    Maximum,
}

/// What an AuthnRequest asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requested {
    pub comparison: Comparison,
    pub class_refs: Vec<String>,
    /// `AuthnContextDeclRef`s were given: not supported, so never satisfied.
    pub declarations: bool,
}

/// Reads `samlp:RequestedAuthnContext` from a verified AuthnRequest's root; `Err` for an unknown Comparison.
pub fn read(root: &Node) -> Result<Option<Requested>, &'static str> {
    let Some(element) = xml::children(root, NS_PROTOCOL, "RequestedAuthnContext").next() else {
        return Ok(None);
    };
    let comparison = match element.attribute("Comparison").unwrap_or("exact") {
        "exact" => Comparison::Exact,
        "minimum" => Comparison::Minimum,
        "better" => Comparison::Better,
        "maximum" => Comparison::Maximum,
        _ => return Err("saml-error-comparison"),
    };
    Ok(Some(Requested {
        comparison,
        class_refs: xml::children(&element, NS_ASSERTION, "AuthnContextClassRef")
            .map(|n| xml::text(&n).trim().to_string())
            .collect(),
        declarations: xml::children(&element, NS_ASSERTION, "AuthnContextDeclRef")
            .next()
            .is_some(),
    }))
}

/// The rank of an acr level: password 1, multi-factor 2, phishing-resistant 3.
fn rank(acr: &str) -> u8 {
    match acr {
        assurance::PHISHING_RESISTANT => 3,
        assurance::MULTI_FACTOR => 2,
        _ => 1,
    }
}

/// The acr level a class ref stands for; `None` when Gatehouse has no such level.
pub fn level_of(class_ref: &str) -> Option<&'static str> {
    if PASSWORD_CLASSES.contains(&class_ref) {
        Some(assurance::PASSWORD)
    } else if MFA_CLASSES.contains(&class_ref) {
        Some(assurance::MULTI_FACTOR)
    } else {
        None
    }
}

/// Whether a session whose methods were `amr` satisfies `requested` (no request: always), counting only the
/// methods of kinds `policy` (the user's current role policy) allows.
pub fn satisfied(requested: Option<&Requested>, amr: &[String], policy: &Requirement) -> bool {
    let Some(requested) = requested else {
        return true;
    };
    if requested.declarations {
        return false;
    }
    let counting = assurance::counting_amr(amr, policy);
    let session = rank(assurance::acr_for(&counting));
    let asked: Vec<u8> = requested
        .class_refs
        .iter()
        .filter_map(|c| level_of(c))
        .map(rank)
        .collect();
    let listed = |class: &str| requested.class_refs.iter().any(|c| c == class);
    match requested.comparison {
        // The class we would send (from every method used) must be one of those listed, and so must the
        // class of what counts under the policy.
        Comparison::Exact => listed(super::authn_context_for(amr)) && listed(super::authn_context_for(&counting)),
        Comparison::Minimum => asked.iter().any(|&a| session >= a),
        Comparison::Better => asked.iter().any(|&a| session > a),
        Comparison::Maximum => asked.iter().any(|&a| session <= a),
    }
}

/// The weakest acr level that would satisfy `requested` if the user added factors (for step-up); `None` when
/// no level can (unknown classes, declarations, or only weaker contexts wanted).
pub fn required_acr(requested: &Requested) -> Option<&'static str> {
    if requested.declarations {
        return None;
    }
    let known = requested.class_refs.iter().filter_map(|c| level_of(c));
    match requested.comparison {
        Comparison::Exact | Comparison::Minimum => known.min_by_key(|l| rank(l)),
        Comparison::Better => known
            .min_by_key(|l| rank(l))
            .and_then(|l| assurance::ALL.into_iter().find(|a| rank(a) > rank(l))),
        Comparison::Maximum => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amr(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    fn user() -> crate::core::model::User {
        crate::core::policy::tests::user(false)
    }

    /// No role: every kind counts.
    fn open() -> Requirement {
        crate::core::policy::evaluate(&user(), &[])
    }

    fn asked(comparison: Comparison, refs: &[&str]) -> Requested {
        Requested {
            comparison,
            class_refs: refs.iter().map(|s| s.to_string()).collect(),
            declarations: false,
        }
    }

    #[test]
    fn comparisons_follow_saml_core() {
        let password = amr(&["pwd"]);
        let mfa = amr(&["pwd", "otp", "mfa"]);
        let key = amr(&["pwd", "hwk", "mfa"]);
        assert!(satisfied(None, &password, &open()));
        let exact_mfa = asked(Comparison::Exact, &[AC_MFA]);
        assert!(!satisfied(Some(&exact_mfa), &password, &open()));
        assert!(satisfied(Some(&exact_mfa), &mfa, &open()));
        assert!(
            satisfied(Some(&exact_mfa), &key, &open()),
            "phishing-resistant is sent as REFEDS MFA"
        );
        let exact_password = asked(Comparison::Exact, &[AC_PASSWORD]);
        assert!(satisfied(Some(&exact_password), &password, &open()));
        assert!(!satisfied(Some(&exact_password), &mfa, &open()), "exact means exactly");
        let minimum_password = asked(Comparison::Minimum, &[AC_PASSWORD]);
        assert!(satisfied(Some(&minimum_password), &password, &open()));
        assert!(satisfied(Some(&minimum_password), &mfa, &open()));
        let minimum_mfa = asked(Comparison::Minimum, &[AC_MFA]);
        assert!(!satisfied(Some(&minimum_mfa), &password, &open()));
        assert!(satisfied(Some(&minimum_mfa), &mfa, &open()));
        let better_password = asked(Comparison::Better, &[AC_PASSWORD]);
        assert!(!satisfied(Some(&better_password), &password, &open()));
        assert!(satisfied(Some(&better_password), &mfa, &open()));
        let maximum_password = asked(Comparison::Maximum, &[AC_PASSWORD]);
        assert!(satisfied(Some(&maximum_password), &password, &open()));
        assert!(!satisfied(Some(&maximum_password), &mfa, &open()));
        let kerberos = asked(
            Comparison::Minimum,
            &["urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos"],
        );
        assert!(
            !satisfied(Some(&kerberos), &key, &open()),
            "unknown classes are never satisfied"
        );
        let mut declared = asked(Comparison::Minimum, &[AC_PASSWORD]);
        declared.declarations = true;
        assert!(!satisfied(Some(&declared), &mfa, &open()));
    }

    #[test]
    fn only_kinds_the_role_policy_allows_count() {
        use crate::core::factors::FactorKind;
        let mut policy = crate::core::policy::RolePolicy::unrestricted("admin", chrono::Utc::now());
        policy.allowed_factors = vec![FactorKind::WebAuthn, FactorKind::RecoveryCode];
        let webauthn_only = crate::core::policy::evaluate(&user(), &[policy]);
        let app = amr(&["pwd", "otp", "mfa"]);
        let key = amr(&["pwd", "hwk", "user", "mfa"]);
        let minimum_mfa = asked(Comparison::Minimum, &[AC_MFA]);
        assert!(satisfied(Some(&minimum_mfa), &app, &open()));
        assert!(
            !satisfied(Some(&minimum_mfa), &app, &webauthn_only),
            "an authenticator app does not count for a role that allows only security keys"
        );
        assert!(satisfied(Some(&minimum_mfa), &key, &webauthn_only));
        let exact_mfa = asked(Comparison::Exact, &[AC_MFA]);
        assert!(!satisfied(Some(&exact_mfa), &app, &webauthn_only));
        assert!(satisfied(Some(&exact_mfa), &key, &webauthn_only));
        let better_password = asked(Comparison::Better, &[AC_PASSWORD]);
        assert!(!satisfied(Some(&better_password), &app, &webauthn_only));
        // What is sent is still REFEDS MFA (the methods used), so an exact password request stays unmet.
        let exact_password = asked(Comparison::Exact, &[AC_PASSWORD]);
        assert!(!satisfied(Some(&exact_password), &app, &webauthn_only));
    }

    #[test]
    fn required_levels_for_step_up() {
        assert_eq!(
            required_acr(&asked(Comparison::Minimum, &[AC_MFA])),
            Some(assurance::MULTI_FACTOR)
        );
        assert_eq!(
            required_acr(&asked(Comparison::Better, &[AC_PASSWORD])),
            Some(assurance::MULTI_FACTOR)
        );
        assert_eq!(
            required_acr(&asked(Comparison::Exact, &[AC_PASSWORD, AC_MFA])),
            Some(assurance::PASSWORD)
        );
        assert_eq!(required_acr(&asked(Comparison::Maximum, &[AC_MFA])), None);
        assert_eq!(required_acr(&asked(Comparison::Exact, &["urn:x"])), None);
    }
}
