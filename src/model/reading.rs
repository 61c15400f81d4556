//! A figure that comes from a source that can fail is a [`Reading`]: its value, or why it could not
//! be read. Unknown is not zero: a count whose query failed is `?` on screen and `null` in JSON,
//! never `0`. Which source (or warehouse view, or tenant account) a figure needs is decided here,
//! once, for the console and `check` alike.

use std::fmt;

use serde::{Serialize, Serializer};

use super::{Alarm, FleetMetrics, Snapshot, SourceId, WarehouseView};

/// Why a figure has no value: the source, the warehouse view when only that statement failed, and
/// the error. Data kept from an earlier reading is old, not unread: only a thing never read is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub source: SourceId,
    pub view: Option<WarehouseView>,
    pub error: String,
}

impl Unread {
    /// The source, and the view if only it failed: `warehouse load errors`, `alarms`.
    pub fn what(&self) -> String {
        match self.view {
            Some(view) => format!("{} {}", self.source, view.as_str()),
            None => self.source.to_string(),
        }
    }
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what(), self.error)
    }
}

/// A figure read from a source that can fail.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    Known(T),
    /// Could not be read at all: shown as `?`, serialized as `null`.
    Unknown(Unread),
}

impl<T> Reading<T> {
    /// `value`, unless `unread` says it could not be read.
    pub fn of(value: T, unread: Option<Unread>) -> Self {
        match unread {
            Some(unread) => Reading::Unknown(unread),
            None => Reading::Known(value),
        }
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Reading::Known(value) => Some(value),
            Reading::Unknown(_) => None,
        }
    }

    pub fn unread(&self) -> Option<&Unread> {
        match self {
            Reading::Known(_) => None,
            Reading::Unknown(unread) => Some(unread),
        }
    }

    pub fn as_ref(&self) -> Reading<&T> {
        match self {
            Reading::Known(value) => Reading::Known(value),
            Reading::Unknown(unread) => Reading::Unknown(unread.clone()),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reading<U> {
        match self {
            Reading::Known(value) => Reading::Known(f(value)),
            Reading::Unknown(unread) => Reading::Unknown(unread),
        }
    }
}

impl<T> Reading<Option<T>> {
    /// A value found is known even where another input failed; no value with an input unread is
    /// unknown, not "none".
    pub fn found(value: Option<T>, unread: impl IntoIterator<Item = Option<Unread>>) -> Self {
        if value.is_some() {
            return Reading::Known(value);
        }
        match unread.into_iter().flatten().next() {
            Some(unread) => Reading::Unknown(unread),
            None => Reading::Known(None),
        }
    }
}

impl<T> Reading<Option<T>> {
    /// The value as text by `show`, `—` when there is none, `?` when it could not be read.
    pub fn show(&self, show: impl FnOnce(&T) -> String) -> String {
        match self {
            Reading::Known(Some(value)) => show(value),
            Reading::Known(None) => "—".to_string(),
            Reading::Unknown(_) => UNKNOWN.to_string(),
        }
    }
}

impl<T: fmt::Display> Reading<T> {
    /// The value as text, `?` when unknown.
    pub fn text(&self) -> String {
        match self {
            Reading::Known(value) => value.to_string(),
            Reading::Unknown(_) => UNKNOWN.to_string(),
        }
    }
}

/// How an unknown figure is written on screen and in the text reports.
pub const UNKNOWN: &str = "?";

/// `null` when unknown: a consumer of the JSON never mistakes it for a zero.
impl<T: Serialize> Serialize for Reading<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Reading::Known(value) => value.serialize(serializer),
            Reading::Unknown(_) => serializer.serialize_none(),
        }
    }
}

impl Snapshot {
    /// A source with no data at all, with its error.
    pub fn unread_source(&self, id: SourceId) -> Option<Unread> {
        let status = self.source(id)?;
        status.failed().then(|| Unread {
            source: id,
            view: None,
            error: status.error.clone().unwrap_or_default(),
        })
    }

    /// A warehouse view never read: the whole source failed, or this view's statement failed
    /// every time so far.
    pub fn unread_view(&self, view: WarehouseView) -> Option<Unread> {
        if let Some(unread) = self.unread_source(SourceId::Warehouse) {
            return Some(unread);
        }
        if self.read_views.contains(&view) {
            return None;
        }
        let (_, error) = self
            .warehouse
            .failed_views
            .iter()
            .find(|(v, _)| *v == view)?;
        Some(Unread {
            source: SourceId::Warehouse,
            view: Some(view),
            error: error.clone(),
        })
    }

    /// A tenant whose account RDS never read: the whole source failed, or its account failed
    /// every time so far.
    pub fn unread_tenant(&self, tenant: &str) -> Option<Unread> {
        if let Some(unread) = self.unread_source(SourceId::Rds) {
            return Some(unread);
        }
        if self.read_tenants.contains(tenant) {
            return None;
        }
        let error = self.tenant_errors.get(tenant)?;
        Some(Unread {
            source: SourceId::Rds,
            view: None,
            error: error.clone(),
        })
    }

    /// Whether some figure of every tenant may be hidden: a source or a warehouse view unread.
    pub fn fleet_unread(&self) -> Option<Unread> {
        SourceId::ALL
            .iter()
            .find_map(|&id| self.unread_source(id))
            .or_else(|| {
                WarehouseView::ALL
                    .iter()
                    .find_map(|&view| self.unread_view(view))
            })
    }

    /// The alarms, unless DescribeAlarms never answered.
    pub fn alarms_reading(&self) -> Reading<&[Alarm]> {
        Reading::of(&self.alarms, self.unread_source(SourceId::Alarms))
    }

    /// A CloudWatch figure: `?` when GetMetricData never answered.
    pub fn metric(
        &self,
        figure: impl FnOnce(&FleetMetrics) -> Option<f64>,
    ) -> Reading<Option<f64>> {
        Reading::found(
            figure(&self.metrics),
            [self.unread_source(SourceId::Metrics)],
        )
    }

    /// The warehouse's latest disk use in percent (CloudWatch).
    pub fn storage_percent(&self) -> Reading<Option<f64>> {
        self.metric(|m| m.storage_percent.latest())
    }

    /// Queries waiting in a WLM queue: CloudWatch's queue length, else the warehouse's count now.
    pub fn queue_queued(&self, queue: &str) -> Reading<Option<f64>> {
        let value = self
            .metrics
            .queue_length
            .get(queue)
            .and_then(|s| s.latest())
            .or_else(|| self.warehouse_queue(queue).map(|q| f64::from(q.queued)));
        Reading::found(
            value,
            [
                self.unread_source(SourceId::Metrics),
                self.unread_view(WarehouseView::Queues),
            ],
        )
    }

    /// Queries running in a WLM queue: the warehouse's count now, else CloudWatch's.
    pub fn queue_running(&self, queue: &str) -> Reading<Option<f64>> {
        let value = self
            .warehouse_queue(queue)
            .map(|q| f64::from(q.running))
            .or_else(|| {
                self.metrics
                    .queue_running
                    .get(queue)
                    .and_then(|s| s.latest())
            });
        Reading::found(
            value,
            [
                self.unread_view(WarehouseView::Queues),
                self.unread_source(SourceId::Metrics),
            ],
        )
    }

    fn warehouse_queue(&self, queue: &str) -> Option<&super::QueueActivity> {
        self.warehouse.queues.iter().find(|q| q.queue == queue)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{Ingest, RdsData, SourceData, Tenant, TenantFailure, Time, WarehouseData};

    fn at(minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 6, minute, 0)
            .unwrap()
    }

    fn snapshot() -> Snapshot {
        let tenant = |name: &str| Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "111111111111".into(),
            cluster_identifier: format!("{name}-mysql"),
            ingest: Ingest::Export {
                bucket: "b".into(),
                prefix: String::new(),
            },
        };
        Snapshot::new(vec![tenant("a"), tenant("b")])
    }

    fn denied(tenant: &str) -> RdsData {
        RdsData {
            failures: vec![TenantFailure {
                tenant: tenant.into(),
                error: "AccessDenied".into(),
            }],
            ..RdsData::default()
        }
    }

    fn load_errors_failed() -> WarehouseData {
        WarehouseData {
            failed_views: vec![(WarehouseView::LoadErrors, "permission denied".into())],
            ..WarehouseData::default()
        }
    }

    #[test]
    fn unknown_serializes_as_null_and_known_as_its_value() {
        let unread = Unread {
            source: SourceId::Alarms,
            view: None,
            error: "throttled".into(),
        };
        let unknown: Reading<usize> = Reading::Unknown(unread.clone());
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Reading::Known(0)).unwrap(), "0");
        assert_eq!(unknown.text(), "?");
        assert_eq!(Reading::Known(3).text(), "3");
        let none: Reading<Option<u8>> = Reading::Known(None);
        assert_eq!(none.show(u8::to_string), "—");
        assert_eq!(Reading::Known(Some(4u8)).show(u8::to_string), "4");
        let unknown: Reading<Option<u8>> = Reading::Unknown(unread.clone());
        assert_eq!(unknown.show(u8::to_string), "?");
        assert_eq!(unread.to_string(), "alarms: throttled");
    }

    #[test]
    fn a_value_found_is_known_even_if_another_input_failed() {
        let unread = Unread {
            source: SourceId::Metrics,
            view: None,
            error: "x".into(),
        };
        assert_eq!(
            Reading::found(Some(1.0), [Some(unread.clone())]),
            Reading::Known(Some(1.0))
        );
        assert_eq!(
            Reading::<Option<f64>>::found(None, [None, Some(unread.clone())]),
            Reading::Unknown(unread)
        );
        assert_eq!(
            Reading::<Option<f64>>::found(None, [None]),
            Reading::Known(None)
        );
    }

    #[test]
    fn a_source_that_never_answered_is_unread_and_one_that_answered_once_is_only_old() {
        let mut snapshot = snapshot();
        assert_eq!(
            snapshot.unread_source(SourceId::Alarms),
            None,
            "not yet asked"
        );
        snapshot.apply(SourceId::Alarms, 1, Err("throttled".into()), at(0));
        let unread = snapshot.alarms_reading().unread().cloned().unwrap();
        assert_eq!(
            (unread.source, unread.error.as_str()),
            (SourceId::Alarms, "throttled")
        );
        snapshot.apply(
            SourceId::Alarms,
            2,
            Ok(SourceData::Alarms(crate::model::AlarmsData::default())),
            at(1),
        );
        snapshot.apply(SourceId::Alarms, 3, Err("throttled".into()), at(2));
        assert_eq!(snapshot.alarms_reading().known().map(|a| a.len()), Some(0));
    }

    #[test]
    fn a_view_is_unread_until_its_statement_succeeds_once() {
        let mut snapshot = snapshot();
        snapshot.apply(
            SourceId::Warehouse,
            1,
            Ok(SourceData::Warehouse(load_errors_failed())),
            at(0),
        );
        let unread = snapshot.unread_view(WarehouseView::LoadErrors).unwrap();
        assert_eq!(unread.what(), "warehouse load errors");
        assert_eq!(snapshot.unread_view(WarehouseView::Loads), None);
        assert!(snapshot.fleet_unread().is_some());

        let fine = WarehouseData::default();
        snapshot.apply(
            SourceId::Warehouse,
            2,
            Ok(SourceData::Warehouse(fine)),
            at(1),
        );
        snapshot.apply(
            SourceId::Warehouse,
            3,
            Ok(SourceData::Warehouse(load_errors_failed())),
            at(2),
        );
        assert_eq!(
            snapshot.unread_view(WarehouseView::LoadErrors),
            None,
            "old, not unread"
        );
        assert_eq!(snapshot.fleet_unread(), None);
    }

    #[test]
    fn a_tenant_is_unread_until_its_account_answers_once() {
        let mut snapshot = snapshot();
        snapshot.apply(SourceId::Rds, 1, Ok(SourceData::Rds(denied("b"))), at(0));
        assert_eq!(snapshot.unread_tenant("a"), None);
        let unread = snapshot.unread_tenant("b").unwrap();
        assert_eq!(
            (unread.source, unread.error.as_str()),
            (SourceId::Rds, "AccessDenied")
        );

        snapshot.apply(
            SourceId::Rds,
            2,
            Ok(SourceData::Rds(RdsData::default())),
            at(1),
        );
        snapshot.apply(SourceId::Rds, 3, Ok(SourceData::Rds(denied("b"))), at(2));
        assert_eq!(
            snapshot.unread_tenant("b"),
            None,
            "its earlier data is kept: old"
        );
        assert!(snapshot.tenant_errors.contains_key("b"));
    }

    #[test]
    fn a_whole_source_that_failed_makes_every_figure_it_feeds_unread() {
        let mut snapshot = snapshot();
        snapshot.apply(SourceId::Rds, 1, Err("expired".into()), at(0));
        snapshot.apply(SourceId::Warehouse, 1, Err("down".into()), at(0));
        snapshot.apply(SourceId::Metrics, 1, Err("down".into()), at(0));
        assert_eq!(snapshot.unread_tenant("a").unwrap().error, "expired");
        assert_eq!(
            snapshot.unread_view(WarehouseView::Tables).unwrap().view,
            None
        );
        assert!(snapshot.storage_percent().unread().is_some());
        assert!(snapshot.queue_queued("batch").unread().is_some());
    }
}
