//! One browser trusted for one user, as stored, and the `amr` marker of a sign-in that trust let skip its second
//! factor. A leaf (it imports nothing of `core`): `core::store` speaks this shape and `policy::assurance` reads
//! the marker; `trusted_devices`, which goes through the store, sits above both.
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// The `amr` value of a sign-in whose second factor was skipped because the browser is trusted.
pub const AMR_MARKER: &str = "device";

/// One browser trusted for one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustedDevice {
    pub id: String,
    #[serde(skip)]
    pub browser_hash: String,
    pub user_id: String,
    /// The user agent when it was last trusted (shortened).
    pub user_agent: String,
    /// First trusted in this browser.
    pub created_at: DateTime<Utc>,
    /// The second factor that last (re)established the trust.
    pub trusted_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl TrustedDevice {
    /// When the trust ends under today's policy: never later than stored, and never later than the policy's
    /// current number of days after the factor that established it.
    pub fn effective_expiry(&self, days: u32) -> DateTime<Utc> {
        self.expires_at.min(self.trusted_at + Duration::days(days.into()))
    }

    /// "Firefox on Linux"-style summary for lists.
    pub fn browser(&self) -> String {
        browser_summary(&self.user_agent)
    }
}

/// A short, human description of a user agent: the browser family and the operating system, when recognisable.
pub fn browser_summary(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.is_empty() {
        "Unknown browser"
    } else {
        "Other browser"
    };
    let os = if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        Some("iOS")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    match os {
        Some(os) => format!("{browser} on {os}"),
        None => browser.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_shrinks_with_the_policy() {
        let now = Utc::now();
        let d = TrustedDevice {
            id: "x".into(),
            browser_hash: "h".into(),
            user_id: "u".into(),
            user_agent: String::new(),
            created_at: now,
            trusted_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(30),
        };
        assert_eq!(d.effective_expiry(30), now + Duration::days(30));
        assert_eq!(d.effective_expiry(60), now + Duration::days(30));
        assert_eq!(d.effective_expiry(7), now + Duration::days(7));
        assert_eq!(d.effective_expiry(0), now);
    }

    #[test]
    fn browsers_are_summarised() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(browser_summary(firefox), "Firefox on Linux");
        assert_eq!(browser_summary(""), "Unknown browser");
        assert_eq!(browser_summary("curl/8"), "Other browser");
    }
}
