use serde::Serialize;

/// One warehouse table (SVV_TABLE_INFO).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    pub schema: String,
    pub table: String,
    pub size_mb: u64,
    pub rows: u64,
    /// Distribution skew: how much larger the biggest slice is than the smallest, in percent.
    pub skew_percent: f64,
    pub unsorted_percent: f64,
    pub stats_off_percent: f64,
}

/// How the warehouse's capacity is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityKnown {
    /// Given: a serverless namespace's capacity from the configuration. The used size is the
    /// percentage of it.
    Given,
    /// Worked out from the percentage and the size the tables take (SVV_TABLE_INFO): the disk
    /// also holds what no table owns, so it is an estimate.
    Estimated,
}

/// The warehouse's disk in GB: what is used and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StorageSize {
    pub used_gb: f64,
    pub capacity_gb: f64,
    pub capacity: CapacityKnown,
}

impl StorageSize {
    /// The size at `percent` used, from a given capacity or else from the tables' size; `None`
    /// when neither is known (or nothing is used, which says nothing of the capacity).
    pub fn of(percent: f64, capacity_gb: Option<f64>, tables_mb: Option<u64>) -> Option<Self> {
        if let Some(capacity_gb) = capacity_gb.filter(|c| *c > 0.0) {
            return Some(StorageSize {
                used_gb: capacity_gb * percent / 100.0,
                capacity_gb,
                capacity: CapacityKnown::Given,
            });
        }
        let used_gb = tables_mb? as f64 / 1024.0;
        (percent > 0.0 && used_gb > 0.0).then(|| StorageSize {
            used_gb,
            capacity_gb: used_gb * 100.0 / percent,
            capacity: CapacityKnown::Estimated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_capacity_wins_and_otherwise_the_tables_size_says_it() {
        let given = StorageSize::of(50.0, Some(1024.0), Some(10)).unwrap();
        assert_eq!(
            (given.used_gb, given.capacity_gb, given.capacity),
            (512.0, 1024.0, CapacityKnown::Given)
        );
        let estimated = StorageSize::of(25.0, None, Some(256 * 1024)).unwrap();
        assert_eq!(
            (estimated.used_gb, estimated.capacity_gb, estimated.capacity),
            (256.0, 1024.0, CapacityKnown::Estimated)
        );
        assert_eq!(StorageSize::of(25.0, None, None), None);
        assert_eq!(StorageSize::of(0.0, None, Some(1024)), None);
    }
}
