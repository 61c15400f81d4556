//! Every `:` command, once: its name and short forms, what each of its arguments is, what it
//! does and its help in both languages. Completion, `App::run_command`, the help overlay and the
//! key reference all read this table, so a command cannot exist without completing.

use crate::action::ActionKind;
use crate::i18n::Lang;
use crate::model::{Ingest, Tenant};
use crate::tui::action::View;
use crate::tui::recovery;

/// What one word of a command's arguments can be, for completion and usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A tenant's name, of the tenants this holds for.
    Tenant(Tenants),
    /// A runbook's id.
    Runbook,
    /// The name of an ELT execution, of the runs this holds for.
    Execution(Runs),
    /// The pid of a query running in the warehouse.
    Pid,
    /// This word, as it is.
    Word(&'static str),
    /// Free text to the end of the line (nothing to complete).
    Text,
    /// A file name to the end of the line (nothing to complete).
    File,
}

/// Which tenants an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenants {
    All,
    /// Those on the Zero-ETL path (a resync).
    ZeroEtl,
    /// Those on the snapshot export path (an export).
    Export,
}

impl Tenants {
    pub fn holds_for(self, tenant: &Tenant) -> bool {
        match self {
            Tenants::All => true,
            Tenants::ZeroEtl => matches!(tenant.ingest, Ingest::ZeroEtl { .. }),
            Tenants::Export => matches!(tenant.ingest, Ingest::Export { .. }),
        }
    }
}

/// Which ELT runs an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    All,
    /// Only those running now (a stop).
    Running,
}

impl Arg {
    /// The word of a usage line: `TENANT`, `ID`, `cancel` …
    pub fn usage(self, lang: Lang) -> &'static str {
        match self {
            Arg::Tenant(_) => lang.pick("TENANT", "テナント"),
            Arg::Runbook => "ID",
            Arg::Execution(_) => lang.pick("EXECUTION", "実行"),
            Arg::Pid => "PID",
            Arg::Word(word) => word,
            Arg::Text => lang.pick("TEXT", "メモ"),
            Arg::File => lang.pick("FILE", "ファイル"),
        }
    }

    /// Whether the argument takes the rest of the line, spaces and all.
    pub fn is_rest_of_line(self) -> bool {
        matches!(self, Arg::Text | Arg::File)
    }
}

/// One word of the arguments: what it can be (any of these), and whether it may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub takes: &'static [Arg],
    pub optional: bool,
}

const fn needed(takes: &'static [Arg]) -> Slot {
    Slot {
        takes,
        optional: false,
    }
}

const fn optional(takes: &'static [Arg]) -> Slot {
    Slot {
        takes,
        optional: true,
    }
}

/// What a command does, for `App::run_command`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    Show(View),
    /// `:tenant NAME`.
    Tenant,
    /// A command of the recovery component (runbooks, actions, `:verified`).
    Recovery(recovery::Command),
    Note,
    Resolve,
    /// `:export [FILE]`; `:export!` overwrites.
    Export,
    Refresh,
    Help,
    /// `:quit`; `:quit!` quits without asking.
    Quit,
}

/// A `:` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub name: &'static str,
    /// Short forms, also accepted: `:t`, `:rb` …
    pub aliases: &'static [&'static str],
    pub args: &'static [Slot],
    /// Whether `:name!` is a forced form (see [`Does`]).
    pub bang: bool,
    pub does: Does,
    pub help_en: &'static str,
    pub help_ja: &'static str,
}

impl Spec {
    pub fn help(&self, lang: Lang) -> &'static str {
        lang.pick(self.help_en, self.help_ja)
    }

    /// `:resync [TENANT|all] [all]`.
    pub fn usage(&self, lang: Lang) -> String {
        let mut usage = format!(":{}", self.name);
        for slot in self.args {
            let words: Vec<&str> = slot.takes.iter().map(|arg| arg.usage(lang)).collect();
            let words = words.join("|");
            usage.push(' ');
            if slot.optional {
                usage.push_str(&format!("[{words}]"));
            } else {
                usage.push_str(&words);
            }
        }
        usage
    }

    /// The most words of arguments the command takes, if it takes a bounded number.
    pub fn max_words(&self) -> Option<usize> {
        let rest = self
            .args
            .iter()
            .any(|slot| slot.takes.iter().any(|arg| arg.is_rest_of_line()));
        (!rest).then_some(self.args.len())
    }
}

const NONE: &[Slot] = &[];

const fn spec(
    name: &'static str,
    aliases: &'static [&'static str],
    args: &'static [Slot],
    does: Does,
    help_en: &'static str,
    help_ja: &'static str,
) -> Spec {
    Spec {
        name,
        aliases,
        args,
        bang: false,
        does,
        help_en,
        help_ja,
    }
}

const fn action(kind: ActionKind) -> Does {
    Does::Recovery(recovery::Command::Action(kind))
}

/// Every `:` command, in the order of the help.
pub const COMMANDS: &[Spec] = &[
    spec(
        "overview",
        &[],
        NONE,
        Does::Show(View::Overview),
        "the fleet overview",
        "フリートの概要",
    ),
    spec(
        "alarms",
        &["alarm"],
        NONE,
        Does::Show(View::Alarms),
        "CloudWatch alarms",
        "CloudWatch アラーム",
    ),
    spec(
        "wlm",
        &[],
        NONE,
        Does::Show(View::Wlm),
        "WLM queues",
        "WLM キュー",
    ),
    spec(
        "storage",
        &[],
        NONE,
        Does::Show(View::Storage),
        "storage and tables",
        "ストレージとテーブル",
    ),
    spec(
        "loaderrors",
        &["errors", "load", "load_errors"],
        NONE,
        Does::Show(View::LoadErrors),
        "COPY load errors",
        "COPY のロードエラー",
    ),
    spec(
        "elt",
        &["runs", "sfn"],
        NONE,
        Does::Show(View::Elt),
        "Step Functions ELT runs",
        "Step Functions の ELT 実行",
    ),
    spec(
        "logs",
        &[],
        NONE,
        Does::Show(View::Logs),
        "failed queries and failed logins",
        "失敗したクエリとログイン失敗",
    ),
    spec(
        "tenant",
        &["t"],
        &[needed(&[Arg::Tenant(Tenants::All)])],
        Does::Tenant,
        "one tenant's detail",
        "テナントの詳細",
    ),
    spec(
        "runbook",
        &["rb"],
        &[optional(&[Arg::Runbook])],
        Does::Recovery(recovery::Command::Runbook),
        "open a runbook's walkthrough; without an id, list the runbooks",
        "ランブックの手順を開く。ID なしでランブックの一覧",
    ),
    spec(
        "rerun",
        &[],
        &[optional(&[Arg::Execution(Runs::All)])],
        action(ActionKind::RerunElt),
        "rerun an ELT execution: the one named, else the latest failed",
        "ELT 実行を再実行: 指定したもの、なければ直近に失敗したもの",
    ),
    spec(
        "stop-elt",
        &[],
        &[optional(&[Arg::Execution(Runs::Running)])],
        action(ActionKind::StopElt),
        "stop the running ELT execution (or the one named), so it can be rerun",
        "実行中の ELT 実行(または指定したもの)を停止し、再実行できるようにする",
    ),
    spec(
        "pause-adhoc",
        &[],
        &[optional(&[Arg::Word("cancel")])],
        action(ActionKind::PauseAdhoc),
        "pause the adhoc WLM queue; with cancel, also cancel its running queries",
        "adhoc WLM キューを一時停止。cancel で実行中のクエリもキャンセル",
    ),
    spec(
        "resume-adhoc",
        &[],
        NONE,
        action(ActionKind::ResumeAdhoc),
        "restore the WLM configuration saved by the pause",
        "一時停止で保存した WLM 設定を復元",
    ),
    spec(
        "resync",
        &[],
        &[
            optional(&[Arg::Tenant(Tenants::ZeroEtl), Arg::Word("all")]),
            optional(&[Arg::Word("all")]),
        ],
        action(ActionKind::ResyncTables),
        "resync a Zero-ETL tenant's tables in error; with all, all of its tables",
        "Zero-ETL のテナントのエラー中テーブルを再同期。all で全テーブル",
    ),
    spec(
        "start-export",
        &[],
        &[optional(&[Arg::Tenant(Tenants::Export)])],
        action(ActionKind::StartExport),
        "start a snapshot export of an export tenant",
        "エクスポート経路のテナントのスナップショットのエクスポートを開始",
    ),
    spec(
        "vacuum",
        &[],
        &[optional(&[Arg::Tenant(Tenants::All)])],
        action(ActionKind::Vacuum),
        "VACUUM DELETE ONLY a tenant's tables",
        "テナントのテーブルを VACUUM DELETE ONLY",
    ),
    spec(
        "analyze",
        &[],
        &[optional(&[Arg::Tenant(Tenants::All)])],
        action(ActionKind::Analyze),
        "ANALYZE a tenant's tables",
        "テナントのテーブルを ANALYZE",
    ),
    spec(
        "cancel",
        &[],
        &[needed(&[Arg::Pid])],
        action(ActionKind::CancelQuery),
        "cancel a running query",
        "実行中のクエリをキャンセル",
    ),
    spec(
        "note",
        &[],
        &[needed(&[Arg::Text])],
        Does::Note,
        "add a note to the incident record",
        "インシデント記録にメモを追加",
    ),
    spec(
        "resolve",
        &[],
        &[optional(&[Arg::Text])],
        Does::Resolve,
        "mark the incident resolved now, with a note if given",
        "インシデントを今の時刻で解決済みにする(メモを付けられる)",
    ),
    Spec {
        bang: true,
        ..spec(
            "export",
            &[],
            &[optional(&[Arg::File])],
            Does::Export,
            "write the incident record as Markdown (incident-YYYYMMDD-HHMM.md unless named); :export! overwrites",
            "インシデント記録を Markdown で書き出す(既定は incident-YYYYMMDD-HHMM.md)。:export! で上書き",
        )
    },
    spec(
        "verified",
        &[],
        NONE,
        Does::Recovery(recovery::Command::Verified),
        "mark actions of unknown outcome as verified by hand",
        "結果不明の操作を手で確認済みにする",
    ),
    spec(
        "refresh",
        &["r"],
        NONE,
        Does::Refresh,
        "refresh every source now",
        "すべてのソースを今すぐ更新",
    ),
    spec(
        "help",
        &["h"],
        NONE,
        Does::Help,
        "keys and commands",
        "キーとコマンド",
    ),
    Spec {
        bang: true,
        ..spec(
            "quit",
            &["q"],
            NONE,
            Does::Quit,
            "quit shiftops; :q! without asking",
            "shiftops を終了。:q! で確認なし",
        )
    },
];

/// A command as typed: which one, whether forced with `!`, and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub spec: &'static Spec,
    pub forced: bool,
    /// The words after the command, joined by one space.
    pub argument: String,
}

/// Why a line is not a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    Unknown(String),
    /// More words than the command takes.
    TooManyWords(&'static Spec),
}

/// The command a word names (its name or a short form, `!` only where it means something).
pub fn find(word: &str) -> Option<(&'static Spec, bool)> {
    let (bare, forced) = match word.strip_suffix('!') {
        Some(bare) => (bare, true),
        None => (word, false),
    };
    COMMANDS
        .iter()
        .find(|spec| spec.name == bare || spec.aliases.contains(&bare))
        .filter(|spec| spec.bang || !forced)
        .map(|spec| (spec, forced))
}

/// Reads a `:` line.
pub fn parse(line: &str) -> Result<Invocation, Refusal> {
    let mut words = line.split_whitespace();
    let word = words.next().ok_or(Refusal::Empty)?;
    let (spec, forced) = find(word).ok_or_else(|| Refusal::Unknown(word.to_string()))?;
    let words: Vec<&str> = words.collect();
    if spec.max_words().is_some_and(|max| words.len() > max) {
        return Err(Refusal::TooManyWords(spec));
    }
    Ok(Invocation {
        spec,
        forced,
        argument: words.join(" "),
    })
}
