//! The import preview's list of units the plan names that the organisation does not know: for
//! each, the office says what it is before the plan is saved (the same unit written another way,
//! an existing unit renamed from a day, or a new unit from a day).
//!
//! Stage: *UI* over [`tiendo_shared::import::units`]; the choices travel in the draft
//! ([`tiendo_shared::import::Imported::choices`]) and the server refuses a draft that lacks one.

use std::collections::BTreeMap;

use tiendo_shared::import::units::{NewUnit, UnitChoice};
use tiendo_shared::model::Agency;
use yew::prelude::*;

use crate::text;

use super::value_of;

#[derive(Properties, PartialEq)]
pub struct NewUnitsProps {
    /// The units to settle.
    pub units: Vec<NewUnit>,
    /// The agency as the organisation has it.
    pub agency: Agency,
    /// The choices made so far.
    pub choices: BTreeMap<String, UnitChoice>,
    /// Called with one unit's new choice (`None`: undecided).
    pub on_choice: Callback<(String, Option<UnitChoice>)>,
}

/// The value of a choice in the select: `new`, `same:<id>`, `renamed:<id>`.
fn key(c: Option<&UnitChoice>) -> String {
    match c {
        None => String::new(),
        Some(UnitChoice::New { .. }) => "new".into(),
        Some(UnitChoice::Same { unit_id }) => format!("same:{unit_id}"),
        Some(UnitChoice::Renamed { unit_id, .. }) => format!("renamed:{unit_id}"),
    }
}

/// The day a choice takes effect from, if it has one.
fn from(c: Option<&UnitChoice>) -> Option<tiendo_shared::model::Date> {
    match c {
        Some(UnitChoice::New { from } | UnitChoice::Renamed { from, .. }) => Some(*from),
        _ => None,
    }
}

/// The choice a select value and a day make.
pub fn choice(value: &str, day: Option<tiendo_shared::model::Date>) -> Option<UnitChoice> {
    let (kind, id) = value.split_once(':').unwrap_or((value, ""));
    match (kind, day) {
        ("new", Some(from)) => Some(UnitChoice::New { from }),
        ("same", _) if !id.is_empty() => Some(UnitChoice::Same {
            unit_id: id.to_string(),
        }),
        ("renamed", Some(from)) if !id.is_empty() => Some(UnitChoice::Renamed {
            unit_id: id.to_string(),
            from,
        }),
        _ => None,
    }
}

#[function_component(NewUnits)]
pub fn new_units(props: &NewUnitsProps) -> Html {
    if props.units.is_empty() {
        return html! {};
    }
    // Days typed that do not read as dates, by unit: said beside the field, not dropped.
    let bad_days = use_state(BTreeMap::<String, String>::new);
    let undecided = props
        .units
        .iter()
        .filter(|n| !props.choices.contains_key(&n.id))
        .count();
    let row = |n: &NewUnit| {
        let current = props.choices.get(&n.id);
        let value = key(current);
        let day = from(current).or(n.from);
        let pick = {
            let (id, on_choice) = (n.id.clone(), props.on_choice.clone());
            Callback::from(
                move |(value, day): (String, Option<tiendo_shared::model::Date>)| {
                    on_choice.emit((id.clone(), choice(&value, day)))
                },
            )
        };
        let on_select = {
            let pick = pick.clone();
            Callback::from(move |e: Event| {
                pick.emit((value_of(&e), day));
            })
        };
        let on_day = {
            let (value, bad_days, id) = (value.clone(), bad_days.clone(), n.id.clone());
            Callback::from(move |e: Event| {
                let typed = value_of(&e);
                let day = typed.trim().parse().ok();
                let mut bad = (*bad_days).clone();
                if day.is_none() && !typed.trim().is_empty() {
                    bad.insert(id.clone(), typed);
                } else {
                    bad.remove(&id);
                }
                bad_days.set(bad);
                pick.emit((value.clone(), day));
            })
        };
        let bad_day = bad_days.get(&n.id).cloned();
        // The alike units first, then the others.
        let mut order: Vec<&tiendo_shared::model::Unit> = n
            .like
            .iter()
            .filter_map(|id| props.agency.unit(id))
            .collect();
        order.extend(
            props
                .agency
                .units
                .iter()
                .filter(|u| !n.like.contains(&u.id)),
        );
        let dated = matches!(
            current,
            Some(UnitChoice::New { .. } | UnitChoice::Renamed { .. })
        );
        html! {
            <tr data-testid={format!("new-unit-{}", n.id)}>
                <td class="title">{&n.name}</td>
                <td>{n.tasks.join(", ")}</td>
                <td>
                    <select onchange={on_select} data-testid="new-unit-choice" aria-label={text::plan::la(&n.name)}>
                        <option value="" selected={value.is_empty()}>{text::plan::CHON}</option>
                        <option value="new" selected={value == "new"}>{text::plan::DON_VI_MOI}</option>
                        <optgroup label={text::plan::LA_DON_VI_HIEN_CO_CACH}>
                            { for order.iter().map(|u| { let v = format!("same:{}", u.id); html! {
                                <option value={v.clone()} selected={value == v}>{&u.name}</option>
                            }}) }
                        </optgroup>
                        <optgroup label={text::plan::DON_VI_HIEN_CO_DOI_TEN}>
                            { for order.iter().map(|u| { let v = format!("renamed:{}", u.id); html! {
                                <option value={v.clone()} selected={value == v}>{text::plan::doi_ten(&u.name)}</option>
                            }}) }
                        </optgroup>
                    </select>
                </td>
                <td>
                    if dated || value.is_empty() {
                        <label>{text::plan::TU_NGAY}
                            <input class="date" inputmode="numeric" placeholder="dd/mm/yyyy"
                                value={bad_day.clone().or(day.map(|d| d.vi())).unwrap_or_default()}
                                onchange={on_day} data-testid="new-unit-from" />
                        </label>
                        if let Some(typed) = bad_day {
                            <p class="error" role="alert" data-testid="new-unit-from-error">
                                {text::plan::ngay_khong_hop_le_ghi_theo(&typed)}</p>
                        }
                    }
                </td>
            </tr>
        }
    };
    html! {
        <div class="new-units" data-testid="import-new-units">
            <h4>{text::plan::don_vi_chua_co_trong_to(&props.units.len())}</h4>
            <p class="sub">{"Kế hoạch nêu các đơn vị dưới đây mà tổ chức chưa có. Hãy chọn đơn vị tương ứng, \
                hoặc xác nhận đơn vị mới và ngày bắt đầu tồn tại: đơn vị mới không được tính vào các kỳ trước ngày đó."}</p>
            <div class="scroll">
            <table class="plan">
                <thead><tr><th>{"Tên trong kế hoạch"}</th><th>{"Nhiệm vụ"}</th><th>{"Là"}</th><th>{"Hiệu lực"}</th></tr></thead>
                <tbody>{ for props.units.iter().map(row) }</tbody>
            </table>
            </div>
            if undecided > 0 {
                <p class="warning" role="status" data-testid="new-units-undecided">
                    {format!("Còn {undecided} đơn vị chưa chọn: chưa lưu được kế hoạch.")}</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_select_value_and_a_day_make_the_choice() {
        let d: tiendo_shared::model::Date = "2026-01-01".parse().unwrap();
        assert_eq!(choice("new", Some(d)), Some(UnitChoice::New { from: d }));
        assert_eq!(choice("new", None), None);
        assert_eq!(
            choice("same:a", None),
            Some(UnitChoice::Same {
                unit_id: "a".into()
            })
        );
        assert_eq!(
            choice("renamed:a", Some(d)),
            Some(UnitChoice::Renamed {
                unit_id: "a".into(),
                from: d
            })
        );
        assert_eq!(choice("", Some(d)), None);
        assert_eq!(key(choice("renamed:a", Some(d)).as_ref()), "renamed:a");
    }
}
