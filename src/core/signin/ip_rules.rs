//! IP allow and deny lists (CIDR, IPv4 and IPv6), globally (`ip_allow`, `ip_deny` in the configuration) and per
//! role (`gatehouse role set ROLE --ip-allow … --ip-deny …`), and the client address they are applied to.
//! Pure: no storage, no clock.
//!
//! Rules:
//! - **Deny wins over allow**; an **empty allow list allows every address**.
//! - Per role, strictest wins: every role of the user must permit the address (so the denies add up and each
//!   non-empty allow list must contain it).
//! - An unknown client address is permitted only where no rule could apply (no lists at all).
//! - The client address is the socket peer's, unless the peer is a configured trusted proxy: then it is the
//!   right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Without trusted proxies the header is
//!   ignored, so nobody can pick their own address. Entries may carry a port (`192.0.2.1:4711`,
//!   `[2001:db8::1]:443`, as some proxies write them); an entry that is no address at all makes the client
//!   address *unknown* — never the proxy's own — so the rules fail closed.
//! - IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are compared as IPv4.
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

use crate::core::{Error, Result};

/// One allow list and one deny list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IpRules {
    #[serde(serialize_with = "nets")]
    pub allow: Vec<IpNet>,
    #[serde(serialize_with = "nets")]
    pub deny: Vec<IpNet>,
}

fn nets<S: serde::Serializer>(list: &[IpNet], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(|n| n.to_string()))
}

/// Why an address was refused (for the audit event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Denied,
    NotAllowed,
    UnknownAddress,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Denied => "ip_denied",
            Refusal::NotAllowed => "ip_not_allowed",
            Refusal::UnknownAddress => "ip_unknown",
        }
    }
}

/// `10.0.0.0/8`, `2001:db8::/32`, or a single address (`192.0.2.7` = `/32`, `::1` = `/128`). Host bits are
/// cleared (`10.1.2.3/8` = `10.0.0.0/8`).
pub fn parse_cidr(text: &str) -> Result<IpNet> {
    let text = text.trim();
    let parsed = text
        .parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            Error::invalid(format!(
                "'{}' is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32 (or a single address).",
                crate::core::model::truncate(text, 64)
            ))
        })?;
    Ok(parsed.trunc())
}

/// A comma-separated list (`none` or empty: no entries).
pub fn parse_list(text: &str) -> Result<Vec<IpNet>> {
    if text.trim() == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_cidr)
        .collect()
}

/// Each item of a configuration list (which may itself be comma-separated, as in environment variables).
pub fn parse_items(items: &[String]) -> Result<Vec<IpNet>> {
    let mut out = Vec::new();
    for item in items {
        out.extend(parse_list(item)?);
    }
    Ok(out)
}

fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

fn contains(list: &[IpNet], ip: IpAddr) -> bool {
    list.iter().any(|n| n.contains(&ip))
}

impl IpRules {
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }

    /// `Ok` when these rules let `ip` sign in.
    pub fn check(&self, ip: Option<IpAddr>) -> std::result::Result<(), Refusal> {
        if self.is_empty() {
            return Ok(());
        }
        let Some(ip) = ip.map(canonical) else {
            return Err(Refusal::UnknownAddress);
        };
        if contains(&self.deny, ip) {
            return Err(Refusal::Denied);
        }
        if !self.allow.is_empty() && !contains(&self.allow, ip) {
            return Err(Refusal::NotAllowed);
        }
        Ok(())
    }
}

/// Every rule set must permit the address (strictest wins across a user's roles).
pub fn check_all<'a>(
    rules: impl IntoIterator<Item = &'a IpRules>,
    ip: Option<IpAddr>,
) -> std::result::Result<(), Refusal> {
    rules.into_iter().try_for_each(|r| r.check(ip))
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`192.0.2.1:4711`, `[2001:db8::1]:443`,
/// `[2001:db8::1]`). `None` for anything else (`unknown`, a host name, garbage).
pub fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// The client address: the socket peer, or — when the peer is a trusted proxy — the right-most
/// `X-Forwarded-For` entry that is not a trusted proxy (entries left of it are the client's own claims). An
/// entry that is not an address makes the client unknown (`None`): falling back to the proxy's own address
/// would let a client that a rule denies pass it with a port or a typo in the header.
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    if trusted.is_empty() || !contains(trusted, peer) {
        return Some(peer);
    }
    let mut client = peer;
    for entry in forwarded_for.iter().rev().flat_map(|h| h.rsplit(',')) {
        if entry.trim().is_empty() {
            // `a, , b` or an empty header: no claim, nothing to judge.
            continue;
        }
        match parse_forwarded_entry(entry).map(canonical) {
            Some(ip) if contains(trusted, ip) => client = ip,
            Some(ip) => return Some(ip),
            None => return None,
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn rules(allow: &str, deny: &str) -> IpRules {
        IpRules {
            allow: parse_list(allow).unwrap(),
            deny: parse_list(deny).unwrap(),
        }
    }

    #[test]
    fn deny_wins_and_an_empty_allow_list_allows_all() {
        assert_eq!(rules("", "").check(None), Ok(()));
        assert_eq!(rules("", "10.0.0.0/8").check(ip("192.0.2.1")), Ok(()));
        assert_eq!(rules("", "10.0.0.0/8").check(ip("10.9.9.9")), Err(Refusal::Denied));
        let both = rules("10.0.0.0/8", "10.1.0.0/16");
        assert_eq!(both.check(ip("10.2.0.1")), Ok(()));
        assert_eq!(both.check(ip("10.1.0.1")), Err(Refusal::Denied));
        assert_eq!(both.check(ip("192.0.2.1")), Err(Refusal::NotAllowed));
        assert_eq!(both.check(None), Err(Refusal::UnknownAddress));
        let v6 = rules("2001:db8::/32", "");
        assert_eq!(v6.check(ip("2001:db8::1")), Ok(()));
        assert_eq!(v6.check(ip("2001:db9::1")), Err(Refusal::NotAllowed));
        assert_eq!(rules("192.0.2.0/24", "").check(ip("::ffff:192.0.2.5")), Ok(()));
        assert_eq!(check_all([&rules("", ""), &both], ip("10.1.0.1")), Err(Refusal::Denied));
    }

    #[test]
    fn cidrs_are_parsed_strictly() {
        assert_eq!(parse_cidr("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_cidr("::1").unwrap().to_string(), "::1/128");
        assert_eq!(parse_list("none").unwrap(), vec![]);
        for bad in [
            "10.0.0.0/33",
            "300.1.1.1",
            "10.0.0.0/",
            "fe80::/129",
            "example.com",
            "10/8",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxies = parse_list("10.0.0.0/8").unwrap();
        // Not behind a trusted proxy (or none configured): the header is ignored.
        assert_eq!(client_ip(ip("192.0.2.1"), &["198.51.100.7"], &proxies), ip("192.0.2.1"));
        assert_eq!(client_ip(ip("10.0.0.5"), &["198.51.100.7"], &[]), ip("10.0.0.5"));
        // Behind it: the right-most untrusted entry; the client's own claims further left do not count.
        assert_eq!(
            client_ip(ip("10.0.0.5"), &["1.1.1.1, 198.51.100.7, 10.0.0.9"], &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), &["1.1.1.1", "198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.0.0.5"), &[], &proxies), ip("10.0.0.5"));
    }

    #[test]
    fn forwarded_entries_with_ports_are_the_client() {
        let proxies = parse_list("10.0.0.0/8").unwrap();
        for (entry, expected) in [
            ("203.0.113.9:4711", "203.0.113.9"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            (" 2001:db8::1 ", "2001:db8::1"),
            ("[::ffff:203.0.113.9]:80", "203.0.113.9"),
        ] {
            assert_eq!(client_ip(ip("10.0.0.5"), &[entry], &proxies), ip(expected), "{entry}");
        }
        // A trusted hop with a port is still a trusted hop.
        assert_eq!(
            client_ip(ip("10.0.0.5"), &["203.0.113.9:1, 10.0.0.9:8080"], &proxies),
            ip("203.0.113.9")
        );
        let deny = rules("", "203.0.113.0/24, 2001:db8::/32");
        for entry in ["203.0.113.9:4711", "[2001:db8::1]:443"] {
            assert_eq!(
                deny.check(client_ip(ip("10.0.0.5"), &[entry], &proxies)),
                Err(Refusal::Denied),
                "{entry}"
            );
        }
    }

    #[test]
    fn an_unreadable_forwarded_entry_fails_closed() {
        let proxies = parse_list("10.0.0.0/8").unwrap();
        for header in [
            "junk",
            "junk, 10.0.0.9",
            "unknown",
            "203.0.113.9:notaport",
            "[2001:db8::1",
            "2001:db8::1]:443",
            "host.example:80",
            "203.0.113.9:4711:1",
        ] {
            assert_eq!(client_ip(ip("10.0.0.5"), &[header], &proxies), None, "{header}");
        }
        // Left of the right-most untrusted entry nothing is read: a client's own junk changes nothing.
        assert_eq!(
            client_ip(ip("10.0.0.5"), &["junk, 198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        // Unknown: refused wherever a rule exists, allowed only where none does.
        assert_eq!(rules("", "203.0.113.0/24").check(None), Err(Refusal::UnknownAddress));
        assert_eq!(rules("", "").check(None), Ok(()));
        // Not behind a trusted proxy the header is not read at all, junk or not.
        assert_eq!(client_ip(ip("192.0.2.1"), &["junk"], &proxies), ip("192.0.2.1"));
    }
}
