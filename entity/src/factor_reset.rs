use sea_orm::entity::prelude::*;

/// A factor-reset request (second-factor recovery) and the digests of its single-use links.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "factor_resets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    /// `all`, or factor ids joined by commas.
    pub factors: String,
    pub reason: String,
    /// `self`, or the id of the agent who opened it.
    pub opened_by: String,
    pub opened_ip: Option<String>,
    pub opened_user_agent: Option<String>,
    /// requested, approved, waiting, done, denied, cancelled or expired.
    pub state: String,
    pub created_at: DateTimeUtc,
    pub approval_expires_at: DateTimeUtc,
    #[sea_orm(unique)]
    pub approval_token_hash: Option<String>,
    pub approver_id: Option<String>,
    /// JSON array of the sign-in methods (`amr`) of the person who decided, from a browser session.
    pub approver_amr: Option<String>,
    pub approval_note: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub executor_id: Option<String>,
    pub executed_at: Option<DateTimeUtc>,
    /// JSON array of the names of the identity checks that passed.
    pub checks_passed: String,
    pub cooling_off_until: Option<DateTimeUtc>,
    #[sea_orm(unique)]
    pub cancel_token_hash: Option<String>,
    #[sea_orm(unique)]
    pub enrol_token_hash: Option<String>,
    pub enrol_expires_at: Option<DateTimeUtc>,
    pub enrol_used_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    /// JSON: the approval route when the request was opened (every person looked at, asked or skipped and why).
    pub approval_route: Option<String>,
    /// The one person the request was routed to, …
    pub routed_approver_id: Option<String>,
    /// … or the role whose eligible members it was routed to.
    pub routed_role: Option<String>,
    /// The temporary access pass's keyed digest (HMAC-SHA256), while it can still be used; NULL once used or dead.
    pub pass_hash: Option<String>,
    pub pass_expires_at: Option<DateTimeUtc>,
    pub pass_used_at: Option<DateTimeUtc>,
    /// The request path taken (`approval` or `two-admins`); NULL: opened before paths were recorded.
    pub recovery_path: Option<String>,
    /// JSON `{"emails": [...], "phones": [...]}`: the user's addresses when the request opened, where every notice
    /// of it goes; NULL: opened before they were recorded.
    pub notice_addresses: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
