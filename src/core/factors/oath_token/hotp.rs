//! OATH codes for hardware tokens (the key fobs banks hand out): counter-based HOTP (RFC 4226) and time-based
//! TOTP (RFC 6238) with the token's own digits, period and hash. Unlike `totp`, which serves authenticator apps
//! with fixed parameters, these tokens arrive with vendor-chosen parameters and clocks or counters that drift
//! away from ours, so the checks here also find and report that drift.
//!
//! Everything is a pure function of (secret, input, counter or time, drift). A check returns the counter or step
//! it matched; the caller stores what follows from it (next counter, last accepted step, drift) and enforces
//! that a counter or step is never accepted twice. Candidates in a window are all computed and compared in
//! constant time, so response timing does not tell which one matched.
use hmac::{Hmac, Mac};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// How many counters past the expected one a sign-in may be: presses of the button that were never used.
pub const LOOK_AHEAD: u64 = 20;
/// How far ahead binding or resynchronisation searches; two consecutive codes make a match this far out
/// as unlikely as one code in the sign-in window.
pub const RESYNC_WINDOW: u64 = 1000;
/// How many steps of clock drift binding or resynchronisation of a time-based token tolerates either way.
pub const TOTP_RESYNC_STEPS: i64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HashAlgorithm {
    Sha1,
    Sha256,
    Sha512,
}

fn mac<M: Mac + hmac::digest::KeyInit>(secret: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    let mut mac = <M as Mac>::new_from_slice(secret).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().to_vec())
}

/// RFC 4226 HOTP value for `counter`, zero-padded to `digits` (6..=8). Other digit counts yield an empty
/// string, which no normalized code equals, so a misconfigured token fails closed.
pub fn hotp(secret: &[u8], counter: u64, digits: u32, algorithm: HashAlgorithm) -> String {
    if !(6..=8).contains(&digits) {
        return String::new();
    }
    let message = counter.to_be_bytes();
    // HMAC takes keys of any length, so this never fails; an empty string fails closed should it ever.
    let hash = match algorithm {
        HashAlgorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(secret, &message),
        HashAlgorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(secret, &message),
        HashAlgorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(secret, &message),
    };
    let Some(hash) = hash else {
        return String::new();
    };
    // Dynamic truncation (RFC 4226 §5.3); RFC 6238 applies it unchanged to the longer SHA-2 outputs.
    let offset = hash.last().map_or(0, |b| usize::from(b & 0x0f));
    let Some(&[a, b, c, d]) = hash.get(offset..offset + 4) else {
        return String::new();
    };
    let binary = u32::from_be_bytes([a & 0x7f, b, c, d]);
    format!("{:0width$}", binary % 10u32.pow(digits), width = digits as usize)
}

/// Accepts "123456" or "123 456"; returns the digits if exactly `digits` ASCII digits.
pub fn normalize(code: &str, digits: u32) -> Option<String> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    ((6..=8).contains(&digits) && code.len() == digits as usize && code.bytes().all(|b| b.is_ascii_digit()))
        .then_some(code)
}

/// The value of the first candidate (in order of preference) that matched. Every candidate has already been
/// computed and compared; the choice among them is made without branching on which one matched.
fn first_match(candidates: impl Iterator<Item = (u64, bool)>) -> Option<u64> {
    let mut found = Choice::from(0);
    let mut matched = 0u64;
    for (value, equal) in candidates {
        let take = Choice::from(u8::from(equal)) & !found;
        matched = u64::conditional_select(&matched, &value, take);
        found |= take;
    }
    bool::from(found).then_some(matched)
}

fn ct_equal(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Sign-in with an HOTP token: looks for `code` at counters `next_counter ..= next_counter + LOOK_AHEAD`.
/// Returns the counter that matched; the caller stores matched + 1 as the new next counter, atomically, so the
/// code and every earlier one stop working.
pub fn check_hotp(secret: &[u8], code: &str, next_counter: u64, digits: u32, algorithm: HashAlgorithm) -> Option<u64> {
    let code = normalize(code, digits)?;
    let candidates: Vec<(u64, bool)> = (0..=LOOK_AHEAD)
        .filter_map(|i| next_counter.checked_add(i))
        .map(|counter| (counter, ct_equal(&hotp(secret, counter, digits, algorithm), &code)))
        .collect();
    first_match(candidates.into_iter())
}

/// Binding or resynchronisation of an HOTP token with two consecutive codes: finds the smallest c in
/// `next_counter ..= next_counter + RESYNC_WINDOW` with hotp(c) == first and hotp(c + 1) == second, and returns
/// c + 2, the next counter to expect. Searching only from `next_counter` keeps used codes from being replayed.
pub fn resync_hotp(
    secret: &[u8],
    first: &str,
    second: &str,
    next_counter: u64,
    digits: u32,
    algorithm: HashAlgorithm,
) -> Option<u64> {
    let first = normalize(first, digits)?;
    let second = normalize(second, digits)?;
    // codes[i] is the code at next_counter + i; each pair (i, i + 1) is one candidate.
    let codes: Vec<(u64, String)> = (0..=RESYNC_WINDOW + 1)
        .filter_map(|i| next_counter.checked_add(i))
        .map(|counter| (counter, hotp(secret, counter, digits, algorithm)))
        .collect();
    let candidates: Vec<(u64, bool)> = codes
        .windows(2)
        .filter_map(|pair| {
            let [(counter, a), (_, b)] = pair else { return None };
            let next = counter.checked_add(2)?;
            Some((next, ct_equal(a, &first) & ct_equal(b, &second)))
        })
        .collect();
    first_match(candidates.into_iter())
}

/// Time-based token: the expected step is floor(unix / period) + `drift_steps`; that step ±1 is accepted.
/// Returns the matched absolute step. The caller enforces "only steps greater than the last accepted" and may
/// store matched - floor(unix / period) as the new drift, so a token whose clock keeps wandering keeps working.
pub fn check_totp(
    secret: &[u8],
    code: &str,
    unix: u64,
    period: u64,
    drift_steps: i64,
    digits: u32,
    algorithm: HashAlgorithm,
) -> Option<u64> {
    let code = normalize(code, digits)?;
    if period == 0 {
        return None;
    }
    let expected = i128::from(unix / period) + i128::from(drift_steps);
    let candidates: Vec<(u64, bool)> = (-1..=1)
        .filter_map(|delta| u64::try_from(expected + delta).ok())
        .map(|step| (step, ct_equal(&hotp(secret, step, digits, algorithm), &code)))
        .collect();
    first_match(candidates.into_iter())
}

/// Binding or resynchronisation of a time-based token with two consecutive codes, the second read just now.
/// Finds the step s of the second code (the first being s - 1) with |s - now| <= TOTP_RESYNC_STEPS, where
/// now = floor(unix / period), preferring the smallest |s - now|. Returns (drift_steps, s) with
/// drift_steps = s - now: the drift to store, and the step to store as the last accepted one.
///
/// If a step boundary passed between reading the second code and submitting it, the reported drift is one step
/// short of the token's true drift; `check_totp` tolerates ±1 around the drift, so sign-in still works.
pub fn resync_totp(
    secret: &[u8],
    first: &str,
    second: &str,
    unix: u64,
    period: u64,
    digits: u32,
    algorithm: HashAlgorithm,
) -> Option<(i64, u64)> {
    let first = normalize(first, digits)?;
    let second = normalize(second, digits)?;
    if period == 0 {
        return None;
    }
    let now = i128::from(unix / period);
    // Preference order: 0, -1, +1, -2, +2, ...
    let drifts = (0..=TOTP_RESYNC_STEPS).flat_map(|d| if d == 0 { vec![0] } else { vec![-d, d] });
    let candidates: Vec<(u64, bool)> = drifts
        .filter_map(|drift| {
            let step = u64::try_from(now + i128::from(drift)).ok()?;
            let before = step.checked_sub(1)?;
            let equal = ct_equal(&hotp(secret, before, digits, algorithm), &first)
                & ct_equal(&hotp(secret, step, digits, algorithm), &second);
            Some((step, equal))
        })
        .collect();
    let step = first_match(candidates.into_iter())?;
    let drift = i64::try_from(i128::from(step) - now).ok()?;
    Some((drift, step))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(
                hotp(SEED_SHA1, counter as u64, 6, HashAlgorithm::Sha1),
                *code,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn rfc6238_appendix_b() {
        let times = [59u64, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
        let vectors = [
            (
                SEED_SHA1,
                HashAlgorithm::Sha1,
                ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"],
            ),
            (
                SEED_SHA256,
                HashAlgorithm::Sha256,
                ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"],
            ),
            (
                SEED_SHA512,
                HashAlgorithm::Sha512,
                ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"],
            ),
        ];
        for (seed, algorithm, codes) in vectors {
            for (time, code) in times.iter().zip(codes) {
                assert_eq!(hotp(seed, time / 30, 8, algorithm), code, "{algorithm:?} t={time}");
                assert_eq!(check_totp(seed, code, *time, 30, 0, 8, algorithm), Some(time / 30));
            }
        }
    }

    #[test]
    fn digits_out_of_range_match_nothing() {
        assert_eq!(hotp(SEED_SHA1, 0, 5, HashAlgorithm::Sha1), "");
        assert_eq!(hotp(SEED_SHA1, 0, 9, HashAlgorithm::Sha1), "");
        assert_eq!(normalize("12345", 5), None);
        assert_eq!(check_hotp(SEED_SHA1, "", 0, 9, HashAlgorithm::Sha1), None);
    }

    #[test]
    fn malformed_codes_rejected() {
        assert_eq!(normalize("755 224", 6).as_deref(), Some("755224"));
        assert_eq!(normalize(" 7552 2411 ", 8).as_deref(), Some("75522411"));
        for bad in [
            "",
            "75522",
            "7552244",
            "75522a",
            "abcdef",
            "７５５２２４",
            "755-224",
            "+55224",
        ] {
            assert_eq!(normalize(bad, 6), None, "{bad}");
            assert_eq!(check_hotp(SEED_SHA1, bad, 0, 6, HashAlgorithm::Sha1), None, "{bad}");
        }
        assert_eq!(check_hotp(SEED_SHA1, "755 224", 0, 6, HashAlgorithm::Sha1), Some(0));
        assert_eq!(
            check_hotp(SEED_SHA1, "755224", 0, 8, HashAlgorithm::Sha1),
            None,
            "6 digits for an 8-digit token"
        );
    }

    #[test]
    fn hotp_look_ahead() {
        let code_at = |c| hotp(SEED_SHA1, c, 6, HashAlgorithm::Sha1);
        assert_eq!(check_hotp(SEED_SHA1, &code_at(5), 5, 6, HashAlgorithm::Sha1), Some(5));
        assert_eq!(
            check_hotp(SEED_SHA1, &code_at(25), 5, 6, HashAlgorithm::Sha1),
            Some(25),
            "edge of window"
        );
        assert_eq!(
            check_hotp(SEED_SHA1, &code_at(26), 5, 6, HashAlgorithm::Sha1),
            None,
            "beyond the window"
        );
        assert_eq!(
            check_hotp(SEED_SHA1, &code_at(4), 5, 6, HashAlgorithm::Sha1),
            None,
            "already used"
        );
        assert_eq!(
            check_hotp(SEED_SHA1, "000000", u64::MAX - 1, 6, HashAlgorithm::Sha1),
            None,
            "no overflow"
        );
    }

    #[test]
    fn hotp_resync() {
        let code_at = |c| hotp(SEED_SHA256, c, 8, HashAlgorithm::Sha256);
        let resync = |a: &str, b: &str, next| resync_hotp(SEED_SHA256, a, b, next, 8, HashAlgorithm::Sha256);
        assert_eq!(resync(&code_at(500), &code_at(501), 0), Some(502));
        assert_eq!(resync(&code_at(0), &code_at(1), 0), Some(2));
        assert_eq!(resync(&code_at(1000), &code_at(1001), 0), Some(1002), "edge of window");
        assert_eq!(resync(&code_at(1001), &code_at(1002), 0), None, "beyond the window");
        assert_eq!(resync(&code_at(500), &code_at(502), 0), None, "not consecutive");
        assert_eq!(resync(&code_at(501), &code_at(500), 0), None, "wrong order");
        assert_eq!(
            resync(&code_at(500), &code_at(501), 501),
            None,
            "before the next counter"
        );
        assert_eq!(resync(&code_at(500), "1234567", 0), None, "malformed");
    }

    #[test]
    fn totp_window_and_drift() {
        let period = 60;
        let unix = 1_700_000_000u64;
        let now = unix / period;
        let code_at = |s| hotp(SEED_SHA1, s, 6, HashAlgorithm::Sha1);
        let check = |code: &str, drift| check_totp(SEED_SHA1, code, unix, period, drift, 6, HashAlgorithm::Sha1);
        assert_eq!(check(&code_at(now), 0), Some(now));
        assert_eq!(check(&code_at(now + 1), 0), Some(now + 1));
        assert_eq!(check(&code_at(now - 1), 0), Some(now - 1));
        assert_eq!(check(&code_at(now + 2), 0), None);
        assert_eq!(check(&code_at(now + 10), 0), None);
        assert_eq!(check(&code_at(now + 10), 10), Some(now + 10));
        assert_eq!(check(&code_at(now - 10), -10), Some(now - 10));
        // Steps before 0 do not exist; they are skipped, not wrapped around.
        assert_eq!(
            check_totp(SEED_SHA1, &code_at(0), 10, 60, -1, 6, HashAlgorithm::Sha1),
            Some(0)
        );
        assert_eq!(
            check_totp(SEED_SHA1, &code_at(0), 10, 60, -5, 6, HashAlgorithm::Sha1),
            None
        );
        assert_eq!(
            check_totp(SEED_SHA1, &code_at(now), unix, 0, 0, 6, HashAlgorithm::Sha1),
            None,
            "period 0"
        );
    }

    #[test]
    fn totp_resync() {
        let period = 30;
        let unix = 1_700_000_000u64;
        let now = unix / period;
        let code_at = |s| hotp(SEED_SHA512, s, 8, HashAlgorithm::Sha512);
        let resync = |a: &str, b: &str| resync_totp(SEED_SHA512, a, b, unix, period, 8, HashAlgorithm::Sha512);
        assert_eq!(resync(&code_at(now - 1), &code_at(now)), Some((0, now)));
        assert_eq!(
            resync(&code_at(now + 9), &code_at(now + 10)),
            Some((10, now + 10)),
            "10 steps fast"
        );
        assert_eq!(
            resync(&code_at(now - 11), &code_at(now - 10)),
            Some((-10, now - 10)),
            "10 steps slow"
        );
        assert_eq!(
            resync(&code_at(now + 19), &code_at(now + 20)),
            Some((20, now + 20)),
            "edge"
        );
        assert_eq!(resync(&code_at(now + 20), &code_at(now + 21)), None, "too fast");
        assert_eq!(resync(&code_at(now - 22), &code_at(now - 21)), None, "too slow");
        assert_eq!(resync(&code_at(now - 1), &code_at(now + 1)), None, "not consecutive");
        assert_eq!(resync(&code_at(now), &code_at(now - 1)), None, "wrong order");
        // The stored drift makes the token's next code pass.
        let (drift, step) = resync(&code_at(now + 9), &code_at(now + 10)).unwrap();
        let later = unix + 2 * period;
        let next = check_totp(
            SEED_SHA512,
            &code_at(now + 12),
            later,
            period,
            drift,
            8,
            HashAlgorithm::Sha512,
        );
        assert!(next.is_some_and(|s| s > step));
    }
}
