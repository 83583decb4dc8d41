//! One-time recovery codes: ten codes of 50 random bits each, shown once, stored as keyed hashes (HMAC-SHA256
//! under a key derived from the master key), each usable once.
use rand::RngCore;

use crate::core::secrets::hmac;

pub const COUNT: usize = 10;
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i

pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    (0..COUNT)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Case, spaces and dashes do not matter when typing a code back.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase();
    (code.len() == 10 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

pub fn digest(key: &[u8; 32], normalized: &str) -> String {
    hex::encode(hmac(key, &[b"recovery-code", normalized.as_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_normalise() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
        let code = &codes[0];
        assert_eq!(normalize(&code.to_uppercase().replace('-', " ")), normalize(code));
        assert!(normalize("short").is_none());
        assert!(normalize("0000000000").is_none());
        assert_ne!(digest(&[1; 32], "abcdefghjk"), digest(&[2; 32], "abcdefghjk"));
    }
}
