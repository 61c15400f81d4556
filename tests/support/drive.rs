//! Driving the console in tests: what the event loop does with an action's effects, done
//! synchronously so a test sees each step.

use shiftops::action::{ActionError, Actions, Executed, Progress};
use shiftops::tui::app::{App, Effect};
use shiftops::tui::recovery::ActionEvent;
use tokio::runtime::Runtime;

/// Plans or executes what `effect` asks, feeding the result back to the app as the loop would.
/// Returns the execution's result when one ran; other effects are left to the caller.
pub fn perform_action(
    app: &mut App,
    actions: &Actions,
    runtime: &Runtime,
    effect: &Effect,
) -> Option<Result<Executed, ActionError>> {
    match effect {
        Effect::PlanAction(request) => {
            let planned = runtime
                .block_on(actions.plan(request))
                .map(Box::new)
                .map_err(|e| e.to_string());
            app.on_action_event(ActionEvent::Planned(planned));
            None
        }
        Effect::ExecuteAction { plan, typed } => {
            let (progress, mut updates) = Progress::channel();
            let result = runtime.block_on(actions.execute(plan, typed, &progress));
            // What the runner reported on the way (its start, progress), as the loop forwards it.
            while let Ok(update) = updates.try_recv() {
                app.on_action_event(ActionEvent::from(update));
            }
            app.on_action_event(ActionEvent::Finished(result.clone()));
            Some(result)
        }
        _ => None,
    }
}
