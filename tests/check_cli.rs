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
    assert!(
        stderr.contains("invalid value 'meltdown' for '--scenario"),
        "{stderr}"
    );
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
    let out = shiftops(&["check", "--config", path.to_str().unwrap(), "--demo"]);
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
    let out = run(&["demo", "--theme", "broken"]);
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
fn shell_completions_offer_every_scenario_and_no_hidden_option() {
    for shell in ["bash", "zsh", "fish"] {
        let out = shiftops(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for scenario in shiftops::source::sim::Scenario::ALL {
            assert!(
                script.contains(scenario.name()),
                "{shell} completes --scenario {}",
                scenario.name()
            );
        }
        assert!(script.contains("--scenario") || script.contains("-l scenario"));
        for hidden in ["--at", "-l at ", "'--at="] {
            assert!(
                !script.contains(hidden),
                "{shell} offers {hidden}:\n{script}"
            );
        }
    }
}

#[test]
fn help_explains_itself_and_every_command() {
    let out = shiftops(&["help", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Usage: shiftops help")
    );
    for command in ["demo", "check", "doctor", "completions", "help"] {
        let out = shiftops(&["help", command]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "help {command}");
        assert!(
            stdout.contains(&format!("Usage: shiftops {command}")),
            "help {command}: {stdout}"
        );
        let out = shiftops(&[command, "--help"]);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), stdout);
    }
    let out = shiftops(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("Commands:"));
    let out = shiftops(&["help", "nope"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8(out.stderr).unwrap().contains("'nope'"));
}

/// A usage error: exit 2 (as a bad config file, see docs/check.md), the flag named on stderr,
/// nothing run.
fn assert_refused(args: &[&str], flag: &str) {
    let out = shiftops(args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(flag), "{args:?} names {flag}: {stderr}");
    assert!(stderr.contains("Usage: shiftops"), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} ran");
}

#[test]
fn each_command_refuses_the_options_it_would_ignore() {
    let checked = ["check", "--demo", "--at", AT];
    for (command, ignored) in [
        (&checked[..], &["--theme", "dark"][..]),
        (&checked[..], &["--keymap", "vim"][..]),
        (&checked[..], &["--read-only"][..]),
        (&checked[..], &["--speed", "10"][..]),
        // --demo reads no AWS account.
        (&checked[..], &["--profile", "p"][..]),
        (&checked[..], &["--region", "eu-west-1"][..]),
        // Without --demo, the simulation's options mean nothing.
        (&["check"][..], &["--scenario", "copy-error"][..]),
        (&["check"][..], &["--tenants", "5"][..]),
        (&["doctor"][..], &["--theme", "dark"][..]),
        (&["doctor"][..], &["--keymap", "vim"][..]),
        (&["doctor"][..], &["--read-only"][..]),
        (&["doctor"][..], &["--scenario", "copy-error"][..]),
        (&["demo"][..], &["--profile", "p"][..]),
        (&["demo"][..], &["--region", "eu-west-1"][..]),
        (&["demo"][..], &["--format", "json"][..]),
        (&["completions", "bash"][..], &["--lang", "ja"][..]),
        (&["completions", "bash"][..], &["--config", "x.toml"][..]),
        (&["completions", "bash"][..], &["--theme", "dark"][..]),
        (&["completions", "bash"][..], &["--read-only"][..]),
        (&["completions", "bash"][..], &["--profile", "p"][..]),
    ] {
        let args: Vec<&str> = command.iter().chain(ignored).copied().collect();
        assert_refused(&args, ignored[0]);
    }
    // Before the command, an option belongs to the console: refused with any command.
    for (before, command) in [
        (&["--theme", "dark"][..], &checked[..]),
        (&["--read-only"][..], &["doctor"][..]),
        (&["--lang", "ja"][..], &["completions", "bash"][..]),
        (&["--lang", "ja"][..], &checked[..]),
        (&["--config", "x.toml"][..], &["demo"][..]),
    ] {
        let args: Vec<&str> = before.iter().chain(command).copied().collect();
        assert_refused(&args, before[0]);
    }
}

#[test]
fn each_command_accepts_the_options_it_uses() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let config = dir.join("empty-config.toml");
    std::fs::write(&config, "").unwrap();
    let config = config.to_str().unwrap();
    let out = shiftops(&[
        "check",
        "--demo",
        "--at",
        AT,
        "--config",
        config,
        "--lang",
        "ja",
        "--scenario",
        "healthy",
        "--seed",
        "3",
        "--tenants",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without tenants in the config, check and doctor stop before calling AWS, having taken
    // their options.
    let out = shiftops(&[
        "check",
        "--config",
        config,
        "--lang",
        "en",
        "--profile",
        "p",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no tenants configured")
    );
    let out = shiftops(&[
        "doctor",
        "--config",
        config,
        "--lang",
        "en",
        "--profile",
        "p",
        "--region",
        "eu-west-1",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no [[tenants]]")
    );
    // The console without a subcommand, on a config with no tenants: the same stop.
    let out = shiftops(&[
        "--config",
        config,
        "--lang",
        "en",
        "--profile",
        "p",
        "--region",
        "eu-west-1",
        "--theme",
        "light",
        "--keymap",
        "vim",
        "--read-only",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no tenants configured")
    );
    let out = shiftops(&["demo", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--config",
        "--lang",
        "--theme",
        "--keymap",
        "--read-only",
        "--scenario",
        "--tenants",
        "--seed",
        "--speed",
    ] {
        assert!(help.contains(flag), "demo takes {flag}: {help}");
    }
}

#[test]
fn japanese_reports_keep_english_keys_and_check_ids() {
    let text = shiftops(&[
        "check",
        "--lang",
        "ja",
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
        "check",
        "--lang",
        "ja",
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
        "check",
        "--lang",
        "ja",
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
