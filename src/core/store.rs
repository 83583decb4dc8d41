//! What the core needs from storage. `store::SeaStore` implements these over sea-orm for SQLite and
//! PostgreSQL; one conformance suite (`tests/it/store/`) holds every backend to the same behaviour.
//!
//! Methods that must be atomic across concurrent requests and several server instances (single-use links,
//! for instance) are single methods here, so that each backend does them in one statement or transaction.
//!
//! Every shape named here comes from a leaf, a file that imports nothing which reaches this trait: `model`,
//! `oauth`, `saml`, `factors` (its `mod.rs`), `factors::oath_token::token`, `audit::event`, `policy` (its
//! `mod.rs`), `recovery` (the pure part), `signin::approval` and `signin::trusted_devices::device`. Each area
//! keeps the shapes it stores beside its own rules rather than in one shared model folder, so a shape is found
//! where it is used; what matters is only that they are leaves, so an area can define what it stores and still
//! go through the store without an import cycle (`.ci/check-cycles.py`).
mod approvals;
mod signals;
mod throttle;
mod verification;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use approvals::ApprovalStore;
pub use signals::SsfStore;
pub use throttle::ThrottleStore;
pub use verification::CallerVerificationStore;

use super::Result;
use super::audit::event::{AuditCount, AuditEvent, AuditFilter, AuditRecord};
use super::factors::oath_token::token::HardwareToken;
use super::factors::{Factor, FactorKind};
use super::model::{OneTimeToken, Role, Session, TokenPurpose, User, UserStatus};
use super::oauth::{
    Client, ClientSettings, CodeGrant, DeviceAuthorization, Redemption, RefreshContext, RefreshGrant, RefreshTokenInfo,
    RefreshUse, SigningKey,
};
use super::policy::{HeldRole, RolePolicy};
use super::provisioning::directory::{DirectoryEntry, DirectoryGroup, GroupRoleMapping, RoleGrantChange, ScimToken};
use super::recovery::route::Absence;
use super::recovery::{FactorResetRequest, ResetState};
use super::saml::{SamlKey, ServiceProvider, SessionParticipant};
use super::signin::trusted_devices::device::TrustedDevice;

/// How many members of a role a request reads at most where it needs them one by one (the administrators to alert,
/// the fallback approvers of a factor reset, the readiness check): a role like `user` can have a million members,
/// and a role that is read this way is expected to be small. Beyond it, the first members by username count.
pub const MEMBERS_READ_AT_MOST: u64 = 1_000;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user with its roles; `Error::Conflict` when the username or e-mail is taken.
    async fn insert_user(&self, user: &User, roles: &[String]) -> Result<()>;
    async fn user_by_id(&self, id: &str) -> Result<Option<User>>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    async fn user_by_email(&self, email_normalized: &str) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    /// At most `limit` users whose username, e-mail address or display name contains `needle`, ignoring case
    /// (ASCII case on SQLite), by username. `needle` is matched literally: `%` and `_` are not wildcards.
    async fn search_users(&self, needle: &str, limit: u64) -> Result<Vec<User>>;
    /// Users ordered by username after `after_username` (the cursor), optionally only those whose username,
    /// e-mail or display name contains `needle` (case-insensitive), at most `limit`.
    async fn page_users(&self, needle: Option<&str>, after_username: Option<&str>, limit: u64) -> Result<Vec<User>>;
    /// Replaces the password hash. `changed_at` is `None` for a rehash with new parameters.
    async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        changed_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn set_status(&self, user_id: &str, status: UserStatus, now: DateTime<Utc>) -> Result<()>;
    /// The per-user override that requires a second factor whatever the roles say.
    async fn set_mfa_required(&self, user_id: &str, required: bool, now: DateTime<Utc>) -> Result<()>;
    /// Remembers the language the user last used (a code of `i18n::Lang`; `None` forgets it). Not a profile
    /// change: `updated_at` stays.
    async fn set_locale(&self, user_id: &str, locale: Option<&str>) -> Result<()>;
    async fn roles_of(&self, user_id: &str) -> Result<Vec<String>>;
    /// `false` when the user already had the role.
    async fn add_role(&self, user_id: &str, role: &str, now: DateTime<Utc>) -> Result<bool>;
    /// `false` when the user did not have the role.
    async fn remove_role(&self, user_id: &str, role: &str) -> Result<bool>;
    async fn list_roles(&self) -> Result<Vec<Role>>;
    /// Adds a role (not built in); `Conflict` when the name is taken.
    async fn insert_role(&self, role: &Role, now: DateTime<Utc>) -> Result<()>;
    async fn count_users_with_role(&self, role: &str) -> Result<u64>;
    /// Whether anyone names `user_id` as their manager.
    async fn manages_anyone(&self, user_id: &str) -> Result<bool>;
    async fn count_users_with_status(&self, status: UserStatus) -> Result<u64>;
    /// The first `limit` holders of `role` by username. Callers bound what they read (often with
    /// [`MEMBERS_READ_AT_MOST`]): a role such as `user` may have a million members.
    async fn users_with_role(&self, role: &str, limit: u64) -> Result<Vec<User>>;
    /// Benchmark accounts in bulk (`core::accounts::seed`): the users, each with `role` and with its factors
    /// among `factors`, in one transaction of multi-row inserts; all of them or none. No audit events.
    async fn insert_seeded_users(&self, users: &[User], role: &str, factors: &[Factor]) -> Result<()>;
    /// How many usernames start with `prefix` (taken literally: `%` and `_` are not wildcards).
    async fn count_usernames_with_prefix(&self, prefix: &str) -> Result<u64>;
    /// Writes one profile field of a user (and `updated_at`), that field alone, so concurrent changes to
    /// different fields do not undo each other. `false` when there is no such user. `Error::Conflict` naming
    /// what collided when the username or e-mail address is taken (the e-mail address regardless of case).
    async fn update_profile(&self, user_id: &str, change: &ProfileChange<'_>, now: DateTime<Utc>) -> Result<bool>;
    /// Deletes a user and everything stored for them, in one transaction: sessions, second factors and their
    /// codes, recovery codes, trusted browsers, OIDC consents, unredeemed authorization codes and device
    /// authorizations, password links, factor-reset requests about them, role memberships and attempt counters;
    /// their refresh families and access tokens are revoked (the rows stay, so a replay is still recognised);
    /// their reports' `manager_id` is cleared. The append-only audit log is untouched. `None`, and no change,
    /// when there is no such user.
    async fn delete_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<Option<DeletedUser>>;
}

/// One profile field, as `UserStore::update_profile` writes it. Values are already validated by `core::accounts`
/// (usernames lower-case, e-mail addresses and phone numbers parsed; a manager is an existing user's id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileChange<'a> {
    Username(&'a str),
    /// The address as given; uniqueness and look-ups use its lower-case form.
    Email(&'a str),
    DisplayName(&'a str),
    Phone(Option<&'a str>),
    /// The manager's user id.
    Manager(Option<&'a str>),
}

/// A user who no longer has a manager because theirs was deleted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FormerReport {
    pub id: String,
    pub username: String,
}

/// What `UserStore::delete_user` removed or revoked, for the `user.deleted` audit event.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeletedUser {
    pub roles: Vec<String>,
    /// The users whose manager this was: they have none now.
    pub reports: Vec<FormerReport>,
    pub sessions: u64,
    /// Refresh tokens and access tokens revoked.
    pub tokens_revoked: u64,
    /// Second factors, active and pending (recovery codes counted apart).
    pub factors: u64,
    pub recovery_codes: u64,
    pub trusted_devices: u64,
    pub consents: u64,
    /// Unredeemed authorization codes and device authorizations the user had approved or was asked about.
    pub authorization_codes: u64,
    pub device_authorizations: u64,
    /// Password reset and first-setup links.
    pub password_links: u64,
    /// Factor-reset requests about the user, all of them; `open_factor_resets` of those were still open.
    pub factor_resets: u64,
    pub open_factor_resets: u64,
    pub attempt_counters: u64,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> Result<()>;
    async fn session_by_hash(&self, id_hash: &str) -> Result<Option<Session>>;
    /// The session `id_hash` with its user and the user's role policies, read together: what every request
    /// with a session cookie is judged on (`signin::sessions::resolve_any`).
    async fn session_context(&self, id_hash: &str) -> Result<Option<SessionContext>>;
    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session of a user and revokes every token grant of theirs (`offline_access` too), in one
    /// transaction: what a credential event (password set, account disabled) does. Returns the sessions ended.
    async fn end_sign_ins_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64>;
    async fn count_sessions_of_user(&self, user_id: &str) -> Result<u64>;
    /// Every stored session of a user in whatever state, live or not (the caller judges expiry), oldest first.
    async fn sessions_of_user(&self, user_id: &str) -> Result<Vec<Session>>;
    /// Replaces session `old` by `new` (a new id on every change of assurance): `false`, and no change, when
    /// `old` no longer exists — so a pending session is promoted once. A signed-in `old` (a step-up) hands the
    /// relying parties it signed in to on to `new`, in the same transaction; a pending one has none, and is
    /// replaced by one statement.
    async fn promote_session(&self, old: &Session, new: &Session) -> Result<bool>;
}

/// A stored browser session with what a request is judged on beside it: its user (`None` when the account is
/// gone) and the roles that user holds, by name, with their stored policies.
#[derive(Clone, Debug)]
pub struct SessionContext {
    pub session: Session,
    pub user: Option<User>,
    pub roles: Vec<HeldRole>,
}

/// What using a single-use code did: the code was accepted now, had been used before (a replay, to be reported),
/// or matches nothing usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeUse {
    Accepted,
    AlreadyUsed,
    Unknown,
}

#[async_trait]
pub trait FactorStore: Send + Sync {
    async fn insert_factor(&self, factor: &Factor) -> Result<()>;
    /// Active and pending factors, oldest first.
    async fn factors_of(&self, user_id: &str) -> Result<Vec<Factor>>;
    async fn factor_of(&self, user_id: &str, factor_id: &str) -> Result<Option<Factor>>;
    /// Makes a pending factor active (once); records the step its proof used.
    async fn activate_factor(
        &self,
        factor_id: &str,
        name: &str,
        last_step: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    async fn delete_factor(&self, user_id: &str, factor_id: &str) -> Result<bool>;
    async fn touch_factor(&self, factor_id: &str, now: DateTime<Utc>) -> Result<()>;
    async fn delete_pending_factors(&self, user_id: &str, kind: FactorKind) -> Result<u64>;
    /// The replay guard: sets `last_step` to `step` only if it is greater than the stored one (atomic).
    async fn advance_step(&self, factor_id: &str, step: i64, now: DateTime<Utc>) -> Result<bool>;
    /// Replaces the user's recovery codes (the factor and its code hashes) in one transaction.
    async fn replace_recovery_codes(&self, factor: &Factor, code_hashes: &[String]) -> Result<()>;
    /// Marks one unused code of the user used (atomic); `false` if there is none with this hash.
    async fn use_recovery_code(&self, user_id: &str, code_hash: &str, now: DateTime<Utc>) -> Result<CodeUse>;
    async fn remaining_recovery_codes(&self, user_id: &str) -> Result<u64>;
}

/// A one-time SMS code as stored: its keyed hash, bound to a factor and a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsCode {
    pub id: String,
    pub factor_id: String,
    pub session_hash: String,
    pub code_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[async_trait]
pub trait SmsCodeStore: Send + Sync {
    /// Stores a new code; earlier unused ones for the same factor and session expire (they were never used).
    async fn replace_sms_code(&self, code: &SmsCode, now: DateTime<Utc>) -> Result<()>;
    /// Marks the matching unused, unexpired code used (atomic: one winner); `AlreadyUsed` if it was used before.
    async fn use_sms_code(
        &self,
        factor_id: &str,
        session_hash: &str,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeUse>;
}

#[async_trait]
pub trait HardwareTokenStore: Send + Sync {
    /// Stores imported tokens, all or none; `Error::Conflict` when a serial exists already.
    async fn import_hardware_tokens(&self, tokens: &[HardwareToken]) -> Result<()>;
    async fn hardware_token(&self, serial: &str) -> Result<Option<HardwareToken>>;
    async fn list_hardware_tokens(&self) -> Result<Vec<HardwareToken>>;
    /// At most `limit` tokens by serial, after `after_serial` when given (a cursor page).
    async fn page_hardware_tokens(&self, after_serial: Option<&str>, limit: u64) -> Result<Vec<HardwareToken>>;
    /// In one transaction: binds the token to `factor`'s user if it is unbound (a token binds once) with the
    /// resynchronised counter/drift/step, and inserts the active factor. `false` if it was bound already.
    async fn bind_hardware_token(
        &self,
        serial: &str,
        factor: &Factor,
        counter: i64,
        drift: i64,
        last_step: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// HOTP replay guard: the next counter becomes `matched + 1` only if `matched` is not below it (atomic).
    async fn advance_hotp_counter(&self, serial: &str, matched: i64) -> Result<bool>;
    /// TOTP-token replay guard: `last_step` becomes `step` only if greater (atomic).
    async fn advance_token_step(&self, serial: &str, step: i64) -> Result<bool>;
}

#[async_trait]
pub trait CeremonyStore: Send + Sync {
    /// Stores a WebAuthn ceremony's state under `key`, replacing any earlier one.
    async fn put_ceremony(
        &self,
        key: &str,
        kind: &str,
        state: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Takes the state once (atomic: one winner), if it exists, is of `kind`, unused and unexpired.
    async fn take_ceremony(&self, key: &str, kind: &str, now: DateTime<Utc>) -> Result<Option<String>>;
    /// Replaces a factor's data (e.g. a WebAuthn credential after its counter moved).
    async fn update_factor_data(&self, factor_id: &str, data: &serde_json::Value, now: DateTime<Utc>) -> Result<()>;
}

#[async_trait]
pub trait OidcStore: Send + Sync {
    /// `Error::Conflict` when the client id is taken.
    async fn insert_client(&self, client: &Client) -> Result<()>;
    async fn client(&self, client_id: &str) -> Result<Option<Client>>;
    async fn list_clients(&self) -> Result<Vec<Client>>;
    async fn delete_client(&self, client_id: &str) -> Result<bool>;
    async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> Result<bool>;
    /// Replaces a client's redirect URIs, post-logout redirect URIs and presentation (name, logo, policy and terms
    /// addresses) if they are all still `before` (one conditional `UPDATE`, so of two concurrent changes one wins
    /// and the other learns it); false otherwise.
    async fn set_client_settings(
        &self,
        client_id: &str,
        before: &ClientSettings,
        after: &ClientSettings,
    ) -> Result<bool>;
    /// Every key (the caller works out which are active or published).
    async fn signing_keys(&self) -> Result<Vec<SigningKey>>;
    async fn insert_signing_key(&self, key: &SigningKey) -> Result<()>;
    async fn put_authorization_request(
        &self,
        id: &str,
        client_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// The stored parameters, if the request exists and has not expired.
    async fn authorization_request(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, String, DateTime<Utc>)>>;
    /// Keeps a pushed authorization request (RFC 9126) under the digest of its `request_uri`'s random part, after
    /// clearing this client's expired ones.
    async fn push_authorization_request(
        &self,
        uri_hash: &str,
        client_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Takes a pushed request once — one conditional `UPDATE`, so of concurrent uses one wins — if it was pushed by
    /// `client_id`, is unused and unexpired; its parameters. Any other case is `None`, and nothing changes.
    async fn take_pushed_request(&self, uri_hash: &str, client_id: &str, now: DateTime<Utc>) -> Result<Option<String>>;
    async fn insert_code(
        &self,
        code_hash: &str,
        client_id: &str,
        user_id: &str,
        grant: &CodeGrant,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Marks the code used (atomic: of concurrent redemptions one is `Fresh`, the others `Replayed`).
    async fn redeem_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<Redemption>;
    async fn insert_issued_token(&self, token: &IssuedToken<'_>) -> Result<()>;
    /// A new refresh token of a family; its sign-in is the grant's `sid`.
    async fn insert_refresh_token(&self, token: &NewRefreshToken<'_>) -> Result<()>;
    /// Writes what one token grant issued, with its audit event, in one transaction: all of it or none. A grant
    /// that rotates a refresh token out (`GrantRecord::rotates`) claims it in that transaction — one conditional
    /// `UPDATE`, so of concurrent uses one wins — and writes nothing when the token was no longer usable (used,
    /// revoked or expired meanwhile): then `false`.
    async fn record_grant(&self, record: &GrantRecord<'_>) -> Result<bool>;
    /// What a presented refresh token is, read without changing it: `Fresh` while unused, unrevoked and within its
    /// family's lifetime; `Reused` once rotated out. Only `record_grant` uses it up.
    async fn refresh_token_to_rotate(&self, token_hash: &str, now: DateTime<Utc>) -> Result<RefreshUse>;
    /// The token as `refresh_token_to_rotate` tells it, with what its refresh is judged on, in one read.
    async fn refresh_context(&self, token_hash: &str, now: DateTime<Utc>) -> Result<RefreshContext>;
    async fn refresh_token_info(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<RefreshTokenInfo>>;
    /// Revokes every refresh token of the family and every access token issued from it.
    async fn revoke_family(&self, family_id: &str, now: DateTime<Utc>) -> Result<u64>;
    /// Revokes one access token by its jti digest, if it belongs to the client.
    async fn revoke_access_token(&self, jti_hash: &str, client_id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Whether a redemption of this code was refused as a replay.
    async fn code_replayed(&self, code_hash: &str) -> Result<bool>;
    /// Revokes every token issued from a code, refresh families included (its replay means it leaked).
    async fn revoke_tokens_from_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<u64>;
    /// Whether an issued token is known, unexpired and not revoked.
    async fn token_active(&self, jti: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Revokes what the sign-ins `sids` earned: their refresh families (except `offline_access` ones when
    /// `keep_offline`) and every unrevoked access token issued from them. Returns how many tokens it revoked.
    async fn revoke_grants_of_sign_ins(&self, sids: &[String], now: DateTime<Utc>, keep_offline: bool) -> Result<u64>;
    /// Revokes every refresh family (`offline_access` ones too) and every access token of a user: for credential
    /// events (password changed or reset, factor reset, account disabled).
    async fn revoke_grants_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64>;
    /// The refresh families of a user that can still be used, each with what its sign-in proved.
    async fn live_grants_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<Vec<LiveGrant>>;
    async fn consent(&self, user_id: &str, client_id: &str) -> Result<Option<String>>;
    async fn put_consent(&self, user_id: &str, client_id: &str, scope: &str, now: DateTime<Utc>) -> Result<()>;
    /// Every consent the user gave, by client id.
    async fn consents_of_user(&self, user_id: &str) -> Result<Vec<Consent>>;
    /// Takes back all the user gave `client_id`, in one transaction: the consent, and every refresh family
    /// (`offline_access` ones too) and unexpired access token the client holds for the user. Other clients and
    /// other users keep theirs.
    async fn revoke_consent(&self, user_id: &str, client_id: &str, now: DateTime<Utc>) -> Result<ConsentRevocation>;
}

/// A user's consent to a client: the scopes allowed, and when (the latest time it was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub client_id: String,
    pub scope: String,
    pub created_at: DateTime<Utc>,
}

/// What `OidcStore::revoke_consent` found and ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConsentRevocation {
    /// A consent was stored (a trusted client is used without one).
    pub consent_removed: bool,
    /// Refresh tokens and access tokens revoked.
    pub tokens_revoked: u64,
}

/// An access token as recorded when it is issued (by its jti digest), so it can be revoked.
#[derive(Clone, Debug)]
pub struct IssuedToken<'a> {
    pub jti_hash: &'a str,
    pub client_id: &'a str,
    /// The user, or the client itself for client credentials.
    pub user_id: &'a str,
    pub code_hash: Option<&'a str>,
    pub family_id: Option<&'a str>,
    /// The browser sign-in it descends from; `None` for client credentials.
    pub sid: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// What one token grant writes before its answer: the refresh token it uses up (a rotation), the access token
/// issued, the refresh token rotated in (if any) and the grant's audit event. Written together, a grant is
/// recorded whole or not at all, and waits for one commit instead of four.
pub struct GrantRecord<'a> {
    /// The digest of the refresh token this grant rotates out: claimed in the same transaction.
    pub rotates: Option<&'a str>,
    pub access_token: IssuedToken<'a>,
    pub refresh_token: Option<NewRefreshToken<'a>>,
    pub audit: &'a AuditEvent,
}

/// A refresh token as stored: one of a rotation family.
#[derive(Clone, Debug)]
pub struct NewRefreshToken<'a> {
    pub token_hash: &'a str,
    pub family_id: &'a str,
    pub client_id: &'a str,
    pub user_id: &'a str,
    /// What the sign-in proved; its `sid` and whether it holds `offline_access` are stored beside it.
    pub grant: &'a RefreshGrant,
    pub now: DateTime<Utc>,
    pub family_expires_at: DateTime<Utc>,
}

/// A refresh family that can still be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGrant {
    pub family_id: String,
    pub client_id: String,
    pub grant: RefreshGrant,
    /// When its usable refresh token was issued: the sign-in or the latest refresh.
    pub issued_at: DateTime<Utc>,
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn insert_token(&self, token: &OneTimeToken) -> Result<()>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<OneTimeToken>>;
    /// Marks every unused token of this purpose for the user as used (a newer link replaces older ones).
    async fn revoke_tokens(&self, user_id: &str, purpose: TokenPurpose, now: DateTime<Utc>) -> Result<u64>;
    /// In one transaction: marks the token used if it is unused, unexpired and of one of `purposes`; sets the
    /// user's password hash; ends all of the user's sessions. Returns the user id, or `None` when the token
    /// was not redeemable (then nothing changed). Exactly one of several concurrent calls succeeds.
    async fn redeem_password_token(
        &self,
        token_hash: &str,
        purposes: &[TokenPurpose],
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, event: &AuditEvent) -> Result<()>;
    /// Newest first.
    async fn list_audit(&self, subject_user_id: Option<&str>, limit: u64) -> Result<Vec<AuditRecord>> {
        let filter = AuditFilter {
            subject_user_id: subject_user_id.map(str::to_string),
            ..Default::default()
        };
        self.search_audit(&filter, limit).await
    }
    /// The events `filter` matches, newest first, at most `limit`.
    async fn search_audit(&self, filter: &AuditFilter, limit: u64) -> Result<Vec<AuditRecord>>;
    /// How many events `filter` matches, per kind and outcome (one query, however many events): ordered by kind,
    /// then outcome; pairs without events are absent.
    async fn count_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditCount>>;
}

/// A relying party a browser session signed in to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpSession {
    pub sid: String,
    pub client_id: String,
    pub session_hash: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
}

/// What the provider remembers about relying parties between requests: client assertions seen (replay guard)
/// and which relying parties each browser session signed in to (for back-channel logout).
#[async_trait]
pub trait RpStore: Send + Sync {
    /// Records a `private_key_jwt` assertion's jti until it expires; `false` when it was seen before.
    async fn use_client_assertion(
        &self,
        client_id: &str,
        jti_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Records a DPoP proof (RFC 9449) by its key's thumbprint and its `jti`'s digest until `expires_at`, after
    /// clearing every expired record; `false` when it was recorded before (one unique key, so across instances too).
    async fn use_dpop_proof(
        &self,
        jkt: &str,
        jti_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Records that the browser session `session_hash` (known to relying parties as `sid`) signed in to `client_id`
    /// (idempotent).
    async fn add_rp_session(&self, rp: &RpSession) -> Result<()>;
    /// Up to `limit` recorded sign-ins after the first `offset`, oldest first, for the sweep that finds sessions which
    /// ended by themselves.
    async fn rp_sessions(&self, offset: u64, limit: u64) -> Result<Vec<RpSession>>;
    /// Up to `limit` recorded sign-ins, oldest first, whose browser session no longer lives at `now`: deleted,
    /// expired, or unused since `idle_cutoff`. One query, for the back-channel sweep.
    async fn ended_rp_sessions(
        &self,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<RpSession>>;
    /// Removes one record; `true` for the one caller that removed it (so one instance sends its logout token).
    async fn claim_rp_session(&self, sid: &str, client_id: &str) -> Result<bool>;
    /// Removes and returns the relying parties `sid` signed in to: `(client_id, user_id)`.
    async fn take_rp_sessions(&self, sid: &str) -> Result<Vec<(String, String)>>;
    /// The `sid`s relying parties know the browser session `session_hash` by (a session that stepped up keeps the
    /// `sid`s of the codes issued before).
    async fn sign_ins_of_session(&self, session_hash: &str) -> Result<Vec<String>>;
}

/// Device authorizations (RFC 8628). Every change of state is one conditional statement, so that of concurrent
/// requests — on one instance or several — exactly one moves a given authorization on.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Stores a new pending authorization; `Error::Conflict` when its user code is taken (the caller draws again).
    /// Rows that expired more than a day ago go first.
    async fn insert_device_authorization(&self, authorization: &DeviceAuthorization, now: DateTime<Utc>) -> Result<()>;
    async fn device_authorization(&self, device_code_hash: &str) -> Result<Option<DeviceAuthorization>>;
    async fn device_authorization_by_user_code(&self, user_code_hash: &str) -> Result<Option<DeviceAuthorization>>;
    /// Records a poll of a pending authorization if no other poll was recorded since the caller read `seen_polls`
    /// (compare-and-swap): `last_polled_at` becomes `now`, the interval `interval_secs`. `false`, and no change,
    /// otherwise.
    async fn record_device_poll(
        &self,
        device_code_hash: &str,
        seen_polls: i64,
        interval_secs: i64,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// pending → approved by `user_id` with `grant`, if still pending and unexpired (one winner).
    async fn approve_device_authorization(
        &self,
        user_code_hash: &str,
        user_id: &str,
        grant: &RefreshGrant,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// pending → denied by `user_id`, if still pending and unexpired (one winner).
    async fn deny_device_authorization(&self, user_code_hash: &str, user_id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// approved → redeemed, if approved, of `client_id` and unexpired (one winner: tokens are issued once).
    async fn redeem_device_authorization(
        &self,
        device_code_hash: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool>;
}

/// The SAML identity provider's state: service providers, its keys, the replay cache of AuthnRequest IDs and the
/// requests waiting for a sign-in.
#[async_trait]
pub trait SamlStore: Send + Sync {
    /// `Error::Conflict` when the entity ID is registered already.
    async fn insert_sp(&self, sp: &ServiceProvider) -> Result<()>;
    async fn sp(&self, entity_id: &str) -> Result<Option<ServiceProvider>>;
    /// Replaces a registered SP's record (same entity ID); `Error::NotFound` when there is none.
    async fn update_sp(&self, sp: &ServiceProvider) -> Result<()>;
    async fn list_sps(&self) -> Result<Vec<ServiceProvider>>;
    async fn delete_sp(&self, entity_id: &str) -> Result<bool>;
    async fn saml_keys(&self) -> Result<Vec<SamlKey>>;
    async fn insert_saml_key(&self, key: &SamlKey) -> Result<()>;
    /// Sets when a key stops being published (rotation); `false` when no key has this id.
    async fn retire_saml_key(&self, id: &str, retired_at: DateTime<Utc>) -> Result<bool>;
    /// Records an AuthnRequest ID of `sp_entity_id` until `expires_at`; `false` when it was seen before (atomic:
    /// of concurrent uses on any instance one wins).
    async fn use_saml_request_id(
        &self,
        sp_entity_id: &str,
        request_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    async fn put_saml_request(
        &self,
        id: &str,
        sp_entity_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// The stored request `(sp_entity_id, params, created_at)`, if it exists and has not expired.
    async fn saml_request(&self, id: &str, now: DateTime<Utc>) -> Result<Option<(String, String, DateTime<Utc>)>>;
    /// Removes a pending request (answered); `false` when it was gone already (a concurrent answer won).
    async fn delete_saml_request(&self, id: &str) -> Result<bool>;
    /// Records (or replaces) that a browser session signed in to an SP; first forgets records made before
    /// `sweep_before` (their sessions have reached their absolute lifetime, so they cannot be logged out).
    async fn put_saml_participant(&self, participant: &SessionParticipant, sweep_before: DateTime<Utc>) -> Result<()>;
    /// The SPs a browser session signed in to, oldest first.
    async fn saml_participants(&self, session_hash: &str) -> Result<Vec<SessionParticipant>>;
    /// Forgets one SP of a session; `false` when it was not there (logged out already).
    async fn delete_saml_participant(&self, session_hash: &str, sp_entity_id: &str) -> Result<bool>;
}

/// Per-role authentication policy. Writes are validated in `core` before they get here.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Every stored policy, ordered by role.
    async fn role_policies(&self) -> Result<Vec<RolePolicy>>;
    async fn role_policy(&self, role: &str) -> Result<Option<RolePolicy>>;
    /// Every role `user_id` holds, by name, with its stored policy (`None`: none stored, so unrestricted), in one
    /// query: what the user's requirement is combined from (`policy::held_policies`).
    async fn roles_with_policies_of_user(&self, user_id: &str) -> Result<Vec<HeldRole>>;
    /// Inserts or replaces the policy of an existing role (an unknown role is an error).
    async fn put_role_policy(&self, policy: &RolePolicy) -> Result<()>;
    /// The distinct sets of two or more roles that users hold together, each sorted: what a policy change
    /// must stay consistent with.
    async fn role_sets(&self) -> Result<Vec<Vec<String>>>;
}

/// Which single-use link of a factor-reset request a token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetLink {
    Approval,
    Cancel,
    Enrol,
}

/// Factor-reset requests (`core::recovery`). Every change of state is one conditional statement on the expected
/// state, so of concurrent attempts — on one instance or several — exactly one moves a request on. Beside them,
/// the absences (out-of-office records) that route their approvals (`core::recovery::route`).
#[async_trait]
pub trait RecoveryStore: Send + Sync {
    async fn insert_factor_reset(&self, request: &FactorResetRequest) -> Result<()>;
    async fn factor_reset(&self, id: &str) -> Result<Option<FactorResetRequest>>;
    /// The request one of whose links has this token digest.
    async fn factor_reset_by_link(&self, link: ResetLink, token_hash: &str) -> Result<Option<FactorResetRequest>>;
    /// Newest first; only those of `user_id` if given; only open ones (requested, approved, waiting) if `open_only`.
    async fn list_factor_resets(&self, user_id: Option<&str>, open_only: bool) -> Result<Vec<FactorResetRequest>>;
    /// At most `limit` requests opened at or after `since` and before `until` (either open-ended when `None`), oldest
    /// first (then by id), starting after the request `after` (its opening time and id): one page of an export that
    /// never holds every request at once.
    async fn factor_resets_opened(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        after: Option<(DateTime<Utc>, String)>,
        limit: u64,
    ) -> Result<Vec<FactorResetRequest>>;
    /// Writes every field of `request` if the stored request is still in `expected` (compare-and-swap); `false`,
    /// and no change, otherwise.
    async fn update_factor_reset(&self, request: &FactorResetRequest, expected: ResetState) -> Result<bool>;
    /// In one transaction: waiting → done (fields from `request`) if still waiting and the cooling-off is over at
    /// `now`; then removes the named factors (all of them, recovery codes included, for `all`), ends every
    /// session of the user and sets their per-user MFA requirement, so the next sign-in leads to enrolment.
    /// `false`, and no change, when another caller finished or cancelled it first.
    async fn finish_factor_reset(&self, request: &FactorResetRequest, now: DateTime<Utc>) -> Result<bool>;
    /// Marks the enrolment link used if it is done, unused and unexpired (one winner); the user's id.
    async fn use_enrol_link(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<String>>;
    /// Uses the temporary access pass of request `id` if its digest is `pass_hash`, the reset is done, the pass
    /// unused and unexpired at `now`: one conditional UPDATE that also forgets the digest, so of concurrent uses
    /// exactly one wins. `true` for the winner.
    async fn use_temporary_pass(&self, id: &str, pass_hash: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Forgets the temporary access pass of request `id` (a factor was enrolled since: the pass has no more use).
    async fn end_temporary_pass(&self, id: &str) -> Result<()>;
    /// The stored absence of `user_id` (which may have ended: see `Absence::in_force`).
    async fn absence_of(&self, user_id: &str) -> Result<Option<Absence>>;
    /// Every absence still in force at `now` (until cleared, or ending after `now`).
    async fn absences_in_force(&self, now: DateTime<Utc>) -> Result<Vec<Absence>>;
    /// Stores `absence`, replacing the user's earlier one.
    async fn put_absence(&self, absence: &Absence) -> Result<()>;
    /// Removes the user's absence; `false` when there was none.
    async fn delete_absence(&self, user_id: &str) -> Result<bool>;
}

/// Trusted browsers (`core::signin::trusted_devices`): one record per (browser cookie digest, user).
#[async_trait]
pub trait TrustedDeviceStore: Send + Sync {
    /// Inserts the record, or — when this browser already trusts this user — renews it (new expiry, user agent,
    /// last seen; the first-seen time and id stay). Another user's record for the same browser is untouched.
    async fn put_trusted_device(&self, device: &TrustedDevice) -> Result<()>;
    async fn trusted_device(&self, browser_hash: &str, user_id: &str) -> Result<Option<TrustedDevice>>;
    /// The user's records, newest first.
    async fn trusted_devices_of(&self, user_id: &str) -> Result<Vec<TrustedDevice>>;
    async fn touch_trusted_device(&self, id: &str, now: DateTime<Utc>) -> Result<()>;
    /// Removes one of the user's records; `false` when it is not theirs or already gone.
    async fn delete_trusted_device(&self, user_id: &str, id: &str) -> Result<bool>;
    /// Removes all of the user's records; returns how many.
    async fn delete_trusted_devices_of(&self, user_id: &str) -> Result<u64>;
}

/// Directory provisioning (`core::provisioning`): the directory's record of each account, its groups, the
/// group → role table, and the static tokens of provisioning systems.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Inserts the account, its roles and its directory entry in one transaction; `Conflict` when the username,
    /// e-mail address or externalId is taken.
    async fn insert_account(&self, user: &User, roles: &[String], entry: &DirectoryEntry) -> Result<()>;
    async fn directory_entry(&self, user_id: &str) -> Result<Option<DirectoryEntry>>;
    async fn directory_entries(&self) -> Result<Vec<DirectoryEntry>>;
    /// Inserts or replaces the entry; `Conflict` when its externalId belongs to another account.
    async fn put_directory_entry(&self, entry: &DirectoryEntry) -> Result<()>;
    async fn user_by_external_id(&self, external_id: &str) -> Result<Option<User>>;
    /// Entries whose unresolved manager reference is one of `references`.
    async fn entries_waiting_for_manager(&self, references: &[String]) -> Result<Vec<DirectoryEntry>>;
    /// Entries deleted over SCIM at or before `before`: due for their purge.
    async fn deleted_entries_before(&self, before: DateTime<Utc>) -> Result<Vec<DirectoryEntry>>;

    /// Inserts a group with its members; `Conflict` when its name (case-insensitively) is taken.
    async fn insert_group(&self, group: &DirectoryGroup, members: &[String]) -> Result<()>;
    async fn group(&self, id: &str) -> Result<Option<DirectoryGroup>>;
    async fn group_by_name(&self, name: &str) -> Result<Option<DirectoryGroup>>;
    async fn group_by_external_id(&self, external_id: &str) -> Result<Option<DirectoryGroup>>;
    /// Every group, by name.
    async fn list_groups(&self) -> Result<Vec<DirectoryGroup>>;
    /// Renames / re-keys a group; `false` when it is gone, `Conflict` when the new name is taken.
    async fn update_group(&self, group: &DirectoryGroup) -> Result<bool>;
    /// Deletes a group; its former members, or `None` when it was gone.
    async fn delete_group(&self, id: &str) -> Result<Option<Vec<String>>>;
    /// The user ids in a group.
    async fn group_members(&self, id: &str) -> Result<Vec<String>>;
    /// Every (group id, user id) membership.
    async fn all_group_members(&self) -> Result<Vec<(String, String)>>;
    /// Adds and removes members in one transaction (adding a member twice or removing a non-member is no error).
    async fn change_group_members(&self, id: &str, add: &[String], remove: &[String], now: DateTime<Utc>)
    -> Result<()>;
    async fn groups_of_user(&self, user_id: &str) -> Result<Vec<DirectoryGroup>>;

    async fn group_mappings(&self) -> Result<Vec<GroupRoleMapping>>;
    /// Inserts or replaces the mapping of (role, group name).
    async fn put_group_mapping(&self, mapping: &GroupRoleMapping) -> Result<()>;
    async fn delete_group_mapping(&self, role: &str, group_name: &str) -> Result<bool>;
    /// Makes the roles that groups grant the account exactly `roles`, in one transaction: a role in `roles` the
    /// account lacks is added (and marked as granted by a group); a group-granted role no longer in `roles` is
    /// taken away. Roles given by hand are never taken away, and stay unmarked when a group grants them too.
    async fn set_group_roles(&self, user_id: &str, roles: &[String], now: DateTime<Utc>) -> Result<RoleGrantChange>;

    /// `Conflict` when the name is taken.
    async fn insert_scim_token(&self, token: &ScimToken) -> Result<()>;
    async fn scim_token_by_hash(&self, token_hash: &str) -> Result<Option<ScimToken>>;
    async fn scim_tokens(&self) -> Result<Vec<ScimToken>>;
    /// `false` when no unrevoked token has that name.
    async fn revoke_scim_token(&self, name: &str, now: DateTime<Utc>) -> Result<bool>;
    async fn touch_scim_token(&self, id: &str, now: DateTime<Utc>) -> Result<()>;
}

#[async_trait]
pub trait Store:
    UserStore
    + SessionStore
    + TokenStore
    + AuditStore
    + FactorStore
    + SmsCodeStore
    + HardwareTokenStore
    + CeremonyStore
    + OidcStore
    + RpStore
    + DeviceStore
    + SamlStore
    + ThrottleStore
    + PolicyStore
    + RecoveryStore
    + CallerVerificationStore
    + ApprovalStore
    + TrustedDeviceStore
    + DirectoryStore
    + SsfStore
{
    /// `Ok` while the database answers.
    async fn ping(&self) -> Result<()>;
    /// The connection pool now: (open connections, idle ones); `None` where there is no pool.
    fn pool_use(&self) -> Option<(u32, u32)> {
        None
    }
}
