/// A duration in seconds as a short human form: `42s`, `12m`, `3h05m`, `2d04h`.
pub fn format_duration_secs(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".to_string();
    }
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(format_duration_secs(0.0), "0s");
        assert_eq!(format_duration_secs(59.4), "59s");
        assert_eq!(format_duration_secs(60.0), "1m");
        assert_eq!(format_duration_secs(3599.0), "59m");
        assert_eq!(format_duration_secs(3600.0 + 5.0 * 60.0), "1h05m");
        assert_eq!(format_duration_secs(2.0 * 86_400.0 + 4.0 * 3600.0), "2d04h");
        assert_eq!(format_duration_secs(-1.0), "—");
    }
}
