//! Unit tests of the factor-reset rules in `recovery.rs`: who may open, decide (by the stored route), and execute;
//! cooling-off per role; bounded reasons and checks.
use super::*;
use chrono::Duration;

fn roles(r: &[&str]) -> Vec<String> {
    r.iter().map(|s| s.to_string()).collect()
}

fn request(opened_by: &str) -> FactorResetRequest {
    let now = Utc::now();
    FactorResetRequest {
        id: "r1".into(),
        ..FactorResetRequest::opened(
            "u",
            FactorSelection::All,
            "lost phone".into(),
            opened_by.into(),
            now,
            now + Duration::hours(24),
        )
    }
}

fn person<'a>(id: &'a str, manager: Option<&'a str>, roles: &'a [String]) -> Person<'a> {
    Person {
        id,
        manager_id: manager,
        active: true,
        roles,
    }
}

#[test]
fn the_manager_approves_others_need_admin_and_reason() {
    let user_roles = roles(&["user"]);
    let admin_roles = roles(&["admin"]);
    let subject = person("u", Some("m"), &user_roles);
    let r = request(SELF);
    assert_eq!(
        may_approve(&r, &person("m", None, &user_roles), &subject, Line::Outside, None),
        Ok(ApprovalBasis::Manager)
    );
    assert_eq!(
        may_approve(
            &r,
            &person("x", None, &user_roles),
            &subject,
            Line::Outside,
            Some("why")
        )
        .unwrap_err()
        .code,
        "not_manager"
    );
    assert_eq!(
        may_approve(&r, &person("a", None, &admin_roles), &subject, Line::Outside, None)
            .unwrap_err()
            .code,
        "override_reason_missing"
    );
    assert_eq!(
        may_approve(
            &r,
            &person("a", None, &admin_roles),
            &subject,
            Line::Outside,
            Some("manager on leave")
        ),
        Ok(ApprovalBasis::AdminOverride)
    );
    // Before the reason is known, a page can tell the manager from someone acting in their place.
    assert_eq!(
        may_decide(&r, &person("m", None, &user_roles), &subject, Line::Outside),
        Ok(ApprovalBasis::Manager)
    );
    assert_eq!(
        may_decide(&r, &person("a", None, &admin_roles), &subject, Line::Outside),
        Ok(ApprovalBasis::AdminOverride)
    );
    assert_eq!(
        may_decide(&r, &person("x", None, &user_roles), &subject, Line::Outside)
            .unwrap_err()
            .code,
        "not_manager"
    );
    assert_eq!(
        may_approve(&r, &subject, &subject, Line::Outside, None)
            .unwrap_err()
            .code,
        "own_factors"
    );
    // The agent who opened it cannot approve it, even as the manager.
    let opened = request("m");
    assert_eq!(
        may_approve(&opened, &person("m", None, &user_roles), &subject, Line::Outside, None)
            .unwrap_err()
            .code,
        "requester_cannot_approve"
    );
}

#[test]
fn the_route_decides_who_is_asked() {
    use route::{Skip, Step};
    let user_roles = roles(&["user"]);
    let admin_roles = roles(&["admin"]);
    let subject = person("u", Some("m"), &user_roles);
    let step = |user: &str, position: Position, skipped: Option<Skip>| Step {
        user: Some(user.into()),
        position,
        delegate_of: None,
        skipped,
    };
    // Mona away: her delegate Dana was asked, not Mona.
    let mut r = request(SELF);
    r.route = Some(ApprovalRoute {
        steps: vec![
            step("m", Position::Manager, Some(Skip::Absent)),
            step("d", Position::Delegate, None),
        ],
        approver_id: Some("d".into()),
        role: None,
    });
    let dana = person("d", Some("x"), &user_roles);
    assert_eq!(
        may_decide(&r, &dana, &subject, Line::Outside),
        Ok(ApprovalBasis::Delegate)
    );
    assert_eq!(
        may_decide(&r, &person("m", None, &user_roles), &subject, Line::Outside)
            .unwrap_err()
            .code,
        "not_manager",
        "the away manager was not asked"
    );
    // The person asked, once the subject manages them (the graph changed since), is refused.
    assert_eq!(
        may_decide(&r, &dana, &subject, Line::UnderSubject).unwrap_err().code,
        "reports_to_subject"
    );
    // Further up the chain.
    r.route = Some(ApprovalRoute {
        steps: vec![
            step("m", Position::Manager, Some(Skip::Disabled)),
            step("o", Position::Chain, None),
        ],
        approver_id: Some("o".into()),
        role: None,
    });
    assert_eq!(
        may_decide(&r, &person("o", None, &user_roles), &subject, Line::Outside),
        Ok(ApprovalBasis::Chain)
    );
    // The role: any member (now) decides without a reason; an admin the subject manages never does.
    let security = roles(&["security"]);
    r.route = Some(ApprovalRoute {
        steps: vec![step("s1", Position::Role, None)],
        approver_id: None,
        role: Some("security".into()),
    });
    assert_eq!(
        may_approve(&r, &person("s2", None, &security), &subject, Line::Outside, None),
        Ok(ApprovalBasis::Role)
    );
    assert_eq!(
        may_approve(&r, &person("a", None, &admin_roles), &subject, Line::Outside, None)
            .unwrap_err()
            .code,
        "override_reason_missing"
    );
    assert_eq!(
        may_approve(
            &r,
            &person("a", Some("u"), &admin_roles),
            &subject,
            Line::UnderSubject,
            Some("why")
        )
        .unwrap_err()
        .code,
        "reports_to_subject"
    );
}

#[test]
fn privileged_subjects_need_admins() {
    let admin_roles = roles(&["admin"]);
    let helpdesk_roles = roles(&["helpdesk"]);
    let user_roles = roles(&["user"]);
    let admin_subject = person("s", Some("m"), &admin_roles);
    let r = request(SELF);
    // Even the manager must be an admin for an admin's reset.
    assert_eq!(
        may_approve(&r, &person("m", None, &user_roles), &admin_subject, Line::Outside, None)
            .unwrap_err()
            .code,
        "admin_approver_required"
    );
    assert_eq!(
        may_approve(
            &r,
            &person("m", None, &admin_roles),
            &admin_subject,
            Line::Outside,
            None
        ),
        Ok(ApprovalBasis::Manager)
    );
    let mut approved = r.clone();
    approved.approver_id = Some("a2".into());
    assert_eq!(
        may_execute(&approved, &person("h", None, &helpdesk_roles), &admin_subject)
            .unwrap_err()
            .code,
        "admin_executor_required"
    );
    let hd_subject = person("s", None, &helpdesk_roles);
    assert_eq!(
        may_execute(&approved, &person("h", None, &helpdesk_roles), &hd_subject)
            .unwrap_err()
            .code,
        "admin_executor_required"
    );
    assert!(may_execute(&approved, &person("a3", None, &admin_roles), &admin_subject).is_ok());
}

#[test]
fn three_different_people() {
    let helpdesk_roles = roles(&["helpdesk"]);
    let user_roles = roles(&["user"]);
    let subject = person("u", Some("m"), &user_roles);
    let mut r = request("h1");
    r.approver_id = Some("m".into());
    assert_eq!(
        may_execute(&r, &person("h1", None, &helpdesk_roles), &subject)
            .unwrap_err()
            .code,
        "requester_cannot_execute"
    );
    let mut by_manager = request(SELF);
    by_manager.approver_id = Some("h2".into());
    assert_eq!(
        may_execute(&by_manager, &person("h2", None, &helpdesk_roles), &subject)
            .unwrap_err()
            .code,
        "approver_cannot_execute"
    );
    assert_eq!(
        may_execute(&r, &person("x", None, &user_roles), &subject)
            .unwrap_err()
            .code,
        "role_missing"
    );
    let own_roles = roles(&["helpdesk"]);
    let own = person("u", None, &own_roles);
    assert_eq!(may_execute(&r, &own, &own).unwrap_err().code, "own_factors");
    assert!(may_execute(&r, &person("h2", None, &helpdesk_roles), &subject).is_ok());
    assert_eq!(may_open(Some(&own), &own).unwrap_err().code, "own_factors");
    assert_eq!(
        may_open(Some(&person("x", None, &user_roles)), &subject)
            .unwrap_err()
            .code,
        "role_missing"
    );
}

#[test]
fn the_longest_delay_of_a_users_roles_wins() {
    let now = Utc::now();
    let (hour, day) = (Duration::hours(1), Duration::hours(24));
    let with = |role: &str, minutes: Option<u32>| RolePolicy {
        recovery_delay_minutes: minutes,
        ..RolePolicy::unrestricted(role, now)
    };
    assert_eq!(cooling_off(&[], hour, day), hour, "no roles: the default");
    assert_eq!(cooling_off(&[with("user", None)], hour, day), hour);
    assert_eq!(cooling_off(&[with("admin", None)], hour, day), day, "admin default");
    assert_eq!(
        cooling_off(&[with("user", Some(180))], hour, day),
        Duration::minutes(180)
    );
    // A shorter role setting does not shorten another role's (default) delay.
    assert_eq!(
        cooling_off(&[with("user", Some(5)), with("admin", None)], hour, day),
        day
    );
    assert_eq!(
        cooling_off(&[with("user", Some(5)), with("contractor", Some(2880))], hour, day),
        Duration::hours(48)
    );
    // An admin role may shorten its own delay below the admin default.
    assert_eq!(
        cooling_off(&[with("admin", Some(120))], hour, day),
        Duration::minutes(120)
    );
}

#[test]
fn reasons_and_checks_are_bounded() {
    assert_eq!(parse_reason("  ").unwrap_err().code, "reason_missing");
    assert_eq!(parse_reason(&"x".repeat(501)).unwrap_err().code, "reason_invalid");
    assert_eq!(parse_reason("a\u{0}b").unwrap_err().code, "reason_invalid");
    assert_eq!(parse_reason(" lost my phone ").unwrap(), "lost my phone");
    let configured = roles(&["employee_id", "hr_question"]);
    assert_eq!(parse_checks(&[], &configured).unwrap_err().code, "no_checks");
    assert_eq!(
        parse_checks(&roles(&["guess"]), &configured).unwrap_err().code,
        "unknown_check"
    );
    assert_eq!(
        parse_checks(&roles(&["employee_id", "employee_id"]), &configured).unwrap(),
        roles(&["employee_id"])
    );
    assert_eq!(FactorSelection::parse("ALL").unwrap(), FactorSelection::All);
    assert!(FactorSelection::parse(" , ").is_err());
    assert_eq!(
        FactorSelection::of_ids(roles(&["f1", "f2", "f1"])).unwrap(),
        FactorSelection::Ids(roles(&["f1", "f2"]))
    );
    assert!(FactorSelection::of_ids(vec![]).is_err());
    assert!(FactorSelection::of_ids(vec!["x".repeat(65)]).is_err());
    assert!(FactorSelection::of_ids((0..33).map(|i| i.to_string()).collect()).is_err());
}
