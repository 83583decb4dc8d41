use serde_json::{Value, json};

use super::*;
use crate::scim::fixtures::{self, ALICE, BOB, CAROL};

fn users() -> [Value; 3] {
    [fixtures::alice(), fixtures::bob(), fixtures::carol()]
}

/// The ids of the fixture users `text` selects.
fn selects(text: &str) -> Vec<String> {
    let filter = parse_for(Kind::User, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    users()
        .iter()
        .filter(|u| matches(&filter, u, Kind::User).unwrap())
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

fn refused(kind: Kind, text: &str) -> String {
    match parse_for(kind, text) {
        Ok(f) => panic!("{text} accepted as {f}"),
        Err(e) => {
            assert_eq!(e.scim_type, Some("invalidFilter"), "{text}: {e}");
            assert_eq!(e.status.as_u16(), 400);
            e.detail
        }
    }
}

#[test]
fn user_name_compares_without_case_and_id_with_it() {
    assert_eq!(selects(r#"userName eq "ALICE@example.com""#), [ALICE]);
    assert_eq!(selects(r#"userName eq "bob@example.com""#), [BOB]);
    assert_eq!(selects(&format!(r#"id eq "{ALICE}""#)), [ALICE]);
    assert!(selects(&format!(r#"id eq "{}""#, ALICE.to_uppercase())).is_empty());
    assert_eq!(selects(r#"externalId eq "e123""#), [ALICE]);
    assert!(selects(r#"externalId eq "E123""#).is_empty());
    assert_eq!(selects(r#"USERNAME Eq "carol@example.com""#), [CAROL]);
}

#[test]
fn substring_and_ordering_operators_work_on_strings() {
    assert_eq!(selects(r#"displayName co "smith""#), [ALICE]);
    assert_eq!(selects(r#"userName sw "bob""#), [BOB]);
    assert_eq!(selects(r#"userName ew "@EXAMPLE.COM""#), [ALICE, BOB, CAROL]);
    assert_eq!(selects(r#"userName gt "b""#), [BOB, CAROL]);
    assert_eq!(selects(r#"userName le "bob@example.com""#), [ALICE, BOB]);
    assert_eq!(selects(r#"name.familyName lt "k""#), [BOB]);
}

#[test]
fn ne_is_not_eq_and_pr_needs_a_value() {
    assert_eq!(selects(r#"userName ne "alice@example.com""#), [BOB, CAROL]);
    assert_eq!(selects(r#"externalId ne "e123""#), [BOB, CAROL]);
    assert_eq!(selects("externalId pr"), [ALICE]);
    assert_eq!(selects("phoneNumbers pr"), [ALICE]);
    assert_eq!(selects("name pr"), [ALICE, BOB]);
    assert_eq!(selects("externalId eq null"), [BOB, CAROL]);
    assert_eq!(selects("externalId ne null"), [ALICE]);
    // Bob's second address is not his primary, and ne means no value is equal.
    assert_eq!(selects(r#"emails.value ne "bob@home.example""#), [ALICE, CAROL]);
}

#[test]
fn booleans_compare_with_eq_and_ne_including_entra_strings() {
    assert_eq!(selects("active eq true"), [ALICE, CAROL]);
    assert_eq!(selects("active eq false"), [BOB]);
    assert_eq!(selects(r#"active eq "False""#), [BOB]);
    assert_eq!(selects("active ne true"), [BOB]);
    assert_eq!(selects("emails.primary eq true"), [ALICE, BOB]);
}

#[test]
fn meta_dates_compare_as_instants() {
    // Bob was created at 2025-12-31T23:00:00+01:00, that is 22:00 UTC.
    assert_eq!(selects(r#"meta.created lt "2025-12-31T22:30:00Z""#), [BOB]);
    assert!(selects(r#"meta.created lt "2025-12-31T21:30:00Z""#).is_empty());
    assert_eq!(selects(r#"meta.created eq "2025-12-31T22:00:00Z""#), [BOB]);
    assert_eq!(
        selects(r#"meta.lastModified gt "2026-01-31T00:00:00Z""#),
        [ALICE, CAROL]
    );
    assert_eq!(selects(r#"meta.lastModified ge "2026-03-01T12:30:00.000Z""#), [ALICE]);
    assert_eq!(selects(r#"meta.lastModified le "2026-01-02T01:00:00+01:00""#), [BOB]);
}

#[test]
fn logical_operators_combine_with_precedence() {
    assert_eq!(selects(r#"active eq true and userName sw "c""#), [CAROL]);
    assert_eq!(selects(r#"userName sw "a" or userName sw "b""#), [ALICE, BOB]);
    assert_eq!(selects(r#"not (userName sw "a")"#), [BOB, CAROL]);
    // and binds tighter than or.
    assert_eq!(
        selects(r#"userName sw "a" or userName sw "b" and active eq true"#),
        [ALICE]
    );
    assert_eq!(
        selects(r#"(userName sw "a" or userName sw "b") and active eq false"#),
        [BOB]
    );
}

#[test]
fn multi_valued_attributes_match_on_any_value() {
    assert_eq!(selects(r#"emails.value co "home""#), [BOB]);
    assert_eq!(selects(r#"emails co "@home.""#), [BOB]);
    assert_eq!(selects(r#"emails.type eq "work""#), [ALICE, BOB]);
    assert_eq!(selects(r#"phoneNumbers.value eq "+41446681800""#), [ALICE]);
    assert_eq!(selects(r#"groups.display eq "engineering""#), [ALICE]);
}

#[test]
fn value_paths_select_one_value_that_meets_every_condition() {
    assert_eq!(
        selects(r#"emails[type eq "work" and value co "@example.com"]"#),
        [ALICE, BOB]
    );
    assert!(selects(r#"emails[type eq "home" and value co "@example.com"]"#).is_empty());
    assert_eq!(selects(r#"emails[type eq "home" or primary eq true]"#), [ALICE, BOB]);
    assert_eq!(selects(r#"emails[not (type eq "work")]"#), [BOB]);
    assert_eq!(selects(r#"phoneNumbers[type eq "mobile"]"#), [ALICE]);
    assert_eq!(selects(r#"name[givenName eq "bob"]"#), [BOB]);
}

#[test]
fn entras_sub_attribute_after_the_brackets_is_understood() {
    // "Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", /Users: uniqueness on
    // emails[type eq "work"] is queried as below.
    assert_eq!(
        selects(r#"emails[type eq "work"].value eq "alice@example.com""#),
        [ALICE]
    );
    assert!(selects(r#"emails[type eq "home"].value eq "alice@example.com""#).is_empty());
    assert_eq!(selects(r#"emails[type eq "home"].value pr and active eq false"#), [BOB]);
    assert_eq!(
        selects(r#"active eq false and emails[type eq "work"].value co "bob""#),
        [BOB]
    );
    // A bracket inside a quoted value is not taken for a value path.
    assert_eq!(selects(r#"displayName eq "a[b].c eq""#), Vec::<String>::new());
    assert_eq!(
        entra_value_path(r#"emails[type eq "work"].value eq "x""#).as_deref(),
        Some(r#"emails[(type eq "work") and value eq "x"]"#)
    );
    assert_eq!(entra_value_path(r#"userName eq "x""#), None);
}

#[test]
fn urn_qualified_paths_reach_core_and_extension_attributes() {
    let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    assert_eq!(
        selects(&format!(r#"{enterprise}:department eq "tour operations""#)),
        [ALICE]
    );
    assert_eq!(selects(&format!(r#"{enterprise}:employeeNumber eq "100""#)), [BOB]);
    assert_eq!(selects(&format!(r#"{enterprise}:manager.value eq "{BOB}""#)), [ALICE]);
    assert_eq!(
        selects(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "carol""#),
        [CAROL]
    );
    // Entra ID checks a manager with `manager eq "<id>"` (Example 4 of the same article).
    assert_eq!(selects(&format!(r#"id eq "{ALICE}" and manager eq "{BOB}""#)), [ALICE]);
    assert_eq!(selects(r#"department eq "Management""#), [BOB]);
}

#[test]
fn groups_filter_on_members_and_display_name() {
    let group = fixtures::engineering();
    let test = |text: &str| matches(&parse_for(Kind::Group, text).unwrap(), &group, Kind::Group).unwrap();
    assert!(test(&format!(r#"members.value eq "{CAROL}""#)));
    assert!(test(&format!(r#"members[value eq "{ALICE}"]"#)));
    assert!(!test(&format!(r#"members[value eq "{BOB}"]"#)));
    assert!(test(r#"displayName eq "ENGINEERING""#));
    assert!(test(r#"externalId eq "g-eng" and members pr"#));
}

#[test]
fn unknown_unkept_and_secret_attributes_cannot_be_filtered_on() {
    assert!(refused(Kind::User, r#"shoeSize eq "44""#).contains("shoeSize"));
    assert!(refused(Kind::User, r#"title eq "Boss""#).contains("not kept"));
    assert!(refused(Kind::User, r#"password eq "hunter2""#).contains("password"));
    refused(Kind::User, r#"name.nickname eq "x""#);
    refused(Kind::User, r#"members.value eq "x""#);
    refused(Kind::Group, r#"userName eq "x""#);
    refused(
        Kind::Group,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x""#,
    );
    refused(Kind::User, r#"emails[foo eq "x"]"#);
    refused(Kind::User, r#"userName[value eq "x"]"#);
}

#[test]
fn values_must_fit_the_attribute_and_operator() {
    assert!(refused(Kind::User, "userName eq 5").contains("quote"));
    refused(Kind::User, "active gt true");
    refused(Kind::User, r#"active co "t""#);
    refused(Kind::User, r#"active eq "maybe""#);
    refused(Kind::User, r#"meta.created gt "yesterday""#);
    refused(Kind::User, r#"meta.created co "2026""#);
    refused(Kind::User, r#"name eq "Alice""#);
    refused(Kind::User, r#"userName gt null"#);
}

#[test]
fn malformed_filters_are_refused_with_a_readable_detail() {
    assert!(
        refused(Kind::User, r#"(userName eq "x""#).contains("ends too early"),
        "eof"
    );
    assert!(refused(Kind::User, r#"userName eq"#).contains("byte"));
    assert!(refused(Kind::User, r#"userName eq "alice" extra"#).contains("byte"));
    assert!(refused(Kind::User, r#"userName xx "alice""#).contains("byte"));
    assert!(refused(Kind::User, r#"(userName eq "alice"))"#).contains("unexpected ')'"));
    refused(Kind::User, r#"userName eq 'alice'"#);
    refused(Kind::User, "");
    refused(Kind::User, r#"emails[type eq "work""#);
    refused(Kind::User, r#"a.b.c eq "x""#);
    let long = format!(r#"userName eq "{}""#, "a".repeat(MAX_FILTER_LEN));
    assert!(refused(Kind::User, &long).contains("4096"));
}

#[test]
fn deep_nesting_is_refused_and_deep_grouping_is_harmless() {
    let nots = format!("{}userName pr{}", "not (".repeat(70), ")".repeat(70));
    assert!(refused(Kind::User, &nots).contains("nested"));
    let chain = vec!["userName pr"; 100].join(" and ");
    assert!(refused(Kind::User, &chain).contains("nested"));
    let parens = format!("{}userName pr{}", "(".repeat(2000), ")".repeat(2000));
    assert_eq!(selects(&parens), [ALICE, BOB, CAROL]);
    let unbalanced = "(".repeat(4000);
    refused(Kind::User, &unbalanced);
}

#[test]
fn equality_lookups_are_offered_only_for_a_single_indexed_eq() {
    let lookup = |kind: Kind, text: &str| equality_lookup(&parse(text).unwrap(), kind);
    assert_eq!(
        lookup(Kind::User, r#"userName eq "Alice@x""#),
        Some(("userName", "Alice@x".to_string()))
    );
    assert_eq!(
        lookup(Kind::User, r#"USERNAME eq "a""#),
        Some(("userName", "a".to_string()))
    );
    assert_eq!(
        lookup(
            Kind::User,
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a""#
        ),
        Some(("userName", "a".to_string()))
    );
    assert_eq!(
        lookup(Kind::User, r#"externalId eq "e1""#),
        Some(("externalId", "e1".to_string()))
    );
    assert_eq!(
        lookup(Kind::User, &format!(r#"id eq "{ALICE}""#)),
        Some(("id", ALICE.to_string()))
    );
    assert_eq!(
        lookup(Kind::User, r#"emails.value eq "a@x""#),
        Some(("emails", "a@x".to_string()))
    );
    assert_eq!(
        lookup(Kind::User, r#"emails eq "a@x""#),
        Some(("emails", "a@x".to_string()))
    );
    assert_eq!(
        lookup(Kind::User, r#"emails[type eq "work"].value eq "a@x""#),
        Some(("emails", "a@x".to_string()))
    );
    assert_eq!(
        lookup(Kind::Group, r#"displayName eq "Engineering""#),
        Some(("displayName", "Engineering".to_string()))
    );
    for text in [
        r#"userName eq "a" and active eq true"#,
        r#"userName co "a""#,
        r#"userName ne "a""#,
        r#"department eq "x""#,
        "userName pr",
        r#"emails[type eq "work"]"#,
        r#"emails.type eq "work""#,
    ] {
        assert_eq!(lookup(Kind::User, text), None, "{text}");
    }
    assert_eq!(lookup(Kind::Group, r#"userName eq "a""#), None);
}

#[test]
fn a_matcher_can_be_reused_and_agrees_with_matches() {
    let filter = parse(r#"emails[type eq "work"] and active eq true"#).unwrap();
    let matcher = Matcher::new(&filter, Kind::User).unwrap();
    for user in users() {
        assert_eq!(matcher.matches(&user), matches(&filter, &user, Kind::User).unwrap());
    }
    assert!(matcher.matches(&fixtures::alice()));
    assert!(!matcher.matches(&json!({"id": "x"})));
}
