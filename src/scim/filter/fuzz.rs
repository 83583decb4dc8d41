//! Fuzz-style tests: thousands of random and mutated filters (deterministic seeds, so a failure reproduces) never
//! panic, and each either parses or is refused as `invalidFilter`; whatever parses can be matched against every
//! fixture without panicking. (The counts are modest because `scim_v2` builds its lexer for every parse, which is
//! slow in a debug build.)
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use super::*;
use crate::scim::fixtures;

const TOKENS: &[&str] = &[
    "userName",
    "emails",
    "emails.value",
    "name.givenName",
    "meta.lastModified",
    "members",
    "members.value",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    "urn:ietf:params:scim:schemas:core:2.0:User:",
    "active",
    "id",
    "externalId",
    "displayName",
    "password",
    "title",
    "type",
    "value",
    "primary",
    "x",
    "a.b.c",
    " eq ",
    " ne ",
    " co ",
    " sw ",
    " ew ",
    " gt ",
    " lt ",
    " ge ",
    " le ",
    " pr",
    " and ",
    " or ",
    "not ",
    " EQ ",
    "(",
    ")",
    "[",
    "]",
    ".",
    " ",
    "\"",
    "\"alice\"",
    "\"2026-01-01T00:00:00Z\"",
    "\"\\u00e9\"",
    "\"\\\"",
    "true",
    "false",
    "null",
    "42",
    "-1.5e3",
    "1e999",
    "ü",
    "😀",
    "\u{0}",
    "\t",
    "\\",
    ":",
    ",",
    "'",
    "%",
    "&",
];

const SEEDS: &[&str] = &[
    r#"userName eq "alice@example.com""#,
    r#"emails[type eq "work" and value co "@example.com"] or not (active eq false)"#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "902c246b""#,
    r#"meta.lastModified gt "2026-01-01T00:00:00Z" and externalId pr"#,
    r#"emails[type eq "work"].value eq "a@x" and (displayName sw "A" or name.familyName ew "s")"#,
    r#"members[value eq "2819c223"] and displayName eq "Engineering""#,
];

fn resources() -> Vec<(Kind, Value)> {
    vec![
        (Kind::User, fixtures::alice()),
        (Kind::User, fixtures::bob()),
        (Kind::User, fixtures::carol()),
        (Kind::Group, fixtures::engineering()),
        (Kind::User, Value::Null),
        (
            Kind::User,
            serde_json::json!({"emails": "not a list", "active": "perhaps", "meta": 7}),
        ),
    ]
}

/// Everything a handler would do with `text`: parse, check, look up, match.
fn exercise(text: &str) -> bool {
    let filter = match parse(text) {
        Ok(filter) => filter,
        Err(e) => {
            assert_eq!(e.scim_type, Some("invalidFilter"), "{text:?}: {e}");
            assert!(!e.detail.is_empty());
            return false;
        }
    };
    for (kind, resource) in resources() {
        let _ = equality_lookup(&filter, kind);
        match matches(&filter, &resource, kind) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.scim_type, Some("invalidFilter"), "{text:?}: {e}"),
        }
    }
    true
}

#[test]
fn random_token_soup_never_panics() {
    let mut rng = StdRng::seed_from_u64(0x5c1a_f117);
    let mut parsed = 0;
    for _ in 0..1500 {
        let len = rng.random_range(1..14);
        let text: String = (0..len).map(|_| TOKENS[rng.random_range(0..TOKENS.len())]).collect();
        parsed += usize::from(exercise(&text));
    }
    // The soup is not all noise: some of it parses, so matching is exercised too.
    assert!(parsed > 0, "none of the random filters parsed");
}

const PATHS: &[&str] = &[
    "userName",
    "emails",
    "emails.value",
    "emails.type",
    "name.givenName",
    "meta.created",
    "meta.lastModified",
    "active",
    "id",
    "externalId",
    "displayName",
    "members.value",
    "groups.display",
    "phoneNumbers.value",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
    "department",
    "title",
    "password",
];
const OPS: &[&str] = &["eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le", "EQ", "Co"];
const VALUES: &[&str] = &[
    "\"alice@example.com\"",
    "\"a\"",
    "\"\"",
    "\"2026-01-01T00:00:00Z\"",
    "\"2026-13-01\"",
    "true",
    "false",
    "null",
    "7",
    "\"True\"",
    "\"902c246b-6245-4190-8e05-00816be7344a\"",
];

/// A random filter in the grammar's shape (with attributes, operators and values that may not fit each other).
fn shaped(rng: &mut StdRng, depth: u32) -> String {
    let pick = |rng: &mut StdRng, list: &[&str]| list[rng.random_range(0..list.len())].to_string();
    match rng.random_range(0..if depth > 3 { 3 } else { 7 }) {
        0 => format!("{} pr", pick(rng, PATHS)),
        1 | 2 => format!("{} {} {}", pick(rng, PATHS), pick(rng, OPS), pick(rng, VALUES)),
        3 => format!("{} and {}", shaped(rng, depth + 1), shaped(rng, depth + 1)),
        4 => format!("{} or {}", shaped(rng, depth + 1), shaped(rng, depth + 1)),
        5 => format!("not ({})", shaped(rng, depth + 1)),
        _ => {
            let inner = format!(
                "{} {} {}",
                pick(rng, &["type", "value", "primary", "display"]),
                pick(rng, OPS),
                pick(rng, VALUES)
            );
            format!(
                "{}[{inner}]",
                pick(rng, &["emails", "members", "phoneNumbers", "name", "userName"])
            )
        }
    }
}

#[test]
fn random_well_shaped_filters_are_matched_or_refused_cleanly() {
    let mut rng = StdRng::seed_from_u64(0x7e57);
    let mut parsed = 0;
    for _ in 0..1500 {
        let text = shaped(&mut rng, 0);
        assert!(exercise(&text), "{text} did not parse");
        parsed += 1;
    }
    assert_eq!(parsed, 1500);
}

#[test]
fn mutated_valid_filters_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x0bad_cafe);
    let mut parsed = 0;
    for _ in 0..1500 {
        let mut chars: Vec<char> = SEEDS[rng.random_range(0..SEEDS.len())].chars().collect();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..=chars.len());
            match rng.random_range(0..4) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => chars.insert(at, char::from_u32(rng.random_range(0..0x250)).unwrap_or('?')),
                2 => {
                    let token = TOKENS[rng.random_range(0..TOKENS.len())];
                    for (i, c) in token.chars().enumerate() {
                        chars.insert(at + i, c);
                    }
                }
                _ if at < chars.len() => chars.truncate(at),
                _ => {}
            }
        }
        let text: String = chars.into_iter().collect();
        parsed += usize::from(exercise(&text));
    }
    assert!(parsed > 75, "only {parsed} mutated filters parsed");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..1000 {
        let len = rng.random_range(0..200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.random::<u8>()).collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn the_seeds_themselves_parse() {
    for seed in SEEDS {
        assert!(exercise(seed), "{seed}");
    }
}
