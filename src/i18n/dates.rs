//! Dates and times as a person of each language writes them. Times are shown in UTC, and say so.
use chrono::{DateTime, Utc};

use super::Lang;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `6 Dec 2026, 21:06 UTC` / `06.12.2026, 21:06 UTC`.
pub fn format_datetime(lang: Lang, at: DateTime<Utc>) -> String {
    format!("{}, {} UTC", format_date(lang, at), at.format("%H:%M"))
}

/// `6 Dec 2026` / `06.12.2026`.
pub fn format_date(lang: Lang, at: DateTime<Utc>) -> String {
    use chrono::Datelike;
    match lang {
        Lang::En => format!("{} {} {}", at.day(), MONTHS_EN[at.month0() as usize], at.year()),
        Lang::De => at.format("%d.%m.%Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_dates_its_way() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T21:06:09Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_datetime(Lang::En, at), "6 Dec 2026, 21:06 UTC");
        assert_eq!(format_datetime(Lang::De, at), "06.12.2026, 21:06 UTC");
        assert_eq!(format_date(Lang::De, at), "06.12.2026");
    }
}
