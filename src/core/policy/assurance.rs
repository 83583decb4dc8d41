//! Assurance levels (`acr`) derived from the methods actually used (`amr`), and the comparisons step-up needs:
//! levels are ordered (password < mfa < phishing-resistant < phishing-resistant hardware-bound), a request is met
//! by any level at least as strong as the weakest one it accepts, and under the current role policy a method of a
//! kind the policy no longer allows does not count toward the level.
//!
//! Names: our three URNs, and the OpenID EAP ACR values (`phr` ≡ our phishing-resistant level, `phrh` the
//! hardware-bound one, which has no URN of ours). How long each level lasts is `acr_age`.
use crate::core::factors::FactorKind;
use crate::core::policy::Requirement;
use crate::core::signin::trusted_devices::device::AMR_MARKER;

pub const PASSWORD: &str = "urn:gatehouse:acr:password";
pub const MULTI_FACTOR: &str = "urn:gatehouse:acr:mfa";
/// Multi-factor where one factor is bound to the origin (WebAuthn): resists phishing.
pub const PHISHING_RESISTANT: &str = "urn:gatehouse:acr:phishing-resistant";

/// OpenID EAP ACR Values 1.0: phishing-resistant; the same level as [`PHISHING_RESISTANT`].
pub const PHR: &str = "phr";
/// OpenID EAP ACR Values 1.0: phishing-resistant with a hardware-bound key — a WebAuthn credential that is not
/// backup-eligible, registered and used with user verification (`acr_age::LevelProofs`). `amr` alone cannot tell
/// it (a `hwk` assertion does not say what was recorded at registration), so [`acr_for`] never returns it.
pub const HARDWARE_BOUND: &str = "phrh";

/// Our levels, weakest first: the values `min_acr` and the step-up page take.
pub const ALL: [&str; 4] = [PASSWORD, MULTI_FACTOR, PHISHING_RESISTANT, HARDWARE_BOUND];

/// Every `acr` value we understand in requests and advertise (`acr_values_supported`), with its level.
pub const NAMES: [(&str, &str); 5] = [
    (PASSWORD, PASSWORD),
    (MULTI_FACTOR, MULTI_FACTOR),
    (PHISHING_RESISTANT, PHISHING_RESISTANT),
    (PHR, PHISHING_RESISTANT),
    (HARDWARE_BOUND, HARDWARE_BOUND),
];

/// The advertised values (discovery's `acr_values_supported`).
pub fn supported() -> Vec<&'static str> {
    NAMES.iter().map(|(name, _)| *name).collect()
}

/// The level an `acr` value stands for; `None` for values not ours.
pub fn level_named(name: &str) -> Option<&'static str> {
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, level)| *level)
}

/// The value to claim for a session at `level`: the strongest of the values the relying party asked for (in the
/// form it asked, e.g. `phr`) that `level` meets; otherwise our name of the level — where the hardware-bound level
/// is claimed as our phishing-resistant URN unless `phrh` was asked, so relying parties that never asked for it
/// see what they saw before it existed.
pub fn claim(level: &'static str, asked: &[&str]) -> &'static str {
    let met = NAMES
        .iter()
        .filter(|(name, l)| asked.contains(name) && meets(level, l))
        .max_by_key(|(_, l)| rank(l));
    match met {
        Some((name, _)) => name,
        None if level == HARDWARE_BOUND => PHISHING_RESISTANT,
        None => level,
    }
}

/// The level of a session from its methods. A sign-in whose second factor was skipped on a trusted browser
/// (`pwd` + `device`, no `mfa`) is multi-factor — the password plus possession of the browser that proved a
/// factor within the role's window — but never phishing-resistant, whatever factor established the trust
/// (see docs/decisions.md).
pub fn acr_for(amr: &[String]) -> &'static str {
    let has = |m: &str| amr.iter().any(|a| a == m);
    if has("mfa") && (has("hwk") || has("swk")) && !has(AMR_MARKER) {
        PHISHING_RESISTANT
    } else if has("mfa") || (has("pwd") && has(AMR_MARKER)) {
        MULTI_FACTOR
    } else {
        PASSWORD
    }
}

/// The position of a level in the order password < mfa < phishing-resistant; `None` for values not ours.
pub fn rank(level: &str) -> Option<usize> {
    ALL.iter().position(|l| *l == level)
}

/// Our levels among space-separated `acr_values` (any of [`NAMES`]), in the order given; other values are ignored
/// (voluntary).
pub fn known_levels(acr_values: &str) -> Vec<&'static str> {
    acr_values.split_whitespace().filter_map(level_named).collect()
}

/// The weakest level that satisfies a request: the client's minimum and the weakest of the requested levels
/// (any listed level is acceptable), whichever is stronger. `None`: nothing is required.
pub fn required(requested: &[&'static str], client_min: Option<&str>) -> Option<&'static str> {
    let asked = requested.iter().copied().min_by_key(|l| rank(l));
    let min = client_min.and_then(level_named);
    match (asked, min) {
        (Some(a), Some(m)) => Some(if rank(a) >= rank(m) { a } else { m }),
        (a, m) => a.or(m),
    }
}

/// Whether `level` is at least as strong as `wanted`.
pub fn meets(level: &str, wanted: &str) -> bool {
    matches!((rank(level), rank(wanted)), (Some(l), Some(w)) if l >= w)
}

/// The factor kinds an `amr` method may stand for (`otp` is an app or a hardware token).
pub fn kinds_of_method(method: &str) -> &'static [FactorKind] {
    match method {
        "otp" => &[FactorKind::Totp, FactorKind::OathToken],
        "sms" => &[FactorKind::Sms],
        // A cross-device approval is the possession of the approving session's security key or passkey.
        "hwk" | "swk" | "mca" => &[FactorKind::WebAuthn],
        "rc" => &[FactorKind::RecoveryCode],
        _ => &[],
    }
}

/// The methods of a session that still count under the user's current policy: a factor of a kind no longer
/// allowed is dropped, and `mfa` with it when no such factor remains.
pub fn counting_amr(amr: &[String], requirement: &Requirement) -> Vec<String> {
    let counts = |m: &str| {
        let kinds = kinds_of_method(m);
        kinds.is_empty() || kinds.iter().any(|k| requirement.allows(*k))
    };
    let mut kept: Vec<String> = amr.iter().filter(|m| counts(m)).cloned().collect();
    if !kept.iter().any(|m| !kinds_of_method(m).is_empty()) {
        kept.retain(|m| m != "mfa");
    }
    kept
}

/// The level a successful second factor of `kind` after a password gives.
pub fn level_of_kind(kind: FactorKind) -> &'static str {
    acr_for(&["pwd".to_string(), kind.amr().to_string(), "mfa".to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amr(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn levels_follow_the_methods_used() {
        assert_eq!(acr_for(&amr(&["pwd"])), PASSWORD);
        assert_eq!(acr_for(&amr(&["pwd", "otp", "mfa"])), MULTI_FACTOR);
        assert_eq!(acr_for(&amr(&["pwd", "sms", "mfa"])), MULTI_FACTOR);
        assert_eq!(acr_for(&amr(&["pwd", "hwk", "user", "mfa"])), PHISHING_RESISTANT);
        assert_eq!(acr_for(&amr(&["swk", "user", "mfa"])), PHISHING_RESISTANT);
        // A trusted browser skipped the second factor: multi-factor, never phishing-resistant.
        assert_eq!(acr_for(&amr(&["pwd", "device"])), MULTI_FACTOR);
        assert_eq!(acr_for(&amr(&["pwd", "device", "hwk", "mfa"])), MULTI_FACTOR);
        assert_eq!(acr_for(&amr(&["device"])), PASSWORD);
    }

    #[test]
    fn a_request_is_met_by_its_weakest_level_or_the_client_minimum() {
        assert_eq!(known_levels("urn:x:gold urn:gatehouse:acr:mfa"), vec![MULTI_FACTOR]);
        assert_eq!(known_levels("phr phrh"), vec![PHISHING_RESISTANT, HARDWARE_BOUND]);
        assert!(meets(HARDWARE_BOUND, PHISHING_RESISTANT));
        assert!(!meets(PHISHING_RESISTANT, HARDWARE_BOUND));
        assert_eq!(required(&[PHISHING_RESISTANT, MULTI_FACTOR], None), Some(MULTI_FACTOR));
        assert_eq!(required(&[PASSWORD], Some(MULTI_FACTOR)), Some(MULTI_FACTOR));
        assert_eq!(
            required(&[PHISHING_RESISTANT], Some(MULTI_FACTOR)),
            Some(PHISHING_RESISTANT)
        );
        assert_eq!(required(&[], Some("bogus")), None);
        assert_eq!(required(&[], None), None);
        assert!(meets(PHISHING_RESISTANT, MULTI_FACTOR));
        assert!(!meets(MULTI_FACTOR, PHISHING_RESISTANT));
        assert_eq!(level_of_kind(FactorKind::Totp), MULTI_FACTOR);
        assert_eq!(level_of_kind(FactorKind::WebAuthn), PHISHING_RESISTANT);
    }

    #[test]
    fn the_claim_echoes_the_form_asked_and_never_more_than_the_level() {
        assert_eq!(claim(PHISHING_RESISTANT, &["phr"]), "phr");
        assert_eq!(claim(HARDWARE_BOUND, &["phr"]), "phr");
        assert_eq!(claim(HARDWARE_BOUND, &["phr", "phrh"]), "phrh");
        assert_eq!(claim(HARDWARE_BOUND, &[]), PHISHING_RESISTANT, "phrh only when asked");
        assert_eq!(
            claim(MULTI_FACTOR, &["phr"]),
            MULTI_FACTOR,
            "an unmet value is never claimed"
        );
        assert_eq!(
            claim(PHISHING_RESISTANT, &[MULTI_FACTOR, "phr"]),
            "phr",
            "the strongest met"
        );
        assert_eq!(claim(PASSWORD, &[]), PASSWORD);
        assert_eq!(
            supported(),
            vec![PASSWORD, MULTI_FACTOR, PHISHING_RESISTANT, "phr", "phrh"]
        );
    }

    #[test]
    fn methods_of_kinds_no_longer_allowed_do_not_count() {
        let user = crate::core::policy::tests::user(false);
        let mut policy = crate::core::policy::RolePolicy::unrestricted("admin", chrono::Utc::now());
        policy.allowed_factors = vec![FactorKind::WebAuthn, FactorKind::RecoveryCode];
        let webauthn_only = crate::core::policy::evaluate(&user, &[policy]);
        assert_eq!(
            counting_amr(&amr(&["pwd", "otp", "mfa"]), &webauthn_only),
            amr(&["pwd"])
        );
        assert_eq!(
            counting_amr(&amr(&["pwd", "hwk", "user", "mfa"]), &webauthn_only),
            amr(&["pwd", "hwk", "user", "mfa"])
        );
        let everything = crate::core::policy::evaluate(&user, &[]);
        assert_eq!(
            counting_amr(&amr(&["pwd", "sms", "mfa"]), &everything),
            amr(&["pwd", "sms", "mfa"])
        );
    }
}
