//! Assurance levels (`acr`) derived from the methods actually used (`amr`). The policy work turns these into
//! per-role and per-client requirements; here they are computed truthfully for tokens.
pub const PASSWORD: &str = "urn:gatehouse:acr:password";
pub const MULTI_FACTOR: &str = "urn:gatehouse:acr:mfa";
/// Multi-factor where one factor is bound to the origin (WebAuthn): resists phishing.
pub const PHISHING_RESISTANT: &str = "urn:gatehouse:acr:phishing-resistant";

pub const ALL: [&str; 3] = [PASSWORD, MULTI_FACTOR, PHISHING_RESISTANT];

/// The level of a session from its methods. A sign-in whose second factor was skipped on a trusted browser
/// (`pwd` + `device`, no `mfa`) is multi-factor — the password plus possession of the browser that proved a
/// factor within the role's window — but never phishing-resistant, whatever factor established the trust
/// (see docs/decisions.md).
pub fn acr_for(amr: &[String]) -> &'static str {
    let has = |m: &str| amr.iter().any(|a| a == m);
    if has("mfa") && (has("hwk") || has("swk")) && !has(crate::core::trusted_devices::AMR_MARKER) {
        PHISHING_RESISTANT
    } else if has("mfa") || (has("pwd") && has(crate::core::trusted_devices::AMR_MARKER)) {
        MULTI_FACTOR
    } else {
        PASSWORD
    }
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
}
