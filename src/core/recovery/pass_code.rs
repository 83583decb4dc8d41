//! The temporary access pass as a value (see `pass`): its alphabet, a new one, its typed-back form and its stored
//! digest. A leaf, so `flow` can issue a pass inside its execution step without importing the pass's sign-in.
use crate::core::secrets::hmac;

/// Letters and digits nobody confuses when read aloud or typed: no 0/O, 1/l/I.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a pass.
pub const LEN: usize = 10;

/// A new pass, written `XXXXX-XXXXX` for reading aloud.
pub fn generate() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..LEN / 2], &chars[LEN / 2..])
}

/// Case, spaces and dashes do not matter when typing a pass back; `None` for what cannot be a pass.
pub fn normalize(input: &str) -> Option<String> {
    if input.len() > 64 {
        return None;
    }
    let pass: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    (pass.len() == LEN && pass.bytes().all(|b| ALPHABET.contains(&b))).then_some(pass)
}

/// The stored form: HMAC-SHA256 under `key`, hex.
pub fn digest(key: &[u8; 32], normalized: &str) -> String {
    hex::encode(hmac(key, &[b"temporary-access-pass", normalized.as_bytes()]))
}
