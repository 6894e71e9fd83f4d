//! Instants as every backend stores them (R3, R4).

use chrono::{DateTime, Datelike, SubsecRound, Utc};

/// Truncates (never rounds) to whole microseconds, the precision every backend keeps.
pub fn truncate_to_micros(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(6)
}

/// The `last_updated` text of tokens and locations: UTC, whole seconds, `Z`.
pub fn format_last_updated(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether every backend can store this instant: years 1 through 9999, the range RFC 3339 can
/// write and PostgreSQL `timestamptz` can hold.
pub fn is_storable(instant: DateTime<Utc>) -> bool {
    (1..=9999).contains(&instant.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn truncates_towards_the_past_even_before_the_epoch() {
        let t = Utc.timestamp_opt(-1, 999_999_999).unwrap();
        assert_eq!(truncate_to_micros(t), Utc.timestamp_opt(-1, 999_999_000).unwrap());
    }

    #[test]
    fn formats_whole_seconds_in_utc() {
        let t = Utc.timestamp_opt(1_700_000_000, 987_654_321).unwrap();
        assert_eq!(format_last_updated(t), "2023-11-14T22:13:20Z");
    }
}
