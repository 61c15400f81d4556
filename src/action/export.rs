//! Starting a snapshot export, the same against AWS and the demo: never while one of the same
//! tenant is still running, which would export the same data twice.

use serde_json::json;

use super::Plan;

/// An export task of the tenant that has not ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub id: String,
    pub status: String,
    pub percent: i32,
}

/// Records the running exports as what the plan depends on, and refuses it when there is one.
/// Returns whether it refused.
pub fn refuse_while_running(plan: &mut Plan, running: &[Running]) -> bool {
    plan.before = json!({
        "running_exports": running.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
    });
    let Some(first) = running.first() else {
        return false;
    };
    plan.unsupported = Some(format!(
        "export {} is {} ({} %): a second export now would export the same data twice; wait for it",
        first.id, first.status, first.percent
    ));
    true
}
