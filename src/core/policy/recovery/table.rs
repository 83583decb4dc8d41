//! The recovery-policy table as a property-style test (issue #17 item 1): for every built-in role, a custom role
//! with each single path, and a user holding `user` and `admin` together; every subset of usable factor kinds;
//! an approver available or not; 0 to 2 other administrators — the open paths are exactly the table's in
//! docs/recovery.md ("Recovery policy per role"), written again here as plain rules rather than through the
//! module's own code. And for every open request path, its two proofs come from two different people, neither of
//! them the user; an administrator or helpdesk agent never recovers by SMS.
use super::*;
use crate::core::policy::ALL_KINDS;

/// The docs table, row by row: what a user holding `roles` (built-in defaults, or `custom` paths on a custom role)
/// may take, given what they still hold and who could help.
fn expected(
    roles: &[&str],
    custom: Option<RecoveryPath>,
    usable: &[FactorKind],
    approver: bool,
    admins: usize,
) -> Vec<&'static str> {
    let privileged = roles.iter().any(|r| *r == "admin" || *r == "helpdesk");
    let strong = usable
        .iter()
        .any(|k| matches!(k, FactorKind::WebAuthn | FactorKind::Totp | FactorKind::OathToken));
    let sms = usable.contains(&FactorKind::Sms);
    let codes = usable.contains(&FactorKind::RecoveryCode);
    let mut open = Vec::new();
    if let Some(only) = custom {
        // A custom role allowing one path: that path, and `two-admins` when it is no request path (the way back
        // that always stays).
        let walkable = match only {
            RecoveryPath::BackupFactor => strong,
            RecoveryPath::BackupSms => sms,
            RecoveryPath::RecoveryCodes => codes,
            RecoveryPath::Approval => approver,
            RecoveryPath::TwoAdmins => admins >= 2,
        };
        if walkable {
            open.push(only.as_str());
        }
        if only.is_self_service() && admins >= 2 {
            open.push("two-admins");
        }
        return open;
    }
    // | role | backup-factor | backup-sms | recovery-codes | approval | two-admins |
    // | user | yes           | yes        | yes            | yes      | no         |
    // | helpdesk, admin | yes | no        | yes            | no       | yes        |
    if strong {
        open.push("backup-factor");
    }
    if sms && !privileged {
        open.push("backup-sms");
    }
    if codes {
        open.push("recovery-codes");
    }
    if approver && !privileged {
        open.push("approval");
    }
    if privileged && admins >= 2 {
        open.push("two-admins");
    }
    open
}

fn subsets() -> Vec<Vec<FactorKind>> {
    (0u32..32)
        .map(|bits| {
            ALL_KINDS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, k)| *k)
                .collect()
        })
        .collect()
}

#[test]
fn the_open_paths_are_exactly_the_tables_and_no_request_path_has_one_person_prove_twice() {
    let plain = RecoverySetting::default();
    let customs: Vec<RecoverySetting> = ALL_PATHS
        .iter()
        .map(|p| RecoverySetting {
            paths: Some(vec![*p]),
            caller_check: None,
        })
        .collect();
    let mut cases: Vec<(Vec<&str>, Option<RecoveryPath>, RecoveryPolicy)> = vec![
        (vec!["user"], None, effective([("user", &plain)])),
        (vec!["helpdesk"], None, effective([("helpdesk", &plain)])),
        (vec!["admin"], None, effective([("admin", &plain)])),
        (
            vec!["user", "admin"],
            None,
            effective([("user", &plain), ("admin", &plain)]),
        ),
        (vec![], None, effective([])),
    ];
    for (path, setting) in ALL_PATHS.iter().zip(&customs) {
        cases.push((vec!["custom"], Some(*path), effective([("custom", setting)])));
    }
    let mut checked = 0;
    for (roles, custom, policy) in &cases {
        let roles_or_user: Vec<&str> = if roles.is_empty() { vec!["user"] } else { roles.clone() };
        for usable in subsets() {
            for approver in [false, true] {
                for admins in 0..=2 {
                    let situation = Situation {
                        usable: usable.clone(),
                        approver_available: approver,
                        other_admins: admins,
                    };
                    let open = available_paths(policy, &situation);
                    let names: Vec<&str> = open.iter().map(|p| p.as_str()).collect();
                    assert_eq!(
                        names,
                        expected(&roles_or_user, *custom, &usable, approver, admins),
                        "{roles:?} {custom:?} {usable:?} approver={approver} admins={admins}"
                    );
                    for path in &open {
                        let proofs = proofs(*path);
                        if path.is_request() {
                            assert_eq!(proofs.len(), 2, "{path:?}");
                            assert_ne!(proofs[0].1, proofs[1].1, "{path:?}: two proofs from one party");
                            assert!(proofs.iter().all(|(_, party)| *party != Party::Subject), "{path:?}");
                        } else {
                            // Self-service: the user's own password and a factor or code, nothing of anyone else.
                            assert!(proofs.iter().all(|(_, party)| *party == Party::Subject), "{path:?}");
                        }
                        if roles.iter().any(|r| *r == "admin" || *r == "helpdesk") {
                            assert!(
                                proofs.iter().all(|(kind, _)| *kind != ProofKind::SmsCode),
                                "{roles:?} recovers by SMS on {path:?}"
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, cases.len() * 32 * 2 * 3);
}

#[test]
fn each_sign_in_method_names_its_self_service_path_and_each_policy_one_request_path() {
    for kind in ALL_KINDS {
        let path = self_service_path(kind);
        assert!(path.is_self_service());
        let expected = match kind {
            FactorKind::Sms => "backup-sms",
            FactorKind::RecoveryCode => "recovery-codes",
            _ => "backup-factor",
        };
        assert_eq!(path.as_str(), expected, "{kind:?}");
    }
    let plain = RecoverySetting::default();
    assert_eq!(request_path(&effective([("user", &plain)])), RecoveryPath::Approval);
    for role in ["admin", "helpdesk"] {
        assert_eq!(
            request_path(&effective([(role, &plain)])),
            RecoveryPath::TwoAdmins,
            "{role}"
        );
        assert!(validate_for_role(role, &[RecoveryPath::Approval]).is_err());
        assert!(validate_for_role(role, &[RecoveryPath::BackupSms, RecoveryPath::TwoAdmins]).is_err());
    }
    assert!(validate_for_role("finance", &[RecoveryPath::BackupSms, RecoveryPath::Approval]).is_ok());
}
