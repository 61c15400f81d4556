//! Command-line interface: `shiftops demo`, `shiftops check`, `shiftops completions`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr};

use crate::action::aws::AwsOperatorOnFirstUse;
use crate::action::sim::SimOperator;
use crate::action::{Actions, LockError, Operator, StateDir, audit};
use crate::config::{Config, RefreshConfig};
use crate::datafile::DataFileError;
use crate::health;
use crate::i18n::Lang;
use crate::report::{CheckReport, Format, RunbookRef};
use crate::source::aws::{self, Overrides};
use crate::source::sim::{self, Scenario, SimOptions};
use crate::source::{FastClock, Fleet, ManualClock, SystemClock, refresh};
use crate::tui;

/// Exit code of the console and `demo` for a bad data file (config, keymap, theme): the message
/// names file, line and column.
pub const EXIT_BAD_DATA_FILE: u8 = 2;

/// Exit code of the console (`shiftops`, `shiftops demo`) started without a terminal: stdin or
/// stdout is a pipe or a file. Nothing is written to stdout.
pub const EXIT_NO_TERMINAL: u8 = 1;

/// Exit code of `check` and `doctor` when they cannot judge the fleet at all — a usage error, a bad
/// or empty config, a fleet that cannot be set up: UNKNOWN, as the Nagios plugin guidelines
/// (monitoring-plugins.org, "Plugin Return Codes") ask for invalid arguments, so a monitor never
/// reads a typo as CRITICAL.
pub const EXIT_CHECK_UNKNOWN: u8 = 3;

/// The exit code for clap's answer to a command line it did not run: 0 for `--help` and
/// `--version`; for a usage error, [`EXIT_CHECK_UNKNOWN`] when the command line names `check` or
/// `doctor` (their callers are monitors), else clap's own (2).
pub fn parse_error_exit_code<I, S>(error: &clap::Error, args: I) -> u8
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let code = error.exit_code() as u8;
    if code == 0 {
        return 0;
    }
    // The first word that names a command is the command: an option's value never does so
    // before it, except in a command line that is wrong anyway.
    let command = args.into_iter().skip(1).find_map(|arg| {
        let arg = arg.as_ref().to_str()?.to_owned();
        Cli::command()
            .get_subcommands()
            .any(|sub| sub.get_name() == arg)
            .then_some(arg)
    });
    match command.as_deref() {
        Some("check" | "doctor") => EXIT_CHECK_UNKNOWN,
        _ => code,
    }
}

/// The command line. Each option is declared only by the commands that use it, after the
/// command's name: `shiftops check --theme dark` and `shiftops --lang ja check` are usage errors,
/// never an option silently ignored. Without a subcommand, `shiftops` is the console on live data.
#[derive(Debug, Parser)]
#[command(
    name = "shiftops",
    version,
    about = "Terminal operations console for a multi-tenant Aurora → Redshift analytics pipeline",
    long_about = "Terminal operations console for a multi-tenant Aurora MySQL → Amazon Redshift pipeline: \
Zero-ETL integrations, snapshot export + COPY, the Step Functions ELT, WLM, storage and CloudWatch alarms, \
for every tenant at once.\n\nTry it without AWS: `shiftops demo`.",
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The config file and the language: every command but `completions` reads both.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// Configuration file [default: <config dir>/shiftops/config.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Language of the interface and reports [default: from the locale: ja when LANG starts with ja]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

/// Where AWS is reached: the console, `check` and `doctor`, not the simulated fleet.
#[derive(Debug, Clone, Default, Args)]
pub struct AwsArgs {
    /// AWS profile of the central account (overrides [aws] profile)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (overrides [aws] region)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

impl AwsArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            profile: self.profile.clone(),
            region: self.region.clone(),
            static_credentials: None,
        }
    }
}

/// How the console looks and whether it acts: the console and `demo`, not the reports.
#[derive(Debug, Clone, Default, Args)]
pub struct ConsoleArgs {
    /// Colour theme: dark, light, high-contrast, colorblind, or a theme in <config dir>/shiftops/themes/
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Keymap: default, vim, or a keymap in <config dir>/shiftops/keymaps/
    #[arg(long, value_name = "NAME")]
    pub keymap: Option<String>,
    /// Refuse every action that changes anything (also [safety] read_only in the config)
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console on the embedded simulated fleet (no AWS needed)
    Demo(DemoArgs),
    /// One refresh, the health rules and a report; exit 0 ok, 1 warning, 2 critical, 3 unknown
    Check(CheckArgs),
    /// Can shiftops call what it needs, per tenant and service? And are the Zero-ETL prerequisites met?
    Doctor(DoctorArgs),
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the help of shiftops, or of one of its commands
    // clap's own help subcommand refuses `shiftops help --help`.
    Help {
        /// The command to describe
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of simulated tenants (the first three are the seeds' tenant_a, tenant_b, tenant_c)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub tenants: u32,
    /// Incident to stage
    #[arg(long, default_value = "healthy", value_parser = scenario_parser(), ignore_case = true)]
    pub scenario: Scenario,
    /// Seed of the simulation: the same seed replays the same fleet
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Freeze the simulated clock at this RFC 3339 time, for reproducible reports and screenshots
    #[arg(long, value_name = "TIME", hide = true)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Play the simulation N times faster, for training: at 10 an incident's hour passes in six
    /// minutes
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub speed: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Report format
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,
}

/// `check` reads AWS, or with `--demo` the simulated fleet: the options of the one are refused
/// with the other.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("simulation")
        .args(["tenants", "scenario", "seed", "at"])
        .multiple(true)
        .requires("demo")
))]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Check the embedded simulated fleet instead of AWS
    #[arg(long, conflicts_with_all = ["profile", "region"])]
    pub demo: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format: text, json, markdown, nagios (one line with performance data), slack (a
    /// Block Kit message for an incoming webhook)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// List only the tenants that are not ok (the counts still cover the whole fleet)
    #[arg(long)]
    pub only_problems: bool,
}

/// A copy of `command` and its subcommands without their hidden arguments. Only what the
/// completion scripts read is copied: names, descriptions, arguments.
fn without_hidden(command: &clap::Command) -> clap::Command {
    let mut copy = clap::Command::new(command.get_name().to_owned())
        .disable_help_subcommand(command.is_disable_help_subcommand_set())
        .args(
            command
                .get_arguments()
                .filter(|arg| !arg.is_hide_set())
                .cloned(),
        );
    if let Some(about) = command.get_about() {
        copy = copy.about(about.clone());
    }
    if let Some(version) = command.get_version() {
        copy = copy.version(version.to_owned());
    }
    for subcommand in command.get_subcommands() {
        copy = copy.subcommand(without_hidden(subcommand));
    }
    copy
}

/// `--scenario`'s values, from the one list of scenarios, so help, errors and shell completions
/// offer exactly the scenarios there are.
fn scenario_parser() -> impl clap::builder::TypedValueParser<Value = Scenario> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(
        Scenario::ALL.map(|s| clap::builder::PossibleValue::new(s.name()).help(s.description())),
    )
    .map(|name: String| Scenario::parse(&name).expect("a possible value names a scenario"))
}

/// The shell completion script of the command line. Hidden options (`--at`, for tests and
/// screenshots) are left out: the generators would offer them.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut command = without_hidden(&Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "shiftops", &mut script);
    String::from_utf8(script).expect("completion scripts are UTF-8")
}

fn sim_fleet(args: &SimArgs) -> Fleet {
    sim_fleet_with_world(args, &RefreshConfig::default(), 1).0
}

/// The simulated fleet, refreshing as a live console with `refresh` would, `speed` times faster.
fn sim_fleet_with_world(
    args: &SimArgs,
    refresh: &RefreshConfig,
    speed: u32,
) -> (Fleet, sim::SharedWorld) {
    let options = SimOptions {
        tenants: args.tenants as usize,
        scenario: args.scenario,
        seed: args.seed,
        refresh: refresh.faster(speed),
    };
    match args.at {
        Some(at) => sim::fleet_with_world(&options, Arc::new(ManualClock::new(at))),
        None if speed > 1 => sim::fleet_with_world(
            &options,
            Arc::new(FastClock::new(chrono::Utc::now(), speed)),
        ),
        None => sim::fleet_with_world(&options, Arc::new(SystemClock)),
    }
}

/// Installs the error and panic reports (color-eyre) before anything else: the console's own panic
/// hook, installed when the terminal is set up, then restores the terminal first and hands over to
/// this one. Reports carry no colour when `NO_COLOR` is set or standard error is not a terminal.
pub fn install_hooks() -> Result<()> {
    use std::io::IsTerminal;
    let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || !std::io::stderr().is_terminal();
    let theme = if plain {
        color_eyre::config::Theme::new()
    } else {
        color_eyre::config::Theme::dark()
    };
    color_eyre::config::HookBuilder::default()
        .theme(theme)
        .install()
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Some(Command::Completions { shell }) => {
            std::io::stdout()
                .lock()
                .write_all(completion_script(shell).as_bytes())
                .wrap_err("writing the completions")?;
            Ok(0)
        }
        Some(Command::Check(args)) => {
            let config = match Config::load(args.common.config.as_deref()) {
                Ok(config) => config,
                Err(error) => return check_unknown(&args, &error.to_string()),
            };
            let lang = Lang::detect(args.common.lang);
            check(&args, &config, &args.aws.overrides(), lang)
        }
        Some(Command::Doctor(args)) => {
            let Ok(config) = load_config(&args.common, None) else {
                return Ok(EXIT_CHECK_UNKNOWN);
            };
            let lang = Lang::detect(args.common.lang);
            doctor(&config, &args.aws.overrides(), args.format, lang)
        }
        Some(Command::Demo(args)) => demo(args),
        Some(Command::Help { command }) => help(command.as_deref()),
        None => console(&cli.common, &cli.aws, &cli.console),
    }
}

/// `shiftops help [COMMAND]`: exactly what `shiftops [COMMAND] --help` prints, by asking clap
/// for it; an unknown command is clap's usage error.
fn help(name: Option<&str>) -> Result<u8> {
    let args = ["shiftops"].into_iter().chain(name).chain(["--help"]);
    match Cli::command().try_get_matches_from(args) {
        Err(answer) => {
            answer.print().wrap_err("writing the help")?;
            Ok(answer.exit_code() as u8)
        }
        Ok(_) => unreachable!("--help always answers with the help"),
    }
}

/// The config file named by `--config` or in the config dir; `read_only` is `--read-only` where
/// the command has it. A bad file is reported and becomes the exit code.
fn load_config(common: &CommonArgs, console: Option<&ConsoleArgs>) -> Result<Config, u8> {
    let mut config = Config::load(common.config.as_deref()).map_err(|e| bad_data_file(&e))?;
    config.safety.read_only |= console.is_some_and(|c| c.read_only);
    Ok(config)
}

/// `shiftops demo`: the console on the simulated fleet.
fn demo(args: DemoArgs) -> Result<u8> {
    let DemoArgs {
        common,
        console,
        sim: args,
        speed,
    } = args;
    let config = match load_config(&common, Some(&console)) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let lang = Lang::detect(common.lang);
    let settings = match console_settings(
        &config,
        &console,
        lang,
        ("shiftops demo", "shiftops check --demo"),
    ) {
        Ok(settings) => settings,
        Err(code) => return Ok(code),
    };
    let mut title = format!(
        "demo:{} · {} {}",
        args.scenario.name(),
        args.tenants,
        lang.pick("tenants", "テナント")
    );
    if speed > 1 {
        title.push_str(&format!(" · ×{speed}"));
    }
    let runtime = runtime()?;
    let (fleet, world) = sim_fleet_with_world(&args, &config.refresh, speed);
    // The demo keeps its simulated parameter group in the console's state dir, standing
    // in for AWS, so a pause made in the demo is still there after a restart.
    let state = StateDir::default_location();
    let mut trouble = None;
    let operator = Arc::new(match &state {
        Some(state) => {
            match SimOperator::with_state(world.clone(), fleet.clock.clone(), state.clone()) {
                Ok(operator) => operator,
                Err(error) => {
                    trouble = Some(format!(
                        "the demo's saved WLM configuration is unusable ({error}): the demo starts from seed 001's and does not keep its changes"
                    ));
                    SimOperator::new(world, fleet.clock.clone())
                }
            }
        }
        None => SimOperator::new(world, fleet.clock.clone()),
    });
    let mut extras = action_extras(operator, config.safety.read_only, state);
    extras.notices.extend(trouble);
    let extras = tui::Extras {
        metrics_price_per_1000: Some(config.metrics.price_per_1000_metrics),
        ..extras
    };
    runtime.block_on(tui::run(fleet, settings, title, extras))
}

/// The console's theme, keymap and runbooks, then a terminal to draw on: the data files' errors
/// come first; without a terminal, `command` says to run `report` instead. Err is the exit code.
fn console_settings(
    config: &Config,
    console: &ConsoleArgs,
    lang: Lang,
    (command, report): (&str, &str),
) -> std::result::Result<tui::Settings, u8> {
    let settings = tui::Settings::load(
        config,
        console.theme.as_deref(),
        console.keymap.as_deref(),
        lang,
    )
    .map_err(|error| bad_data_file(&error))?;
    tui::run::require_terminal().map_err(|missing| no_terminal(command, report, missing, lang))?;
    Ok(settings)
}

/// `shiftops` with no subcommand: the console on live data.
fn console(common: &CommonArgs, aws_args: &AwsArgs, console: &ConsoleArgs) -> Result<u8> {
    let config = match load_config(common, Some(console)) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let lang = Lang::detect(common.lang);
    let overrides = aws_args.overrides();
    if !config.is_live() {
        eprintln!(
            "shiftops: no tenants configured. Run `shiftops demo` for the simulated fleet, or \
describe your fleet in {} (see docs/configuration.md).",
            common
                .config
                .as_ref()
                .map(|p| crate::text::sanitize_line(&p.display().to_string()))
                .or_else(|| crate::config::config_dir()
                    .map(|d| d.join("config.toml").display().to_string()))
                .unwrap_or_else(|| "the config file".into())
        );
        return Ok(EXIT_BAD_DATA_FILE);
    }
    let settings = match console_settings(&config, console, lang, ("shiftops", "shiftops check")) {
        Ok(settings) => settings,
        Err(code) => return Ok(code),
    };
    let runtime = runtime()?;
    let fleet = aws::fleet(&config, &overrides).map_err(|e| color_eyre::eyre::eyre!(e))?;
    let title = format!(
        "{} {}",
        fleet.tenants.len(),
        lang.pick("tenants", "テナント")
    );
    let extras = match StateDir::default_location() {
        Some(state) => match AwsOperatorOnFirstUse::new(&config, &overrides) {
            Ok(operator) => action_extras(Arc::new(operator), config.safety.read_only, Some(state)),
            Err(error) => tui::Extras {
                actions: None,
                notices: vec![format!("recovery actions are off: {error}")],
                ..Default::default()
            },
        },
        None => tui::Extras {
            actions: None,
            notices: vec!["recovery actions are off: no state directory for the audit log".into()],
            ..Default::default()
        },
    };
    let extras = tui::Extras {
        metrics_price_per_1000: Some(config.metrics.price_per_1000_metrics),
        ..extras
    };
    runtime.block_on(tui::run(fleet, settings, title, extras))
}

/// The actions runner and what to tell the user at start: an earlier action whose outcome nobody
/// saw (a crash mid-action) is shown as "outcome unknown — verify", never lost. `state` is where
/// the audit log lives (`StateDir::default_location()`); without one, actions are refused.
///
/// Running actions needs the state dir's lock, held for the life of the returned runner. A console
/// that cannot take it (another one runs actions from the same dir) is read-only for actions and
/// says so; it does not report the other's intents, which may be in flight, as unknown. A
/// read-only console takes the lock only to read the log, and lets it go at once.
pub fn action_extras(
    operator: Arc<dyn Operator>,
    read_only: bool,
    state: Option<StateDir>,
) -> tui::Extras {
    let refused = |operator, notices| tui::Extras {
        actions: Some(Arc::new(Actions::new(operator, true, None))),
        notices,
        ..Default::default()
    };
    let Some(state) = state else {
        return refused(
            operator,
            vec!["no state directory: actions are read-only".into()],
        );
    };
    let lock = match state.lock() {
        Ok(lock) => lock,
        Err(LockError::Held { pid }) => {
            let holder = match pid {
                Some(pid) => format!("another shiftops (pid {pid})"),
                None => "another shiftops".to_string(),
            };
            return refused(
                operator,
                vec![format!(
                    "actions are read-only here: {holder} runs actions from {}",
                    state.path().display()
                )],
            );
        }
        Err(LockError::Io(error)) => {
            return refused(
                operator,
                vec![format!(
                    "actions are off: the state directory cannot be locked: {error}"
                )],
            );
        }
    };
    let path = state.audit_log();
    let mut notices = Vec::new();
    let scan = match audit::scan(&path) {
        Ok(scan) => scan,
        Err(error) => {
            notices.push(format!(
                "actions are off: the audit log cannot be read: {error}"
            ));
            return refused(operator, notices);
        }
    };
    notices.extend(scan.unfinished.iter().map(|intent| {
        format!(
            "outcome unknown — verify: {} on {} at {} by {}",
            intent.action, intent.target, intent.time, intent.caller
        )
    }));
    if let Some(offset) = scan.torn_tail {
        notices.push(format!(
            "the audit log {} ends in a record cut short at byte {offset} (a crash or a full disk): \
it is kept, and the next record starts on a new line",
            path.display()
        ));
    }
    if scan.unreadable_lines > 0 {
        notices.push(format!(
            "the audit log {} has {} line(s) that are not records: kept as they are, not read",
            path.display(),
            scan.unreadable_lines
        ));
    }
    if read_only {
        return refused(operator, notices);
    }
    let log = match audit::AuditLog::open(lock) {
        Ok(log) => log,
        Err(error) => {
            notices.push(format!(
                "actions are off: the audit log cannot be opened: {error}"
            ));
            return refused(operator, notices);
        }
    };
    tui::Extras {
        actions: Some(Arc::new(Actions::new(operator, false, Some(log)))),
        notices,
        ..Default::default()
    }
}

fn doctor(config: &Config, overrides: &Overrides, format: DoctorFormat, lang: Lang) -> Result<u8> {
    if !config.is_live() {
        eprintln!("shiftops doctor: the config lists no [[tenants]]; pass --config FILE");
        return Ok(EXIT_CHECK_UNKNOWN);
    }
    let runtime = runtime()?;
    let checks = runtime.block_on(aws::doctor::run(config, overrides, lang));
    let text = match format {
        // The checks quote AWS's errors: shown, never obeyed by the terminal.
        DoctorFormat::Text => crate::text::sanitize(&aws::doctor::render(&checks, lang)),
        DoctorFormat::Json => {
            let mut json = serde_json::to_string_pretty(&checks).expect("checks serialize");
            json.push('\n');
            crate::text::json_safe(&json)
        }
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .wrap_err("writing the report")?;
    let failed = checks
        .iter()
        .any(|c| c.outcome == aws::doctor::Outcome::Failed);
    Ok(u8::from(failed))
}

fn check(args: &CheckArgs, config: &Config, overrides: &Overrides, lang: Lang) -> Result<u8> {
    let runtime = runtime()?;
    let (fleet, meter) = if args.demo {
        (sim_fleet(&args.sim), None)
    } else if config.is_live() {
        match aws::fleet_with_meter(config, overrides) {
            Ok((fleet, meter)) => (fleet, Some(meter)),
            Err(error) => {
                return check_unknown(args, &crate::text::sanitize_line(&error.to_string()));
            }
        }
    } else {
        return check_unknown(
            args,
            "no tenants configured; pass --config FILE for AWS, or --demo for the simulated fleet",
        );
    };
    let snapshot = runtime.block_on(refresh::refresh_once(&fleet));
    let now = fleet.clock.now();
    let health = health::evaluate(&snapshot, &config.thresholds, now);
    let mut report = CheckReport::new(&snapshot, &health, &config.thresholds, now, lang);
    if let Some(meter) = meter {
        report.api_calls = meter.requests_by_service();
    }
    if args.only_problems {
        report.only_problems();
    }
    if args.format == Format::Slack {
        // The message points to the runbook each finding opens in the console.
        let runbooks = match tui::runbook::load_all(lang) {
            Ok(runbooks) => runbooks,
            Err(error) => return check_unknown(args, &error.to_string()),
        };
        report.attach_runbooks(|finding| {
            tui::runbook::for_finding(&runbooks, finding).map(|runbook| RunbookRef {
                id: runbook.id.clone(),
                title: runbook.title.clone(),
            })
        });
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(report.render(args.format).as_bytes())
        .wrap_err("writing the report")?;
    Ok(health.status.exit_code() as u8)
}

/// The console `command` was started without a terminal: says so, and what to run instead
/// (`report`), on stderr.
fn no_terminal(command: &str, report: &str, missing: tui::run::NoTerminal, lang: Lang) -> u8 {
    let stream = missing.stream();
    eprintln!(
        "{}",
        match lang {
            Lang::En => format!(
                "{command} needs a terminal: {stream} is not a terminal; use `{report}` for a report"
            ),
            Lang::Ja => format!(
                "{command} には端末が必要です: {stream} が端末ではありません。レポートは `{report}` で出せます"
            ),
        }
    );
    EXIT_NO_TERMINAL
}

/// `check` could not judge the fleet: the reason on standard error (and, for a monitor, as the
/// Nagios line), exit UNKNOWN.
fn check_unknown(args: &CheckArgs, reason: &str) -> Result<u8> {
    eprintln!("shiftops check: {}", crate::text::sanitize_line(reason));
    if args.format == Format::Nagios {
        let line = crate::text::sanitize_line(reason).replace('|', "/");
        println!("SHIFTOPS UNKNOWN - {line}");
    }
    Ok(EXIT_CHECK_UNKNOWN)
}

fn bad_data_file(error: &DataFileError) -> u8 {
    eprintln!("shiftops: {error}");
    EXIT_BAD_DATA_FILE
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    crate::memory::configure_malloc();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")
}
