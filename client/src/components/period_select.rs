//! The reporting-period picker (Quý I, 6 tháng, Quý III, Năm) every screen that has one uses.
//!
//! Stage: *UI* widget.

use tiendo_shared::model::PeriodKind;
use yew::prelude::*;

use crate::text;

use super::value_of;

#[derive(Properties, PartialEq)]
pub struct PeriodSelectProps {
    /// The period shown.
    pub value: PeriodKind,
    /// Its `data-testid`.
    pub testid: &'static str,
    /// Called with the period picked.
    pub on_change: Callback<PeriodKind>,
}

/// The reporting-period picker (Quý I, 6 tháng, Quý III, Năm) used by every screen that has one.
#[function_component(PeriodSelect)]
pub fn period_select(props: &PeriodSelectProps) -> Html {
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            if let Ok(p) = value_of(&e).parse::<PeriodKind>() {
                cb.emit(p);
            }
        })
    };
    html! {
        <select {onchange} data-testid={props.testid} aria-label={text::common::KY_BAO_CAO}>
            { for PeriodKind::ALL.into_iter().map(|p| html! {
                <option value={p.as_str()} selected={p == props.value}>{p.vi()}</option>
            }) }
        </select>
    }
}
