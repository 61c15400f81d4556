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
            "params",
            "aurora"
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

/// `check` and `doctor` exit 3 (UNKNOWN) when they cannot judge the fleet: a monitor must not
/// read a broken config as CRITICAL. The console and `demo` keep 2.
#[test]
fn a_bad_config_names_file_line_and_column_and_check_exits_3() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("bad-config.toml");
    std::fs::write(&path, "[thresholds]\nstorage_warning_percent = \"high\"\n").unwrap();
    let path = path.to_str().unwrap();
    for format in ["text", "json", "markdown", "nagios", "slack"] {
        let out = shiftops(&["check", "--config", path, "--demo", "--format", format]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("{path}:2:27:")), "{stderr}");
        assert_eq!(out.status.code(), Some(3), "{format}");
    }
    let out = shiftops(&["check", "--config", path, "--demo", "--format", "nagios"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("SHIFTOPS UNKNOWN - ") && stdout.lines().count() == 1,
        "{stdout}"
    );
    let out = shiftops(&["doctor", "--config", path]);
    assert_eq!(out.status.code(), Some(3));
    let out = shiftops(&["demo", "--config", path]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the console's code is unchanged"
    );
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

/// A usage error: the flag named on stderr, nothing run, and exit 3 (UNKNOWN) for `check` and
/// `doctor`, which monitors run, 2 for the other commands (see docs/check.md).
fn assert_refused(args: &[&str], flag: &str) {
    let out = shiftops(args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let code = if args.contains(&"check") || args.contains(&"doctor") {
        3
    } else {
        2
    };
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
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
    assert_eq!(out.status.code(), Some(3));
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

#[test]
fn the_elt_finding_says_the_cause_in_every_format_and_language() {
    // The dbt failure's error is only a name (DbtRunFailed); its cause names the broken model.
    let (json, _) = check_json("dbt-failure");
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "elt_failed")
        .and_then(|f| f["message"].as_str())
        .unwrap()
        .to_string();
    assert!(message.contains("DbtRunFailed (cause: "), "{message}");
    assert!(message.contains("fct_daily_orders"), "{message}");
    for format in ["text", "markdown", "nagios", "slack"] {
        let (out, _) = check_demo("dbt-failure", &["--format", format]);
        assert!(
            out.contains("DbtRunFailed (cause: Finished running"),
            "{format}: {out}"
        );
        assert!(
            !out.contains('\u{1b}'),
            "{format}: one sanitiser, no raw escape"
        );
    }
    let (out, _) = check_demo("dbt-failure", &["--lang", "ja"]);
    assert!(out.contains("DbtRunFailed(原因: "), "{out}");
}

fn check_demo(scenario: &str, extra: &[&str]) -> (String, i32) {
    let mut args = vec!["check", "--demo", "--scenario", scenario, "--at", AT];
    args.extend_from_slice(extra);
    let out = shiftops(&args);
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().expect("exit code"),
    )
}

/// A performance figure: its label, its value (`None` for `U`) and its warn, crit, min, max.
type Perf = (String, Option<f64>, Vec<Option<f64>>);

/// One Nagios performance figure, `'label'=value[UOM];[warn];[crit];[min];[max]`, checked as the
/// plugin guidelines define it: the value a number or `U`, the others numbers or empty.
fn parse_perf(figure: &str) -> Perf {
    let (label, rest) = figure.split_once('=').unwrap_or_else(|| panic!("{figure}"));
    assert!(
        !label.is_empty() && !label.contains([' ', '\'', '=']),
        "{figure}"
    );
    let mut fields = rest.split(';');
    let value = fields.next().unwrap();
    let number = |text: &str| -> Option<f64> {
        assert!(
            text.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-'),
            "{figure}: {text}"
        );
        (!text.is_empty()).then(|| text.parse().unwrap())
    };
    let value = if value == "U" {
        None
    } else {
        let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
        assert!(
            ["", "s", "%"].contains(&&value[digits.len()..]),
            "unit of {figure}"
        );
        Some(number(digits).unwrap_or_else(|| panic!("{figure}")))
    };
    let rest: Vec<Option<f64>> = fields.map(number).collect();
    assert!((2..=4).contains(&rest.len()), "{figure}");
    (label.to_string(), value, rest)
}

/// The line, its status word and text, and its performance figures by label.
fn parse_nagios(output: &str) -> (String, String, Vec<Perf>) {
    assert!(
        output.ends_with('\n') && output.lines().count() == 1,
        "one line: {output:?}"
    );
    let (text, perf) = output
        .trim_end()
        .split_once(" | ")
        .unwrap_or_else(|| panic!("no perfdata: {output}"));
    assert!(!text.contains('|'), "{text}");
    let (status, summary) = text
        .strip_prefix("SHIFTOPS ")
        .and_then(|t| t.split_once(" - "))
        .unwrap_or_else(|| panic!("{text}"));
    let (counts, _) = summary.split_once(": ").unwrap();
    let words: Vec<&str> = counts.split(' ').collect();
    assert!(
        words.len() == 4
            && words[0].parse::<usize>().is_ok()
            && words[1] == "critical,"
            && words[2].parse::<usize>().is_ok()
            && words[3] == "warning",
        "{counts}"
    );
    let figures = perf.split(' ').map(parse_perf).collect();
    (status.to_string(), summary.to_string(), figures)
}

fn figure(figures: &[Perf], label: &str) -> (Option<f64>, Vec<Option<f64>>) {
    let (_, value, rest) = figures
        .iter()
        .find(|(l, ..)| l == label)
        .unwrap_or_else(|| panic!("no {label}"));
    (*value, rest.clone())
}

#[test]
fn nagios_is_one_line_with_the_status_and_performance_data() {
    for (scenario, status, code) in [
        ("healthy", "OK", 0),
        ("wlm-saturation", "WARNING", 1),
        ("query-failure", "WARNING", 1),
        ("storage-high", "CRITICAL", 2),
        ("copy-error", "CRITICAL", 2),
    ] {
        let (out, exit) = check_demo(scenario, &["--format", "nagios"]);
        assert_eq!(exit, code, "{scenario}: {out}");
        let (word, summary, figures) = parse_nagios(&out);
        assert_eq!(word, status, "{scenario}: {out}");
        assert_eq!(figure(&figures, "tenants").0, Some(3.0), "{out}");
        for label in ["critical", "warning", "unknown", "problem_tenants"] {
            assert!(figure(&figures, label).0.is_some(), "{label}: {out}");
        }
        // Storage with the marks in force and its range.
        let (storage, marks) = figure(&figures, "storage_pct");
        assert!(storage.is_some(), "{out}");
        assert_eq!(marks, [Some(80.0), Some(90.0), Some(0.0), Some(100.0)]);
        assert_eq!(figure(&figures, "query_failure_pct").1[0], Some(5.0));
        assert_eq!(
            figure(&figures, "max_lag").1[..2],
            [Some(900.0), Some(3600.0)]
        );
        if scenario == "healthy" {
            assert!(summary.starts_with("0 critical, 0 warning: "), "{out}");
        }
        if scenario == "storage-high" {
            assert!(storage.unwrap() > 90.0, "{out}");
            assert!(summary.contains("storage"), "{out}");
        }
    }
    // The thresholds in force are the marks.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let config = dir.join("nagios-thresholds.toml");
    std::fs::write(
        &config,
        "[thresholds]\nstorage_warning_percent = 70\nstorage_critical_percent = 85\n",
    )
    .unwrap();
    let (out, _) = check_demo(
        "healthy",
        &["--config", config.to_str().unwrap(), "--format", "nagios"],
    );
    let (_, _, figures) = parse_nagios(&out);
    assert_eq!(
        figure(&figures, "storage_pct").1[..2],
        [Some(70.0), Some(85.0)]
    );
    // Japanese messages, the status word and the counts' words as the guidelines have them.
    let (out, exit) = check_demo("copy-error", &["--format", "nagios", "--lang", "ja"]);
    assert_eq!(exit, 2);
    let (word, summary, _) = parse_nagios(&out);
    assert_eq!(word, "CRITICAL");
    assert!(summary.contains("テナントのデータに影響"), "{out}");
}

/// Every text of a Block Kit message, with its kind.
fn slack_texts(block: &Value) -> Vec<(&'static str, &str)> {
    let mut texts = Vec::new();
    if let Some(text) = block["text"]["text"].as_str() {
        texts.push((
            if block["type"] == "header" {
                "header"
            } else {
                "text"
            },
            text,
        ));
    }
    for field in block["fields"].as_array().into_iter().flatten() {
        texts.push(("field", field["text"].as_str().unwrap()));
    }
    for element in block["elements"].as_array().into_iter().flatten() {
        texts.push(("context", element["text"].as_str().unwrap()));
    }
    texts
}

/// Slack's limits (see src/report/slack.rs for where they are written).
fn assert_valid_slack_message(message: &Value) {
    let fallback = message["text"].as_str().expect("a fallback text");
    assert!(!fallback.is_empty() && fallback.chars().count() <= 40_000);
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(
        !blocks.is_empty() && blocks.len() <= 50,
        "{} blocks",
        blocks.len()
    );
    let mut all = 0;
    for block in blocks {
        let kind = block["type"].as_str().unwrap();
        assert!(
            ["header", "section", "context", "divider"].contains(&kind),
            "{block}"
        );
        if let Some(fields) = block["fields"].as_array() {
            assert!(fields.len() <= 10, "{block}");
        }
        for (what, text) in slack_texts(block) {
            let n = text.chars().count();
            all += n;
            let max = match what {
                "header" => 150,
                "field" => 2000,
                _ => 3000,
            };
            assert!(n > 0 && n <= max, "{what} of {n} characters: {block}");
            assert!(
                !text.chars().any(char::is_control) || what != "header",
                "{block}"
            );
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "a control character: {block}"
            );
        }
    }
    assert!(all <= 12_000, "{all} characters in all blocks");
}

#[test]
fn slack_is_one_valid_message_even_for_a_thousand_tenants() {
    let (out, exit) = check_demo("copy-error", &["--tenants", "1000", "--format", "slack"]);
    assert_eq!(exit, 2);
    let message: Value = serde_json::from_str(&out).expect("JSON");
    assert_valid_slack_message(&message);
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert!(
        blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("CRITICAL")
    );
    let texts: Vec<&str> = blocks
        .iter()
        .flat_map(slack_texts)
        .map(|(_, t)| t)
        .collect();
    let all = texts.join("\n");
    assert!(
        all.contains("1000: 1000 critical"),
        "the fleet's status: {all}"
    );
    // Worst first, each finding with its runbook.
    let first_finding = texts
        .iter()
        .position(|t| t.contains("`elt_failed`"))
        .unwrap();
    let copy_errors = texts
        .iter()
        .position(|t| t.contains("`copy_errors`"))
        .unwrap();
    assert!(first_finding < copy_errors);
    assert!(
        texts[copy_errors].contains("Runbook: `copy-error`"),
        "{}",
        texts[copy_errors]
    );
    assert!(all.contains("tenant_0004"), "problem tenants listed: {all}");
    assert!(
        all.contains("more tenant(s) not ok"),
        "what did not fit is counted: {all}"
    );
    assert!(message["text"].as_str().unwrap().contains("4 critical"));

    // A healthy fleet: no problem tenant listed, and Japanese.
    let (out, exit) = check_demo("healthy", &["--format", "slack", "--lang", "ja"]);
    assert_eq!(exit, 0);
    let message: Value = serde_json::from_str(&out).unwrap();
    assert_valid_slack_message(&message);
    let all: Vec<&str> = message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(slack_texts)
        .map(|(_, t)| t)
        .collect();
    let all = all.join("\n");
    assert!(all.contains("全 3 テナントが正常です。"), "{all}");
    assert!(!all.contains("tenant_a"), "{all}");
}

#[test]
fn only_problems_leaves_ok_tenants_out_of_every_format() {
    // storage-high: a fleet finding that holds no tenant back, so every tenant is ok.
    let (json, _) = check_demo("storage-high", &["--format", "json", "--only-problems"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["tenants"].as_array().unwrap().len(), 0);
    assert!(
        !json["findings"].as_array().unwrap().is_empty(),
        "findings stay"
    );
    for key in ["generated_at", "status", "sources", "lang", "api_calls"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    // integration-needs-attention: tenant_a has a finding, the others are ok.
    let scenario = "integration-needs-attention";
    let (full, _) = check_demo(scenario, &["--format", "json"]);
    let full: Value = serde_json::from_str(&full).unwrap();
    let problems: Vec<&str> = full["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "ok")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(!problems.is_empty() && problems.len() < 3, "{problems:?}");
    let (trimmed, _) = check_demo(scenario, &["--format", "json", "--only-problems"]);
    let trimmed: Value = serde_json::from_str(&trimmed).unwrap();
    let names: Vec<&str> = trimmed["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, problems);
    let ok: Vec<&str> = ["tenant_a", "tenant_b", "tenant_c"]
        .into_iter()
        .filter(|t| !problems.contains(t))
        .collect();
    let (markdown, _) = check_demo(scenario, &["--format", "markdown", "--only-problems"]);
    assert!(markdown.contains("| Tenant | Status |"), "{markdown}");
    assert!(
        markdown.contains("tenants: 3") || markdown.contains("**Tenants:** 3 "),
        "{markdown}"
    );
    assert!(markdown.contains("left out"), "{markdown}");
    for name in &ok {
        assert!(
            !markdown.contains(&format!("| {name} |")),
            "{name}: {markdown}"
        );
    }
    for name in &problems {
        assert!(
            markdown.contains(&format!("| {name} |")),
            "{name}: {markdown}"
        );
    }
    let (full_md, _) = check_demo(scenario, &["--format", "markdown"]);
    for name in &ok {
        assert!(
            full_md.contains(&format!("| {name} |")),
            "{name}: {full_md}"
        );
    }
    let (text, _) = check_demo(scenario, &["--only-problems"]);
    assert!(
        text.contains("tenants: 3 ("),
        "the counts cover the fleet: {text}"
    );
}

/// Monitors run `check` (and `doctor`): whatever they cannot run is UNKNOWN (3), never the
/// CRITICAL a Nagios-style monitor reads in clap's 2. Help and version still exit 0.
#[test]
fn usage_errors_of_check_and_doctor_exit_3() {
    for args in [
        &["check", "--bogus"][..],
        &["check", "--format", "nope"][..],
        &["check", "--demo", "--tenants", "0"][..],
        &["doctor", "--format", "nagios"][..],
        &["--lang", "ja", "check"][..],
    ] {
        let out = shiftops(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // doctor without a config: nothing to check, so UNKNOWN too.
    let out = shiftops(&["doctor"]);
    assert_eq!(out.status.code(), Some(3));
    for args in [
        &["check", "--help"][..],
        &["doctor", "--help"][..],
        &["--version"][..],
    ] {
        assert_eq!(shiftops(args).status.code(), Some(0), "{args:?}");
    }
    // Other commands keep clap's code.
    assert_eq!(shiftops(&["demo", "--bogus"]).status.code(), Some(2));
    assert_eq!(shiftops(&["--bogus"]).status.code(), Some(2));
}
