use super::*;
use crate::core::recovery::{FactorSelection, ResetState};
use chrono::TimeZone;
use rand::SeedableRng;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap()
}

/// Kim's request, approved by Mona at t0.
fn approved() -> FactorResetRequest {
    let mut r = FactorResetRequest::opened(
        "kim",
        FactorSelection::All,
        "lost phone".into(),
        "hugo".into(),
        t0() - Duration::hours(1),
        t0() + Duration::hours(23),
    );
    r.state = ResetState::Approved;
    r.approver_id = Some("mona".into());
    r.approved_at = Some(t0());
    r
}

fn prompt(
    r: &FactorResetRequest,
    target: Target,
    who: &str,
    state: VerifyState,
    answered: DateTime<Utc>,
) -> CallerVerification {
    CallerVerification {
        id: uuid::Uuid::new_v4().to_string(),
        request_id: r.id.clone(),
        target,
        target_user_id: who.into(),
        channel: Channel::Mail,
        sent_by: "hugo".into(),
        token_hash: String::new(),
        number: 42,
        choices: [17, 42, 88],
        state,
        created_at: answered - Duration::minutes(1),
        expires_at: answered + Duration::minutes(4),
        answered_at: (state != VerifyState::Pending).then_some(answered),
    }
}

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

#[test]
fn a_challenge_has_three_distinct_two_digit_numbers_including_the_right_one() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut positions = [0usize; 3];
    for _ in 0..2000 {
        let c = Challenge::from_rng(&mut rng);
        assert!((10..=99).contains(&c.number));
        assert!(c.choices.iter().all(|n| (10..=99).contains(n)));
        assert!(c.choices[0] != c.choices[1] && c.choices[1] != c.choices[2] && c.choices[0] != c.choices[2]);
        let at = c
            .choices
            .iter()
            .position(|n| *n == c.number)
            .expect("the number is a choice");
        positions[at] += 1;
    }
    // Shuffled: the right number is not always in the same place.
    assert!(positions.iter().all(|p| *p > 500), "{positions:?}");
    let fresh = Challenge::generate();
    assert!(fresh.choices.contains(&fresh.number));
}

#[test]
fn the_right_number_passes_another_is_a_mismatch_and_not_me_fails() {
    assert_eq!(outcome(42, Answer::Picked(42)), VerifyState::Passed);
    assert_eq!(outcome(42, Answer::Picked(17)), VerifyState::Mismatch);
    assert_eq!(outcome(42, Answer::NotMe), VerifyState::Failed);
    assert!(VerifyState::Failed.warns() && VerifyState::Mismatch.warns() && VerifyState::TimedOut.warns());
    assert!(!VerifyState::Passed.warns() && !VerifyState::Pending.warns());
}

#[test]
fn a_pending_prompt_times_out_at_its_end() {
    let r = approved();
    let p = prompt(&r, Target::User, "kim", VerifyState::Pending, at(1));
    assert_eq!(p.state_at(p.expires_at - Duration::seconds(1)), VerifyState::Pending);
    assert_eq!(p.state_at(p.expires_at), VerifyState::TimedOut);
    let passed = prompt(&r, Target::User, "kim", VerifyState::Passed, at(1));
    assert_eq!(passed.state_at(at(100)), VerifyState::Passed);
}

#[test]
fn states_targets_and_channels_round_trip() {
    for s in [
        VerifyState::Pending,
        VerifyState::Passed,
        VerifyState::Failed,
        VerifyState::Mismatch,
        VerifyState::TimedOut,
    ] {
        assert_eq!(VerifyState::parse(s.as_str()), Some(s));
    }
    assert_eq!(Target::parse("manager"), Some(Target::Manager));
    assert_eq!(Target::parse("boss"), None);
    assert_eq!(Channel::parse("sms"), Some(Channel::Sms));
    assert_eq!(Channel::parse("fax"), None);
}

#[test]
fn the_gate_follows_the_caller_check() {
    let r = approved();
    let user = prompt(&r, Target::User, "kim", VerifyState::Passed, at(2));
    let manager = prompt(&r, Target::Manager, "max", VerifyState::Passed, at(3));
    let now = at(5);
    let g = |check, prompts: &[CallerVerification]| gate(check, &r, prompts, "hana", None, now).map_err(|e| e.code);
    assert_eq!(g(CallerCheck::None, &[]), Ok(()));
    assert_eq!(g(CallerCheck::Either, &[]), Err("caller_unverified"));
    assert_eq!(g(CallerCheck::Either, std::slice::from_ref(&user)), Ok(()));
    assert_eq!(g(CallerCheck::Either, std::slice::from_ref(&manager)), Ok(()));
    assert_eq!(
        g(CallerCheck::User, std::slice::from_ref(&manager)),
        Err("caller_unverified")
    );
    assert_eq!(g(CallerCheck::User, std::slice::from_ref(&user)), Ok(()));
    assert_eq!(
        g(CallerCheck::Manager, std::slice::from_ref(&user)),
        Err("caller_unverified")
    );
    assert_eq!(g(CallerCheck::Manager, std::slice::from_ref(&manager)), Ok(()));
    assert_eq!(
        g(CallerCheck::Both, std::slice::from_ref(&user)),
        Err("caller_unverified")
    );
    assert_eq!(g(CallerCheck::Both, &[user.clone(), manager.clone()]), Ok(()));
}

#[test]
fn only_passed_prompts_count() {
    let r = approved();
    for state in [
        VerifyState::Pending,
        VerifyState::Failed,
        VerifyState::Mismatch,
        VerifyState::TimedOut,
    ] {
        let p = prompt(&r, Target::User, "kim", state, at(2));
        assert_eq!(
            gate(CallerCheck::User, &r, &[p], "hana", None, at(5)).map_err(|e| e.code),
            Err("caller_unverified"),
            "{state:?}"
        );
    }
}

#[test]
fn a_manager_prompt_answered_by_the_approver_is_no_second_proof() {
    let r = approved();
    let by_approver = prompt(&r, Target::Manager, "mona", VerifyState::Passed, at(2));
    assert!(!counts(&by_approver, &r, at(5)));
    assert_eq!(
        gate(
            CallerCheck::Manager,
            &r,
            std::slice::from_ref(&by_approver),
            "hana",
            None,
            at(5)
        )
        .map_err(|e| e.code),
        Err("caller_unverified")
    );
    // A user prompt answered by the user still counts, whoever approved.
    let user = prompt(&r, Target::User, "kim", VerifyState::Passed, at(2));
    assert_eq!(
        gate(CallerCheck::Either, &r, &[by_approver, user], "hana", None, at(5)),
        Ok(())
    );
}

#[test]
fn a_pass_counts_only_after_the_approval_and_for_thirty_minutes() {
    let r = approved();
    let before = prompt(&r, Target::User, "kim", VerifyState::Passed, at(-1));
    assert!(!counts(&before, &r, at(5)), "answered before the approval");
    let p = prompt(&r, Target::User, "kim", VerifyState::Passed, at(0));
    assert!(counts(&p, &r, at(30)));
    assert!(!counts(&p, &r, at(31)), "stale after 30 minutes");
    assert!(!counts(&p, &r, at(-2)), "answered after 'now' (a clock gone back)");
    let mut unapproved = r.clone();
    unapproved.approved_at = None;
    assert!(!counts(&p, &unapproved, at(5)));
    let mut other = p.clone();
    other.request_id = "another".into();
    assert!(!counts(&other, &r, at(5)), "another request's prompt");
}

#[test]
fn an_override_stands_in_unless_its_author_executes() {
    let r = approved();
    let o = Override {
        request_id: r.id.clone(),
        by: "hana".into(),
        reason: "caller verified in person at the service desk".into(),
        at: at(1),
    };
    assert_eq!(gate(CallerCheck::Both, &r, &[], "hugo", Some(&o), at(5)), Ok(()));
    assert_eq!(
        gate(CallerCheck::Both, &r, &[], "hana", Some(&o), at(5)).map_err(|e| e.code),
        Err("override_by_executor")
    );
    // An override by the approver (recorded before a rule existed, or forged) does not count.
    let by_approver = Override {
        by: "mona".into(),
        ..o.clone()
    };
    assert_eq!(
        gate(CallerCheck::User, &r, &[], "hugo", Some(&by_approver), at(5)).map_err(|e| e.code),
        Err("caller_unverified")
    );
    let elsewhere = Override {
        request_id: "another".into(),
        ..o
    };
    assert_eq!(
        gate(CallerCheck::User, &r, &[], "hugo", Some(&elsewhere), at(5)).map_err(|e| e.code),
        Err("caller_unverified")
    );
}

fn person<'a>(id: &'a str, roles: &'a [String]) -> Person<'a> {
    Person {
        id,
        manager_id: None,
        active: true,
        roles,
    }
}

#[test]
fn agents_send_prompts_and_admins_for_privileged_subjects() {
    let helpdesk = vec!["helpdesk".to_string()];
    let admin = vec!["admin".to_string()];
    let plain = vec!["user".to_string()];
    let kim = person("kim", &plain);
    assert_eq!(may_send(&person("hugo", &helpdesk), &kim), Ok(()));
    assert_eq!(
        may_send(&person("mona", &plain), &kim).map_err(|e| e.code),
        Err("role_missing")
    );
    assert_eq!(
        may_send(&person("kim", &admin), &kim).map_err(|e| e.code),
        Err("own_factors")
    );
    let hana = person("hana", &helpdesk);
    assert_eq!(
        may_send(&person("hugo", &helpdesk), &hana).map_err(|e| e.code),
        Err("admin_required")
    );
    assert_eq!(may_send(&person("ada", &admin), &hana), Ok(()));
    let mut disabled = person("hugo", &helpdesk);
    disabled.active = false;
    assert_eq!(may_send(&disabled, &kim).map_err(|e| e.code), Err("actor_disabled"));
}

#[test]
fn the_overrider_is_neither_the_approver_nor_the_requester() {
    let r = approved();
    let helpdesk = vec!["helpdesk".to_string()];
    let admin = vec!["admin".to_string()];
    let plain = vec!["user".to_string()];
    let kim = person("kim", &plain);
    assert_eq!(may_override(&r, &person("hana", &helpdesk), &kim), Ok(()));
    assert_eq!(
        may_override(&r, &person("hugo", &helpdesk), &kim).map_err(|e| e.code),
        Err("requester_cannot_override")
    );
    assert_eq!(
        may_override(&r, &person("mona", &admin), &kim).map_err(|e| e.code),
        Err("approver_cannot_override")
    );
    let ada_roles = vec!["admin".to_string()];
    let ada = person("ada", &ada_roles);
    assert_eq!(
        may_override(&r, &person("hana", &helpdesk), &ada).map_err(|e| e.code),
        Err("admin_required")
    );
}

#[test]
fn three_prompts_per_request_and_twenty_per_agent() {
    assert_eq!(rate_limited(2, 19), None);
    assert_eq!(rate_limited(3, 0).map(|r| r.code), Some("rate_limited_request"));
    assert_eq!(rate_limited(0, 20).map(|r| r.code), Some("rate_limited_agent"));
}
