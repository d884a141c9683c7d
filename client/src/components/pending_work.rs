//! The start screen's pending work of any year: the unit's reports returned or never sent, the
//! head's reports to approve, the office's approved reports to receive, last year's unfinished
//! tasks; each a link that switches the workspace to its plan and opens it.
//!
//! Stage: *UI*, over `view_model::pending`. The open plan's items come from the workspace's
//! snapshot; the other plans' documents are opened on the same session (from the device when
//! it holds them, so offline too) and read once per visit of the start screen.

use std::rc::Rc;

use tiendo_shared::model::role::Role;
use yew::prelude::*;

use crate::text;

use super::use_ws;
use crate::infra::browser::today;
use crate::view_model::pending::{Item, Kind, PlanView, Who, pending};
use crate::view_model::workspace::Snapshot;

/// The snapshots of the user's other plans, by plan id.
#[derive(Clone, Default)]
struct Others(Rc<Vec<Rc<Snapshot>>>);

impl PartialEq for Others {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Whether `role` has pending work of its own (a unit's, the office's).
fn has_pending(role: Role) -> bool {
    role.is_unit_member() || role == Role::AgencyAdmin
}

/// The pending work of every plan the user may open.
#[function_component(PendingWork)]
pub fn pending_work() -> Html {
    let ws = use_ws();
    let others = use_state(Others::default);
    let role = ws.docs.me.user.role;
    {
        let (others, session, open) = (others.clone(), ws.session.clone(), ws.snap.plan_id.clone());
        use_effect_with(open, move |open| {
            let open = open.clone();
            if has_pending(role) {
                wasm_bindgen_futures::spawn_local(async move {
                    let mut read = Vec::new();
                    for e in session.plan_entries() {
                        if e.plan_id == open {
                            continue;
                        }
                        if let Some(docs) = session.open_other(&e.plan_id).await {
                            read.push(Rc::new(docs.snapshot()));
                        }
                    }
                    others.set(Others(Rc::new(read)));
                });
            }
        });
    }
    let unit = ws.docs.me.user.unit_id.clone();
    let items = use_memo(
        (ws.snap.clone(), (*others).clone(), unit, today()),
        move |(snap, others, unit, today)| {
            let snaps: Vec<&Snapshot> = std::iter::once(snap.as_ref())
                .chain(others.0.iter().map(|s| s.as_ref()))
                .collect();
            let progress: Vec<_> = snaps.iter().map(|s| s.unit_progress()).collect();
            let mut views: Vec<PlanView<'_>> = snaps
                .iter()
                .zip(&progress)
                .filter_map(|(s, progress)| match (&s.plan, &s.agency) {
                    (Ok(plan), Ok(agency)) => Some(PlanView {
                        plan_id: &s.plan_id,
                        plan,
                        agency,
                        reporting: &s.reporting,
                        progress,
                    }),
                    _ => None,
                })
                .collect();
            views.sort_by_key(|v| v.plan.effective_year());
            let who = Who {
                unit: unit.as_deref(),
                role,
            };
            pending(&views, who, *today)
        },
    );
    if items.is_empty() {
        return html! {};
    }
    let link = |i: &Item| {
        let (go, target) = (ws.go.clone(), i.target.clone());
        html! {
            <li class={classes!("pending-item", i.kind.key())}>
                <button type="button" class="link" data-testid={i.id.clone()} data-kind={i.kind.key()}
                    onclick={Callback::from(move |_| go.emit(target.clone()))}>{&i.text}</button>
            </li>
        }
    };
    let (carried, reports): (Vec<&Item>, Vec<&Item>) =
        items.iter().partition(|i| i.kind == Kind::CarriedOver);
    html! {
        <section class="pending" data-testid="pending-work">
            <h3>{text::common::viec_con_ton_dong(&items.len())}</h3>
            if !reports.is_empty() {
                <ul>{ for reports.into_iter().map(link) }</ul>
            }
            if !carried.is_empty() {
                <details data-testid="pending-carried-over">
                    <summary>{text::common::nhiem_vu_nam_truoc_chua_hoan(&carried.len())}</summary>
                    <ul>{ for carried.into_iter().map(link) }</ul>
                </details>
            }
        </section>
    }
}
