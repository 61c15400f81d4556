//! `[thresholds]` the rules cannot use — NaN, a negative count, a percentage above 100, a warning
//! at or above its critical level — are refused when the config loads, at the offending value,
//! before any check runs: with `nan`, the 92 % storage finding of `storage-high` would otherwise
//! vanish and `check` would report a warning instead of critical.

use std::process::Command;

fn check_with(config: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shiftops"))
        .args(["check", "--demo", "--scenario", "storage-high"])
        .args(["--at", "2026-11-21T06:00:00Z", "--config"])
        .arg(&path)
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("shiftops runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{}|{}",
            path.display(),
            String::from_utf8(out.stderr).unwrap()
        ),
    )
}

#[test]
fn impossible_thresholds_stop_check_at_the_value_with_unknown() {
    let cases = [
        (
            "storage_warning_percent = nan",
            "2:27",
            "must be a percentage from 0 to 100",
        ),
        (
            "wlm_queue_length = -1",
            "2:20",
            "must be a number of 0 or more",
        ),
        (
            "query_failure_percent = 150",
            "2:25",
            "must be a percentage from 0 to 100",
        ),
        (
            "storage_warning_percent = 90\nstorage_critical_percent = 85",
            "2:27",
            "must be below storage_critical_percent = 85",
        ),
    ];
    for (values, at, why) in cases {
        let (code, stdout, stderr) = check_with(&format!("[thresholds]\n{values}\n"));
        let (path, stderr) = stderr.split_once('|').unwrap();
        assert_eq!(
            code,
            Some(i32::from(shiftops::cli::EXIT_CHECK_UNKNOWN)),
            "{values}: {stderr}"
        );
        assert!(stdout.is_empty(), "{values}: no report: {stdout}");
        assert!(
            stderr.contains(&format!("{path}:{at}: ")) && stderr.contains(why),
            "{values}: {stderr}"
        );
    }
}

#[test]
fn valid_thresholds_still_find_the_storage_that_is_critical() {
    let (code, stdout, stderr) =
        check_with("[thresholds]\nstorage_warning_percent = 70\nstorage_critical_percent = 91.5\n");
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("storage"), "{stdout}");
}
