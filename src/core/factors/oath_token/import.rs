//! Parsing of hardware-token seed files as vendors ship them, for `gatehouse tokens import FILE`: PSKC
//! (RFC 6030) with plain values, or a simple CSV. This module only parses and validates; storing is done
//! elsewhere.
//!
//! Guarantees: a file is accepted whole or not at all, so a half-imported batch never needs cleaning up; every
//! error names the CSV line or the PSKC KeyPackage to fix; input is bounded (file size, token count, XML node
//! count) and XML with a DOCTYPE is refused, so a hostile file cannot exhaust memory through entity expansion;
//! and `TokenSeed`'s `Debug` leaves the secret out, so seeds do not end up in logs.
use std::collections::HashMap;
use std::fmt;

use base64::Engine;

use super::hotp::HashAlgorithm;
use crate::core::{Error, Result};

pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_TOKENS: usize = 100_000;

const PSKC_NS: &str = "urn:ietf:params:xml:ns:keyprov:pskc";
const PSKC_HOTP: &str = "urn:ietf:params:xml:ns:keyprov:pskc:hotp";
const PSKC_TOTP: &str = "urn:ietf:params:xml:ns:keyprov:pskc:totp";
/// Far above what MAX_TOKENS key packages need, far below what would strain memory.
const XML_NODES_LIMIT: u32 = 2_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Hotp,
    Totp,
}

#[derive(Clone, PartialEq, Eq)]
pub struct TokenSeed {
    /// 1..=64 characters of `[A-Za-z0-9._-]`, as printed on the token.
    pub serial: String,
    pub token_type: TokenType,
    /// 10..=64 bytes.
    pub secret: Vec<u8>,
    /// 6..=8.
    pub digits: u32,
    pub algorithm: HashAlgorithm,
    /// TOTP only: 10..=120 seconds, default 30. HOTP: 0.
    pub period: u64,
    /// HOTP only: the next counter to expect, default 0. TOTP: 0.
    pub counter: u64,
}

impl fmt::Debug for TokenSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSeed")
            .field("serial", &self.serial)
            .field("token_type", &self.token_type)
            .field("secret", &format_args!("<{} bytes, redacted>", self.secret.len()))
            .field("digits", &self.digits)
            .field("algorithm", &self.algorithm)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .finish()
    }
}

/// Detects the format (a first non-whitespace '<' means PSKC XML, otherwise CSV) and parses.
pub fn parse(bytes: &[u8]) -> Result<Vec<TokenSeed>> {
    check_size(bytes.len())?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!(
            "the file is not valid UTF-8 (at byte {}); save it as UTF-8",
            e.valid_up_to()
        ))
    })?;
    // Spreadsheet programs like to start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('<') {
        parse_pskc(text)
    } else {
        parse_csv(text)
    }
}

fn check_size(len: usize) -> Result<()> {
    if len > MAX_FILE_BYTES {
        return Err(Error::invalid(format!(
            "the file is larger than {} MiB; split it into smaller files",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Collects seeds, refusing duplicate serials and more than MAX_TOKENS; `place` names where a seed came from.
#[derive(Default)]
struct Batch {
    seeds: Vec<TokenSeed>,
    places: HashMap<String, String>,
}

impl Batch {
    fn push(&mut self, seed: TokenSeed, place: String) -> Result<()> {
        if let Some(first) = self.places.get(&seed.serial) {
            return Err(Error::invalid(format!(
                "{place}: serial {} also appears at {first}",
                seed.serial
            )));
        }
        if self.seeds.len() >= MAX_TOKENS {
            return Err(Error::invalid(format!(
                "the file holds more than {MAX_TOKENS} tokens; split it into smaller files"
            )));
        }
        self.places.insert(seed.serial.clone(), place);
        self.seeds.push(seed);
        Ok(())
    }
}

fn check_serial(serial: &str) -> std::result::Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if serial.is_empty() || serial.len() > 64 || !serial.chars().all(allowed) {
        return Err("serial must be 1 to 64 characters of letters, digits, '.', '_' and '-'".into());
    }
    Ok(())
}

fn check_secret(secret: &[u8]) -> std::result::Result<(), String> {
    if !(10..=64).contains(&secret.len()) {
        return Err(format!("secret is {} bytes; it must be 10 to 64 bytes", secret.len()));
    }
    Ok(())
}

/// A decimal number without sign, spaces or exponent.
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn check_digits(digits: u64) -> std::result::Result<u32, String> {
    match digits {
        6..=8 => Ok(digits as u32),
        _ => Err(format!("digits is {digits}; it must be 6, 7 or 8")),
    }
}

fn check_period(period: u64) -> std::result::Result<u64, String> {
    match period {
        10..=120 => Ok(period),
        _ => Err(format!("period is {period} seconds; it must be 10 to 120")),
    }
}

/// RFC 4648 base32: case does not matter, spaces are ignored, padding is optional.
fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let cleaned = cleaned.trim_end_matches('=').to_ascii_uppercase();
    // These remainders cannot come from whole bytes; the decoder would silently drop them.
    if matches!(cleaned.len() % 8, 1 | 3 | 6) {
        return None;
    }
    totp_rs::Secret::try_from_base32(cleaned)
        .ok()
        .map(|s| s.as_bytes().to_vec())
}

/// `serial,secret_base32,type,digits,period`, one token per line. A first line whose first field is `serial`
/// is a header; blank lines and lines starting with `#` are skipped. Digits and period may be empty or left
/// off (6 and 30); HOTP tokens have no period and start at counter 0; all CSV tokens use SHA-1.
pub fn parse_csv(text: &str) -> Result<Vec<TokenSeed>> {
    check_size(text.len())?;
    let mut batch = Batch::default();
    let mut seen_data = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let is_header = !seen_data
            && line
                .split(',')
                .next()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("serial"));
        seen_data = true;
        if is_header {
            continue;
        }
        let seed = csv_line(line).map_err(|msg| Error::invalid(format!("line {number}: {msg}")))?;
        batch.push(seed, format!("line {number}"))?;
    }
    Ok(batch.seeds)
}

fn csv_line(line: &str) -> std::result::Result<TokenSeed, String> {
    if line.contains('"') {
        return Err("quoted fields are not supported; remove the quotes".into());
    }
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [serial, secret, kind, rest @ ..] = fields.as_slice() else {
        return Err(format!(
            "expected serial,secret_base32,type,digits,period but found {} fields",
            fields.len()
        ));
    };
    if rest.len() > 2 {
        return Err(format!("expected at most 5 fields but found {}", fields.len()));
    }
    check_serial(serial)?;
    let secret = decode_base32(secret).ok_or("secret is not valid base32")?;
    check_secret(&secret)?;
    let token_type = match kind.to_ascii_lowercase().as_str() {
        "hotp" => TokenType::Hotp,
        "totp" => TokenType::Totp,
        _ => return Err(format!("type is {kind:?}; it must be hotp or totp")),
    };
    let digits = match rest.first().copied().unwrap_or_default() {
        "" => 6,
        text => check_digits(decimal(text).ok_or("digits must be a number")?)?,
    };
    let period = match (token_type, rest.get(1).copied().unwrap_or_default()) {
        (TokenType::Hotp, "" | "0") => 0,
        (TokenType::Hotp, _) => return Err("period applies to TOTP tokens only; leave it empty for HOTP".into()),
        (TokenType::Totp, "") => 30,
        (TokenType::Totp, text) => check_period(decimal(text).ok_or("period must be a number of seconds")?)?,
    };
    Ok(TokenSeed {
        serial: (*serial).to_owned(),
        token_type,
        secret,
        digits,
        algorithm: HashAlgorithm::Sha1,
        period,
        counter: 0,
    })
}

type Node<'a, 'i> = roxmltree::Node<'a, 'i>;

/// Child elements called `name` in the PSKC namespace, whatever prefix the file uses for it.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().namespace() == Some(PSKC_NS) && n.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// All of an element's own text, trimmed; comments can split it into several text nodes.
fn text(node: Node<'_, '_>) -> String {
    let text: String = node
        .children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    text.trim().to_owned()
}

/// The plain value of `Key/Data/<name>`, if the element is present.
fn plain_value(data: Option<Node<'_, '_>>, name: &str) -> std::result::Result<Option<String>, String> {
    let Some(element) = data.and_then(|d| child(d, name)) else {
        return Ok(None);
    };
    if child(element, "EncryptedValue").is_some() {
        return Err(format!(
            "{name} is encrypted; encrypted PSKC is not supported yet. Ask the vendor for an export with plain \
             values, delivered over a protected channel"
        ));
    }
    match child(element, "PlainValue") {
        Some(value) => Ok(Some(text(value))),
        None => Err(format!("{name} has no PlainValue")),
    }
}

/// RFC 6030 key containers with plain values; elements are matched by local name in the PSKC namespace.
pub fn parse_pskc(xml: &str) -> Result<Vec<TokenSeed>> {
    check_size(xml.len())?;
    // DTDs stay refused (the default): entity expansion is how XML files exhaust memory.
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: XML_NODES_LIMIT,
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            Error::invalid("PSKC: the file contains a DOCTYPE declaration, which is not allowed; remove it")
        }
        roxmltree::Error::NodesLimitReached => Error::invalid("PSKC: the file has too many XML nodes"),
        e => Error::invalid(format!("PSKC: the file is not well-formed XML: {e}")),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "KeyContainer" || root.tag_name().namespace() != Some(PSKC_NS) {
        return Err(Error::invalid(format!(
            "PSKC: the root element must be KeyContainer in namespace {PSKC_NS}"
        )));
    }
    let mut batch = Batch::default();
    for (index, package) in children(root, "KeyPackage").enumerate() {
        let serial = child(package, "DeviceInfo")
            .and_then(|d| child(d, "SerialNo"))
            .map(text);
        let place = match &serial {
            Some(serial) if !serial.is_empty() => format!("KeyPackage {} (serial {serial})", index + 1),
            _ => format!("KeyPackage {}", index + 1),
        };
        let seed = key_package(package, serial).map_err(|msg| Error::invalid(format!("{place}: {msg}")))?;
        batch.push(seed, place)?;
    }
    if batch.seeds.is_empty() {
        return Err(Error::invalid("PSKC: the file contains no KeyPackage"));
    }
    Ok(batch.seeds)
}

fn key_package(package: Node<'_, '_>, serial: Option<String>) -> std::result::Result<TokenSeed, String> {
    let serial = serial.ok_or("DeviceInfo/SerialNo is missing")?;
    check_serial(&serial)?;
    let key = child(package, "Key").ok_or("Key is missing")?;
    let token_type = match key.attribute("Algorithm") {
        Some(PSKC_HOTP) => TokenType::Hotp,
        Some(PSKC_TOTP) => TokenType::Totp,
        Some(other) => return Err(format!("algorithm {other} is not supported; only HOTP and TOTP are")),
        None => return Err("Key has no Algorithm attribute".into()),
    };
    let parameters = child(key, "AlgorithmParameters");
    let algorithm = match parameters.and_then(|p| child(p, "Suite")).map(text) {
        None => HashAlgorithm::Sha1,
        Some(suite) => {
            let normalized = suite.to_ascii_uppercase().replace(['-', '_'], "");
            match normalized.strip_prefix("HMAC").unwrap_or(&normalized) {
                "" | "SHA1" => HashAlgorithm::Sha1,
                "SHA256" => HashAlgorithm::Sha256,
                "SHA512" => HashAlgorithm::Sha512,
                _ => return Err(format!("Suite {suite:?} is not supported; use SHA1, SHA256 or SHA512")),
            }
        }
    };
    let format = parameters.and_then(|p| child(p, "ResponseFormat"));
    if let Some(encoding) = format.and_then(|f| f.attribute("Encoding"))
        && !encoding.eq_ignore_ascii_case("DECIMAL")
    {
        return Err(format!(
            "ResponseFormat Encoding is {encoding}; only DECIMAL codes are supported"
        ));
    }
    let digits = match format.and_then(|f| f.attribute("Length")) {
        None => 6,
        Some(length) => check_digits(decimal(length.trim()).ok_or("ResponseFormat Length must be a number")?)?,
    };
    let data = child(key, "Data");
    let secret = plain_value(data, "Secret")?.ok_or("Data/Secret is missing")?;
    let secret: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    let secret = base64::engine::general_purpose::STANDARD
        .decode(secret)
        .map_err(|_| "Secret is not valid base64")?;
    check_secret(&secret)?;
    let counter = plain_value(data, "Counter")?;
    let interval = plain_value(data, "TimeInterval")?;
    // A start time T0 other than 0 would shift every code; we do not model it, so refuse rather than mismatch.
    if let Some(time) = plain_value(data, "Time")?
        && decimal(&time) != Some(0)
    {
        return Err(format!("Time (T0) is {time:?}; only 0 is supported"));
    }
    let (period, counter) = match (token_type, interval, counter) {
        (TokenType::Hotp, Some(_), _) => return Err("TimeInterval applies to TOTP keys only".into()),
        (TokenType::Totp, _, Some(_)) => return Err("Counter applies to HOTP keys only".into()),
        (TokenType::Hotp, None, counter) => {
            let counter = counter.map_or(Some(0), |c| decimal(&c));
            (0, counter.ok_or("Counter must be a decimal number")?)
        }
        (TokenType::Totp, interval, None) => {
            let period = interval.map_or(Some(30), |i| decimal(&i));
            (
                check_period(period.ok_or("TimeInterval must be a number of seconds")?)?,
                0,
            )
        }
    };
    Ok(TokenSeed {
        serial,
        token_type,
        secret,
        digits,
        algorithm,
        period,
        counter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use HashAlgorithm::*;
    use TokenType::*;

    const SECRET: &[u8] = b"12345678901234567890";
    /// SECRET in base32.
    const B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn seed(serial: &str, token_type: TokenType, secret: &[u8], rest: (u32, HashAlgorithm, u64, u64)) -> TokenSeed {
        let (digits, algorithm, period, counter) = rest;
        let (serial, secret) = (serial.to_owned(), secret.to_vec());
        TokenSeed {
            serial,
            token_type,
            secret,
            digits,
            algorithm,
            period,
            counter,
        }
    }

    fn invalid(result: Result<Vec<TokenSeed>>) -> String {
        match result {
            Err(Error::Invalid(msg)) => msg,
            other => panic!("expected Error::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn csv_with_header_comments_defaults() {
        let lower = B32.to_lowercase();
        let csv = format!(
            "\u{feff}Serial,Secret,Type,Digits,Period\r\n# shipped 2024-05\n\nHOTP-001,{B32},hotp,,\n\
             t.002,{lower},TOTP,8,60\nt_003,  gezd gnbv gy3t qojq gezd gnbv gy3t qojq  ,totp\n\
             h004,{B32}====,HOTP,7,0\ns5,GEZDGNBVGY3TQOJQ,totp\n"
        );
        let expected = [
            seed("HOTP-001", Hotp, SECRET, (6, Sha1, 0, 0)),
            seed("t.002", Totp, SECRET, (8, Sha1, 60, 0)),
            seed("t_003", Totp, SECRET, (6, Sha1, 30, 0)),
            seed("h004", Hotp, SECRET, (7, Sha1, 0, 0)),
            seed("s5", Totp, &SECRET[..10], (6, Sha1, 30, 0)),
        ];
        assert_eq!(parse(csv.as_bytes()).unwrap(), expected);
        assert_eq!(parse_csv("# nothing here\n").unwrap(), vec![]);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let cases = [
            (format!("bad serial!,{B32},totp"), "serial must be"),
            (format!(",{B32},totp"), "serial must be"),
            (format!("{},{B32},totp", "x".repeat(65)), "serial must be"),
            ("s1,GEZDGNBVGY3TQOI,totp".into(), "secret is 9 bytes"),
            ("s1,GEZDGNBVGY3TQOJ1,totp".into(), "secret is not valid base32"),
            ("s1,GEZDGNBVGY3TQOJQG,totp".into(), "secret is not valid base32"),
            (format!("s1,{B32},motp"), "type is \"motp\""),
            (format!("s1,{B32},totp,5"), "digits is 5"),
            (format!("s1,{B32},totp,9"), "digits is 9"),
            (format!("s1,{B32},totp,six"), "digits must be a number"),
            (format!("s1,{B32},hotp,6,30"), "period applies to TOTP tokens only"),
            (format!("s1,{B32},totp,6,5"), "period is 5 seconds"),
            (format!("s1,{B32},totp,6,121"), "period is 121 seconds"),
            (format!("s1,{B32}"), "expected serial,secret_base32,type,digits,period"),
            (format!("s1,{B32},totp,6,30,x"), "expected at most 5 fields but found 6"),
            (format!("\"s1\",{B32},totp"), "quoted fields are not supported"),
        ];
        for (line, expected) in cases {
            let msg = invalid(parse_csv(&format!("serial,secret,type,digits,period\n{line}\n")));
            assert!(msg.starts_with(&format!("line 2: {expected}")), "{line}: {msg}");
        }
        let msg = invalid(parse_csv(&format!("s1,{B32},totp\n# c\ns1,{B32},hotp\n")));
        assert_eq!(msg, "line 3: serial s1 also appears at line 1");
    }

    #[test]
    fn size_count_and_encoding_limits() {
        let big = vec![b'#'; MAX_FILE_BYTES + 1];
        assert!(invalid(parse(&big)).contains("larger than 5 MiB"));
        let big = format!("<!--{}-->", " ".repeat(MAX_FILE_BYTES));
        assert!(invalid(parse_pskc(&big)).contains("larger than 5 MiB"));
        assert!(invalid(parse(b"s1,\xff\xfe,totp\n")).contains("not valid UTF-8"));
        let many: String = (0..=MAX_TOKENS).map(|i| format!("t{i},{B32},totp\n")).collect();
        assert!(invalid(parse(many.as_bytes())).contains("more than 100000 tokens"));
    }

    fn pskc(packages: &str) -> String {
        let container = r#"<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">"#;
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{container}{packages}</KeyContainer>")
    }

    /// RFC 6030 Figure 2.
    const FIGURE_2: &str = r#"
  <KeyPackage>
    <DeviceInfo><Manufacturer>Manufacturer</Manufacturer><SerialNo>987654321</SerialNo></DeviceInfo>
    <CryptoModuleInfo><Id>CM_ID_001</Id></CryptoModuleInfo>
    <Key Id="12345678" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
      <Issuer>Issuer</Issuer>
      <AlgorithmParameters><ResponseFormat Length="8" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data>
        <Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret>
        <Counter><PlainValue>0</PlainValue></Counter>
      </Data>
    </Key>
  </KeyPackage>"#;

    /// A prefixed namespace, a SHA-256 suite and a secret wrapped over lines, as some vendors write them.
    const TOTP_PACKAGE: &str = r#"
  <pskc:KeyPackage xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
    <pskc:DeviceInfo><pskc:SerialNo>TOTP-77</pskc:SerialNo></pskc:DeviceInfo>
    <pskc:Key Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
      <pskc:AlgorithmParameters><pskc:Suite>HMAC-SHA256</pskc:Suite><pskc:ResponseFormat Length="6"/>
      </pskc:AlgorithmParameters>
      <pskc:Data>
        <pskc:Secret><pskc:PlainValue>
          MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx
          MjM0NTY3ODkwMTI=
        </pskc:PlainValue></pskc:Secret>
        <pskc:Time><pskc:PlainValue>0</pskc:PlainValue></pskc:Time>
        <pskc:TimeInterval><pskc:PlainValue>60</pskc:PlainValue></pskc:TimeInterval>
      </pskc:Data>
    </pskc:Key>
  </pskc:KeyPackage>"#;

    #[test]
    fn pskc_hotp_and_totp() {
        let seeds = parse(pskc(&format!("{FIGURE_2}{TOTP_PACKAGE}")).as_bytes()).unwrap();
        let secret_32 = b"12345678901234567890123456789012";
        let expected = [
            seed("987654321", Hotp, SECRET, (8, Sha1, 0, 0)),
            seed("TOTP-77", Totp, secret_32, (6, Sha256, 60, 0)),
        ];
        assert_eq!(seeds, expected);
        let counted = FIGURE_2.replace("<PlainValue>0</PlainValue>", "<PlainValue>42</PlainValue>");
        assert_eq!(parse_pskc(&pskc(&counted)).unwrap()[0].counter, 42);
    }

    #[test]
    fn pskc_errors_name_the_package() {
        let encrypted = "<EncryptedValue><CipherData><CipherValue>AAAA</CipherValue></CipherData></EncryptedValue>";
        let seed_b64 = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=";
        let plain = format!("<PlainValue>{seed_b64}</PlainValue>");
        let hotp = |from: &str, to: &str| FIGURE_2.replace(from, to);
        let totp = |from: &str, to: &str| TOTP_PACKAGE.replace(from, to);
        let cases = [
            (
                hotp(&plain, encrypted),
                "Secret is encrypted; encrypted PSKC is not supported yet",
            ),
            (hotp("DECIMAL", "HEXADECIMAL"), "ResponseFormat Encoding is HEXADECIMAL"),
            (hotp("Length=\"8\"", "Length=\"9\""), "digits is 9"),
            (
                hotp("pskc:hotp", "pskc:ocra"),
                "algorithm urn:ietf:params:xml:ns:keyprov:pskc:ocra",
            ),
            (hotp(seed_b64, "MTIz!"), "Secret is not valid base64"),
            (hotp(seed_b64, "MTIz"), "secret is 3 bytes"),
            (
                hotp("Counter><PlainValue>0", "Counter><PlainValue>-1"),
                "Counter must be a decimal",
            ),
            (totp("HMAC-SHA256", "HMAC-MD5"), "Suite \"HMAC-MD5\" is not supported"),
            (totp(">60<", ">5<"), "period is 5 seconds"),
            (totp(">0<", ">1234<"), "Time (T0) is \"1234\""),
        ];
        let first = TOTP_PACKAGE.replace("TOTP-77", "first");
        for (second, expected) in cases {
            let msg = invalid(parse_pskc(&pskc(&format!("{first}{second}"))));
            let prefix = if second.contains("TOTP-77") {
                "TOTP-77"
            } else {
                "987654321"
            };
            assert!(
                msg.starts_with(&format!("KeyPackage 2 (serial {prefix}): {expected}")),
                "{msg}"
            );
        }
        let unnamed = invalid(parse_pskc(&pskc(&hotp("<SerialNo>987654321</SerialNo>", ""))));
        assert_eq!(unnamed, "KeyPackage 1: DeviceInfo/SerialNo is missing");
        let twice = invalid(parse_pskc(&pskc(&format!("{first}{first}"))));
        assert!(twice.ends_with("(serial first): serial first also appears at KeyPackage 1 (serial first)"));
    }

    #[test]
    fn pskc_refuses_doctype_and_foreign_documents() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE KeyContainer [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">&lol3;</KeyContainer>"#;
        assert!(invalid(parse(laughs.as_bytes())).contains("DOCTYPE"));
        let plain_doctype = pskc(FIGURE_2).replace("?>", "?><!DOCTYPE KeyContainer>");
        assert!(invalid(parse(plain_doctype.as_bytes())).contains("DOCTYPE"));
        let foreign = pskc(FIGURE_2).replace("keyprov:pskc\"", "keyprov:pskc:v2\"");
        assert!(invalid(parse(foreign.as_bytes())).contains("root element must be KeyContainer"));
        assert_eq!(
            invalid(parse(pskc("").as_bytes())),
            "PSKC: the file contains no KeyPackage"
        );
        assert!(invalid(parse(b"  <KeyContainer")).contains("not well-formed"));
    }

    #[test]
    fn debug_leaves_the_secret_out() {
        let seed = &parse_csv(&format!("s1,{B32},totp")).unwrap()[0];
        let debug = format!("{seed:?}");
        assert!(debug.contains("s1") && debug.contains("redacted"), "{debug}");
        for leak in [
            B32.into(),
            format!("{:?}", seed.secret),
            "1234567890".into(),
            hex::encode(SECRET),
        ] {
            assert!(!debug.contains(&leak), "{debug}");
        }
    }
}
