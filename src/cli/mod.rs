//! Command-line interface: `shiftops demo`, `shiftops check`, `shiftops completions`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr};

use crate::action::aws::AwsOperator;
use crate::action::sim::SimOperator;
use crate::action::{Actions, LockError, Operator, StateDir, audit};
use crate::config::Config;
use crate::datafile::DataFileError;
use crate::health;
use crate::i18n::Lang;
use crate::report::{CheckReport, Format};
use crate::source::aws::{self, Overrides};
use crate::source::sim::{self, Scenario, SimOptions};
use crate::source::{FastClock, Fleet, ManualClock, SystemClock, refresh};
use crate::tui;

/// Exit code for a bad data file (config, keymap, theme): the message names file, line and column.
pub const EXIT_BAD_DATA_FILE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "shiftops",
    version,
    about = "Terminal operations console for a multi-tenant Aurora → Redshift analytics pipeline",
    long_about = "Terminal operations console for a multi-tenant Aurora MySQL → Amazon Redshift pipeline: \
Zero-ETL integrations, snapshot export + COPY, the Step Functions ELT, WLM, storage and CloudWatch alarms, \
for every tenant at once.\n\nTry it without AWS: `shiftops demo`."
)]
pub struct Cli {
    /// Configuration file [default: <config dir>/shiftops/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour theme: dark, light, high-contrast, colorblind, or a theme in <config dir>/shiftops/themes/
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Keymap: default, vim, or a keymap in <config dir>/shiftops/keymaps/
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,
    /// AWS profile of the central account (overrides [aws] profile)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (overrides [aws] region)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Refuse every action that changes anything (also [safety] read_only in the config)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Language of the interface and reports [default: from the locale: ja when LANG starts with ja]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console on the embedded simulated fleet (no AWS needed)
    Demo(DemoArgs),
    /// One refresh, the health rules and a report; exit 0 ok, 1 warning, 2 critical, 3 unknown
    Check(CheckArgs),
    /// Can shiftops call what it needs, per tenant and service? And are the Zero-ETL prerequisites met?
    Doctor {
        /// Report format
        #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
        format: DoctorFormat,
    },
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of simulated tenants (the first three are the seeds' tenant_a, tenant_b, tenant_c)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub tenants: u32,
    /// Incident to stage: healthy, copy-error, integration-needs-attention, storage-high,
    /// wlm-saturation, elt-delay, dbt-failure, export-failure, query-failure
    #[arg(long, default_value = "healthy", value_parser = parse_scenario)]
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
pub struct CheckArgs {
    /// Check the embedded simulated fleet instead of AWS
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_scenario(name: &str) -> Result<Scenario, String> {
    Scenario::parse(name)
}

fn sim_fleet(args: &SimArgs) -> Fleet {
    sim_fleet_with_world(args, 1).0
}

fn sim_fleet_with_world(args: &SimArgs, speed: u32) -> (Fleet, sim::SharedWorld) {
    let options = SimOptions {
        tenants: args.tenants as usize,
        scenario: args.scenario,
        seed: args.seed,
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
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => return Ok(bad_data_file(&error)),
    };
    config.safety.read_only |= cli.read_only;
    let lang = Lang::detect(cli.lang);
    let overrides = Overrides {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        static_credentials: None,
    };
    match cli.command {
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "shiftops", &mut std::io::stdout());
            Ok(0)
        }
        Some(Command::Check(args)) => check(&args, &config, &overrides, lang),
        Some(Command::Doctor { format }) => doctor(&config, &overrides, format, lang),
        Some(Command::Demo(DemoArgs { sim: args, speed })) => {
            let settings = match tui::Settings::load(
                &config,
                cli.theme.as_deref(),
                cli.keymap.as_deref(),
                lang,
            ) {
                Ok(settings) => settings,
                Err(error) => return Ok(bad_data_file(&error)),
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
            let (fleet, world) = sim_fleet_with_world(&args, speed);
            // The demo keeps its simulated parameter group in the console's state dir, standing
            // in for AWS, so a pause made in the demo is still there after a restart.
            let state = StateDir::default_location();
            let mut trouble = None;
            let operator = Arc::new(match &state {
                Some(state) => {
                    match SimOperator::with_state(world.clone(), fleet.clock.clone(), state.clone())
                    {
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
            Ok(runtime.block_on(tui::run(fleet, settings, title, extras))?)
        }
        None => {
            if !config.is_live() {
                eprintln!(
                    "shiftops: no tenants configured. Run `shiftops demo` for the simulated fleet, or \
describe your fleet in {} (see docs/configuration.md).",
                    cli.config
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .or_else(|| crate::config::config_dir()
                            .map(|d| d.join("config.toml").display().to_string()))
                        .unwrap_or_else(|| "the config file".into())
                );
                return Ok(EXIT_BAD_DATA_FILE);
            }
            let settings = match tui::Settings::load(
                &config,
                cli.theme.as_deref(),
                cli.keymap.as_deref(),
                lang,
            ) {
                Ok(settings) => settings,
                Err(error) => return Ok(bad_data_file(&error)),
            };
            let runtime = runtime()?;
            let fleet = runtime
                .block_on(aws::fleet(&config, &overrides))
                .map_err(|e| color_eyre::eyre::eyre!(e))?;
            let title = format!(
                "{} {}",
                fleet.tenants.len(),
                lang.pick("tenants", "テナント")
            );
            let extras = match StateDir::default_location() {
                Some(state) => match runtime.block_on(AwsOperator::connect(&config, &overrides)) {
                    Ok(operator) => {
                        action_extras(Arc::new(operator), config.safety.read_only, Some(state))
                    }
                    Err(error) => tui::Extras {
                        actions: None,
                        notices: vec![format!("recovery actions are off: {error}")],
                        ..Default::default()
                    },
                },
                None => tui::Extras {
                    actions: None,
                    notices: vec![
                        "recovery actions are off: no state directory for the audit log".into(),
                    ],
                    ..Default::default()
                },
            };
            let extras = tui::Extras {
                metrics_price_per_1000: Some(config.metrics.price_per_1000_metrics),
                ..extras
            };
            Ok(runtime.block_on(tui::run(fleet, settings, title, extras))?)
        }
    }
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
        return Ok(EXIT_BAD_DATA_FILE);
    }
    let runtime = runtime()?;
    let checks = runtime.block_on(aws::doctor::run(config, overrides));
    let text = match format {
        DoctorFormat::Text => aws::doctor::render(&checks, lang),
        DoctorFormat::Json => {
            let mut json = serde_json::to_string_pretty(&checks).expect("checks serialize");
            json.push('\n');
            json
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
        match runtime.block_on(aws::fleet_with_meter(config, overrides)) {
            Ok((fleet, meter)) => (fleet, Some(meter)),
            Err(error) => {
                eprintln!("shiftops check: {error}");
                return Ok(health::Status::Unknown.exit_code() as u8);
            }
        }
    } else {
        eprintln!(
            "shiftops check: no tenants configured; pass --config FILE for AWS, or --demo for the simulated fleet"
        );
        return Ok(health::Status::Unknown.exit_code() as u8);
    };
    let snapshot = runtime.block_on(refresh::refresh_once(&fleet));
    let now = fleet.clock.now();
    let health = health::evaluate(&snapshot, &config.thresholds, now);
    let mut report = CheckReport::new(&snapshot, &health, now, lang);
    if let Some(meter) = meter {
        report.api_calls = meter.requests_by_service();
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(report.render(args.format).as_bytes())
        .wrap_err("writing the report")?;
    Ok(health.status.exit_code() as u8)
}

fn bad_data_file(error: &DataFileError) -> u8 {
    eprintln!("shiftops: {error}");
    EXIT_BAD_DATA_FILE
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")
}
