//! `RequestedAuthnContext` (SAML core §3.3.2.2.1) mapped to Gatehouse's assurance levels (`core::policy::assurance`).
//!
//! Each AuthnContextClassRef an SP may ask for is given the acr level it stands for (`level_of`: the SAML
//! password classes, the REFEDS MFA profile `https://refeds.org/profile/mfa`, our URNs, and the OpenID EAP values
//! `phr` and `phrh`); the request is satisfied when the session's level compares as asked (`exact`, `minimum`,
//! `better`, `maximum`). The session's level is its standing (`core::policy::acr_age::standing`, as for OIDC
//! `acr_values`): only methods of kinds the user's current role policy allows, only levels within their maximum
//! age, so a role that became stricter — or a phishing-resistant sign-in that aged out — counts at the next
//! request. The Response's AuthnContextClassRef is what was met (`class_to_send`). Unknown
//! class refs and declaration refs cannot be satisfied. When a request is not satisfied, `required_acr` tells which
//! level would satisfy it; `http` asks `core::policy::stepup` whether one more factor reaches it (step-up page, then the
//! request resumes) or not (`NoAuthnContext`).
use roxmltree::Node;
use serde::{Deserialize, Serialize};

use super::xml::{self, NS_ASSERTION, NS_PROTOCOL};
use super::{AC_MFA, AC_PASSWORD};
use crate::core::policy::assurance;

/// Class refs that stand for a password over a protected channel (or less).
const PASSWORD_CLASSES: [&str; 5] = [
    AC_PASSWORD,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession",
    assurance::PASSWORD,
];
/// Class refs that stand for two factors.
const MFA_CLASSES: [&str; 4] = [
    AC_MFA,
    "http://schemas.microsoft.com/claims/multipleauthn",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    assurance::MULTI_FACTOR,
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

fn rank(acr: &str) -> usize {
    assurance::rank(acr).unwrap_or(0)
}

/// The acr level a class ref stands for; `None` when Gatehouse has no such level. Besides the SAML classes, the
/// REFEDS MFA profile and our URNs, the OpenID EAP values `phr` and `phrh` are understood as class refs.
pub fn level_of(class_ref: &str) -> Option<&'static str> {
    if PASSWORD_CLASSES.contains(&class_ref) {
        Some(assurance::PASSWORD)
    } else if MFA_CLASSES.contains(&class_ref) {
        Some(assurance::MULTI_FACTOR)
    } else {
        assurance::level_named(class_ref)
    }
}

/// Whether a class ref may be asserted for a session standing at `level`: its level is not above the session's,
/// and a password class is never sent for a multi-factor sign-in (nor a multi-factor class for a password one).
fn sendable(class_ref: &str, level: &str) -> bool {
    level_of(class_ref)
        .is_some_and(|l| assurance::meets(level, l) && (l == assurance::PASSWORD) == (level == assurance::PASSWORD))
}

/// Whether a session standing at `level` (`core::policy::acr_age::standing`: under the user's current role
/// policy, within each level's age) satisfies `requested` (no request: always), per SAML core §3.3.2.2.1.
pub fn satisfied(requested: Option<&Requested>, level: &str) -> bool {
    let Some(requested) = requested else {
        return true;
    };
    if requested.declarations {
        return false;
    }
    let session = rank(level);
    let asked: Vec<usize> = requested
        .class_refs
        .iter()
        .filter_map(|c| level_of(c))
        .map(rank)
        .collect();
    match requested.comparison {
        // The class we send must be one of those listed.
        Comparison::Exact => requested.class_refs.iter().any(|c| sendable(c, level)),
        Comparison::Minimum => asked.iter().any(|&a| session >= a),
        Comparison::Better => asked.iter().any(|&a| session > a),
        Comparison::Maximum => asked.iter().any(|&a| session <= a),
    }
}

/// The AuthnContextClassRef to send for a session standing at `level`: the strongest class the request listed
/// that can be asserted (so an SP asking `phr` or the REFEDS MFA profile gets the very value it asked for);
/// otherwise PasswordProtectedTransport for a password sign-in and the REFEDS MFA profile for any stronger one.
pub fn class_to_send(requested: Option<&Requested>, level: &str) -> String {
    let listed = requested
        .filter(|r| !r.declarations)
        .and_then(|r| {
            r.class_refs
                .iter()
                .filter(|c| sendable(c, level))
                .max_by_key(|c| level_of(c).map(rank))
        })
        .cloned();
    listed.unwrap_or_else(|| {
        if level == assurance::PASSWORD {
            AC_PASSWORD.to_string()
        } else {
            AC_MFA.to_string()
        }
    })
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
    use assurance::{HARDWARE_BOUND, MULTI_FACTOR, PASSWORD, PHISHING_RESISTANT};

    fn asked(comparison: Comparison, refs: &[&str]) -> Requested {
        Requested {
            comparison,
            class_refs: refs.iter().map(|s| s.to_string()).collect(),
            declarations: false,
        }
    }

    #[test]
    fn comparisons_follow_saml_core() {
        assert!(satisfied(None, PASSWORD));
        let exact_mfa = asked(Comparison::Exact, &[AC_MFA]);
        assert!(!satisfied(Some(&exact_mfa), PASSWORD));
        assert!(satisfied(Some(&exact_mfa), MULTI_FACTOR));
        assert!(
            satisfied(Some(&exact_mfa), PHISHING_RESISTANT),
            "phishing-resistant is sent as REFEDS MFA"
        );
        let exact_password = asked(Comparison::Exact, &[AC_PASSWORD]);
        assert!(satisfied(Some(&exact_password), PASSWORD));
        assert!(!satisfied(Some(&exact_password), MULTI_FACTOR), "exact means exactly");
        let minimum_password = asked(Comparison::Minimum, &[AC_PASSWORD]);
        assert!(satisfied(Some(&minimum_password), PASSWORD));
        assert!(satisfied(Some(&minimum_password), MULTI_FACTOR));
        let minimum_mfa = asked(Comparison::Minimum, &[AC_MFA]);
        assert!(!satisfied(Some(&minimum_mfa), PASSWORD));
        assert!(satisfied(Some(&minimum_mfa), MULTI_FACTOR));
        let better_password = asked(Comparison::Better, &[AC_PASSWORD]);
        assert!(!satisfied(Some(&better_password), PASSWORD));
        assert!(satisfied(Some(&better_password), MULTI_FACTOR));
        let maximum_password = asked(Comparison::Maximum, &[AC_PASSWORD]);
        assert!(satisfied(Some(&maximum_password), PASSWORD));
        assert!(!satisfied(Some(&maximum_password), MULTI_FACTOR));
        let kerberos = asked(
            Comparison::Minimum,
            &["urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos"],
        );
        assert!(
            !satisfied(Some(&kerberos), HARDWARE_BOUND),
            "unknown classes are never satisfied"
        );
        let mut declared = asked(Comparison::Minimum, &[AC_PASSWORD]);
        declared.declarations = true;
        assert!(!satisfied(Some(&declared), MULTI_FACTOR));
    }

    #[test]
    fn phr_and_phrh_are_levels_exact_and_minimum_alike() {
        let exact_phr = asked(Comparison::Exact, &["phr"]);
        assert!(!satisfied(Some(&exact_phr), MULTI_FACTOR));
        assert!(satisfied(Some(&exact_phr), PHISHING_RESISTANT));
        assert!(
            satisfied(Some(&exact_phr), HARDWARE_BOUND),
            "phrh is phishing-resistant: phr is true"
        );
        let exact_phrh = asked(Comparison::Exact, &["phrh"]);
        assert!(!satisfied(Some(&exact_phrh), PHISHING_RESISTANT));
        assert!(satisfied(Some(&exact_phrh), HARDWARE_BOUND));
        let minimum_refeds = asked(Comparison::Minimum, &[AC_MFA]);
        assert!(satisfied(Some(&minimum_refeds), HARDWARE_BOUND));
        assert_eq!(required_acr(&exact_phrh), Some(HARDWARE_BOUND));
        assert_eq!(
            required_acr(&asked(Comparison::Minimum, &["phr"])),
            Some(PHISHING_RESISTANT)
        );
        assert_eq!(
            required_acr(&asked(Comparison::Better, &[AC_MFA])),
            Some(PHISHING_RESISTANT)
        );
    }

    #[test]
    fn the_class_sent_is_the_strongest_listed_one_that_is_true() {
        let refeds = asked(Comparison::Minimum, &[AC_MFA]);
        assert_eq!(class_to_send(Some(&refeds), PHISHING_RESISTANT), AC_MFA);
        let phr_or_mfa = asked(Comparison::Exact, &[AC_MFA, "phr"]);
        assert_eq!(class_to_send(Some(&phr_or_mfa), HARDWARE_BOUND), "phr");
        assert_eq!(class_to_send(Some(&phr_or_mfa), MULTI_FACTOR), AC_MFA);
        assert_eq!(class_to_send(None, PASSWORD), AC_PASSWORD);
        assert_eq!(class_to_send(None, HARDWARE_BOUND), AC_MFA);
        let better_password = asked(Comparison::Better, &[AC_PASSWORD]);
        assert_eq!(
            class_to_send(Some(&better_password), MULTI_FACTOR),
            AC_MFA,
            "a password class is never sent for more"
        );
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
