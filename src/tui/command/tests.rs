use chrono::TimeZone;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{EltRun, EltStatus, Ingest, RunningQuery, Tenant};

struct Facts {
    snapshot: Snapshot,
    runbooks: Vec<Runbook>,
}

impl Facts {
    /// Two Zero-ETL tenants and an export one, a failed and a running ELT run, two queries.
    fn new() -> Facts {
        let tenant = |name: &str, ingest: Ingest| Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "111111111111".into(),
            cluster_identifier: name.into(),
            ingest,
        };
        let zero_etl = || Ingest::ZeroEtl {
            integration: "i".into(),
        };
        let mut snapshot = Snapshot::new(vec![
            tenant("tenant_a", zero_etl()),
            tenant(
                "tenant_b",
                Ingest::Export {
                    bucket: "b".into(),
                    prefix: "p".into(),
                },
            ),
            tenant("tenant_c", zero_etl()),
        ]);
        let at = |hour| {
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
                .unwrap()
        };
        let run = |name: &str, status, hour| {
            EltRun::new(
                format!("arn:aws:states:us-east-1:1:execution:elt:{name}"),
                name.into(),
                status,
                at(hour),
            )
        };
        snapshot.elt_runs = vec![
            run("daily-0400", EltStatus::Failed, 4),
            run("daily-0500", EltStatus::Running, 5),
        ];
        let query = |pid| RunningQuery {
            pid,
            queue: "adhoc".into(),
            user: "learner_17".into(),
            state: "Running".into(),
            started_at: at(5),
            sql: "select 1".into(),
            sql_cut_at: None,
        };
        snapshot.warehouse.queries = vec![query(4711), query(4802)];
        let runbook = "id = \"copy-error\"\ntitle = \"COPY\"\nsummary = \"x\"\n\n\
[[steps]]\nphase = \"triage\"\ntitle = \"Look\"\ntext = \"x\"\nkind = \"note\"\n";
        let other = runbook.replace("copy-error", "storage-high");
        Facts {
            snapshot,
            runbooks: vec![
                crate::tui::runbook::parse("runbooks/copy-error.toml", runbook).unwrap(),
                crate::tui::runbook::parse("runbooks/storage-high.toml", &other).unwrap(),
            ],
        }
    }

    fn context(&self) -> Context<'_> {
        Context {
            snapshot: &self.snapshot,
            runbooks: &self.runbooks,
            lang: Lang::En,
        }
    }

    fn candidates(&self, line: &str) -> Vec<String> {
        complete(line, &self.context()).candidates
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The line after typing `text` after `:` and pressing these keys.
fn typed(facts: &Facts, text: &str, keys: &[KeyCode]) -> CommandLine {
    let mut line = CommandLine::default();
    line.open(Prompt::Command, String::new());
    let context = facts.context();
    for c in text.chars() {
        line.on_key(&context, key(KeyCode::Char(c)));
    }
    for code in keys {
        line.on_key(&context, key(*code));
    }
    line
}

#[test]
fn nothing_typed_offers_every_command() {
    let facts = Facts::new();
    let names: Vec<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(facts.candidates(""), names);
    assert_eq!(names.len(), COMMANDS.len());
    assert!(names.contains(&"start-export".to_string()));
    assert!(names.contains(&"verified".to_string()));
}

#[test]
fn a_prefix_offers_the_commands_it_starts() {
    let facts = Facts::new();
    assert_eq!(
        facts.candidates("re"),
        ["rerun", "resume-adhoc", "resync", "resolve", "refresh"]
    );
    assert_eq!(
        facts.candidates("st"),
        ["storage", "stop-elt", "start-export"]
    );
    assert!(facts.candidates("zz").is_empty());
}

#[test]
fn tenants_complete_for_every_command_that_takes_one_and_only_those_on_its_path() {
    let facts = Facts::new();
    assert_eq!(
        facts.candidates("tenant t"),
        ["tenant_a", "tenant_b", "tenant_c"]
    );
    assert_eq!(
        facts.candidates("t tenant_b"),
        ["tenant_b"],
        "short forms too"
    );
    assert_eq!(
        facts.candidates("vacuum "),
        ["tenant_a", "tenant_b", "tenant_c"]
    );
    assert_eq!(facts.candidates("analyze tenant_c"), ["tenant_c"]);
    assert_eq!(
        facts.candidates("resync "),
        ["tenant_a", "tenant_c", "all"],
        "resync is for Zero-ETL tenants, or all of the tenant in view"
    );
    assert_eq!(facts.candidates("resync tenant_a "), ["all"]);
    assert_eq!(facts.candidates("resync t"), ["tenant_a", "tenant_c"]);
    assert_eq!(
        facts.candidates("start-export "),
        ["tenant_b"],
        "exports are for export tenants"
    );
}

#[test]
fn runbooks_executions_pids_and_words_complete() {
    let facts = Facts::new();
    assert_eq!(facts.candidates("runbook "), ["copy-error", "storage-high"]);
    assert_eq!(facts.candidates("rb s"), ["storage-high"]);
    assert_eq!(
        facts.candidates("rerun "),
        ["daily-0500", "daily-0400"],
        "the newest first"
    );
    assert_eq!(
        facts.candidates("stop-elt "),
        ["daily-0500"],
        "only a running one"
    );
    assert_eq!(facts.candidates("cancel 48"), ["4802"]);
    assert_eq!(facts.candidates("pause-adhoc "), ["cancel"]);
}

#[test]
fn free_text_and_commands_without_arguments_complete_nothing() {
    let facts = Facts::new();
    assert!(facts.candidates("note tenant").is_empty());
    assert!(facts.candidates("resolve ").is_empty());
    assert!(facts.candidates("export ").is_empty());
    assert!(facts.candidates("refresh ").is_empty());
    assert!(
        facts.candidates("tenant tenant_a ").is_empty(),
        "one tenant only"
    );
    assert!(facts.candidates("bogus ").is_empty());
}

#[test]
fn tab_completes_the_common_prefix_then_goes_through_the_candidates() {
    let facts = Facts::new();
    // One candidate: completed, with a space when the command takes arguments.
    assert_eq!(typed(&facts, "vac", &[KeyCode::Tab]).input(), "vacuum ");
    assert_eq!(typed(&facts, "refr", &[KeyCode::Tab]).input(), "refresh");
    assert_eq!(
        typed(&facts, "start-export ", &[KeyCode::Tab]).input(),
        "start-export tenant_b"
    );
    assert_eq!(
        typed(&facts, "resync tenant_a", &[KeyCode::Tab]).input(),
        "resync tenant_a "
    );
    // Several: what they share; the next Tab shows them, the one after chooses the first.
    assert_eq!(typed(&facts, "stop-elt", &[]).input(), "stop-elt");
    assert_eq!(
        typed(&facts, "tenant t", &[KeyCode::Tab]).input(),
        "tenant tenant_"
    );
    let tab = KeyCode::Tab;
    assert_eq!(
        typed(&facts, "tenant t", &[tab, tab]).input(),
        "tenant tenant_"
    );
    let line = typed(&facts, "tenant t", &[tab, tab, tab]);
    assert_eq!(line.input(), "tenant tenant_a");
    let shown = line.shown(&facts.context());
    assert_eq!(shown.selected, Some(0));
    assert_eq!(shown.candidates, ["tenant_a", "tenant_b", "tenant_c"]);
    assert_eq!(shown.spec.map(|s| s.name), Some("tenant"));
    assert_eq!(
        typed(&facts, "tenant t", &[tab, tab, tab, tab]).input(),
        "tenant tenant_b"
    );
    assert_eq!(
        typed(&facts, "tenant t", &[tab, tab, tab, tab, tab, tab]).input(),
        "tenant tenant_a",
        "round again"
    );
    assert_eq!(
        typed(&facts, "tenant t", &[tab, tab, KeyCode::BackTab]).input(),
        "tenant tenant_c",
        "shift-tab goes backwards"
    );
    // Typing ends the round: the next Tab completes what is typed now.
    let mut line = typed(&facts, "tenant t", &[tab, tab, tab]);
    line.on_key(&facts.context(), key(KeyCode::Backspace));
    line.on_key(&facts.context(), key(KeyCode::Char('c')));
    line.on_key(&facts.context(), key(tab));
    assert_eq!(line.input(), "tenant tenant_c");
}

#[test]
fn tab_with_nothing_typed_goes_through_every_command_and_describes_it() {
    let facts = Facts::new();
    let tab = KeyCode::Tab;
    let line = typed(&facts, "", &[tab]);
    assert_eq!(line.input(), "");
    assert_eq!(
        line.shown(&facts.context()).candidates.len(),
        COMMANDS.len()
    );
    let line = typed(&facts, "", &[tab, tab, tab]);
    assert_eq!(line.input(), "alarms");
    let shown = line.shown(&facts.context());
    assert_eq!(shown.selected, Some(1));
    assert_eq!(shown.spec.map(|s| s.name), Some("alarms"));
}

#[test]
fn enter_runs_esc_and_ctrl_c_close_and_the_filter_does_not_complete() {
    let facts = Facts::new();
    let context = facts.context();
    let mut line = typed(&facts, "tenant tenant_a", &[]);
    assert_eq!(
        line.on_key(&context, key(KeyCode::Enter)),
        Reply::Run("tenant tenant_a".into())
    );
    let mut line = typed(&facts, "al", &[]);
    assert_eq!(line.on_key(&context, key(KeyCode::Esc)), Reply::Closed);
    let mut filter = CommandLine::default();
    filter.open(Prompt::Filter, "ten".into());
    assert_eq!(filter.on_key(&context, key(KeyCode::Tab)), Reply::Editing);
    assert_eq!(filter.input(), "ten");
    assert_eq!(
        filter.on_key(&context, key(KeyCode::Enter)),
        Reply::Filter("ten".into())
    );
}

#[test]
fn the_table_reads_names_short_forms_bangs_and_too_many_words() {
    let run = |line| table::parse(line).map(|i| (i.spec.name, i.forced, i.argument));
    assert_eq!(
        run("t  tenant_a "),
        Ok(("tenant", false, "tenant_a".into()))
    );
    assert_eq!(
        run("export! incident.md"),
        Ok(("export", true, "incident.md".into()))
    );
    assert_eq!(run("q!"), Ok(("quit", true, String::new())));
    assert_eq!(
        run("note two words"),
        Ok(("note", false, "two words".into()))
    );
    assert_eq!(run("alarms!"), Err(Refusal::Unknown("alarms!".into())));
    assert_eq!(run("   "), Err(Refusal::Empty));
    let too_many = table::parse("resume-adhoc now");
    assert!(matches!(too_many, Err(Refusal::TooManyWords(spec)) if spec.name == "resume-adhoc"));
    assert!(table::parse("resync tenant_a all").is_ok());
    assert!(matches!(
        table::parse("resync tenant_a all more"),
        Err(Refusal::TooManyWords(_))
    ));
}

#[test]
fn every_command_has_a_unique_name_and_speaks_japanese() {
    let mut words: Vec<&str> = Vec::new();
    for spec in COMMANDS {
        for word in std::iter::once(&spec.name).chain(spec.aliases) {
            assert!(!words.contains(word), ":{word} twice");
            words.push(word);
        }
        assert_ne!(spec.help(Lang::Ja), spec.help(Lang::En), ":{}", spec.name);
        assert!(spec.usage(Lang::Ja).starts_with(&format!(":{}", spec.name)));
    }
    let resync = table::find("resync").unwrap().0;
    assert_eq!(resync.usage(Lang::En), ":resync [TENANT|all] [all]");
    assert_eq!(resync.usage(Lang::Ja), ":resync [テナント|all] [all]");
}
