//! The simulated tenants: seed 000's three (A and C on Zero-ETL, B on the snapshot-export path), then
//! generated ones for large-fleet demos.

use crate::model::{Ingest, Tenant};

/// The most tenants a simulated fleet may have.
pub const MAX_TENANTS: usize = 10_000;

/// The accounts generated tenants share: large fleets put many tenants in one account.
const GENERATED_ACCOUNTS: usize = 10;

/// Builds `count` tenants (at least one, at most [`MAX_TENANTS`]).
pub(crate) fn build(count: usize) -> Vec<Tenant> {
    (1..=count.clamp(1, MAX_TENANTS)).map(tenant).collect()
}

/// The tenant at 1-based `index`: seed 000's named tenants first, then `tenant_0004` onwards.
fn tenant(index: usize) -> Tenant {
    match index {
        1 => zero_etl("tenant_a", "111111111111", "tenant-a"),
        2 => Tenant {
            name: "tenant_b".into(),
            schema: "tenant_b".into(),
            metric_dimension_value: "tenant_b".into(),
            account_id: "222222222222".into(),
            cluster_identifier: "tenant-b-mysql".into(),
            ingest: Ingest::Export {
                bucket: "tenant-b-snapshots".into(),
                prefix: "tenant_b/".into(),
            },
        },
        3 => zero_etl("tenant_c", "333333333333", "tenant-c"),
        _ => generated(index),
    }
}

fn zero_etl(name: &str, account: &str, slug: &str) -> Tenant {
    Tenant {
        name: name.into(),
        schema: name.into(),
        metric_dimension_value: name.into(),
        account_id: account.into(),
        cluster_identifier: format!("{slug}-mysql"),
        ingest: Ingest::ZeroEtl {
            integration: format!("{slug}-to-central-integration"),
        },
    }
}

/// A generated tenant; about one in three takes the export path, like tenant_b among A, B and C.
fn generated(index: usize) -> Tenant {
    let name = format!("tenant_{index:04}");
    let slug = format!("tenant-{index:04}");
    let account = generated_account(index % GENERATED_ACCOUNTS);
    if index % 3 == 2 {
        Tenant {
            schema: name.clone(),
            metric_dimension_value: name.clone(),
            account_id: account,
            cluster_identifier: format!("{slug}-mysql"),
            ingest: Ingest::Export {
                bucket: format!("{slug}-snapshots"),
                prefix: format!("{name}/"),
            },
            name,
        }
    } else {
        zero_etl(&name, &account, &slug)
    }
}

/// A 12-digit account id, distinct from seed 000's accounts and the central 999999999999.
fn generated_account(slot: usize) -> String {
    format!("{:012}", 444_400_000_000_u64 + slot as u64 * 10_101)
}

/// When a tenant's daily snapshot export starts, in minutes after midnight UTC. Seed 000 schedules
/// tenant B at 02:15; generated tenants spread over 02:00–03:29 so exports do not all start at once.
pub(crate) fn export_start_minute(index: usize) -> u32 {
    if index == 2 {
        2 * 60 + 15
    } else {
        2 * 60 + (index as u32 * 7) % 90
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn three_tenants_are_seed_000s() {
        let tenants = build(3);
        let names: Vec<&str> = tenants.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["tenant_a", "tenant_b", "tenant_c"]);
        assert_eq!(
            tenants[0].ingest.integration(),
            Some("tenant-a-to-central-integration")
        );
        assert_eq!(tenants[0].cluster_identifier, "tenant-a-mysql");
        assert_eq!(tenants[1].account_id, "222222222222");
        assert_eq!(tenants[1].ingest.label(), "export");
        assert_eq!(
            tenants[2].ingest.integration(),
            Some("tenant-c-to-central-integration")
        );
        assert!(tenants.iter().all(|t| t.schema == t.name));
    }

    #[test]
    fn generated_tenants_share_ten_accounts_and_a_third_export() {
        let tenants = build(1000);
        assert_eq!(tenants.len(), 1000);
        assert_eq!(tenants[3].name, "tenant_0004");
        assert_eq!(tenants[999].name, "tenant_1000");
        let generated = &tenants[3..];
        let accounts: BTreeSet<&str> = generated.iter().map(|t| t.account_id.as_str()).collect();
        assert_eq!(accounts.len(), 10);
        assert!(accounts.iter().all(|a| a.len() == 12));
        let exports = generated
            .iter()
            .filter(|t| t.ingest.label() == "export")
            .count();
        assert!((300..=340).contains(&exports), "{exports} export tenants");
    }

    #[test]
    fn tenant_count_is_clamped() {
        assert_eq!(build(0).len(), 1);
        assert_eq!(build(MAX_TENANTS + 5).len(), MAX_TENANTS);
    }
}
