//! The screens, one module per screen or widget: the account screen ([`account`]; its
//! administrator's part `accounts_admin`, office build), the signed-in workspace and its header
//! ([`workspace`], [`sync_indicator`], the plans by year [`year_switcher`]), the start screen's
//! pending work of any year ([`pending_work`]), the tabs ([`tabs`]), the plan ([`plan_overview`]), a task
//! with every readable report ([`task_view`]), the unit's tasks and progress form ([`task_list`],
//! [`task_form`], its evidence files [`evidence_files`]) the period picker ([`period_select`]) and the unit's period report with its workflow
//! ([`period_report`]), the PAR index's tab ([`par`]: the unit's sheet; in the office build the
//! agency's consolidation and the province's appraisal); in the office build (feature
//! `office`) also the plan editor and import (`plan_editor`), the central office's dashboard
//! (`dashboard`) with the units' period reports (`unit_reports`), the province's roll-up (`province`) and a task's history (`history`), which the shared screens embed through
//! [`office`]. Sign-in is the page's own form
//! (`client/static/index.html`), usable before any wasm has arrived.
//!
//! Stage: *UI*. Components read the [`Ws`] context — one plan's [`Snapshot`], read once per
//! change — and the pure view models; they write through the plan's documents
//! ([`PlanDocs`]); they never call a browser API themselves (that is `infra`; form fields are
//! read through `infra::form`). Their text comes from `crate::text`. Elements the tests rely on
//! carry stable `data-testid`s.

pub mod account;
#[cfg(feature = "office")]
pub mod accounts_admin;
pub mod app;
pub mod bundle_panel;
#[cfg(feature = "office")]
pub mod dashboard;
pub mod evidence_files;
#[cfg(feature = "office")]
pub mod history;
#[cfg(feature = "office")]
pub mod new_units;
pub mod office;
#[cfg(feature = "office")]
pub mod organisation;
pub mod par;
pub mod pending_work;
pub mod period_report;
pub mod period_select;
#[cfg(feature = "office")]
pub mod plan_editor;
pub mod plan_overview;
#[cfg(feature = "office")]
pub mod province;
pub mod sync_indicator;
pub mod tabs;
pub mod task_form;
pub mod task_list;
pub mod task_view;
#[cfg(feature = "office")]
pub mod unit_reports;
pub mod workspace;
pub mod year_switcher;

use std::rc::Rc;

use tiendo_shared::model::{Date, PeriodKind};
use tiendo_shared::views::status::{self, Summary};
use yew::prelude::*;

use crate::infra::plan_docs::PlanDocs;
use crate::infra::session::Session;
use crate::view_model::pending::{Goto, Target};
use crate::view_model::workspace::{Snapshot, Tab};

pub use app::App;

/// What every screen of the signed-in workspace reads and writes through.
#[derive(Clone)]
pub struct Ws {
    /// The signed-in device (who, the plans they may open).
    pub session: Rc<Session>,
    /// The open plan's documents (for edits and the reads that need history: conflicts, timeline).
    pub docs: Rc<PlanDocs>,
    /// What the documents held after their last change.
    pub snap: Rc<Snapshot>,
    /// Opens another plan in place (no page reload).
    pub switch_plan: Callback<String>,
    /// The tab chosen (`None`: the user's default).
    pub tab: Option<Tab>,
    /// Chooses a tab.
    pub on_tab: Callback<Tab>,
    /// Goes to a place of any plan (the start screen's pending work): switches the plan if it
    /// is another, then opens the period report or the task.
    pub go: Callback<Target>,
    /// Where the screens open this time (`go`'s destination), read when they are first drawn.
    pub goto: Option<Goto>,
}

/// Counts changes of the evidence files' states on this device: a context of its own, read only
/// by the file rows ([`evidence_files`]), so an upload's progress redraws them and nothing else —
/// a form being typed in is never redrawn under the user's fingers.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct FilesRevision(pub u64);

impl PartialEq for Ws {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.docs, &other.docs)
            && self.snap.revision == other.snap.revision
            && self.tab == other.tab
            && self.goto == other.goto
    }
}

/// The workspace context (inside [`workspace::Workspace`] only).
#[hook]
pub fn use_ws() -> Ws {
    use_context::<Ws>().expect("a screen of the workspace is rendered inside it")
}

/// The value of the field an event came from (the forms' one way to read what was typed or
/// chosen; it lives in `infra::form` with the other reads of the DOM).
pub use crate::infra::form::value_of;

/// The units of a task's lead or coordinating list as written, joined.
pub fn names(list: &[tiendo_shared::model::Assignee]) -> String {
    list.iter()
        .map(|a| a.text.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The merged status of the workspace's plan for `period` as of `as_of`, computed once per change
/// of the documents (or of the day or period), not at every render.
#[hook]
pub fn use_summary(ws: &Ws, as_of: Date, period: PeriodKind) -> Rc<Option<Summary>> {
    use_memo(
        (ws.snap.clone(), as_of, period),
        |(snap, as_of, period)| match (&snap.plan, &snap.agency) {
            // The plan as it stood that day: a later mid-year revision changes nothing before.
            (Ok(plan), Ok(agency)) => Some(status::summarize(
                &tiendo_shared::model::revision::plan_on(plan, *as_of),
                agency,
                &tiendo_shared::model::revision::fold(plan, agency, &snap.all_progress, *as_of),
                *as_of,
                Some(*period),
            )),
            _ => None,
        },
    )
}

/// A client error on screen: its message (`Display`), the one the user has always read.
impl yew::html::IntoPropValue<Html> for &crate::error::ClientError {
    fn into_prop_value(self) -> Html {
        Html::from(self.to_string())
    }
}

impl yew::html::IntoPropValue<Html> for crate::error::ClientError {
    fn into_prop_value(self) -> Html {
        Html::from(self.to_string())
    }
}
