//! The closed list of audit event kinds Gatehouse writes.
//!
//! The kind is the first thing an operator filters the audit log on, and once stored it can never change (the
//! table is append-only), so a misspelt or renamed kind would silently split one event into two. Writers
//! therefore name kinds through [`AuditKind`], never as strings: a typo is a compile error, and every kind in
//! the code base is listed here, grouped by area, with what it means. Readers keep the stored `String`
//! ([`super::AuditEvent::kind`]) so that events written by another version still read back.
//!
//! The variants and their stored names are declared once, in the `audit_kinds!` table below, which also
//! produces [`AuditKind::ALL`]; the "Audit event kinds" table in `docs/operations.md` must list the same names
//! (a unit test checks it).

/// Declares `AuditKind`, its stored names (`as_str`) and `ALL` from one table, so the three cannot drift apart.
macro_rules! audit_kinds {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
        /// What an audit event is about: `area.event`, stored as [`AuditKind::as_str`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AuditKind {
            $( $(#[$doc])* $variant, )*
        }

        impl AuditKind {
            /// Every kind, in declaration order (grouped by area).
            pub const ALL: &'static [AuditKind] = &[$(AuditKind::$variant),*];

            /// The name stored in `audit_events.kind`; never change one (stored events keep the old name).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( AuditKind::$variant => $name, )*
                }
            }
        }
    };
}

audit_kinds! {
    // Sign-in.
    /// A password sign-in attempt: success, wrong password or unknown user, throttled, disabled account.
    LoginPassword => "login.password",
    /// The failure that reached the lockout limit locked the account's password.
    LoginPasswordLocked => "login.password_locked",
    /// A password lock was cleared (`via`: a completed reset or an administrator).
    LoginPasswordUnlocked => "login.password_unlocked",
    /// A sign-in refused by the IP allow/deny lists before any password check.
    LoginIpDenied => "login.ip_denied",
    /// A passwordless passkey sign-in attempt.
    LoginPasskey => "login.passkey",
    /// A second-factor step (sign-in or step-up): success, wrong or reused code, kind not allowed, throttled.
    LoginSecondFactor => "login.second_factor",
    /// A trusted browser skipping the second factor, or refused to (not trusted, expired, policy).
    LoginTrustedDevice => "login.trusted_device",
    /// Cross-device sign-in approval: a prompt sent or refused (`step: request`), answered from a signed-in browser
    /// (`answer`: approved, denied, mismatch), used to sign in (`sign_in`), or prompting paused (`paused`).
    LoginApproval => "login.approval",

    // Factors.
    /// A second factor was added and proven.
    FactorAdded => "factor.added",
    /// An enrolment proof failed (wrong TOTP or SMS code, WebAuthn error, a hardware token's codes not matching).
    FactorEnrolment => "factor.enrolment",
    /// A factor was removed (its tokens revoked).
    FactorRemoved => "factor.removed",
    /// A new set of recovery codes replaced the old one.
    FactorRecoveryCodesGenerated => "factor.recovery_codes_generated",
    /// Too many wrong codes locked a factor kind for a while.
    FactorLocked => "factor.locked",
    /// A sign-in code went out by SMS, or was refused by the sending quota.
    SmsSent => "sms.sent",
    /// A security key flagged as a possible copy was used and refused.
    WebauthnFlaggedCredential => "webauthn.flagged_credential",
    /// A security key answered with a signature counter lower than before (possible copy); it is flagged.
    WebauthnCounterRegression => "webauthn.counter_regression",
    /// An administrator cleared a security key's copy flag.
    WebauthnCloneFlagCleared => "webauthn.clone_flag_cleared",
    /// Hardware OATH tokens were imported into the inventory.
    TokensImported => "tokens.imported",

    // Sessions and trusted browsers.
    /// A user signed out (the sign-in's tokens revoked).
    SessionSignedOut => "session.signed_out",
    /// A browser was trusted to skip the second factor, or trusting it was refused by policy.
    DeviceTrusted => "device.trusted",
    /// One trusted browser was revoked.
    DeviceRevoked => "device.revoked",
    /// Every trusted browser of a user was revoked (by the user, or by a password or factor change).
    DeviceRevokedAll => "device.revoked_all",

    // Passwords.
    /// A password was changed through a single-use link (reset or first setup); all sessions ended.
    PasswordChanged => "password.changed",
    /// An administrator set a user's password; the user's sessions ended.
    PasswordSetByAdmin => "password.set_by_admin",
    /// A "forgot password" request: link mailed, unknown user, disabled account, or over quota.
    PasswordResetRequested => "password_reset.requested",
    /// A reset or setup link had been used a moment before, so redeeming it failed (success is `password.changed`).
    PasswordResetCompleted => "password_reset.completed",
    /// The first administrator's setup link was issued.
    SetupLinkIssued => "setup.link_issued",

    // Factor recovery (helpdesk).
    /// A factor-reset request was opened, or opening it was refused (unknown user, rules).
    RecoveryOpened => "recovery.opened",
    /// A manager approved a factor-reset request, or approving it was refused.
    RecoveryApproved => "recovery.approved",
    /// A manager denied a factor-reset request, or denying it was refused.
    RecoveryDenied => "recovery.denied",
    /// The helpdesk executed an approved request (identity checks recorded), or executing it was refused.
    RecoveryExecuted => "recovery.executed",
    /// A request was cancelled (by the user's link or an agent), or cancelling it was refused.
    RecoveryCancelled => "recovery.cancelled",
    /// A request expired unfinished.
    RecoveryExpired => "recovery.expired",
    /// The cooling-off ended: factors removed, sessions ended, enrolment link mailed.
    RecoveryDone => "recovery.done",
    /// The enrolment link after a reset was used, or refused (invalid, throttled).
    RecoveryEnrolLink => "recovery.enrol_link",
    /// A temporary access pass was issued when an approved reset was executed, or refused.
    RecoveryPassIssued => "recovery.pass_issued",
    /// A temporary access pass was used to open the enrolment page, or refused (wrong, expired, used, throttled).
    RecoveryPassUsed => "recovery.pass_used",
    /// A caller-verification prompt was sent to the user or their manager, or sending it was refused (rules,
    /// rate limits).
    RecoveryVerifySent => "recovery.verify_sent",
    /// A caller-verification prompt was answered (passed, failed, mismatch) or timed out, or an answer was refused
    /// (unknown, used or expired link, the wrong person signed in).
    RecoveryVerifyAnswered => "recovery.verify_answered",
    /// A second agent recorded that the caller was verified otherwise (with a reason), or recording it was refused.
    RecoveryVerifyOverride => "recovery.verify_override",
    /// Someone without a helpdesk role tried the helpdesk console.
    HelpdeskAccess => "helpdesk.access",

    // Administration.
    /// The admin console (`/admin`) was refused: no administrative role, or a sign-in too weak for the role that no
    /// factor of the account can raise.
    AdminAccess => "admin.access",

    // OpenID Connect.
    /// An authorization code was issued to a client.
    OidcCodeIssued => "oidc.code_issued",
    /// An authorization code was presented twice; the tokens issued from it are revoked.
    OidcCodeReplayed => "oidc.code_replayed",
    /// The token endpoint issued tokens (`grant` in the details).
    OidcToken => "oidc.token",
    /// A client failed to authenticate at an endpoint that requires it.
    OidcClientAuthentication => "oidc.client_authentication",
    /// A rotated refresh token was presented again; its family is revoked.
    OidcRefreshTokenReused => "oidc.refresh_token_reused",
    /// A refresh was refused (user, session or policy no longer allows it); its family is revoked.
    OidcRefreshRefused => "oidc.refresh_refused",
    /// A client revoked a token.
    OidcTokenRevoked => "oidc.token_revoked",
    /// A request needed a higher authentication level: prompted, `interaction_required` or unmet.
    OidcStepUp => "oidc.step_up",
    /// A back-channel logout token was delivered to a client, or delivery failed.
    OidcBackchannelLogout => "oidc.backchannel_logout",
    /// A device authorization (device flow) was started.
    OidcDeviceAuthorization => "oidc.device_authorization",
    /// A user entered a valid device code.
    OidcDeviceCodeEntered => "oidc.device_code_entered",
    /// A typed device code was refused (malformed, unknown, expired, used, throttled, level too low, raced).
    OidcDeviceCodeRejected => "oidc.device_code_rejected",
    /// A user approved a device.
    OidcDeviceApproved => "oidc.device_approved",
    /// A user denied a device.
    OidcDeviceDenied => "oidc.device_denied",
    /// A device code was redeemed again after its tokens were issued.
    OidcDeviceCodeReused => "oidc.device_code_reused",
    /// A client pushed an authorization request to `/par` (RFC 9126): accepted, or refused with the reason;
    /// or a pushed request's `request_uri` was refused at `/authorize` (unknown, used, expired, another client's).
    OidcPushedRequest => "oidc.pushed_request",
    /// A DPoP proof (RFC 9449) or a key binding was refused at the token, PAR or userinfo endpoint: a malformed,
    /// replayed or stale proof, a missing nonce, a client that must send proofs sent none, a bound code or refresh
    /// token presented with another key, a bound access token presented as a bearer token.
    OidcDpopRefused => "oidc.dpop_refused",
    /// A user took back an application's access on their connected-applications page: the consent removed, the
    /// client's refresh families and access tokens for the user revoked.
    OidcConsentRevoked => "oidc.consent_revoked",
    /// A new OIDC signing key was generated (it activates later).
    OidcSigningKeyRotated => "oidc.signing_key_rotated",
    /// An OIDC client was registered.
    ClientRegistered => "client.registered",
    /// An OIDC client's secret was replaced.
    ClientSecretRotated => "client.secret_rotated",
    /// An OIDC client's redirect URIs or post-logout redirect URIs were changed (before and after in the details).
    ClientUpdated => "client.updated",
    /// An OIDC client was removed.
    ClientRemoved => "client.removed",

    // SAML.
    /// A SAML AuthnRequest was answered with a Response, or refused.
    SamlSso => "saml.sso",
    /// A SAML single logout request was handled, or refused.
    SamlSlo => "saml.slo",
    /// A SAML signing key was generated because none was active (first start).
    SamlKeyGenerated => "saml.key_generated",
    /// A new SAML signing key was generated (it activates later; the old one retires).
    SamlKeyRotated => "saml.key_rotated",
    /// A service provider was registered from its metadata.
    SamlSpAdded => "saml.sp_added",
    /// A service provider's metadata was refreshed.
    SamlSpUpdated => "saml.sp_updated",
    /// A service provider was removed.
    SamlSpRemoved => "saml.sp_removed",

    // Administration.
    /// An account was created.
    UserCreated => "user.created",
    /// An account was disabled; its sign-ins ended.
    UserDisabled => "user.disabled",
    /// An account was enabled again.
    UserEnabled => "user.enabled",
    /// A role was granted to a user.
    UserRoleAdded => "user.role_added",
    /// A role was taken from a user.
    UserRoleRemoved => "user.role_removed",
    /// A user's own "second factor required" flag changed.
    UserMfaRequiredChanged => "user.mfa_required_changed",
    /// A user's e-mail address changed (old and new in the details; the old address was told).
    UserEmailChanged => "user.email_changed",
    /// A user's display name changed (old and new in the details).
    UserDisplayNameChanged => "user.display_name_changed",
    /// A user's profile phone number was set, changed or cleared (masked old and new in the details); their
    /// trusted browsers were revoked and the old channels told.
    UserPhoneChanged => "user.phone_changed",
    /// A user's manager was set, changed or cleared (old and new in the details).
    UserManagerChanged => "user.manager_changed",
    /// A user was marked away (by themselves or an administrator; delegate and end in the details): factor-reset
    /// approvals that would be theirs go to the delegate, or up the chain of managers, meanwhile.
    UserAbsenceSet => "user.absence_set",
    /// A user's absence was cleared: approvals go to them again (`was_away` in the details).
    UserAbsenceCleared => "user.absence_cleared",
    /// A user's username changed (old and new in the details); the id, and all that points at it, stays.
    UserRenamed => "user.renamed",
    /// A user was deleted with everything stored for them (their username, roles, former reports and what was
    /// removed in the details); earlier events keep their subject id.
    UserDeleted => "user.deleted",

    // Directory provisioning (SCIM).
    /// A provisioned account's directory attributes changed (externalId, name parts, employee number,
    /// department; old and new in the details).
    DirectoryUpdated => "directory.updated",
    /// A provisioning system deactivated a user: disabled, every session, token grant and trusted browser ended.
    DirectoryDeactivated => "directory.deactivated",
    /// A provisioning system deleted a user: deactivated at once; personal data purged after the retention period.
    DirectoryDeleted => "directory.deleted",
    /// A manager the directory named before they had an account here was linked when they arrived, or could not be.
    DirectoryManagerLinked => "directory.manager_linked",
    /// A provisioned user without a password was mailed a single-use invitation to choose one.
    DirectoryInvited => "directory.invited",
    /// A directory group was created, renamed or deleted (members added and removed in the details).
    DirectoryGroupChanged => "directory.group_changed",
    /// The roles a user holds through directory groups changed (added and removed in the details), or a group's
    /// mapping to an administrative role was ignored because the operator had not allowed it.
    DirectoryRolesChanged => "directory.roles_changed",
    /// The group → role table changed (`gatehouse role set ROLE --scim-group`), or such a change was refused.
    DirectoryMappingChanged => "directory.mapping_changed",
    /// A static SCIM token was created or revoked.
    DirectoryTokenChanged => "directory.token_changed",
    /// A request to /scim/v2 with a token that is unknown, revoked or not allowed to provision.
    DirectoryAccessDenied => "directory.access_denied",
    /// One of a user's browser sessions was ended, by an administrator or by the user on their sessions page (its
    /// token grants revoked).
    UserSessionEnded => "user.session_ended",
    /// An administrator ended every browser session of a user (every token grant of theirs revoked).
    UserSessionsEnded => "user.sessions_ended",
    /// A role's factor policy changed (before and after in the details).
    RolePolicyChanged => "role.policy_changed",
    /// A role was added (`gatehouse role add`), e.g. for a directory group to grant.
    RoleCreated => "role.created",

    // Shared Signals (SSF transmitter).
    /// A receiver created, changed or deleted its stream (the change in the details).
    SsfStreamChanged => "ssf.stream_changed",
    /// A request to /ssf with a token that is unknown, revoked or not a receiver's (`--service-role ssf`).
    SsfAccessDenied => "ssf.access_denied",
    /// A Security Event Token was given up after its last delivery attempt (stream, jti, last error in the details).
    SsfDeliveryFailed => "ssf.delivery_failed",
}

#[cfg(test)]
mod tests {
    use super::AuditKind;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_shaped_area_dot_event() {
        let mut seen = BTreeSet::new();
        for kind in AuditKind::ALL {
            let name = kind.as_str();
            assert!(seen.insert(name), "{name} is used twice");
            let (area, event) = name.split_once('.').unwrap_or_default();
            let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            assert!(word(area) && word(event), "{name} is not area.event in lowercase");
        }
    }

    #[test]
    fn the_operations_guide_lists_exactly_these_kinds() {
        let guide = include_str!("../../../docs/operations.md");
        let section = guide
            .split_once("### Audit event kinds")
            .map(|(_, rest)| rest.split("\n## ").next().unwrap_or_default())
            .unwrap_or_default();
        let listed: BTreeSet<&str> = section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split('`').next())
            .collect();
        let known: BTreeSet<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            listed, known,
            "docs/operations.md's audit kinds table and AuditKind differ"
        );
    }
}
