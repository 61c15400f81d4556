//! Reading the audit log at start: one `scan` of 100,000 records (50,005 intents, 49,995 outcomes,
//! so 10 actions of unknown outcome) of the size real ones have. Budget: ≤ 1 s on the 2-core
//! machine; figure: docs/performance.md.
//!
//! ```sh
//! cargo bench --bench audit
//! ```

use std::hint::black_box;
use std::io::{BufWriter, Write};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use shiftops::action::audit::{self, AuditRecord, AuditResult, Phase};

const RECORDS: usize = 100_000;
const UNFINISHED: usize = 10;

fn record(i: usize, phase: Phase) -> AuditRecord {
    let tenant = format!("tenant_{:04}", i % 1_000);
    AuditRecord {
        time: "2026-11-21T06:27:30.241Z".into(),
        id: format!("20261121T062730.241Z-21488-{i}"),
        phase,
        caller: "arn:aws:sts::999999999999:assumed-role/oncall/alice".into(),
        action: "vacuum".into(),
        target: tenant.clone(),
        parameters: json!({"action": "vacuum", "tenant": tenant}),
        calls: ["orders", "order_items", "customers", "events"]
            .iter()
            .map(|table| format!("VACUUM \"{tenant}\".\"{table}\""))
            .collect(),
        before: json!({"unsorted_pct": 41.5, "tables": 4}),
        after: if phase == Phase::Outcome {
            json!({"unsorted_pct": 0.0})
        } else {
            serde_json::Value::Null
        },
        outcome: (phase == Phase::Outcome).then(|| AuditResult {
            ok: true,
            message: format!("vacuumed 4 tables of {tenant}"),
        }),
    }
}

/// The log: each intent followed by its outcome, but for the last `UNFINISHED` intents.
fn write_log(path: &std::path::Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    let intents = (RECORDS + UNFINISHED) / 2;
    for i in 0..intents {
        let mut line = |phase| {
            serde_json::to_writer(&mut out, &record(i, phase)).unwrap();
            out.write_all(b"\n").unwrap();
        };
        line(Phase::Intent);
        if i < intents - UNFINISHED {
            line(Phase::Outcome);
        }
    }
    out.flush().unwrap();
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path);
    let scan = audit::scan(&path).unwrap();
    assert_eq!(scan.records, RECORDS);
    assert_eq!(scan.unfinished.len(), UNFINISHED);

    let mut group = c.benchmark_group("audit");
    // Each iteration reads some 50 MB: fewer samples keep the run short.
    group.sample_size(20);
    group.bench_function("scan of 100,000 records", |b| {
        b.iter(|| black_box(audit::scan(black_box(&path)).unwrap()))
    });
    group.finish();
}

criterion_group!(audit_benches, benches);
criterion_main!(audit_benches);
