//! The tenant chooser: a runbook's action step that needs a tenant, in a walkthrough that has
//! none (opened from a fleet-wide finding or by name), asks which one. The tenants the action
//! fits are listed worst first; the one chosen becomes the walkthrough's tenant and the action's
//! preview opens.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{Context, Recovery, Reply, request};
use crate::action::ActionKind;
use crate::health::{Health, Status};
use crate::i18n::Lang;
use crate::model::{Ingest, Snapshot};
use crate::tui::action::Action;

/// Which tenant an action step is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    pub action: ActionKind,
    /// The runbook step that asked, marked done when its action succeeds.
    pub step: usize,
    /// The tenants the action fits, worst status first, then by name.
    pub tenants: Vec<(String, Status)>,
    pub selected: usize,
}

/// Whether an action is about one tenant, so that a step with no tenant must ask for one. The
/// others are about the fleet (the ELT, the WLM queues) or about a query.
pub fn needs_tenant(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::ResyncTables
            | ActionKind::StartExport
            | ActionKind::Vacuum
            | ActionKind::Analyze
    )
}

/// The tenants `kind` can act on (a resync only Zero-ETL ones, an export only export-path ones),
/// worst status first, then by name.
pub fn candidates(kind: ActionKind, snapshot: &Snapshot, health: &Health) -> Vec<(String, Status)> {
    let mut tenants: Vec<(String, Status)> = snapshot
        .tenants
        .iter()
        .filter(|t| match (kind, &t.ingest) {
            (ActionKind::ResyncTables, ingest) => matches!(ingest, Ingest::ZeroEtl { .. }),
            (ActionKind::StartExport, ingest) => matches!(ingest, Ingest::Export { .. }),
            _ => true,
        })
        .map(|t| (t.name.clone(), health.tenant(&t.name)))
        .collect();
    tenants.sort_by(|(a, a_status), (b, b_status)| b_status.cmp(a_status).then(a.cmp(b)));
    tenants
}

impl Recovery {
    pub fn chooser(&self) -> Option<&Chooser> {
        self.chooser.as_ref()
    }

    /// Asks which tenant the action of step `step` is for.
    pub(super) fn open_chooser(
        &mut self,
        context: &Context,
        kind: ActionKind,
        step: usize,
    ) -> Reply {
        // A console without actions says so at once rather than after the choice.
        if !context.actions {
            return Reply::error(context.lang.pick(
                "recovery actions are not available in this console",
                "このコンソールでは復旧アクションを使えません",
            ));
        }
        let tenants = candidates(kind, context.snapshot, context.health);
        if tenants.is_empty() {
            return Reply::error(match context.lang {
                Lang::En => format!("{kind} needs a tenant, and no tenant fits it"),
                Lang::Ja => {
                    format!("{kind} にはテナントが必要ですが、対象になるテナントがありません")
                }
            });
        }
        self.chooser = Some(Chooser {
            action: kind,
            step,
            tenants,
            selected: 0,
        });
        Reply::default()
    }

    /// Up and down choose, Enter takes the tenant and opens the action's preview, Esc cancels.
    pub(super) fn on_chooser_key(&mut self, context: &Context, key: KeyEvent) -> Reply {
        let Some(chooser) = &mut self.chooser else {
            return Reply::default();
        };
        let last = chooser.tenants.len().saturating_sub(1);
        match (context.keymap.action_for(&key), key.code) {
            (Some(Action::Down), _) => chooser.selected = (chooser.selected + 1).min(last),
            (Some(Action::Up), _) => chooser.selected = chooser.selected.saturating_sub(1),
            (Some(Action::Top), _) => chooser.selected = 0,
            (Some(Action::Bottom), _) => chooser.selected = last,
            (Some(Action::Select), _) | (_, KeyCode::Enter) => {
                let chooser = self.chooser.take().expect("the chooser is open");
                let Some((tenant, _)) = chooser.tenants.get(chooser.selected) else {
                    return Reply::default();
                };
                if let Some(walkthrough) = &mut self.walkthrough {
                    walkthrough.tenant = Some(tenant.clone());
                }
                return match request::request_for(
                    chooser.action,
                    Some(tenant),
                    context.snapshot,
                    context.lang,
                ) {
                    Ok(request) => self.open_action(context, request, Some(chooser.step)),
                    Err(error) => Reply::error(error),
                };
            }
            (Some(Action::Back | Action::Quit), _) | (_, KeyCode::Esc) => {
                self.chooser = None;
                return Reply::info(context.lang.pick(
                    "no tenant chosen; nothing was done",
                    "テナントを選ばなかったため、何もしていません",
                ));
            }
            _ => {}
        }
        Reply::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tenant;

    fn tenant(name: &str, ingest: Ingest) -> Tenant {
        Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "111111111111".into(),
            cluster_identifier: format!("{name}-cluster"),
            ingest,
        }
    }

    fn fleet() -> (Snapshot, Health) {
        let zero_etl = |name: &str| Ingest::ZeroEtl {
            integration: format!("{name}-integration"),
        };
        let export = Ingest::Export {
            bucket: "exports".into(),
            prefix: "b/".into(),
        };
        let snapshot = Snapshot::new(vec![
            tenant("tenant_a", zero_etl("tenant_a")),
            tenant("tenant_b", export),
            tenant("tenant_c", zero_etl("tenant_c")),
            tenant("tenant_d", zero_etl("tenant_d")),
        ]);
        let health = Health {
            findings: Vec::new(),
            tenant_status: [
                ("tenant_b".to_string(), Status::Critical),
                ("tenant_c".to_string(), Status::Warning),
                ("tenant_d".to_string(), Status::Unknown),
            ]
            .into_iter()
            .collect(),
            status: Status::Critical,
        };
        (snapshot, health)
    }

    #[test]
    fn candidates_are_the_tenants_the_action_fits_worst_first() {
        let (snapshot, health) = fleet();
        let names = |kind| -> Vec<(String, Status)> { candidates(kind, &snapshot, &health) };
        assert_eq!(
            names(ActionKind::Vacuum),
            [
                ("tenant_b".into(), Status::Critical),
                ("tenant_d".into(), Status::Unknown),
                ("tenant_c".into(), Status::Warning),
                ("tenant_a".into(), Status::Ok),
            ]
        );
        assert_eq!(
            names(ActionKind::ResyncTables)
                .into_iter()
                .map(|(name, _)| name)
                .collect::<Vec<_>>(),
            ["tenant_d", "tenant_c", "tenant_a"]
        );
        assert_eq!(
            names(ActionKind::StartExport),
            [("tenant_b".into(), Status::Critical)]
        );
    }

    #[test]
    fn only_tenant_actions_need_a_tenant() {
        let needing: Vec<ActionKind> = ActionKind::ALL
            .into_iter()
            .filter(|kind| needs_tenant(*kind))
            .collect();
        assert_eq!(
            needing,
            [
                ActionKind::ResyncTables,
                ActionKind::StartExport,
                ActionKind::Vacuum,
                ActionKind::Analyze
            ]
        );
    }
}
