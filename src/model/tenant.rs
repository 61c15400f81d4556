use serde::Serialize;

/// One tenant: an Aurora MySQL cluster in its own account, loaded into its own warehouse schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    pub name: String,
    /// The warehouse schema the tenant's data lands in.
    pub schema: String,
    /// The value of the tenant's dimension on its CloudWatch metrics and alarms (ASCII: a
    /// dimension value cannot be Japanese, a name can).
    pub metric_dimension_value: String,
    pub account_id: String,
    /// The tenant's Aurora MySQL cluster identifier.
    pub cluster_identifier: String,
    pub ingest: Ingest,
}

/// How a tenant's data reaches the warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "path", rename_all = "snake_case")]
pub enum Ingest {
    /// An Aurora Zero-ETL integration, named by its integration name.
    ZeroEtl { integration: String },
    /// A daily cluster snapshot exported to S3, then COPY into the warehouse.
    Export { bucket: String, prefix: String },
}

impl Ingest {
    /// The short label of the path, as shown in the overview.
    pub fn label(&self) -> &'static str {
        match self {
            Ingest::ZeroEtl { .. } => "zero-etl",
            Ingest::Export { .. } => "export",
        }
    }

    /// Whether the tenant's data arrives by snapshot export and COPY.
    pub fn is_export(&self) -> bool {
        matches!(self, Ingest::Export { .. })
    }

    pub fn integration(&self) -> Option<&str> {
        match self {
            Ingest::ZeroEtl { integration } => Some(integration),
            Ingest::Export { .. } => None,
        }
    }
}
