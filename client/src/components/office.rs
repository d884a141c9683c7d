//! The office build's screens as the shared screens embed them: the dashboard, the plan editor
//! and import, a task's history. With feature `office` they render; in the unit build the same
//! functions render nothing and [`BUILT`] is false, so a shared screen never names an office
//! component itself and the unit build links none of them.
//!
//! Stage: *UI*, the seam between the two builds.

pub use imp::*;

#[cfg(feature = "office")]
mod imp {
    use tiendo_shared::model::Date;
    use yew::prelude::*;

    use crate::components::dashboard::Dashboard;
    use crate::components::history::History;
    use crate::components::plan_editor::{PlanImport, TaskEditor};
    use crate::components::use_ws;

    /// Whether this is the office build.
    pub const BUILT: bool = true;

    /// The PAR index's screen for `role`: the agency's consolidation (its office, its head), or
    /// the province's criteria sets, ranking and appraisal.
    pub fn par(role: tiendo_shared::model::role::Role) -> Html {
        use tiendo_shared::model::role::Role;
        match role {
            Role::AgencyAdmin | Role::AgencyHead => {
                html! { <crate::components::par::agency::ParOffice /> }
            }
            _ => html! { <crate::components::par::province::ParProvince /> },
        }
    }

    /// The merged summary.
    pub fn dashboard() -> Html {
        html! { <Dashboard /> }
    }

    /// The province's roll-up.
    pub fn province() -> Html {
        html! { <crate::components::province::Province /> }
    }

    /// The agency's units and their changes.
    pub fn organisation() -> Html {
        html! { <crate::components::organisation::Organisation /> }
    }

    /// The accounts an administrator administers, and their audit.
    pub fn accounts_admin() -> Html {
        html! { <crate::components::accounts_admin::AccountsAdmin /> }
    }

    /// The editor of a new task in `area`.
    pub fn add_task(area: u32, as_of: Date, on_done: Callback<()>) -> Html {
        html! { <TaskEditor task_id={None::<String>} {area} {as_of} {on_done} /> }
    }

    /// Importing another plan.
    pub fn import() -> Html {
        html! { <PlanImport /> }
    }

    /// A task's history.
    pub fn history(task_id: &str) -> Html {
        html! { <History task_id={task_id.to_string()} /> }
    }

    #[derive(Properties, PartialEq)]
    pub(super) struct ToggleProps {
        pub task_id: String,
        pub as_of: Date,
    }

    /// "Sửa nhiệm vụ" and the editor, for those who may amend the plan.
    #[function_component(EditorToggle)]
    pub(super) fn editor_toggle(props: &ToggleProps) -> Html {
        let ws = use_ws();
        let editing = use_state(|| false);
        if !ws.snap.plan_writable {
            return html! {};
        }
        let toggle = {
            let editing = editing.clone();
            Callback::from(move |_| editing.set(!*editing))
        };
        let done = {
            let editing = editing.clone();
            Callback::from(move |_| editing.set(false))
        };
        html! {
            <>
                <button class="secondary" onclick={toggle} data-testid="task-edit-toggle">
                    {if *editing { crate::text::common::DONG_SUA_NHIEM_VU } else { crate::text::common::SUA_NHIEM_VU_DUNG_THUC_HIEN }}</button>
                if *editing {
                    <TaskEditor task_id={Some(props.task_id.clone())} area={0} as_of={props.as_of} on_done={done} />
                }
            </>
        }
    }

    /// Editing an existing task (or retiring it), for those who may amend the plan.
    pub fn task_editor(task_id: &str, as_of: Date) -> Html {
        html! { <EditorToggle task_id={task_id.to_string()} {as_of} /> }
    }
}

#[cfg(not(feature = "office"))]
mod imp {
    use tiendo_shared::model::Date;
    use yew::prelude::*;

    /// Whether this is the office build.
    pub const BUILT: bool = false;

    pub fn par(_role: tiendo_shared::model::role::Role) -> Html {
        Html::default()
    }

    pub fn dashboard() -> Html {
        Html::default()
    }

    pub fn province() -> Html {
        Html::default()
    }

    pub fn organisation() -> Html {
        Html::default()
    }

    pub fn accounts_admin() -> Html {
        Html::default()
    }

    pub fn add_task(_area: u32, _as_of: Date, _on_done: Callback<()>) -> Html {
        Html::default()
    }

    pub fn import() -> Html {
        Html::default()
    }

    pub fn history(_task_id: &str) -> Html {
        Html::default()
    }

    pub fn task_editor(_task_id: &str, _as_of: Date) -> Html {
        Html::default()
    }
}
