//! The combination rules of `core::policy`, one rule per test.
use super::*;
use crate::core::model::UserStatus;
use FactorKind::*;
use chrono::TimeZone;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().expect("valid time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A user for unit tests of policy and what depends on it (grants, assurance, SAML contexts).
pub(crate) fn user(mfa_required: bool) -> User {
    let now = at(2026, 1, 1);
    User {
        id: "u1".into(),
        username: "uma".into(),
        email: "uma@example.com".into(),
        display_name: "Uma".into(),
        phone: None,
        status: UserStatus::Active,
        manager_id: None,
        password_hash: None,
        password_changed_at: None,
        mfa_required,
        created_at: now,
        updated_at: now,
        locale: None,
    }
}

fn role(name: &str, kinds: &[FactorKind], mfa: bool) -> RolePolicy {
    RolePolicy {
        allowed_factors: normalize_kinds(kinds),
        mfa_required: mfa,
        ..RolePolicy::unrestricted(name, at(2026, 1, 1))
    }
}

fn admin() -> RolePolicy {
    role("admin", &[WebAuthn, RecoveryCode], true)
}

fn staff() -> RolePolicy {
    role("user", &[Totp, Sms, WebAuthn, OathToken, RecoveryCode], false)
}

#[test]
fn allowed_kinds_are_the_intersection_strongest_first() {
    let helpdesk = role("helpdesk", &[RecoveryCode, Totp, WebAuthn, OathToken], true);
    let r = evaluate(&user(false), &[staff(), helpdesk]);
    assert_eq!(r.allowed_factors, [WebAuthn, Totp, OathToken, RecoveryCode]);
    assert_eq!(r.fallback_to, None);
    let r = evaluate(&user(false), &[staff(), admin()]);
    assert_eq!(r.allowed_factors, [WebAuthn, RecoveryCode]);
}

#[test]
fn an_intersection_without_a_primary_kind_falls_back_to_the_strictest_role() {
    let sms_only = role("field", &[Sms, RecoveryCode], false);
    let r = evaluate(&user(false), &[sms_only.clone(), admin()]);
    assert_eq!(
        r.allowed_factors,
        [WebAuthn, RecoveryCode],
        "admin requires MFA: stricter"
    );
    assert_eq!(r.fallback_to.as_deref(), Some("admin"));
    assert!(r.mfa_required);
    // Neither requires MFA: the one whose weakest kind is stronger wins.
    let totp_only = role("office", &[Totp], false);
    let r = evaluate(&user(false), &[sms_only.clone(), totp_only.clone()]);
    assert_eq!(r.allowed_factors, [Totp]);
    // Deterministic whatever the order.
    assert_eq!(evaluate(&user(false), &[totp_only, sms_only]).allowed_factors, [Totp]);
    // And the contradiction is refused when it would be configured.
    let err = check_combination(&[&role("field", &[Sms], false), &admin()]).unwrap_err();
    assert!(err.to_string().contains("no factor kind in common"), "{err}");
    assert!(check_combination(&[&staff(), &admin()]).is_ok());
    assert!(
        check_combination(&[&admin()]).is_ok(),
        "one role cannot contradict itself here"
    );
}

#[test]
fn mfa_is_required_if_any_role_or_the_user_flag_requires_it() {
    assert!(!evaluate(&user(false), &[staff()]).mfa_required);
    assert!(evaluate(&user(false), &[staff(), admin()]).mfa_required);
    let flagged = evaluate(&user(true), &[staff()]);
    assert!(flagged.mfa_required);
    assert_eq!(flagged.stage(at(2026, 1, 1)), Stage::Enforced, "the flag holds at once");
    let nobody = evaluate(&user(false), &[]);
    assert_eq!(nobody.allowed_factors, ALL_KINDS, "no roles: unrestricted");
    assert!(!nobody.mfa_required);
}

#[test]
fn the_earliest_deadline_wins_and_a_role_without_a_date_holds_now() {
    let mut early = role("contractor", &[Totp, WebAuthn, RecoveryCode], true);
    early.enforce_from = Some(day(2026, 3, 1));
    early.grace_days = 10; // enrol by 11 March
    let mut late = role("staff", &[Totp, WebAuthn, RecoveryCode], true);
    late.enforce_from = Some(day(2026, 3, 5)); // enrol by 5 March
    let r = evaluate(&user(false), &[early.clone(), late.clone()]);
    assert_eq!(r.enforce_from, Some(day(2026, 3, 1)));
    assert_eq!(r.enrol_by, Some(day(2026, 3, 5)));
    assert_eq!(
        r.stage(at(2026, 3, 4)),
        Stage::Reminder {
            enforce_from: day(2026, 3, 1),
            enrol_by: day(2026, 3, 5)
        }
    );
    assert_eq!(r.stage(at(2026, 3, 5)), Stage::Enforced);
    // A role that does not require MFA has no say on dates.
    let mut relaxed = staff();
    relaxed.enforce_from = Some(day(2026, 1, 2));
    assert_eq!(
        evaluate(&user(false), &[early.clone(), relaxed]).enrol_by,
        Some(day(2026, 3, 11))
    );
    // A requiring role without a date, or the user flag, holds now.
    let r = evaluate(&user(false), &[early.clone(), admin()]);
    assert_eq!((r.enforce_from, r.enrol_by), (None, None));
    assert_eq!(r.stage(at(2026, 1, 1)), Stage::Enforced);
    assert_eq!(evaluate(&user(true), &[early]).stage(at(2026, 1, 1)), Stage::Enforced);
}

#[test]
fn the_shortest_limits_win_and_zero_trusted_days_means_never() {
    let mut a = staff();
    a.trusted_device_days = 14;
    a.reauth_absolute_minutes = Some(720);
    let mut b = role("helpdesk", &[Totp, WebAuthn], true);
    b.trusted_device_days = 30;
    b.reauth_idle_minutes = Some(15);
    let r = evaluate(&user(false), &[a.clone(), b.clone()]);
    assert_eq!(r.trusted_device_days, 14);
    assert_eq!(r.reauth_absolute_minutes, Some(720), "a limit beats no limit");
    assert_eq!(r.reauth_idle_minutes, Some(15));
    b.trusted_device_days = 0;
    assert_eq!(evaluate(&user(false), &[a, b]).trusted_device_days, 0);
}

#[test]
fn contradictions_are_refused() {
    let ok = staff();
    assert!(ok.validate().is_ok());
    let message = |p: RolePolicy| p.validate().unwrap_err().to_string();
    assert!(message(role("x", &[], true)).contains("at least one factor kind"));
    assert!(message(role("x", &[], false)).contains("at least one factor kind"));
    assert!(message(role("x", &[RecoveryCode], true)).contains("backup"));
    let mut grace = ok.clone();
    grace.grace_days = 7;
    assert!(message(grace).contains("enforcement date"));
    let mut limits = ok.clone();
    limits.reauth_absolute_minutes = Some(60);
    limits.reauth_idle_minutes = Some(90);
    assert!(message(limits).contains("cannot be longer"));
    let mut zero = ok.clone();
    zero.reauth_idle_minutes = Some(0);
    assert!(message(zero).contains("1 to"));
    let mut long = ok;
    long.trusted_device_days = MAX_DAYS + 1;
    assert!(message(long).contains("at most"));
}

#[test]
fn input_is_parsed_strictly() {
    assert_eq!(parse_kinds("totp, webauthn,totp").unwrap(), [WebAuthn, Totp]);
    assert!(
        parse_kinds("totp,password")
            .unwrap_err()
            .to_string()
            .contains("Unknown factor kind 'password'")
    );
    assert!(parse_kinds("WebAuthn").is_err(), "names are exact");
    assert_eq!(parse_kinds("").unwrap(), []);
    assert_eq!(parse_date("2026-03-01").unwrap(), Some(day(2026, 3, 1)));
    assert_eq!(parse_date("none").unwrap(), None);
    for bad in ["2026-13-01", "2026-02-30", "1.3.2026", "2026-3-1", "tomorrow", ""] {
        assert!(parse_date(bad).is_err(), "{bad}");
    }
    assert!(parse_bool("true").unwrap());
    assert!(parse_bool("yes").is_err());
    assert!(parse_count("-1", "--grace-days").is_err());
    assert_eq!(parse_minutes("none", "x").unwrap(), None);
}

#[test]
fn changes_apply_only_what_was_given() {
    let mut current = admin();
    current.reauth_idle_minutes = Some(15);
    let change = PolicyChange {
        allowed_factors: Some(vec![RecoveryCode, Totp, WebAuthn]),
        reauth_idle_minutes: Some(None),
        ..Default::default()
    };
    let next = change.apply(&current, at(2026, 2, 1));
    assert_eq!(next.allowed_factors, [WebAuthn, Totp, RecoveryCode]);
    assert_eq!(next.reauth_idle_minutes, None);
    assert!(next.mfa_required, "untouched");
    assert_eq!(next.updated_at, at(2026, 2, 1));
}

#[test]
fn sign_in_offers_only_allowed_kinds_to_a_compliant_user() {
    let r = evaluate(&user(false), &[admin()]);
    let p = plan(&r, &[Totp, WebAuthn, RecoveryCode], at(2026, 1, 1));
    assert_eq!(p.accepted, [WebAuthn, RecoveryCode]);
    assert_eq!(p.then, Access::Full);
    assert!(p.compliant);
}

#[test]
fn factors_of_kinds_that_no_longer_count_still_guard_the_account() {
    let r = evaluate(&user(false), &[admin()]);
    let p = plan(&r, &[Totp], at(2026, 1, 1));
    assert_eq!(p.accepted, [Totp], "the password alone never suffices");
    assert_eq!(p.then, Access::EnrolOnly, "and the proof only opens enrolment");
    // Recovery codes alone do not make a user compliant.
    let p = plan(&r, &[RecoveryCode], at(2026, 1, 1));
    assert_eq!(
        (p.accepted.as_slice(), p.then),
        ([RecoveryCode].as_slice(), Access::EnrolOnly)
    );
    // Before the deadline the same proof signs in, with a reminder.
    let mut dated = admin();
    dated.enforce_from = Some(day(2026, 2, 1));
    let r = evaluate(&user(false), &[dated]);
    let p = plan(&r, &[Totp], at(2026, 1, 1));
    assert_eq!(p.then, Access::Full);
    assert!(p.reminder.is_some());
}

#[test]
fn without_factors_the_stage_decides() {
    let mut dated = admin();
    dated.enforce_from = Some(day(2026, 2, 1));
    dated.grace_days = 3;
    let r = evaluate(&user(false), &[dated]);
    let before = plan(&r, &[], at(2026, 2, 3));
    assert!(before.accepted.is_empty());
    assert_eq!(before.then, Access::Full);
    assert_eq!(
        before.reminder,
        Some(Stage::Reminder {
            enforce_from: day(2026, 2, 1),
            enrol_by: day(2026, 2, 4)
        })
    );
    let after = plan(&r, &[], at(2026, 2, 4));
    assert_eq!((after.then, after.reminder), (Access::EnrolOnly, None));
    let optional = plan(&evaluate(&user(false), &[staff()]), &[], at(2026, 2, 4));
    assert_eq!((optional.then, optional.reminder), (Access::Full, None));
}

#[test]
fn recovery_delays_parse_and_are_bounded() {
    let parse = |t: &str| parse_duration_minutes(t, "--recovery-delay");
    assert_eq!(parse("90").unwrap(), Some(90));
    assert_eq!(parse("90m").unwrap(), Some(90));
    assert_eq!(parse(" 36h ").unwrap(), Some(2160));
    assert_eq!(parse("2d").unwrap(), Some(2880));
    assert_eq!(parse("none").unwrap(), None);
    for bad in [
        "",
        "-5",
        "+5",
        "1.5h",
        "1 h",
        "h",
        "5w",
        "99999999999",
        "4294967295d",
        "ten",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} is refused");
    }
    let mut p = staff();
    for ok in [1, 60, MAX_RECOVERY_DELAY_MINUTES] {
        p.recovery_delay_minutes = Some(ok);
        assert!(p.validate().is_ok(), "{ok}");
    }
    for absurd in [0, MAX_RECOVERY_DELAY_MINUTES + 1, u32::MAX] {
        p.recovery_delay_minutes = Some(absurd);
        assert!(p.validate().is_err(), "{absurd}");
    }
    let change = PolicyChange {
        recovery_delay_minutes: Some(Some(120)),
        ..Default::default()
    };
    let next = change.apply(&staff(), at(2026, 1, 1));
    assert_eq!(next.recovery_delay_minutes, Some(120));
    let cleared = PolicyChange {
        recovery_delay_minutes: Some(None),
        ..Default::default()
    }
    .apply(&next, at(2026, 1, 1));
    assert_eq!(cleared.recovery_delay_minutes, None);
}
