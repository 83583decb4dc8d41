//! Who may do what in administration, whichever door they come through (the admin API, the console): an
//! [`Operator`] acts with a [`ServiceRole`], and each role holds a fixed set of [`Permission`]s.
//!
//! - `admin`: everything.
//! - `helpdesk`: reads users and supports them — profile, enable/disable, unlock, sessions, trusted browsers,
//!   the recovery queue — but never an administrator, and never roles, clients, service providers, keys or the
//!   creation and deletion of accounts.
//! - `auditor`: reads the audit log, nothing else.
//!
//! A person operates with the strongest of their roles (`admin`, else `helpdesk`); a service client with the role
//! it was registered with (`gatehouse client add … --service-role`).
use chrono::{DateTime, Utc};

use super::model::{Session, User, UserStatus};
use super::oauth::ServiceRole;
use super::policy::{acr_age, assurance, enforcement};
use super::store::Store;
use super::{Error, Result};

/// What a person's own sign-in is worth at the administration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonCheck {
    Operator(Operator),
    /// Not active, or no administrative role.
    NoRole,
    /// The sign-in behind the token is weaker than the role needs: sign in again at this level.
    TooWeak {
        needed: &'static str,
    },
}

/// The assurance a person's sign-in must have to administer: phishing-resistant for administrators, multi-factor
/// for the helpdesk.
pub fn level_needed(role: ServiceRole) -> &'static str {
    match role {
        ServiceRole::Admin => assurance::PHISHING_RESISTANT,
        ServiceRole::Helpdesk | ServiceRole::Auditor | ServiceRole::Scim | ServiceRole::Ssf => assurance::MULTI_FACTOR,
    }
}

/// What a person's administrative access is judged on.
#[derive(Clone, Copy, Debug)]
pub enum Proof<'a> {
    /// A browser session: the levels it proved, each only while within its age under the user's policy
    /// (RFC 9470 lifetimes, `policy::acr_age`), so a console left open outlives none of them.
    Session(&'a Session),
    /// The methods an access token carries (the admin API), as the token states them (it lives ten minutes).
    Methods(&'a [String]),
}

/// Whether `user`, with `proof`, may administer, and with which role. Only the methods that still count under the
/// user's policy today count (a factor kind removed from the role no longer does).
pub async fn person(store: &dyn Store, now: DateTime<Utc>, user: &User, proof: Proof<'_>) -> Result<PersonCheck> {
    if user.status != UserStatus::Active {
        return Ok(PersonCheck::NoRole);
    }
    let roles = store.roles_of(&user.id).await?;
    let Some(operator) = Operator::person(user, &roles) else {
        return Ok(PersonCheck::NoRole);
    };
    let requirement = enforcement::requirement_for(store, now, user).await?;
    let level = match proof {
        Proof::Session(session) => acr_age::standing(session, &requirement, now, None).level,
        Proof::Methods(amr) => assurance::acr_for(&assurance::counting_amr(amr, &requirement)),
    };
    let needed = level_needed(operator.role);
    Ok(if assurance::meets(level, needed) {
        PersonCheck::Operator(operator)
    } else {
        PersonCheck::TooWeak { needed }
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// List, search and read accounts, their roles, factors, sessions and trusted browsers.
    ReadUsers,
    /// Change an existing account's profile and status, end its sessions, revoke its trusted browsers.
    SupportUsers,
    /// Create and delete accounts, and change their roles.
    ManageUsers,
    /// Change role policies.
    ManageRoles,
    /// Register, change and remove OpenID Connect clients.
    ManageClients,
    /// Register, change and remove SAML service providers.
    ManageServiceProviders,
    /// Rotate signing keys and SAML certificates; import hardware tokens.
    ManageKeys,
    /// Work the factor-reset queue.
    Recovery,
    /// Read and export the audit log.
    ReadAudit,
}

impl ServiceRole {
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            ServiceRole::Admin => true,
            ServiceRole::Helpdesk => matches!(permission, ReadUsers | SupportUsers | Recovery),
            ServiceRole::Auditor => matches!(permission, ReadAudit),
            // Provisioning goes through /scim/v2, never through the admin API.
            ServiceRole::Scim => false,
            // A Shared Signals receiver manages its stream at /ssf, never the admin API.
            ServiceRole::Ssf => false,
        }
    }
}

/// Someone acting on the administration: what the audit log names them, and the role they act with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    /// `user:<id>` for a person, `client:<client_id>` for a service client.
    pub actor: String,
    pub role: ServiceRole,
    /// The person's account, when a person acts.
    pub user_id: Option<String>,
}

impl Operator {
    pub fn client(client_id: &str, role: ServiceRole) -> Self {
        Operator {
            actor: format!("client:{client_id}"),
            role,
            user_id: None,
        }
    }

    /// A person with these roles, or `None` when none of them administers anything.
    pub fn person(user: &User, roles: &[String]) -> Option<Self> {
        let role = if roles.iter().any(|r| r == "admin") {
            ServiceRole::Admin
        } else if roles.iter().any(|r| r == "helpdesk") {
            ServiceRole::Helpdesk
        } else {
            return None;
        };
        Some(Operator {
            actor: format!("user:{}", user.id),
            role,
            user_id: Some(user.id.clone()),
        })
    }

    /// `NotAllowed` unless the operator's role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(Error::NotAllowed(format!(
                "The role '{}' may not do this.",
                self.role.as_str()
            )))
        }
    }

    /// `NotAllowed` unless the operator holds `permission` and may act on `target`: only administrators act on
    /// administrators.
    pub async fn require_on(&self, store: &dyn Store, permission: Permission, target: &User) -> Result<()> {
        self.require(permission)?;
        if self.role != ServiceRole::Admin && store.roles_of(&target.id).await?.iter().any(|r| r == "admin") {
            return Err(Error::NotAllowed(
                "Only an administrator may act on an administrator's account.".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_holds_exactly_its_permissions() {
        use Permission::*;
        let all = [
            ReadUsers,
            SupportUsers,
            ManageUsers,
            ManageRoles,
            ManageClients,
            ManageServiceProviders,
            ManageKeys,
            Recovery,
            ReadAudit,
        ];
        let held = |role: ServiceRole| all.into_iter().filter(|p| role.allows(*p)).collect::<Vec<_>>();
        assert_eq!(held(ServiceRole::Admin), all.to_vec());
        assert_eq!(held(ServiceRole::Helpdesk), vec![ReadUsers, SupportUsers, Recovery]);
        assert_eq!(held(ServiceRole::Auditor), vec![ReadAudit]);
        assert!(held(ServiceRole::Scim).is_empty());
        assert!(held(ServiceRole::Ssf).is_empty());
    }

    #[test]
    fn a_person_operates_with_the_strongest_administrative_role() {
        let user = User {
            id: "u1".into(),
            username: "alice".into(),
            email: "alice@example.com".into(),
            display_name: "Alice".into(),
            phone: None,
            status: crate::core::model::UserStatus::Active,
            manager_id: None,
            password_hash: None,
            password_changed_at: None,
            mfa_required: false,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            locale: None,
        };
        let roles = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Operator::person(&user, &roles(&["helpdesk", "admin"])).map(|o| o.role),
            Some(ServiceRole::Admin)
        );
        assert_eq!(
            Operator::person(&user, &roles(&["user", "helpdesk"])).map(|o| o.role),
            Some(ServiceRole::Helpdesk)
        );
        assert_eq!(Operator::person(&user, &roles(&["user"])), None);
        assert_eq!(
            Operator::person(&user, &roles(&["admin"])).map(|o| o.actor),
            Some("user:u1".into())
        );
    }
}
