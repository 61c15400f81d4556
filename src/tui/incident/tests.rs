//! The incident record alone: findings and alarms observed, actions recorded, the Markdown read.

use chrono::TimeZone;

use super::*;
use crate::health::{Severity, Status};
use crate::model::{
    ActionOutcome, Alarm, AlarmKind, EltRun, EltStatus, ExportStatus, ExportTask, LoadError,
};

fn at(hour: u32, minute: u32) -> Time {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 21, hour, minute, 0)
        .unwrap()
}

fn finding(tenant: Option<&str>, check: CheckId, severity: Severity, detail: Detail) -> Finding {
    Finding::new(tenant, check, severity, detail)
}

/// A finding whose data says when it began (as the health rules date it).
fn dated(mut finding: Finding, since: Time) -> Finding {
    finding.since = Some(since);
    finding
}

fn copy_errors(count: u64) -> Finding {
    finding(
        Some("tenant_b"),
        CheckId::CopyErrors,
        Severity::Critical,
        Detail::CopyErrors { count },
    )
}

fn elt_failed() -> Finding {
    finding(
        Some("tenant_b"),
        CheckId::EltFailed,
        Severity::Critical,
        Detail::EltFailed {
            run: "daily-elt-20261121".into(),
            status: "failed".into(),
            step: Some("dbt run".into()),
            error: Some("DbtRunFailed".into()),
            cause: None,
        },
    )
}

fn integration_failed() -> Finding {
    finding(
        Some("tenant_a"),
        CheckId::IntegrationStatus,
        Severity::Critical,
        Detail::IntegrationStatus {
            integration: "tenant_a-integration".into(),
            status: "failed".into(),
            error: None,
        },
    )
}

fn storage(percent: f64, severity: Severity, threshold: f64) -> Finding {
    finding(
        None,
        CheckId::Storage,
        severity,
        Detail::Storage { percent, threshold },
    )
}

fn alarm_finding() -> Finding {
    finding(
        Some("tenant_b"),
        CheckId::Alarm,
        Severity::Critical,
        Detail::Alarm {
            name: "Alert-COPY-Error".into(),
            reason: "Threshold Crossed".into(),
        },
    )
}

fn alarm(state: AlarmState, since: Time) -> Alarm {
    Alarm {
        name: "Alert-COPY-Error".into(),
        arn: None,
        kind: AlarmKind::Metric,
        state,
        reason: "Threshold Crossed".into(),
        since,
        tenant: Some("tenant_b".into()),
        metric: None,
        threshold: None,
    }
}

fn load_error(time: Time) -> LoadError {
    LoadError {
        tenant: "tenant_b".into(),
        table: "orders".into(),
        file: "s3://b/orders/part-0003.parquet".into(),
        line: 3,
        column: "amount".into(),
        reason: "Invalid digit".into(),
        time,
    }
}

fn run(status: EltStatus, started: Time, stopped: Time) -> EltRun {
    EltRun {
        execution_arn: "arn:aws:states:us-east-1:1:execution:elt:daily-elt-20261121".into(),
        name: "daily-elt-20261121".into(),
        status,
        started_at: started,
        stopped_at: Some(stopped),
        failed_step: Some("dbt run".into()),
        failed_tenant: Some("tenant_b".into()),
        error: Some("DbtRunFailed".into()),
        cause: Some(
            "Database Error in model fct_daily_orders (models/marts/fct_daily_orders.sql)".into(),
        ),
        redrive_count: 0,
        current_step: None,
        redriven_at: None,
    }
}

/// What the console knows at a moment: the data and its health.
struct World {
    snapshot: Snapshot,
    health: Health,
}

impl World {
    fn new(findings: Vec<Finding>) -> World {
        let status = findings
            .iter()
            .map(|f| Status::from(f.severity))
            .max()
            .unwrap_or(Status::Ok);
        World {
            snapshot: Snapshot::new(Vec::new()),
            health: Health {
                findings,
                tenant_status: Default::default(),
                status,
            },
        }
    }

    fn facts(&self, now: Time, lang: Lang) -> Facts<'_> {
        Facts {
            title: "copy-error",
            now,
            snapshot: &self.snapshot,
            health: &self.health,
            lang,
        }
    }
}

/// The lines of the record's section `title`, up to the next section.
fn section<'a>(markdown: &'a str, title: &str) -> Vec<&'a str> {
    markdown
        .lines()
        .skip_while(|l| *l != format!("## {title}"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .collect()
}

/// The timeline's rows, in the order the record lists them.
fn rows(markdown: &str) -> Vec<&str> {
    section(markdown, "Timeline")
        .into_iter()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Time"))
        .collect()
}

#[test]
fn the_record_begins_at_the_first_alarm_transition_not_when_the_console_started() {
    let mut world = World::new(vec![alarm_finding()]);
    world.snapshot.alarms = vec![alarm(AlarmState::Alarm, at(5, 12))];
    let mut incident = Incident::default();
    incident.note(at(6, 0), "console started".into());
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(
        markdown.contains("- **From:** 2026-11-21 05:12 UTC\n"),
        "{markdown}"
    );
    assert!(
        rows(&markdown)[0].starts_with("| 11-21 05:12:00 | alarm Alert-COPY-Error in ALARM |"),
        "{markdown}"
    );
    assert_eq!(incident.opened(), Some(at(5, 12)));
}

#[test]
fn an_alarm_without_a_time_from_aws_is_placed_when_seen_and_marked() {
    let mut world = World::new(vec![alarm_finding()]);
    world.snapshot.alarms = vec![alarm(AlarmState::Alarm, Time::UNIX_EPOCH)];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(
        markdown.contains("- **From:** 2026-11-21 06:00 UTC"),
        "{markdown}"
    );
    assert!(
        rows(&markdown)[0].starts_with("| 11-21 06:00:00* |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\\* When the console first saw it"),
        "{markdown}"
    );
}

#[test]
fn entries_are_sorted_by_when_they_happened_per_aws() {
    let mut world = World::new(vec![
        dated(elt_failed(), at(5, 40)),
        dated(copy_errors(4), at(5, 10)),
        dated(alarm_finding(), at(5, 12)),
    ]);
    world.snapshot.elt_runs = vec![run(EltStatus::Failed, at(5, 0), at(5, 40))];
    world.snapshot.warehouse.load_errors = vec![load_error(at(5, 20)), load_error(at(5, 10))];
    world.snapshot.alarms = vec![alarm(AlarmState::Alarm, at(5, 12))];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    incident.note(at(5, 50), "paged the data team".into());
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    let times: Vec<&str> = rows(&markdown).iter().map(|r| &r[2..16]).collect();
    assert_eq!(
        times,
        [
            "11-21 05:10:00",
            "11-21 05:12:00",
            "11-21 05:40:00",
            "11-21 05:50:00"
        ],
        "{markdown}"
    );
    assert!(
        rows(&markdown)[0].contains("critical `copy_errors` (tenant_b)"),
        "the first COPY error: {markdown}"
    );
    assert!(
        rows(&markdown)[2].contains("`elt_failed`"),
        "the run's stop: {markdown}"
    );
    assert!(
        rows(&markdown).iter().all(|r| !r.contains('*')),
        "every time is AWS's: {markdown}"
    );
    assert!(!markdown.contains("first saw it"), "{markdown}");
}

#[test]
fn a_finding_the_data_gives_no_time_for_is_placed_when_first_seen_and_marked() {
    let world = World::new(vec![integration_failed()]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(
        rows(&markdown)[0]
            .starts_with("| 11-21 06:00:00* | critical `integration_status` (tenant_a) |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("first seen 2026-11-21 06:00 UTC"),
        "{markdown}"
    );
}

#[test]
fn cleared_entries_say_cleared_and_never_repeat_the_raised_text() {
    let mut world = World::new(vec![copy_errors(4), alarm_finding()]);
    world.snapshot.warehouse.load_errors = vec![load_error(at(5, 10))];
    world.snapshot.alarms = vec![alarm(AlarmState::Alarm, at(5, 12))];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let mut fixed = World::new(Vec::new());
    fixed.snapshot.alarms = vec![alarm(AlarmState::Ok, at(6, 25))];
    incident.observe(&fixed.health, &fixed.snapshot, at(6, 30));
    for (lang, cleared, back) in [
        (
            Lang::En,
            "| 11-21 06:30:00 | cleared: COPY errors of tenant_b |",
            "| 11-21 06:25:00 | alarm Alert-COPY-Error back to OK |",
        ),
        (
            Lang::Ja,
            "| 11-21 06:30:00 | 解消: tenant_b の COPY エラー |",
            "| 11-21 06:25:00 | アラーム Alert-COPY-Error が OK に戻りました |",
        ),
    ] {
        let markdown = incident.markdown(&fixed.facts(at(6, 40), lang));
        let row = markdown
            .lines()
            .find(|l| l.starts_with(cleared))
            .unwrap_or_else(|| panic!("{markdown}"));
        assert!(!row.contains("error(s)") && !row.contains("件"), "{row}");
        assert!(markdown.contains(back), "{markdown}");
        assert!(!markdown.contains("is in ALARM"), "{markdown}");
    }
    assert_eq!(incident.open_findings(), 0);
}

#[test]
fn a_tenant_whose_data_cannot_be_read_is_not_cleared() {
    let world = World::new(vec![copy_errors(4)]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let mut unreadable = World::new(Vec::new());
    unreadable
        .snapshot
        .tenant_errors
        .insert("tenant_b".into(), "AccessDenied".into());
    incident.observe(&unreadable.health, &unreadable.snapshot, at(6, 10));
    assert_eq!(incident.open_findings(), 1);
    let markdown = incident.markdown(&unreadable.facts(at(6, 30), Lang::En));
    assert!(!markdown.contains("cleared"), "{markdown}");
}

#[test]
fn a_growing_count_is_the_same_finding_and_a_worse_severity_is_recorded() {
    let mut world = World::new(vec![copy_errors(4), storage(82.0, Severity::Warning, 80.0)]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    world.health.findings = vec![copy_errors(9), storage(93.0, Severity::Critical, 90.0)];
    incident.observe(&world.health, &world.snapshot, at(6, 10));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    let rows = rows(&markdown);
    assert_eq!(rows.len(), 3, "{markdown}");
    assert!(rows[2].contains("critical `storage` (fleet)"), "{markdown}");
    assert!(
        markdown.contains("9 COPY error(s)"),
        "the summary says the count last seen: {markdown}"
    );
}

#[test]
fn an_export_failure_begins_when_its_task_ended() {
    let mut world = World::new(vec![dated(
        finding(
            Some("tenant_b"),
            CheckId::ExportTask,
            Severity::Critical,
            Detail::ExportFailed {
                id: "tenant-b-export-1".into(),
                cause: Some("KMS key access denied".into()),
            },
        ),
        at(3, 17),
    )]);
    world.snapshot.rds.exports = vec![ExportTask {
        tenant: "tenant_b".into(),
        id: "tenant-b-export-1".into(),
        snapshot: "s".into(),
        status: ExportStatus::Failed,
        percent_progress: 0,
        started_at: Some(at(3, 0)),
        finished_at: Some(at(3, 17)),
        failure_cause: Some("KMS key access denied".into()),
    }];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(
        markdown.contains("- **From:** 2026-11-21 03:17 UTC"),
        "{markdown}"
    );
    assert!(markdown.contains("KMS key grant"), "{markdown}");
    assert!(
        markdown.contains("as of the last completed export (—)"),
        "{markdown}"
    );
}

fn started(audit_id: &str, action: &str) -> Event {
    Event::ActionStarted {
        action: action.into(),
        target: "execution daily-elt-20261121".into(),
        calls: vec!["states:RedriveExecution executionArn=arn:…".into()],
        audit_id: audit_id.into(),
        caller: "arn:aws:sts::111111111111:assumed-role/OnCall/alice".into(),
    }
}

fn finished(audit_id: &str, action: &str, outcome: ActionOutcome) -> Event {
    Event::ActionFinished {
        action: action.into(),
        target: "execution daily-elt-20261121".into(),
        outcome,
        summary: "redriven".into(),
        recorded: true,
        audit_id: Some(audit_id.into()),
    }
}

#[test]
fn actions_that_ran_have_their_audit_id_and_outcome_and_refusals_are_apart() {
    let world = World::new(vec![elt_failed()]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    incident.record(
        at(6, 5),
        Event::ActionRefused {
            action: "pause_adhoc".into(),
            target: "WLM queue adhoc".into(),
            reason: Said::new(
                "this console is read-only for actions",
                "このコンソールは操作について読み取り専用です",
            ),
        },
    );
    incident.record(at(6, 10), started("a-1", "rerun_elt"));
    incident.record(
        at(6, 11),
        finished("a-1", "rerun_elt", ActionOutcome::Succeeded),
    );
    incident.record(at(6, 20), started("a-2", "vacuum"));
    incident.record(at(6, 21), finished("a-2", "vacuum", ActionOutcome::Unknown));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));

    let taken = section(&markdown, "Actions taken").join("\n");
    assert!(
        taken
            .contains("### 11-21 06:10:00 `rerun_elt` on execution daily-elt-20261121 — succeeded"),
        "{taken}"
    );
    assert!(taken.contains("- **Audit id:** `a-1`"), "{taken}");
    assert!(
        taken.contains("- **Outcome:** succeeded 06:11:00: redriven"),
        "{taken}"
    );
    assert!(taken.contains("`vacuum`") && taken.contains("outcome unknown — verify"));
    assert!(taken.contains("states:RedriveExecution"), "{taken}");
    assert!(
        !taken.contains("pause_adhoc"),
        "a refusal is no action taken: {taken}"
    );

    let refused = section(&markdown, "Refused by the console (not run)").join("\n");
    assert!(
        refused.contains(
            "- 11-21 06:05:00 `pause_adhoc` on WLM queue adhoc: this console is read-only for actions"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("- **Operator:** `arn:aws:sts::111111111111:assumed-role/OnCall/alice`"),
        "{markdown}"
    );
    let follow_ups = section(&markdown, "Follow-ups").join("\n");
    assert!(
        follow_ups.contains(
            "- [ ] Verify in AWS what `vacuum` on execution daily-elt-20261121 did (audit id a-2)"
        ),
        "{follow_ups}"
    );
    assert!(!follow_ups.contains("a-1"), "{follow_ups}");
}

#[test]
fn without_an_action_there_is_no_operator_and_no_actions_section() {
    let world = World::new(vec![copy_errors(4)]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(markdown.contains("- **Operator:** —\n"), "{markdown}");
    assert!(!markdown.contains("## Actions taken"), "{markdown}");
    assert!(!markdown.contains("## Refused"), "{markdown}");
}

#[test]
fn summary_impact_and_follow_ups_are_about_this_incident() {
    let mut world = World::new(vec![
        dated(copy_errors(4), at(5, 10)),
        dated(elt_failed(), at(5, 40)),
        storage(87.0, Severity::Warning, 80.0),
    ]);
    world.snapshot.warehouse.load_errors = vec![load_error(at(5, 10))];
    world.snapshot.elt_runs = vec![
        run(EltStatus::Failed, at(5, 0), at(5, 40)),
        EltRun {
            name: "daily-elt-20261120".into(),
            status: EltStatus::Succeeded,
            failed_step: None,
            ..run(EltStatus::Succeeded, at(0, 0), at(1, 30))
        },
    ];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));

    let summary = section(&markdown, "Summary").join("\n");
    assert!(
        summary.contains(
            "Critical: 4 COPY error(s) not fixed by a reload (last 24 h) (tenant_b, since 2026-11-21 05:10 UTC); also ELT run daily-elt-20261121 failed at dbt run"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("3 finding(s) in all, on tenant_b; 3 still found at export."),
        "{summary}"
    );
    let impact = section(&markdown, "Impact").join("\n");
    assert!(
        impact.contains("- **Tenants affected:** tenant_b"),
        "{impact}"
    );
    assert!(
        impact.contains("marts not refreshed since 2026-11-21 01:30 UTC (last successful ELT)"),
        "{impact}"
    );
    assert!(impact.contains("rows not loaded into orders"), "{impact}");
    let follow_ups = section(&markdown, "Follow-ups").join("\n");
    for item in [
        "- [ ] Fix tenant_b's Parquet export, or add a schema check before its COPY (orders)",
        "- [ ] Fix the dbt model fct_daily_orders and add a test for it (run daily-elt-20261121)",
        "- [ ] Decide: archive old data to Spectrum, or resize (storage reached 87.0 %)",
        "- [ ] Share the DQ results and the error summary",
    ] {
        assert!(follow_ups.contains(item), "{item}: {follow_ups}");
    }
    assert!(
        markdown
            .contains("- **Status at export:** open — fleet critical, 3 finding(s) still found"),
        "{markdown}"
    );
}

#[test]
fn a_japanese_console_writes_a_japanese_record() {
    let mut world = World::new(vec![
        dated(copy_errors(4), at(5, 10)),
        dated(alarm_finding(), at(5, 12)),
    ]);
    world.snapshot.warehouse.load_errors = vec![load_error(at(5, 10))];
    world.snapshot.alarms = vec![alarm(AlarmState::Alarm, at(5, 12))];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::Ja));
    for text in [
        "# インシデント記録: copy-error",
        "- **開始:** 2026-11-21 05:10 UTC",
        "## 概要",
        "重大: 再ロードで解消していない COPY エラーが 4 件(直近 24 時間)(tenant_b、2026-11-21 05:10 UTC から)",
        "## 影響",
        "| 時刻(UTC) | 内容 | 詳細 |",
        "重大 `copy_errors` (tenant_b) | 再ロードで解消していない COPY エラーが 4 件(直近 24 時間) |",
        "アラーム Alert-COPY-Error が ALARM",
        "## 事後対応",
        "- [ ] tenant_b の Parquet 出力を修正するか、COPY 前のスキーマチェックを追加(テーブル: orders)",
        "- [ ] DQ 結果およびエラーサマリを共有",
    ] {
        assert!(markdown.contains(text), "{text}: {markdown}");
    }
    for english in [
        "COPY error(s)",
        "Incident record",
        "Summary",
        "critical",
        "since",
    ] {
        assert!(!markdown.contains(english), "{english}: {markdown}");
    }
}

#[test]
fn resolve_records_its_time_and_a_new_finding_reopens_the_incident() {
    let world = World::new(vec![copy_errors(4)]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    assert_eq!(
        incident.resolve(at(6, 40), Some("re-uploaded part-0003".into())),
        Ok(())
    );
    assert_eq!(incident.resolve(at(6, 45), None), Err(at(6, 40)));
    // What was open at the resolution staying open does not reopen it.
    incident.observe(&world.health, &world.snapshot, at(6, 50));
    let markdown = incident.markdown(&world.facts(at(6, 55), Lang::En));
    assert!(
        markdown.contains("- **Resolved:** 2026-11-21 06:40 UTC — re-uploaded part-0003"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "- **Status at export:** resolved at 2026-11-21 06:40 UTC — fleet critical now"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("| 11-21 06:40:00 | incident resolved | re-uploaded part-0003 |"));

    let worse = World::new(vec![copy_errors(4), integration_failed()]);
    incident.observe(&worse.health, &worse.snapshot, at(7, 0));
    assert_eq!(incident.resolved(), None);
    let markdown = incident.markdown(&worse.facts(at(7, 5), Lang::En));
    assert!(markdown.contains("- **Resolved:** —"), "{markdown}");
    assert!(
        markdown.contains("| 11-21 07:00:00 | incident reopened | new finding after the resolution at 06:40 UTC: zero-ETL integration status (tenant_a-integration) of tenant_a |"),
        "{markdown}"
    );
}

#[test]
fn export_asks_before_overwriting_and_export_bang_overwrites_what_it_found() {
    let mut incident = Incident::default();
    let (path, overwrite) = incident.export_to("", false, at(6, 30));
    assert_eq!(path, PathBuf::from("incident-20261121-0630.md"));
    assert!(!overwrite, "a plain :export never overwrites");

    let message = incident.on_exported(Err(ExportError::Exists(path.clone())), Lang::En);
    assert!(message.is_error);
    assert_eq!(
        message.text,
        "incident-20261121-0630.md exists — :export! incident-20261121-0630.md overwrites it (nothing written)"
    );
    // A minute later the default name has changed; `:export!` overwrites the file it was asked about.
    assert_eq!(incident.export_to("", true, at(6, 31)), (path, true));
    // Asked once: the next `:export!` alone is about the default name again.
    assert_eq!(
        incident.export_to("", true, at(6, 32)),
        (PathBuf::from("incident-20261121-0632.md"), true)
    );

    let (path, overwrite) = incident.export_to(" record.md ", false, at(6, 33));
    assert_eq!((path.to_str(), overwrite), (Some("record.md"), false));
    let message = incident.on_exported(Err(ExportError::Exists(path)), Lang::Ja);
    assert!(
        message.text.contains(":export! record.md で上書き"),
        "{}",
        message.text
    );
    let written = incident.on_exported(Ok(PathBuf::from("record.md")), Lang::En);
    assert_eq!(
        (written.text.as_str(), written.is_error),
        ("incident record written to record.md", false)
    );
}

#[test]
fn resolve_says_what_is_still_found_and_when_it_already_was() {
    let world = World::new(vec![copy_errors(4)]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let message = incident.command_resolve(at(6, 40), String::new(), Lang::En);
    assert_eq!(
        message.text,
        "incident resolved at 06:40 UTC — 1 finding(s) still found; a new finding reopens it"
    );
    assert_eq!(incident.resolved().unwrap().note, None);
    let again = incident.command_resolve(at(6, 50), "x".into(), Lang::Ja);
    assert!(again.is_error);
    assert_eq!(again.text, "06:40 UTC に解決済みです。追記は :note で");
}

#[test]
fn a_finding_back_after_it_cleared_is_not_dated_before_it_cleared() {
    let mut world = World::new(vec![dated(copy_errors(4), at(5, 10))]);
    world.snapshot.warehouse.load_errors = vec![load_error(at(5, 10))];
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let cleared = World::new(Vec::new());
    incident.observe(&cleared.health, &cleared.snapshot, at(6, 30));
    incident.observe(&world.health, &world.snapshot, at(6, 40));
    let markdown = incident.markdown(&world.facts(at(6, 50), Lang::En));
    let rows = rows(&markdown);
    assert_eq!(rows.len(), 3, "{markdown}");
    assert!(
        rows[0].starts_with("| 11-21 05:10:00 | critical"),
        "{markdown}"
    );
    assert!(
        rows[1].starts_with("| 11-21 06:30:00 | cleared:"),
        "{markdown}"
    );
    assert!(
        rows[2].starts_with("| 11-21 06:40:00* | critical"),
        "{markdown}"
    );
    assert!(
        markdown.contains("(tenant_b, since 2026-11-21 05:10 UTC)"),
        "the summary says when it first began: {markdown}"
    );
}

#[test]
fn the_impact_names_the_tenants_a_failed_run_holds_back() {
    let mut failed = dated(elt_failed(), at(5, 40));
    failed.affected = vec!["tenant_a".into(), "tenant_c".into()];
    let world = World::new(vec![failed]);
    let mut incident = Incident::default();
    incident.observe(&world.health, &world.snapshot, at(6, 0));
    let markdown = incident.markdown(&world.facts(at(6, 30), Lang::En));
    assert!(
        markdown.contains("- **Tenants affected:** tenant_a, tenant_b, tenant_c"),
        "{markdown}"
    );
}
