//! `shiftops check --demo`: the JSON contract and the exit code of every scenario, and the CLI's
//! handling of bad input.

use std::process::Command;

use serde_json::Value;

const AT: &str = "2026-11-21T06:00:00Z";

fn shiftops(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shiftops"))
        .args(args)
        // An empty config dir keeps the developer's own config out of the tests.
        .env("XDG_CONFIG_HOME", env!("CARGO_TARGET_TMPDIR"))
        .env_remove("NO_COLOR")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("shiftops runs")
}

fn check_json(scenario: &str) -> (Value, i32) {
    let out = shiftops(&[
        "check",
        "--demo",
        "--scenario",
        scenario,
        "--seed",
        "7",
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{scenario}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (json, out.status.code().expect("exit code"))
}

fn has_finding(json: &Value, check: &str, tenant: Option<&str>, severity: &str) -> bool {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["check"] == check && f["severity"] == severity && f["tenant"].as_str() == tenant)
}

#[test]
fn json_follows_the_contract() {
    let (json, _) = check_json("copy-error");
    assert_eq!(json["generated_at"], AT);
    assert!(["ok", "warning", "critical", "unknown"].contains(&json["status"].as_str().unwrap()));
    let tenants = json["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 3);
    for tenant in tenants {
        assert!(tenant["name"].is_string());
        assert!(tenant["status"].is_string());
    }
    for finding in json["findings"].as_array().unwrap() {
        for key in [
            "tenant",
            "check",
            "severity",
            "message",
            "value",
            "threshold",
        ] {
            assert!(finding.get(key).is_some(), "finding lacks {key}: {finding}");
        }
        assert!(["warning", "critical"].contains(&finding["severity"].as_str().unwrap()));
    }
    let sources = json["sources"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "rds",
            "warehouse",
            "metrics",
            "alarms",
            "elt",
            "logs",
            "params"
        ]
    );
    for source in sources {
        assert_eq!(source["ok"], true);
        assert_eq!(source["age_seconds"], 0);
        assert!(source["error"].is_null());
    }
}

#[test]
fn every_scenario_reports_its_finding_with_its_exit_code() {
    // (scenario, check, tenant, severity, alarm in ALARM, exit code)
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, &'a str, i32);
    let cases: &[Case] = &[
        (
            "copy-error",
            "copy_errors",
            Some("tenant_b"),
            "critical",
            "Alert-COPY-Error",
            2,
        ),
        (
            "integration-needs-attention",
            "integration_status",
            Some("tenant_a"),
            "critical",
            "Alert-Integration-Lag",
            2,
        ),
        (
            "storage-high",
            "storage",
            None,
            "critical",
            "Alert-Storage-High",
            2,
        ),
        (
            "wlm-saturation",
            "wlm_queue",
            None,
            "warning",
            "Alert-WLM-Queue",
            1,
        ),
        (
            "elt-delay",
            "elt_delay",
            None,
            "critical",
            "Alert-ELT-Delay",
            2,
        ),
        (
            "dbt-failure",
            "elt_failed",
            None,
            "critical",
            "Alert-ELT-Delay",
            2,
        ),
        (
            "export-failure",
            "export_task",
            Some("tenant_b"),
            "critical",
            "aurora-export-failure",
            2,
        ),
        (
            "query-failure",
            "query_failure_rate",
            None,
            "warning",
            "Alert-Query-Failure",
            1,
        ),
    ];
    for &(scenario, check, tenant, severity, alarm, code) in cases {
        let (json, exit) = check_json(scenario);
        assert!(
            has_finding(&json, check, tenant, severity),
            "{scenario}: no {severity} {check} for {tenant:?} in {}",
            json["findings"]
        );
        let in_alarm = format!("alarm {alarm} is in ALARM");
        assert!(
            json["findings"].as_array().unwrap().iter().any(|f| {
                f["check"] == "alarm" && f["message"].as_str().unwrap().starts_with(&in_alarm)
            }),
            "{scenario}: {alarm} not in ALARM: {}",
            json["findings"]
        );
        assert_eq!(exit, code, "{scenario}: exit code");
        assert_eq!(
            json["status"],
            if code == 2 { "critical" } else { "warning" }
        );
    }
}

#[test]
fn healthy_is_ok_with_exit_code_zero() {
    let (json, exit) = check_json("healthy");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(exit, 0);
}

#[test]
fn the_same_seed_gives_the_same_report() {
    assert_eq!(check_json("copy-error").0, check_json("copy-error").0);
}

#[test]
fn markdown_and_text_reports() {
    let markdown = shiftops(&[
        "check",
        "--demo",
        "--scenario",
        "storage-high",
        "--at",
        AT,
        "--format",
        "markdown",
    ]);
    let text = String::from_utf8(markdown.stdout).unwrap();
    assert!(text.starts_with("# shiftops daily health check"));
    assert!(text.contains("| ✗ CRIT | (fleet) | `storage` |"), "{text}");
    assert_eq!(markdown.status.code(), Some(2));
    let plain = shiftops(&["check", "--demo", "--at", AT]);
    assert!(
        String::from_utf8(plain.stdout)
            .unwrap()
            .contains("no findings")
    );
    assert_eq!(plain.status.code(), Some(0));
}

#[test]
fn a_thousand_tenants_check() {
    let out = shiftops(&[
        "check",
        "--demo",
        "--tenants",
        "1000",
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tenants"].as_array().unwrap().len(), 1000);
    assert_eq!(json["tenants"][999]["name"], "tenant_1000");
}

#[test]
fn an_unknown_scenario_lists_the_names() {
    let out = shiftops(&["demo", "--scenario", "meltdown"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unknown scenario \"meltdown\""), "{stderr}");
    for name in [
        "healthy",
        "copy-error",
        "integration-needs-attention",
        "storage-high",
        "wlm-saturation",
        "elt-delay",
    ] {
        assert!(stderr.contains(name), "{stderr}");
    }
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bad_config_names_file_line_and_column_and_exits_2() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("bad-config.toml");
    std::fs::write(&path, "[thresholds]\nstorage_warning_percent = \"high\"\n").unwrap();
    let out = shiftops(&["--config", path.to_str().unwrap(), "check", "--demo"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{}:2:27:", path.display())),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bad_theme_or_keymap_names_file_line_and_column_and_exits_2() {
    let config_home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-ui");
    let themes = config_home.join("shiftops/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(
        themes.join("broken.toml"),
        "extends = \"dark\"\ncritical = { fg = \"redish\" }\n",
    )
    .unwrap();
    std::fs::write(
        config_home.join("shiftops/keymap.toml"),
        "[bindings]\nquit = [\"ctlr-q\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shiftops"))
            .args(args)
            .env("XDG_CONFIG_HOME", &config_home)
            .output()
            .unwrap()
    };
    let out = run(&["--theme", "broken", "demo"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("broken.toml:2:19:"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["demo"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("keymap.toml:2:9:"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_version() {
    let out = shiftops(&["completions", "bash"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("shiftops"));
    let out = shiftops(&["--version"]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("shiftops ")
    );
}

#[test]
fn japanese_reports_keep_english_keys_and_check_ids() {
    let text = shiftops(&[
        "--lang",
        "ja",
        "check",
        "--demo",
        "--scenario",
        "copy-error",
        "--seed",
        "7",
        "--at",
        AT,
    ]);
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(
        // tenant_b's failed COPY stopped the run: every tenant's marts are held back.
        out.contains("テナント: 3(重大 3、警告 0、不明 0、正常 0)"),
        "{out}"
    );
    assert!(
        out.contains("再ロードで解消していない COPY エラーが 4 件"),
        "{out}"
    );
    assert!(out.contains("ほか 2 テナントのデータに影響"), "{out}");
    assert!(
        out.contains("copy_errors"),
        "check ids stay as they are: {out}"
    );
    assert_eq!(text.status.code(), Some(2));

    let markdown = shiftops(&[
        "--lang",
        "ja",
        "check",
        "--demo",
        "--scenario",
        "storage-high",
        "--at",
        AT,
        "--format",
        "markdown",
    ]);
    let out = String::from_utf8(markdown.stdout).unwrap();
    assert!(out.starts_with("# shiftops 日次ヘルスチェック"), "{out}");
    assert!(out.contains("| ✗ 重大 | (全体) | `storage` |"), "{out}");

    let json = shiftops(&[
        "--lang",
        "ja",
        "check",
        "--demo",
        "--scenario",
        "copy-error",
        "--seed",
        "7",
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let value: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["lang"], "ja");
    assert_eq!(
        value["status"], "critical",
        "values of the contract stay English"
    );
    assert!(
        value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "copy_errors"
                && f["message"].as_str().unwrap().contains("COPY エラー"))
    );
}

#[test]
fn the_language_comes_from_the_locale() {
    let run = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_shiftops"))
            .args(["check", "--demo", "--at", AT])
            .env("XDG_CONFIG_HOME", env!("CARGO_TARGET_TMPDIR"))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run("ja_JP.UTF-8").contains("検出事項なし"));
    assert!(run("en_US.UTF-8").contains("no findings"));
}
