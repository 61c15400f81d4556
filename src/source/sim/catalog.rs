//! The warehouse's tables (SVV_TABLE_INFO): users, orders and products per tenant schema (seed 000's
//! export list) and the shared `analytics.daily_summary`. VACUUM and ANALYZE by an operator reset
//! a table's unsorted and stale-statistics shares, which then grow again as rows replicate.

use super::rng::SplitMix64;
use crate::model::{Ingest, TableInfo, Tenant, Time};

/// One tenant table's shape: row range, bytes per row, and hourly growth while Zero-ETL replicates.
struct TableShape {
    name: &'static str,
    rows: (i64, i64),
    bytes_per_row: f64,
    growth_per_hour: f64,
}

const SHAPES: [TableShape; 3] = [
    TableShape {
        name: "users",
        rows: (20_000, 400_000),
        bytes_per_row: 180.0,
        growth_per_hour: 0.0005,
    },
    TableShape {
        name: "orders",
        rows: (200_000, 8_000_000),
        bytes_per_row: 120.0,
        growth_per_hour: 0.002,
    },
    TableShape {
        name: "products",
        rows: (500, 20_000),
        bytes_per_row: 400.0,
        growth_per_hour: 0.0,
    },
];

/// Redshift allocates at least a block per column and slice, so even a small table takes space.
const MIN_TABLE_MB: f64 = 8.0;

/// The share of a table's unsorted region that VACUUM gives back: the deleted and updated rows'
/// old versions, which the unsorted tail of a replicated table is full of.
const RECLAIMABLE_SHARE_OF_UNSORTED: f64 = 0.25;

#[derive(Debug, Clone, PartialEq)]
struct CatalogTable {
    info: TableInfo,
    bytes_per_row: f64,
    /// Rows added per hour (Zero-ETL tables grow as changes replicate; COPY tables stay put).
    rows_per_hour: f64,
    /// Space the operator's VACUUMs gave back.
    reclaimed_mb: u64,
    /// Rows deleted but not yet vacuumed away: they take space until a VACUUM (DELETE ONLY is
    /// enough) gives it back.
    deleted_mb: u64,
    /// Since these, only rows replicated later are unsorted or missing from the statistics.
    vacuumed_at: Option<Time>,
    analyzed_at: Option<Time>,
}

impl CatalogTable {
    fn name(&self) -> String {
        format!("{}.{}", self.info.schema, self.info.table)
    }

    /// The table at `at`, hours after the catalog's creation.
    fn info_at(&self, at: Time, hours: f64) -> TableInfo {
        let mut info = self.info.clone();
        if self.rows_per_hour > 0.0 {
            info.rows += (self.rows_per_hour * hours) as u64;
            info.size_mb = size_mb(info.rows, self.bytes_per_row);
        }
        info.size_mb = info
            .size_mb
            .saturating_sub(self.reclaimed_mb)
            .max(MIN_TABLE_MB as u64);
        if let Some(vacuumed_at) = self.vacuumed_at {
            info.unsorted_percent = self.percent_added_since(vacuumed_at, at, info.rows);
        }
        if let Some(analyzed_at) = self.analyzed_at {
            info.stats_off_percent = self.percent_added_since(analyzed_at, at, info.rows);
        }
        info
    }

    /// The share of `rows` that replicated in since `since`.
    fn percent_added_since(&self, since: Time, at: Time, rows: u64) -> f64 {
        let hours = (at - since).num_seconds().max(0) as f64 / 3600.0;
        round1(self.rows_per_hour * hours / rows.max(1) as f64 * 100.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableCatalog {
    created_at: Time,
    /// Three per tenant in fleet order, then the analytics table.
    tables: Vec<CatalogTable>,
}

impl TableCatalog {
    /// `vacuum_overdue` leaves the large tables unsorted, as on a warehouse running out of disk.
    pub(crate) fn new(
        seed: u64,
        tenants: &[Tenant],
        created_at: Time,
        vacuum_overdue: bool,
    ) -> Self {
        let mut tables = Vec::with_capacity(tenants.len() * SHAPES.len() + 1);
        for (position, tenant) in tenants.iter().enumerate() {
            let mut rng = SplitMix64::keyed(seed, "tables", position as i64);
            let replicates = matches!(tenant.ingest, Ingest::ZeroEtl { .. });
            for shape in &SHAPES {
                let rows = rng.int_between(shape.rows.0, shape.rows.1) as u64;
                let mut unsorted = rng.between(0.0, 18.0);
                if vacuum_overdue && shape.name == "orders" {
                    unsorted = rng.between(25.0, 45.0);
                }
                tables.push(CatalogTable {
                    info: TableInfo {
                        schema: tenant.schema.clone(),
                        table: shape.name.into(),
                        size_mb: size_mb(rows, shape.bytes_per_row),
                        rows,
                        // Healthy DISTKEYs: well under seed 001's 20 % skew threshold.
                        skew_percent: round1(rng.between(0.5, 12.0)),
                        unsorted_percent: round1(unsorted),
                        stats_off_percent: round1(rng.between(0.0, 12.0)),
                    },
                    bytes_per_row: shape.bytes_per_row,
                    rows_per_hour: if replicates {
                        rows as f64 * shape.growth_per_hour
                    } else {
                        0.0
                    },
                    reclaimed_mb: 0,
                    deleted_mb: 0,
                    vacuumed_at: None,
                    analyzed_at: None,
                });
            }
        }
        let summary_rows = tenants.len() as u64 * 730;
        tables.push(CatalogTable {
            info: TableInfo {
                schema: "analytics".into(),
                table: "daily_summary".into(),
                size_mb: size_mb(summary_rows, 64.0),
                rows: summary_rows,
                skew_percent: 1.5,
                unsorted_percent: 0.0,
                stats_off_percent: 0.0,
            },
            bytes_per_row: 64.0,
            rows_per_hour: 0.0,
            reclaimed_mb: 0,
            deleted_mb: 0,
            vacuumed_at: None,
            analyzed_at: None,
        });
        if vacuum_overdue {
            // The disk filled because the export tenant's order history was archived to S3 and
            // deleted, and no VACUUM ran since: a quarter of the warehouse is deleted rows.
            let position = tenants
                .iter()
                .position(|t| t.name == super::incident::EXPORT_TENANT);
            let total: u64 = tables.iter().map(|t| t.info.size_mb).sum();
            if let Some(position) = position
                && let Some(orders) = tables
                    .iter_mut()
                    .skip(position * SHAPES.len())
                    .take(SHAPES.len())
                    .find(|t| t.info.table == "orders")
            {
                orders.deleted_mb = total / 3;
                orders.info.size_mb += orders.deleted_mb;
                orders.info.unsorted_percent = 60.0;
            }
        }
        Self { created_at, tables }
    }

    fn hours_since_creation(&self, at: Time) -> f64 {
        (at - self.created_at).num_seconds().max(0) as f64 / 3600.0
    }

    /// The tables at `at`, Zero-ETL tables grown by what replicated since creation.
    pub(crate) fn tables_at(&self, at: Time) -> Vec<TableInfo> {
        let hours = self.hours_since_creation(at);
        self.tables.iter().map(|t| t.info_at(at, hours)).collect()
    }

    /// The tables of the tenant at fleet `position`, `schema.table`.
    pub(crate) fn table_names(&self, position: usize) -> Vec<String> {
        self.tables
            .iter()
            .skip(position * SHAPES.len())
            .take(SHAPES.len())
            .map(CatalogTable::name)
            .collect()
    }

    /// The tables of the tenant at fleet `position`.
    fn tenant_tables(&mut self, position: usize) -> &mut [CatalogTable] {
        let first = (position * SHAPES.len()).min(self.tables.len());
        let end = (first + SHAPES.len()).min(self.tables.len());
        &mut self.tables[first..end]
    }

    /// VACUUM of each table of the tenant at fleet `position` at `at`: the tables, `schema.table`,
    /// and the share of the warehouse's table data it gave back.
    pub(crate) fn vacuum(&mut self, position: usize, at: Time) -> (Vec<String>, f64) {
        let hours = self.hours_since_creation(at);
        let total_mb: u64 = self
            .tables
            .iter()
            .map(|t| t.info_at(at, hours).size_mb)
            .sum();
        let mut freed_mb = 0;
        let mut names = Vec::with_capacity(SHAPES.len());
        for table in self.tenant_tables(position) {
            let before = table.info_at(at, hours);
            let live_mb = before.size_mb.saturating_sub(table.deleted_mb);
            let reclaimable =
                live_mb as f64 * before.unsorted_percent / 100.0 * RECLAIMABLE_SHARE_OF_UNSORTED;
            table.reclaimed_mb += reclaimable as u64 + table.deleted_mb;
            table.deleted_mb = 0;
            table.vacuumed_at = Some(at);
            freed_mb += before
                .size_mb
                .saturating_sub(table.info_at(at, hours).size_mb);
            names.push(table.name());
        }
        (names, freed_mb as f64 / total_mb.max(1) as f64)
    }

    /// ANALYZE of each table of the tenant at fleet `position` at `at`; the tables, `schema.table`.
    pub(crate) fn analyze(&mut self, position: usize, at: Time) -> Vec<String> {
        self.tenant_tables(position)
            .iter_mut()
            .map(|table| {
                table.analyzed_at = Some(at);
                table.name()
            })
            .collect()
    }

    /// The rows a COPY of the tenant at fleet `position` loads: all three of its tables.
    pub(crate) fn tenant_rows(&self, position: usize) -> u64 {
        self.tables
            .iter()
            .skip(position * SHAPES.len())
            .take(SHAPES.len())
            .map(|t| t.info.rows)
            .sum()
    }
}

fn size_mb(rows: u64, bytes_per_row: f64) -> u64 {
    (rows as f64 * bytes_per_row / 1_048_576.0)
        .max(MIN_TABLE_MB)
        .round() as u64
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::source::sim::tenants;

    #[test]
    fn every_tenant_has_three_tables_plus_the_summary() {
        let created = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let catalog = TableCatalog::new(5, &tenants::build(3), created, false);
        let tables = catalog.tables_at(created);
        assert_eq!(tables.len(), 10);
        assert_eq!(
            (tables[1].schema.as_str(), tables[1].table.as_str()),
            ("tenant_a", "orders")
        );
        assert_eq!(tables[9].schema, "analytics");
        assert!(tables.iter().all(|t| t.skew_percent < 20.0));
        let later = catalog.tables_at(created + Duration::hours(5));
        assert!(later[1].rows > tables[1].rows, "tenant_a replicates");
        assert_eq!(later[4].rows, tables[4].rows, "tenant_b loads by COPY");
        assert_eq!(
            catalog.tenant_rows(1),
            tables[3..6].iter().map(|t| t.rows).sum::<u64>()
        );
    }

    #[test]
    fn vacuum_and_analyze_reset_a_tenants_tables_until_rows_replicate_again() {
        let created = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let mut catalog = TableCatalog::new(5, &tenants::build(3), created, true);
        let before = catalog.tables_at(created);
        let (vacuumed, freed_share) = catalog.vacuum(0, created);
        assert_eq!(
            vacuumed,
            ["tenant_a.users", "tenant_a.orders", "tenant_a.products"]
        );
        assert_eq!(catalog.table_names(0), vacuumed);
        assert!(freed_share > 0.0 && freed_share < 0.1, "{freed_share}");
        let after = catalog.tables_at(created);
        assert!(after[..3].iter().all(|t| t.unsorted_percent == 0.0));
        assert!(after[1].size_mb < before[1].size_mb);
        assert_eq!(after[3..], before[3..], "other tenants untouched");
        assert_eq!(catalog.analyze(0, created), vacuumed);
        assert!(
            catalog.tables_at(created)[..3]
                .iter()
                .all(|t| t.stats_off_percent == 0.0)
        );
        let later = catalog.tables_at(created + Duration::hours(10));
        assert!(later[1].unsorted_percent > 0.0, "tenant_a replicates");
        assert!(later[1].stats_off_percent > 0.0);
        let (_, again) = catalog.vacuum(0, created);
        assert_eq!(again, 0.0, "nothing left to reclaim");
    }
}
