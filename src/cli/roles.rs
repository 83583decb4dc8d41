//! `gatehouse role …`: read and change role policies. Option values are taken as text and parsed by
//! `core::policy`, so that every bad value — an unknown kind, a date that does not exist, `maybe` — ends the
//! same way: one line on standard error, exit status 1, nothing stored.
use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, print};
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::policy::{self, PolicyChange, RolePolicy};
use crate::core::policy::{passkey_profile, recovery, roles};
use crate::core::provisioning::mapping;

// Parsed once per process; boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum RoleCommand {
    /// Every role's policy.
    List,
    /// One role's policy.
    Show { role: String },
    /// Change a role's policy; options not given stay as they are.
    Set(SetArgs),
    /// Add a role (unrestricted until you `set` its policy), e.g. for a directory group to grant.
    Add {
        role: String,
        #[arg(long, default_value = "")]
        description: String,
    },
}

#[derive(Args, Debug)]
pub struct SetArgs {
    pub role: String,
    /// Factor kinds that count, comma-separated: webauthn, totp, oath_token, sms, recovery_code.
    #[arg(long, value_name = "KINDS")]
    pub factors: Option<String>,
    /// Whether members must use a second factor: true or false.
    #[arg(long, value_name = "true|false")]
    pub mfa_required: Option<String>,
    /// The day (UTC) from which the requirement holds, YYYY-MM-DD; `none` to hold at once.
    #[arg(long, value_name = "YYYY-MM-DD|none")]
    pub enforce_from: Option<String>,
    /// Days after the enforcement date during which members without a factor are reminded, not held.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub grace_days: Option<String>,
    /// How long a browser may be trusted to skip the second factor; 0 = never.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub trusted_device_days: Option<String>,
    /// Longest session age in minutes before signing in again; `none` for the server's default.
    #[arg(long, value_name = "N|none", allow_hyphen_values = true)]
    pub reauth_absolute_minutes: Option<String>,
    /// Longest inactivity in minutes before signing in again; `none` for the server's default.
    #[arg(long, value_name = "N|none", allow_hyphen_values = true)]
    pub reauth_idle_minutes: Option<String>,
    /// Networks members may sign in from, comma-separated CIDRs (IPv4 or IPv6); `none`: from anywhere.
    #[arg(long, value_name = "CIDR,…|none", allow_hyphen_values = true)]
    pub ip_allow: Option<String>,
    /// Networks members may never sign in from (wins over --ip-allow); `none` to clear.
    #[arg(long, value_name = "CIDR,…|none", allow_hyphen_values = true)]
    pub ip_deny: Option<String>,
    /// Cooling-off of a factor reset of a member before it takes effect: minutes (90, 90m), hours (36h) or
    /// days (2d), 1 minute to 30 days; `none` for the server's default. A user waits the longest of their roles'.
    #[arg(long, value_name = "DURATION|none", allow_hyphen_values = true)]
    pub recovery_delay: Option<String>,
    /// Recovery paths members may take, comma-separated: backup-factor, backup-sms, recovery-codes, approval,
    /// two-admins (at least one of the last two); `default` for the role's built-in paths.
    #[arg(long, value_name = "PATHS|default")]
    pub recovery: Option<String>,
    /// Helpdesk caller verification a reset execution needs: none, either, user, manager, both; `default` for
    /// the role's built-in check.
    #[arg(long, value_name = "CHECK|default")]
    pub caller_check: Option<String>,
    /// How long an assurance level lasts after it was proven before a request needing it steps up again
    /// (RFC 9470): LEVEL=DURATION with LEVEL mfa, phr or phrh and DURATION as for --recovery-delay (90m, 12h, 2d),
    /// or `default` for the role's built-in age; repeatable or comma-separated.
    #[arg(long, value_name = "LEVEL=DURATION", allow_hyphen_values = true)]
    pub acr_max_age: Vec<String>,
    /// Whether members' security keys and passkeys must prove their make and model (attestation against the
    /// configured trust anchors): none or required.
    #[arg(long, value_name = "none|required")]
    pub passkey_attestation: Option<String>,
    /// Authenticator models (AAGUIDs) members may register, comma-separated; `none` for any attested model.
    /// Needs --passkey-attestation required.
    #[arg(long, value_name = "AAGUID,…|none")]
    pub passkey_aaguids: Option<String>,
    /// Whether synced (backup-eligible) passkeys are refused: true or false.
    #[arg(long, value_name = "true|false")]
    pub passkey_device_bound: Option<String>,
    /// Whether the authenticator must verify the user (PIN or biometrics): true or false.
    #[arg(long, value_name = "true|false")]
    pub passkey_uv: Option<String>,
    /// A directory (SCIM) group whose members get this role; repeat for several groups.
    #[arg(long, value_name = "NAME")]
    pub scim_group: Vec<String>,
    /// Stop granting this role to a directory group's members; repeatable.
    #[arg(long, value_name = "NAME")]
    pub no_scim_group: Vec<String>,
    /// Allow --scim-group to grant an administrative role (admin, helpdesk): whoever controls the directory
    /// could then make administrators.
    #[arg(long)]
    pub allow_admin: bool,
}

impl SetArgs {
    fn change(&self) -> crate::core::Result<PolicyChange> {
        Ok(PolicyChange {
            allowed_factors: self.factors.as_deref().map(policy::parse_kinds).transpose()?,
            mfa_required: self.mfa_required.as_deref().map(policy::parse_bool).transpose()?,
            enforce_from: self.enforce_from.as_deref().map(policy::parse_date).transpose()?,
            grace_days: self
                .grace_days
                .as_deref()
                .map(|t| policy::parse_count(t, "--grace-days"))
                .transpose()?,
            trusted_device_days: self
                .trusted_device_days
                .as_deref()
                .map(|t| policy::parse_count(t, "--trusted-device-days"))
                .transpose()?,
            reauth_absolute_minutes: self
                .reauth_absolute_minutes
                .as_deref()
                .map(|t| policy::parse_minutes(t, "--reauth-absolute-minutes"))
                .transpose()?,
            reauth_idle_minutes: self
                .reauth_idle_minutes
                .as_deref()
                .map(|t| policy::parse_minutes(t, "--reauth-idle-minutes"))
                .transpose()?,
            ip_allow: self.ip_allow.as_deref().map(|t| ip_list(t, "--ip-allow")).transpose()?,
            ip_deny: self.ip_deny.as_deref().map(|t| ip_list(t, "--ip-deny")).transpose()?,
            recovery_delay_minutes: self
                .recovery_delay
                .as_deref()
                .map(|t| policy::parse_duration_minutes(t, "--recovery-delay"))
                .transpose()?,
            recovery_paths: self
                .recovery
                .as_deref()
                .map(recovery::parse_paths_or_default)
                .transpose()
                .map_err(|e| crate::core::Error::invalid(format!("--recovery: {e}")))?,
            caller_check: self
                .caller_check
                .as_deref()
                .map(recovery::parse_caller_check_or_default)
                .transpose()
                .map_err(|e| crate::core::Error::invalid(format!("--caller-check: {e}")))?,
            acr_max_age: self
                .acr_max_age
                .iter()
                .map(|t| policy::acr_age::parse_max_ages(t))
                .collect::<crate::core::Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect(),
            passkey_attestation: self
                .passkey_attestation
                .as_deref()
                .map(passkey_profile::Attestation::parse)
                .transpose()?,
            passkey_aaguids: self
                .passkey_aaguids
                .as_deref()
                .map(passkey_profile::parse_aaguids)
                .transpose()
                .map_err(|e| crate::core::Error::invalid(format!("--passkey-aaguids: {e}")))?,
            passkey_device_bound: self
                .passkey_device_bound
                .as_deref()
                .map(policy::parse_bool)
                .transpose()
                .map_err(|e| crate::core::Error::invalid(format!("--passkey-device-bound: {e}")))?,
            passkey_user_verification: self
                .passkey_uv
                .as_deref()
                .map(policy::parse_bool)
                .transpose()
                .map_err(|e| crate::core::Error::invalid(format!("--passkey-uv: {e}")))?,
        })
    }
}

/// The directory groups that grant `role`.
async fn scim_groups(store: &dyn crate::core::store::Store, role: &str) -> crate::core::Result<Vec<String>> {
    Ok(store
        .group_mappings()
        .await?
        .into_iter()
        .filter(|m| m.role == role)
        .map(|m| m.group_name)
        .collect())
}

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() { "-".into() } else { items.join(", ") }
}

fn ip_list(text: &str, option: &str) -> crate::core::Result<Vec<ipnet::IpNet>> {
    crate::core::signin::ip_rules::parse_list(text).map_err(|e| crate::core::Error::invalid(format!("{option}: {e}")))
}

fn cidrs(list: &[ipnet::IpNet], empty: &str) -> String {
    if list.is_empty() {
        return empty.into();
    }
    list.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// `(default)` after a value the role did not set.
fn defaulted(is_default: bool) -> &'static str {
    if is_default { " (default)" } else { "" }
}

/// The policy as JSON, with the recovery setting in force (`recovery_paths`, `caller_check`) and whether each
/// is the role's built-in default.
fn json_of(p: &RolePolicy) -> Result<serde_json::Value, CliError> {
    let mut value = serde_json::to_value(p)?;
    if let (Some(object), serde_json::Value::Object(shown)) =
        (value.as_object_mut(), serde_json::to_value(p.recovery.shown(&p.role))?)
    {
        object.remove("recovery");
        object.remove("acr_max_age");
        object.extend(shown);
        object.insert(
            "acr_max_age_minutes".into(),
            serde_json::to_value(p.acr_max_age.resolved(&p.role).as_map())?,
        );
        object.insert(
            "acr_max_age_default".into(),
            serde_json::to_value(
                policy::acr_age::AGE_LEVELS
                    .iter()
                    .filter(|l| p.acr_max_age.get(l).is_none())
                    .collect::<Vec<_>>(),
            )?,
        );
    }
    Ok(value)
}

/// `mfa=1440m phr=720m (default) …`: each level's age in force, and whether it is the role's built-in one.
fn max_ages(p: &RolePolicy) -> String {
    let resolved = p.acr_max_age.resolved(&p.role).as_map();
    policy::acr_age::AGE_LEVELS
        .iter()
        .map(|level| {
            format!(
                "{level}={}m{}",
                resolved.get(*level).copied().unwrap_or_default(),
                defaulted(p.acr_max_age.get(level).is_none())
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn text(p: &RolePolicy) -> String {
    let kinds: Vec<&str> = p.allowed_factors.iter().map(|k| k.as_str()).collect();
    let shown = p.recovery.shown(&p.role);
    [
        format!("role                     {}", p.role),
        format!("allowed factors          {}", kinds.join(",")),
        format!("mfa required             {}", p.mfa_required),
        format!("enforce from             {}", or_dash(p.enforce_from)),
        format!("grace days               {}", p.grace_days),
        format!("trusted device days      {}", p.trusted_device_days),
        format!("reauth absolute minutes  {}", or_dash(p.reauth_absolute_minutes)),
        format!("reauth idle minutes      {}", or_dash(p.reauth_idle_minutes)),
        format!("ip allow                 {}", cidrs(&p.ip.allow, "any")),
        format!("ip deny                  {}", cidrs(&p.ip.deny, "-")),
        format!(
            "recovery delay minutes   {}",
            p.recovery_delay_minutes
                .map(|m| m.to_string())
                .unwrap_or_else(|| "server default".into())
        ),
        format!(
            "recovery paths           {}{}",
            recovery::path_names(&shown.recovery_paths),
            defaulted(shown.recovery_paths_default)
        ),
        format!(
            "caller check             {}{}",
            shown.caller_check.as_str(),
            defaulted(shown.caller_check_default)
        ),
        format!("acr max age              {}", max_ages(p)),
        format!("passkey profile          {}", p.passkey_profile.summary()),
    ]
    .join("\n")
}

pub async fn run(config: &Config, command: RoleCommand, json: bool) -> Result<(), CliError> {
    let store = super::user::store(config).await?;
    let store = store.as_ref();
    let now = SystemClock.now();
    match command {
        RoleCommand::List => {
            let all = roles::list(store, now).await?;
            let lines: Vec<String> = all
                .iter()
                .map(|p| {
                    let kinds: Vec<&str> = p.allowed_factors.iter().map(|k| k.as_str()).collect();
                    format!(
                        "{:<16} mfa={:<5} from={:<10} factors={}",
                        p.role,
                        p.mfa_required,
                        or_dash(p.enforce_from),
                        kinds.join(",")
                    )
                })
                .collect();
            let values = all.iter().map(json_of).collect::<Result<Vec<_>, _>>()?;
            print(json, &serde_json::Value::Array(values), &lines.join("\n"));
        }
        RoleCommand::Show { role } => {
            let policy = roles::show(store, now, &role).await?;
            let groups = scim_groups(store, &role).await?;
            let mut value = json_of(&policy)?;
            value["scim_groups"] = json!(groups);
            print(
                json,
                &value,
                &format!("{}\nscim groups: {}", text(&policy), list_or_dash(&groups)),
            );
        }
        RoleCommand::Add { role, description } => {
            let added = roles::add(store, now, &Origin::cli(), &role, &description).await?;
            print(
                json,
                &serde_json::to_value(&added)?,
                &format!("Role '{}' added.", added.name),
            );
        }
        RoleCommand::Set(args) => {
            let change = args.change()?;
            let origin = Origin::cli();
            let (policy, changed) = roles::set(store, now, &origin, &args.role, &change).await?;
            for group in &args.scim_group {
                mapping::map(store, now, &origin, &args.role, group, args.allow_admin).await?;
            }
            for group in &args.no_scim_group {
                mapping::unmap(store, now, &origin, &args.role, group).await?;
            }
            let groups = scim_groups(store, &args.role).await?;
            let mut value = json_of(&policy)?;
            let changed = changed || !args.scim_group.is_empty() || !args.no_scim_group.is_empty();
            value["changed"] = json!(changed);
            value["scim_groups"] = json!(groups);
            let headline = if changed { "Policy changed" } else { "Nothing changed" };
            print(
                json,
                &value,
                &format!("{headline}:\n{}\nscim groups: {}", text(&policy), list_or_dash(&groups)),
            );
        }
    }
    Ok(())
}
