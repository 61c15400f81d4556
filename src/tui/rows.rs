//! The rows each view lists, derived once per data change (never per frame) and filtered by `/`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::action::View;
use crate::health::{Finding, Health, Status};
use crate::model::{
    AlarmState, Changes, Reading, Snapshot, SourceId, Summarizer, TenantSummary, Time, Unread,
    WarehouseView,
};
use crate::tui::app::Settings;

/// Month, day and time as the tables show them.
fn hhmm(time: Time) -> String {
    time.format("%m-%d %H:%M").to_string()
}

/// One overview row.
#[derive(Debug, Clone)]
pub struct TenantRow {
    pub summary: TenantSummary,
    pub status: Status,
    /// Shared with every other tenant it names: a finding that holds back the whole fleet (a
    /// failed ELT run) lists every tenant, and a copy per tenant would grow with its square.
    pub worst: Option<Arc<Finding>>,
}

/// A row of the overview: the fleet's findings come first, then the tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverviewRow {
    /// An index into `Health::findings`.
    Finding(usize),
    /// An index into [`Rows::tenants`].
    Tenant(usize),
}

/// A row of the error log: a failed query or a line of an audit log group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogRow {
    /// An index into the warehouse's `failed_queries`.
    Failed(usize),
    /// An index into the snapshot's `error_logs`.
    Audit(usize),
}

/// What the error log's row `index` (an index of its collection, as [`Rows::visible`] gives) is:
/// the failed queries come first in the collection, then the audit lines.
pub fn log_row(snapshot: &Snapshot, index: usize) -> LogRow {
    let failed = snapshot.warehouse.failed_queries.len();
    if index < failed {
        LogRow::Failed(index)
    } else {
        LogRow::Audit(index - failed)
    }
}

/// Display widths of the tenant table's columns sized by their data: names, integration states
/// and export states (without their age, whose width [`TenantWidths::age`] bounds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TenantWidths {
    pub name: u16,
    pub integration: u16,
    pub export: u16,
}

impl TenantWidths {
    /// The widest age a cell shows in `lang`: `23h59m`, `23時間59分`.
    pub fn age(lang: crate::i18n::Lang) -> u16 {
        crate::i18n::width(lang.pick("23h59m", "23時間59分")) as u16
    }

    fn measure(tenants: &[TenantRow]) -> TenantWidths {
        let widest =
            |text: &dyn Fn(&TenantRow) -> usize| tenants.iter().map(text).max().unwrap_or(0) as u16;
        TenantWidths {
            name: widest(&|row| crate::i18n::width(&row.summary.name)),
            ..TenantWidths::measure_states(tenants)
        }
    }

    /// The widths of the states only: names do not change while the rows are kept.
    fn measure_states(tenants: &[TenantRow]) -> TenantWidths {
        let widest =
            |text: &dyn Fn(&TenantRow) -> usize| tenants.iter().map(text).max().unwrap_or(0) as u16;
        TenantWidths {
            name: 0,
            // `✓ active`; a state not read is `? unknown`.
            integration: widest(&|row| match row.summary.integration_status.known() {
                Some(Some(status)) => 2 + crate::i18n::width(status.as_str()),
                _ => 9,
            }),
            // `✗ failed ` and the age.
            export: widest(&|row| match row.summary.last_export.known() {
                Some(Some(task)) => 3 + crate::i18n::width(task.status.as_str()),
                _ => 1,
            }),
        }
    }
}

/// Ordered rows of every view and the positions the filters let through.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Worst status first, then by name.
    pub tenants: Vec<TenantRow>,
    /// What the tenant table's data-sized columns need, measured over every tenant once per
    /// data change (not per frame), so the columns do not move while scrolling.
    pub tenant_widths: TenantWidths,
    /// WLM queue names, in the seed's order then any others.
    pub queues: Vec<String>,
    /// Per view: indices into that view's collection, in display order.
    order: HashMap<View, Vec<usize>>,
    /// Per view: lowercase text each row is filtered on, aligned with `order`; for the
    /// overview, its findings' only (the tenants' are `tenant_texts`).
    haystacks: HashMap<View, Vec<String>>,
    /// The index in `Snapshot::tenants` of each of `tenants`, aligned with it.
    tenant_indices: Vec<usize>,
    /// The lowercase text each of `tenants` is filtered on, aligned with it: built only while
    /// `/` filters the overview (most of the time nothing does, and there are thousands), then
    /// kept up to date row by row.
    tenant_texts: Option<Vec<String>>,
    /// The language the texts are in.
    lang: crate::i18n::Lang,
    /// Per view: what the filter lets through, as indices into the collection.
    visible: HashMap<View, Vec<usize>>,
    /// The findings of every tenant, as indices into `Health::findings`.
    findings_by_tenant: HashMap<String, Vec<usize>>,
    /// The tenant of each finding, in `Health::findings` order: the overview's first rows.
    finding_tenants: Vec<Option<String>>,
    /// The minute (of the Unix epoch) the tenants' rows were built at: their COPY errors count
    /// the last 24 hours.
    tenants_minute: i64,
    /// How many times the tenants' rows were built.
    tenants_generation: u64,
    /// How many times each view's rows were derived.
    generations: HashMap<View, u64>,
}

/// What changed since the rows were last derived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stale {
    /// The data each view lists.
    pub data: Changes,
    /// What the tenants' rows show: their data (see [`reaches_tenants`]) or their health.
    pub tenants: bool,
}

impl Stale {
    /// Everything, for rows derived the first time.
    pub const ALL: Stale = Stale {
        data: Changes::ALL,
        tenants: true,
    };
}

/// Whether a change of the data reaches the tenants' rows (their summaries, as
/// [`summarize_tenants`] reads them): RDS, the integrations' state and lag (warehouse and
/// metrics), the loads and COPY errors, the ELT. Not the WLM queues, running queries, tables,
/// failed queries, alarms, logs, parameters or clusters.
pub fn reaches_tenants(changes: Changes) -> bool {
    [SourceId::Rds, SourceId::Metrics, SourceId::Elt]
        .into_iter()
        .any(|id| changes.touches(id))
        || [
            WarehouseView::Integrations,
            WarehouseView::IntegrationTables,
            WarehouseView::Loads,
            WarehouseView::LoadErrors,
        ]
        .into_iter()
        .any(|view| changes.touches_view(view))
}

/// Whether `changes` reach what `view` lists. The overview's findings and the tenant view's come
/// from health, which any change may move.
fn lists_changed(view: View, changes: Changes) -> bool {
    match view {
        View::Overview | View::Tenant | View::Runbook => true,
        View::Alarms => changes.touches(SourceId::Alarms),
        View::LoadErrors => changes.touches_view(WarehouseView::LoadErrors),
        View::Elt => changes.touches(SourceId::Elt),
        View::Storage => changes.touches_view(WarehouseView::Tables),
        View::Logs => {
            changes.touches_view(WarehouseView::FailedQueries) || changes.touches(SourceId::Logs)
        }
        View::Wlm => changes.touches_view(WarehouseView::Queries),
    }
}

impl Rows {
    /// `settings` give the words the rows show (language, runbooks, marks), so that `/` finds
    /// what is on screen.
    pub fn build(snapshot: &Snapshot, health: &Health, now: Time, settings: &Settings) -> Self {
        let mut rows = Rows::default();
        rows.update(snapshot, health, now, settings, Stale::ALL);
        rows
    }

    /// Derives the rows again from new data and health. The tenants' rows (thousands of
    /// summaries, the bulk of the work) are kept unless `tenants_stale` (their data or their
    /// health changed, see [`reaches_tenants`] and [`Health::same_for_tenants`]) or a minute
    /// began, and then brought up to date in place: only the figures that moved change, and
    /// they are sorted again only if a tenant's place moved. Every other view's rows are few
    /// and are built anew.
    pub fn update(
        &mut self,
        snapshot: &Snapshot,
        health: &Health,
        now: Time,
        settings: &Settings,
        stale: Stale,
    ) {
        let lang = settings.lang;
        let runbooks = &settings.runbooks;
        let minute = now.timestamp().div_euclid(60);
        let rederive_tenants =
            stale.tenants || self.tenants_generation == 0 || minute != self.tenants_minute;
        let lang_changed = lang != self.lang;
        if lang_changed {
            self.tenant_texts = None;
            self.lang = lang;
        }
        // A view's rows are derived again only if its own data changed (none of them counts
        // time): the storage view alone lists every table of the fleet, tens of thousands.
        let rederive: Vec<View> = View::TABS
            .into_iter()
            .chain([View::Tenant])
            .filter(|&view| {
                lang_changed || !self.order.contains_key(&view) || lists_changed(view, stale.data)
            })
            .collect();
        let rederive = |view: View| rederive.contains(&view);

        let mut findings_by_tenant: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, finding) in health.findings.iter().enumerate() {
            for tenant in finding.tenant.iter().chain(&finding.affected) {
                findings_by_tenant
                    .entry(tenant.clone())
                    .or_default()
                    .push(i);
            }
        }
        if rederive_tenants {
            if !self.refresh_tenants(snapshot, health, now, &findings_by_tenant) {
                // The old rows go before the new are built, so the new take their place in
                // memory.
                self.tenants = Vec::new();
                self.tenant_texts = None;
                (self.tenants, self.tenant_indices) =
                    tenant_rows(snapshot, health, now, &findings_by_tenant);
                self.tenant_widths = TenantWidths::measure(&self.tenants);
            }
            self.tenants_minute = minute;
            self.tenants_generation += 1;
        }

        let mut queues: Vec<String> = crate::model::WLM_QUEUES.map(String::from).to_vec();
        let extra: BTreeSet<&String> = snapshot
            .metrics
            .queue_length
            .keys()
            .chain(snapshot.warehouse.queues.iter().map(|q| &q.queue))
            .filter(|q| !queues.contains(q))
            .collect();
        queues.extend(extra.into_iter().cloned());
        self.queues = queues;
        self.findings_by_tenant = findings_by_tenant;
        self.finding_tenants = health.findings.iter().map(|f| f.tenant.clone()).collect();
        let rows = self;

        // Each row is found by what its columns show (status words as shown and as their code,
        // the check id, the runbook its arrow names), not only by a few fields.
        let findings = health.findings.iter().map(|f| {
            let status = Status::from(f.severity);
            filter_text([
                f.tenant
                    .as_deref()
                    .unwrap_or_else(|| lang.pick("fleet", "全体")),
                status.as_str(),
                status.label_in(lang),
                f.check.as_str(),
                &f.text(lang),
                &f.impact_text(lang).unwrap_or_default(),
                crate::tui::runbook::for_finding(runbooks, f).map_or("", |r| r.id.as_str()),
            ])
        });
        let findings: Vec<String> = findings.collect();
        let overview = (0..findings.len() + rows.tenants.len()).collect();
        rows.set(View::Overview, overview, findings);

        if rederive(View::Alarms) {
            let mut alarms: Vec<usize> = (0..snapshot.alarms.len()).collect();
            alarms.sort_by(|&a, &b| {
                let (a, b) = (&snapshot.alarms[a], &snapshot.alarms[b]);
                alarm_rank(a.state)
                    .cmp(&alarm_rank(b.state))
                    .then_with(|| b.since.cmp(&a.since))
                    .then_with(|| a.name.cmp(&b.name))
            });
            let haystack = alarms
                .iter()
                .map(|&i| {
                    let a = &snapshot.alarms[i];
                    filter_text([
                        a.name.as_str(),
                        a.state.as_str(),
                        a.tenant.as_deref().unwrap_or(""),
                        a.reason.as_str(),
                        a.metric.as_deref().unwrap_or(""),
                    ])
                })
                .collect();
            rows.set(View::Alarms, alarms, haystack);
        }

        if rederive(View::LoadErrors) {
            let mut errors: Vec<usize> = (0..snapshot.warehouse.load_errors.len()).collect();
            errors.sort_by(|&a, &b| {
                let (a, b) = (
                    &snapshot.warehouse.load_errors[a],
                    &snapshot.warehouse.load_errors[b],
                );
                b.time.cmp(&a.time).then_with(|| a.tenant.cmp(&b.tenant))
            });
            let haystack = errors
                .iter()
                .map(|&i| {
                    let e = &snapshot.warehouse.load_errors[i];
                    filter_text([
                        &hhmm(e.time),
                        e.tenant.as_str(),
                        &e.table,
                        &e.file,
                        &e.line.to_string(),
                        &e.column,
                        &e.reason,
                    ])
                })
                .collect();
            rows.set(View::LoadErrors, errors, haystack);
        }

        if rederive(View::Elt) {
            let mut runs: Vec<usize> = (0..snapshot.elt_runs.len()).collect();
            runs.sort_by(|&a, &b| {
                snapshot.elt_runs[b]
                    .started_at
                    .cmp(&snapshot.elt_runs[a].started_at)
            });
            let haystack = runs
                .iter()
                .map(|&i| {
                    let r = &snapshot.elt_runs[i];
                    filter_text([
                        r.name.as_str(),
                        r.status.as_str(),
                        &hhmm(r.started_at),
                        r.failed_step.as_deref().unwrap_or(""),
                        r.error.as_deref().unwrap_or(""),
                        r.cause.as_deref().unwrap_or(""),
                    ])
                })
                .collect();
            rows.set(View::Elt, runs, haystack);
        }

        if rederive(View::Storage) {
            let mut tables: Vec<usize> = (0..snapshot.warehouse.tables.len()).collect();
            tables.sort_by(|&a, &b| {
                let (a, b) = (&snapshot.warehouse.tables[a], &snapshot.warehouse.tables[b]);
                b.size_mb
                    .cmp(&a.size_mb)
                    .then_with(|| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)))
            });
            let haystack = tables
                .iter()
                .map(|&i| {
                    let t = &snapshot.warehouse.tables[i];
                    let skewed = t.skew_percent > settings.thresholds.table_skew_percent;
                    filter_text([
                        &format!("{}.{}", t.schema, t.table),
                        if skewed { "distkey?" } else { "" },
                    ])
                })
                .collect();
            rows.set(View::Storage, tables, haystack);
        }

        // The error log: the warehouses' failed queries and the audit logs' lines, newest first.
        if rederive(View::Logs) {
            let failed = &snapshot.warehouse.failed_queries;
            let mut entries: Vec<usize> = (0..failed.len() + snapshot.error_logs.len()).collect();
            let time_of = |index: usize| match log_row(snapshot, index) {
                LogRow::Failed(i) => failed[i].started_at,
                LogRow::Audit(i) => snapshot.error_logs[i].time,
            };
            entries.sort_by(|&a, &b| time_of(b).cmp(&time_of(a)).then(a.cmp(&b)));
            let haystack = entries
                .iter()
                .map(|&index| {
                    let time = time_of(index).format("%Y-%m-%d %H:%M:%S").to_string();
                    match log_row(snapshot, index) {
                        LogRow::Failed(i) => {
                            let q = &failed[i];
                            filter_text([
                                &time,
                                q.warehouse.as_deref().unwrap_or(""),
                                &q.user,
                                &q.query_type,
                                &q.error,
                                &q.sql,
                            ])
                        }
                        LogRow::Audit(i) => filter_text([&time, &snapshot.error_logs[i].message]),
                    }
                })
                .collect();
            rows.set(View::Logs, entries, haystack);
        }

        if rederive(View::Wlm) {
            let queries = &snapshot.warehouse.queries;
            let mut order: Vec<usize> = (0..queries.len()).collect();
            order.sort_by_key(|&i| (queries[i].started_at, queries[i].pid));
            let haystack = order
                .iter()
                .map(|&i| {
                    let q = &queries[i];
                    filter_text([
                        q.pid.to_string().as_str(),
                        &q.queue,
                        &q.user,
                        &q.state,
                        &q.sql,
                    ])
                })
                .collect();
            rows.set(View::Wlm, order, haystack);
        }

        let haystack = health
            .findings
            .iter()
            .map(|f| {
                let status = Status::from(f.severity);
                filter_text([
                    status.as_str(),
                    status.label_in(lang),
                    f.check.as_str(),
                    &f.text(lang),
                ])
            })
            .collect();
        rows.set(View::Tenant, (0..health.findings.len()).collect(), haystack);
    }

    /// How many times the tenants' rows were derived: each data change that reaches them, each
    /// minute, never for data they do not show.
    pub fn tenants_generation(&self) -> u64 {
        self.tenants_generation
    }

    /// How many times a view's rows were derived: each change of its own data.
    pub fn generation(&self, view: View) -> u64 {
        self.generations.get(&view).copied().unwrap_or(0)
    }

    /// Brings the tenants' rows up to date in place: each row's figures, status and worst
    /// finding, its filter text only if the row changed, the order only if a tenant's place
    /// moved. Returns false, having changed nothing the caller keeps, when the rows are not of
    /// these tenants (the first build, or another list of tenants): they must be built anew.
    fn refresh_tenants(
        &mut self,
        snapshot: &Snapshot,
        health: &Health,
        now: Time,
        findings_by_tenant: &HashMap<String, Vec<usize>>,
    ) -> bool {
        let same_tenants = self.tenants.len() == snapshot.tenants.len()
            && self
                .tenant_indices
                .iter()
                .zip(&self.tenants)
                .all(|(&i, row)| {
                    snapshot
                        .tenants
                        .get(i)
                        .is_some_and(|t| t.name == row.summary.name)
                });
        if !same_tenants {
            return false;
        }
        let summarizer = Summarizer::new(snapshot, now);
        let mut shared = SharedFindings::new(health);
        let mut any_changed = false;
        let mut moved = false;
        for (position, row) in self.tenants.iter_mut().enumerate() {
            let tenant = &snapshot.tenants[self.tenant_indices[position]];
            let place = sort_key(row);
            let mut changed = summarizer.refresh(tenant, &mut row.summary);
            let status = health.tenant(&tenant.name);
            if row.status != status {
                row.status = status;
                changed = true;
            }
            let worst = worst_finding(findings_by_tenant, &tenant.name);
            let kept = match (&row.worst, worst) {
                (None, None) => true,
                (Some(held), Some(index)) => shared.same(held, index),
                _ => false,
            };
            if !kept {
                row.worst = worst.map(|index| shared.get(index));
                changed = true;
            }
            if changed {
                any_changed = true;
                moved |= sort_key(row) != place;
                if let Some(texts) = &mut self.tenant_texts {
                    texts[position] = tenant_text(row, self.lang);
                }
            }
        }
        if moved {
            let mut order: Vec<usize> = (0..self.tenants.len()).collect();
            order.sort_by(|&a, &b| {
                tenant_order(&self.tenants[a], &self.tenants[b])
                    .then(self.tenant_indices[a].cmp(&self.tenant_indices[b]))
            });
            permute(&order, |a, b| {
                self.tenants.swap(a, b);
                self.tenant_indices.swap(a, b);
                if let Some(texts) = &mut self.tenant_texts {
                    texts.swap(a, b);
                }
            });
        }
        if any_changed {
            self.tenant_widths = TenantWidths {
                name: self.tenant_widths.name,
                ..TenantWidths::measure_states(&self.tenants)
            };
        }
        true
    }

    /// `haystacks` are lowercase already (see [`filter_text`]).
    fn set(&mut self, view: View, order: Vec<usize>, haystacks: Vec<String>) {
        *self.generations.entry(view).or_default() += 1;
        self.haystacks.insert(view, haystacks);
        self.visible.insert(view, order.clone());
        self.order.insert(view, order);
    }

    /// Re-applies every view's filter; the tenant view lists only the chosen tenant's findings.
    pub fn apply_filters(&mut self, filters: &HashMap<View, String>, tenant: Option<&str>) {
        let tenant_findings = tenant
            .and_then(|t| self.findings_by_tenant.get(t))
            .cloned()
            .unwrap_or_default();
        // The tenants' texts are needed while a filter could hide a tenant, and only then.
        let filtering_tenants = filters.get(&View::Overview).is_some_and(|f| !f.is_empty());
        if !filtering_tenants {
            self.tenant_texts = None;
        } else if self.tenant_texts.is_none() {
            let lang = self.lang;
            self.tenant_texts = Some(self.tenants.iter().map(|t| tenant_text(t, lang)).collect());
        }
        let tenant_texts = self.tenant_texts.as_deref().unwrap_or_default();
        for (view, order) in &self.order {
            let needle = filters.get(view).map(|f| f.to_lowercase());
            let haystacks = &self.haystacks[view];
            let haystack = |index: usize| match view {
                View::Overview => haystacks
                    .get(index)
                    .or_else(|| tenant_texts.get(index - haystacks.len())),
                _ => haystacks.get(index),
            };
            let visible = order
                .iter()
                .copied()
                .filter(|index| *view != View::Tenant || tenant_findings.contains(index))
                .filter(|&index| {
                    needle.as_deref().is_none_or(|n| {
                        n.is_empty() || haystack(index).is_some_and(|h| h.contains(n))
                    })
                })
                .collect();
            self.visible.insert(*view, visible);
        }
    }

    /// Indices into the view's collection, filtered, in display order.
    pub fn visible(&self, view: View) -> &[usize] {
        self.visible.get(&view).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self, view: View) -> usize {
        self.visible(view).len()
    }

    pub fn is_empty(&self, view: View) -> bool {
        self.len(view) == 0
    }

    /// How many rows the view has before filtering.
    pub fn total(&self, view: View) -> usize {
        self.order.get(&view).map_or(0, Vec::len)
    }

    /// What the overview's row `index` (an index of its collection, as [`Rows::visible`] gives)
    /// is.
    pub fn overview_row(&self, index: usize) -> OverviewRow {
        let findings = self.finding_tenants.len();
        if index < findings {
            OverviewRow::Finding(index)
        } else {
            OverviewRow::Tenant(index - findings)
        }
    }

    /// The tenant the row at `position` of a view is about, if it is about one.
    pub fn tenant_of(&self, snapshot: &Snapshot, view: View, position: usize) -> Option<String> {
        let index = *self.visible(view).get(position)?;
        match view {
            View::Overview => match self.overview_row(index) {
                OverviewRow::Finding(i) => self.finding_tenants[i].clone(),
                OverviewRow::Tenant(i) => Some(self.tenants[i].summary.name.clone()),
            },
            View::Alarms => snapshot.alarms[index].tenant.clone(),
            View::LoadErrors => Some(snapshot.warehouse.load_errors[index].tenant.clone()),
            View::Elt => snapshot.elt_runs[index].failed_tenant.clone(),
            View::Storage => {
                let schema = &snapshot.warehouse.tables[index].schema;
                snapshot
                    .tenants
                    .iter()
                    .find(|t| &t.schema == schema)
                    .map(|t| t.name.clone())
            }
            View::Logs => {
                let (error, sql) = match log_row(snapshot, index) {
                    LogRow::Failed(i) => {
                        let q = &snapshot.warehouse.failed_queries[i];
                        (q.error.as_str(), q.sql.as_str())
                    }
                    LogRow::Audit(i) => (snapshot.error_logs[i].message.as_str(), ""),
                };
                snapshot
                    .tenants
                    .iter()
                    .find(|t| {
                        error.contains(t.name.as_str()) || sql.contains(&format!("{}.", t.schema))
                    })
                    .map(|t| t.name.clone())
            }
            View::Wlm | View::Tenant | View::Runbook => None,
        }
    }
}

/// The tenants' rows, worst first, and each one's index in `Snapshot::tenants`.
fn tenant_rows(
    snapshot: &Snapshot,
    health: &Health,
    now: Time,
    findings_by_tenant: &HashMap<String, Vec<usize>>,
) -> (Vec<TenantRow>, Vec<usize>) {
    let summarizer = Summarizer::new(snapshot, now);
    let mut shared = SharedFindings::new(health);
    let mut tenants: Vec<(TenantRow, usize)> = snapshot
        .tenants
        .iter()
        .enumerate()
        .map(|(index, tenant)| {
            let row = TenantRow {
                status: health.tenant(&tenant.name),
                worst: worst_finding(findings_by_tenant, &tenant.name).map(|i| shared.get(i)),
                summary: summarizer.summary(tenant),
            };
            (row, index)
        })
        .collect();
    tenants.sort_by(|(a, i), (b, j)| tenant_order(a, b).then(i.cmp(j)));
    tenants.into_iter().unzip()
}

/// A tenant's worst finding, as an index into `Health::findings`: its first, as findings are
/// sorted worst first (one map lookup per tenant, not a scan of every finding per tenant).
fn worst_finding(findings_by_tenant: &HashMap<String, Vec<usize>>, tenant: &str) -> Option<usize> {
    findings_by_tenant
        .get(tenant)
        .and_then(|found| found.first())
        .copied()
}

/// The findings the tenants' rows hold, each shared by every row it is the worst of: a finding
/// that holds back the whole fleet (a failed ELT run) names every tenant, and a copy per row, or
/// a comparison per row, would grow with the square of the fleet.
struct SharedFindings<'a> {
    health: &'a Health,
    shared: Vec<Option<Arc<Finding>>>,
    /// Whether a finding a row holds (by its address) says what a new finding (by its index) says.
    same: HashMap<(usize, usize), bool>,
}

impl<'a> SharedFindings<'a> {
    fn new(health: &'a Health) -> Self {
        Self {
            health,
            shared: vec![None; health.findings.len()],
            same: HashMap::new(),
        }
    }

    /// The finding at `index`, one copy for every row.
    fn get(&mut self, index: usize) -> Arc<Finding> {
        let health = self.health;
        self.shared[index]
            .get_or_insert_with(|| Arc::new(health.findings[index].clone()))
            .clone()
    }

    /// Whether a row's `held` finding is the finding at `index`, compared once per pair.
    fn same(&mut self, held: &Arc<Finding>, index: usize) -> bool {
        let health = self.health;
        *self
            .same
            .entry((Arc::as_ptr(held) as usize, index))
            .or_insert_with(|| **held == health.findings[index])
    }
}

/// What places a tenant's row: its status, and whether it is only held back by another's
/// trouble (its name places it among equals).
fn sort_key(row: &TenantRow) -> (Status, bool) {
    let held_back_only = row
        .worst
        .as_ref()
        .is_some_and(|f| f.tenant.as_deref() != Some(row.summary.name.as_str()));
    (row.status, held_back_only)
}

/// Worst first; at the same status, a tenant with trouble of its own before one only held back
/// by another's (a failed ELT run holds back every tenant); then by name.
fn tenant_order(a: &TenantRow, b: &TenantRow) -> std::cmp::Ordering {
    let ((a_status, a_held), (b_status, b_held)) = (sort_key(a), sort_key(b));
    b_status
        .cmp(&a_status)
        .then(a_held.cmp(&b_held))
        .then_with(|| a.summary.name.cmp(&b.summary.name))
}

/// Rearranges items so that position `i` holds what was at `order[i]`, by `swap`s of two
/// positions (one per item at most), so that several aligned vectors move alike without copies.
fn permute(order: &[usize], mut swap: impl FnMut(usize, usize)) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

/// What a tenant's row is found by: what its columns show.
fn tenant_text(t: &TenantRow, lang: crate::i18n::Lang) -> String {
    let s = &t.summary;
    let worst = match (&t.worst, &s.error) {
        (_, Some(error)) => {
            format!("{} {error}", lang.pick("cannot read", "読み取れません"))
        }
        (Some(f), None) => format!("{} {}", f.check, f.text_for(&s.name, lang)),
        (None, None) => String::new(),
    };
    filter_text([
        s.name.as_str(),
        s.path,
        t.status.as_str(),
        t.status.label_in(lang),
        s.integration_status
            .known()
            .and_then(Option::as_ref)
            .map(|i| i.as_str())
            .unwrap_or(""),
        s.last_export
            .known()
            .and_then(Option::as_ref)
            .map_or("", |e| e.status.as_str()),
        if matches!(s.last_copy_at, Reading::Known(Some(_))) {
            "copy"
        } else {
            ""
        },
        s.last_elt
            .known()
            .and_then(Option::as_ref)
            .map_or("", |e| e.as_str()),
        &worst,
    ])
}

/// Why a list view has no rows to show when the source of its rows was never read.
pub fn unread(snapshot: &Snapshot, view: View) -> Option<Unread> {
    match view {
        View::Alarms => snapshot.unread_source(SourceId::Alarms),
        View::LoadErrors => snapshot.unread_view(WarehouseView::LoadErrors),
        View::Elt => snapshot.unread_source(SourceId::Elt),
        View::Logs => snapshot
            .unread_view(WarehouseView::FailedQueries)
            .or_else(|| snapshot.unread_source(SourceId::Logs)),
        View::Storage => snapshot.unread_view(WarehouseView::Tables),
        View::Wlm => snapshot.unread_view(WarehouseView::Queries),
        View::Overview | View::Tenant | View::Runbook => None,
    }
}

/// The lowercase text a row is filtered on: its parts joined by spaces, in one buffer. Every row
/// of every view has one, rebuilt on each data change, so no formatter and no second copy.
fn filter_text<const N: usize>(parts: [&str; N]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(part);
    }
    lowercase(text)
}

fn lowercase(mut text: String) -> String {
    if text.is_ascii() {
        text.make_ascii_lowercase();
        text
    } else {
        text.to_lowercase()
    }
}

fn alarm_rank(state: AlarmState) -> u8 {
    match state {
        AlarmState::Alarm => 0,
        AlarmState::InsufficientData => 1,
        AlarmState::Ok => 2,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{LoadError, SourceData, WarehouseData};
    use crate::source::ManualClock;
    use crate::source::refresh::{FetchResult, SourceEvent, refresh_once};
    use crate::source::sim::{self, Scenario, SimOptions};
    use crate::tui::app::App;

    fn start() -> Time {
        Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 30).unwrap()
    }

    /// A console on a simulated fleet with findings (WLM saturation), every source read once.
    fn console() -> App {
        console_in(Scenario::WlmSaturation)
    }

    /// A console on a simulated fleet of 30 tenants going through `scenario`, every source read
    /// once.
    fn console_in(scenario: Scenario) -> App {
        let clock = Arc::new(ManualClock::new(start()));
        let fleet = sim::fleet(
            &SimOptions {
                tenants: 30,
                scenario,
                seed: 7,
                ..SimOptions::default()
            },
            clock,
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let snapshot = runtime.block_on(refresh_once(&fleet));
        let settings = Settings::shipped(crate::i18n::Lang::En);
        App::new("test".into(), settings, snapshot, start())
    }

    fn warehouse_result(warehouse: WarehouseData) -> SourceEvent {
        SourceEvent::Finished(Box::new(FetchResult {
            id: SourceId::Warehouse,
            generation: 2,
            fetched_at: start(),
            result: Ok(SourceData::Warehouse(warehouse)),
        }))
    }

    /// The rows as a fresh build from the console's data and health would have them.
    fn assert_as_built_anew(app: &App) {
        let mut fresh = Rows::build(&app.snapshot, &app.health, app.now, &app.settings);
        fresh.apply_filters(&app.filters, app.tenant.as_deref());
        assert_eq!(
            format!("{:?}", app.rows.tenants),
            format!("{:?}", fresh.tenants)
        );
        assert_eq!(app.rows.haystacks, fresh.haystacks);
        assert_eq!(app.rows.order, fresh.order);
        assert_eq!(app.rows.visible, fresh.visible);
        assert_eq!(app.rows.tenant_widths, fresh.tenant_widths);
        assert_eq!(app.rows.finding_tenants, fresh.finding_tenants);
        assert_eq!(app.rows.tenant_indices, fresh.tenant_indices);
        assert_eq!(app.rows.tenant_texts, fresh.tenant_texts);
    }

    /// The position of `tenant`'s row in the overview's tenants.
    fn place(app: &App, tenant: &str) -> usize {
        app.rows
            .tenants
            .iter()
            .position(|row| row.summary.name == tenant)
            .unwrap()
    }

    #[test]
    fn rows_brought_up_to_date_in_place_are_the_rows_built_anew() {
        // With a filter the tenants' texts are kept up to date too; without, there are none.
        for filter in [None, Some("zero-etl")] {
            let mut app = console();
            if let Some(filter) = filter {
                app.filters.insert(View::Overview, filter.into());
            }
            // A Zero-ETL tenant in the middle of the list, all well.
            let replica = app
                .snapshot
                .warehouse
                .replication
                .iter()
                .position(|r| {
                    r.tenant
                        .as_deref()
                        .is_some_and(|t| app.health.tenant(t) == Status::Ok && place(&app, t) > 5)
                })
                .unwrap();
            let tenant = app.snapshot.warehouse.replication[replica]
                .tenant
                .clone()
                .unwrap();
            let first_place = place(&app, &tenant);
            let mut generation = 2;
            let mut set_lag = |app: &mut App, lag: f64| {
                let mut warehouse = app.snapshot.warehouse.clone();
                warehouse.replication[replica].lag_seconds = Some(lag);
                generation += 1;
                let built = app.rows.tenants_generation();
                app.on_source_event(SourceEvent::Finished(Box::new(FetchResult {
                    id: SourceId::Warehouse,
                    generation,
                    fetched_at: start(),
                    result: Ok(SourceData::Warehouse(warehouse)),
                })));
                assert_eq!(app.rows.tenants_generation(), built + 1, "derived again");
                let row = &app.rows.tenants[place(app, &tenant)];
                assert_eq!(row.summary.lag_seconds, Reading::Known(Some(lag)));
                assert_as_built_anew(app);
            };

            // The lag moves a little: the same place.
            set_lag(&mut app, 12.0);
            assert_eq!(place(&app, &tenant), first_place);
            // Over the warning threshold: a warning moves the tenant up, among the warnings.
            set_lag(&mut app, 1800.0);
            assert_eq!(
                app.rows.tenants[place(&app, &tenant)].status,
                Status::Warning
            );
            assert!(place(&app, &tenant) < first_place, "moved up");
            // Critical: first of the tenants, ahead of every warning.
            set_lag(&mut app, 5.0 * 3600.0);
            assert_eq!(
                app.rows.tenants[place(&app, &tenant)].status,
                Status::Critical
            );
            assert_eq!(place(&app, &tenant), 0);
            // Well again: back in its place.
            set_lag(&mut app, 30.0);
            assert_eq!(place(&app, &tenant), first_place);

            // A minute later the same rows, kept, are still what a build makes.
            let built = app.rows.tenants_generation();
            app.advance(start() + chrono::Duration::minutes(1), []);
            assert_eq!(app.rows.tenants_generation(), built + 1);
            assert_as_built_anew(&app);
        }
    }

    #[test]
    fn permuting_moves_every_item_to_its_place() {
        let order = [3, 0, 4, 1, 2, 5];
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        let mut swaps = 0;
        permute(&order, |a, b| {
            items.swap(a, b);
            swaps += 1;
        });
        assert_eq!(items, vec!['d', 'a', 'e', 'b', 'c', 'f']);
        assert!(swaps < order.len(), "{swaps} swaps");
    }

    /// A failed ELT run holds back every tenant: its one finding names them all, and their rows
    /// share it rather than each holding a copy of the whole list.
    #[test]
    fn a_finding_of_every_tenant_is_shared_by_their_rows() {
        let app = console_in(Scenario::DbtFailure);
        let held_back: Vec<&Arc<Finding>> = app
            .rows
            .tenants
            .iter()
            .filter_map(|row| row.worst.as_ref())
            .filter(|finding| finding.affected.len() >= 2)
            .collect();
        assert!(
            held_back.len() >= 2,
            "no finding holds back several tenants"
        );
        assert!(held_back.iter().all(|f| Arc::ptr_eq(f, held_back[0])));
    }

    #[test]
    fn a_change_of_only_the_wlm_queues_keeps_the_tenants_rows() {
        let mut app = console();
        // A filter lets some tenants through: the kept rows are filtered as new ones would be.
        let tenant = app.snapshot.tenants[3].name.clone();
        app.filters.insert(View::Overview, tenant);
        let built = app.rows.tenants_generation();
        let mut warehouse = app.snapshot.warehouse.clone();
        warehouse.queues[0].running += 1;
        let running = warehouse.queues[0].running;
        app.on_source_event(warehouse_result(warehouse));

        assert_eq!(app.snapshot.warehouse.queues[0].running, running, "applied");
        assert_eq!(app.rows.tenants_generation(), built, "tenants' rows kept");
        assert!(app.rows.len(View::Overview) < app.rows.total(View::Overview));
        assert_as_built_anew(&app);
    }

    /// The storage view lists every table of the fleet: its rows are derived again when the
    /// tables change, not when the queues or running queries do.
    #[test]
    fn each_view_is_derived_again_only_when_its_own_data_changes() {
        let mut app = console();
        let generations = |app: &App| View::TABS.map(|view| (view, app.rows.generation(view)));
        let before = generations(&app);
        let mut warehouse = app.snapshot.warehouse.clone();
        warehouse.queues[0].queued += 1;
        app.on_source_event(warehouse_result(warehouse));
        let after = generations(&app);
        let derived: Vec<View> = View::TABS
            .into_iter()
            .zip(before.iter().zip(&after))
            .filter(|(_, ((_, was), (_, is)))| was != is)
            .map(|(view, _)| view)
            .collect();
        assert_eq!(
            derived,
            [View::Overview],
            "only the findings may have moved"
        );
        assert_as_built_anew(&app);

        // The smallest table grows past the largest: it is listed first.
        let mut warehouse = app.snapshot.warehouse.clone();
        let smallest = *app.rows.visible(View::Storage).last().unwrap();
        warehouse.tables[smallest].size_mb =
            warehouse.tables.iter().map(|t| t.size_mb).max().unwrap() + 1;
        let storage = app.rows.generation(View::Storage);
        app.on_source_event(SourceEvent::Finished(Box::new(FetchResult {
            id: SourceId::Warehouse,
            generation: 3,
            fetched_at: start(),
            result: Ok(SourceData::Warehouse(warehouse)),
        })));
        assert_eq!(app.rows.generation(View::Storage), storage + 1);
        assert_eq!(app.rows.visible(View::Storage)[0], smallest);
        assert_eq!(
            app.rows.generation(View::Wlm),
            after[2].1,
            "queries unchanged"
        );
        assert_as_built_anew(&app);

        // A minute passing derives the overview again (findings count time), not the tables.
        app.advance(start() + chrono::Duration::minutes(1), []);
        assert_eq!(app.rows.generation(View::Storage), storage + 1);
        assert_as_built_anew(&app);
    }

    #[test]
    fn a_change_the_tenants_rows_show_rebuilds_them() {
        let mut app = console();
        let built = app.rows.tenants_generation();
        let tenant = app.snapshot.tenants[0].name.clone();
        let copy_errors = |app: &App| {
            app.rows
                .tenants
                .iter()
                .find(|row| row.summary.name == tenant)
                .map(|row| row.summary.copy_errors_24h.clone())
        };
        let before = copy_errors(&app);
        let mut warehouse = app.snapshot.warehouse.clone();
        warehouse
            .load_errors
            .insert(0, LoadError::invalid_digit(&tenant, start()));
        app.on_source_event(warehouse_result(warehouse));

        assert_eq!(
            app.rows.tenants_generation(),
            built + 1,
            "tenants' rows rebuilt"
        );
        assert_ne!(copy_errors(&app), before, "the new COPY error is counted");
        assert_as_built_anew(&app);

        // A new minute counts the last 24 hours anew.
        app.advance(start() + chrono::Duration::minutes(1), []);
        assert_eq!(app.rows.tenants_generation(), built + 2);
        assert_as_built_anew(&app);
    }
}
