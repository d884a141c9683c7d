//! The header's year/plan switcher, for every role: the plans the user may open, each with its
//! year ("Năm 2026 — Kế hoạch số …"); choosing one switches the whole workspace in place. With
//! one plan it only names its year. Also the note a screen shows when it computes a past period
//! as of its deadline ([`as_of_note`]).
//!
//! Stage: *UI* widget, over `view_model::years`.

use tiendo_shared::model::{PeriodKind, Plan};
use tiendo_shared::views::status::AsOf;
use yew::prelude::*;

use crate::text;

use super::value_of;

use crate::view_model::years::PlanEntry;

#[derive(Properties, PartialEq)]
pub struct YearSwitcherProps {
    /// The plans the user may open, in the catalogue's order.
    pub entries: Vec<PlanEntry>,
    /// The plan open (or opening).
    pub current: Option<String>,
    /// Called with the plan chosen.
    pub on_choose: Callback<String>,
}

/// The plans by year, in the header.
#[function_component(YearSwitcher)]
pub fn year_switcher(props: &YearSwitcherProps) -> Html {
    // Newest year first: the one a user looks for most.
    let mut entries = props.entries.clone();
    entries.sort_by_key(|e| std::cmp::Reverse(e.year.unwrap_or(i32::MIN)));
    match entries.as_slice() {
        [] => html! {},
        [only] => html! {
            <span class="year-switcher single" data-testid="plan-year">{only.label()}</span>
        },
        _ => {
            let onchange = {
                let choose = props.on_choose.clone();
                Callback::from(move |e: Event| {
                    choose.emit(value_of(&e));
                })
            };
            html! {
                <label class="year-switcher">
                    <span class="label">{text::common::NAM_KE_HOACH}</span>
                    <select {onchange} data-testid="plan-switch" aria-label={text::common::NAM_KE_HOACH}>
                        { for entries.iter().map(|e| html! {
                            <option value={e.plan_id.clone()} selected={props.current.as_deref() == Some(e.plan_id.as_str())}
                                data-year={e.year.map(|y| y.to_string())}>{e.label()}</option>
                        }) }
                    </select>
                </label>
            }
        }
    }
}

/// The note of a view computed as of a closed period's deadline ("Năm 2025 đã kết thúc — số
/// liệu tính đến 20/12/2025"); nothing for an open period or a day the user picked.
pub fn as_of_note(at: &AsOf, plan: &Plan, period: PeriodKind) -> Html {
    match at.note(plan.effective_year(), Some(period)) {
        Some(note) => html! {
            <p class="as-of-note" role="status" data-testid="as-of-note">{note}</p>
        },
        None => html! {},
    }
}
