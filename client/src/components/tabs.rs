//! The workspace's tabs: the unit's tasks, the plan, and (for those who see every unit) the
//! merged summary, (for the province) the roll-up over agencies and (for the central office) the
//! organisation (office build), the user's account (everyone); and the
//! "newer version" notice.
//!
//! Stage: *UI*.

use yew::prelude::*;

use crate::text;

use super::account::AccountScreen;
use super::plan_overview::PlanOverview;
use super::task_list::Tasks;
use super::{office, use_ws};
use crate::infra::browser;
use crate::view_model::workspace::Tab;

/// The tabs of the workspace and the screen chosen.
#[function_component(Screens)]
pub fn screens() -> Html {
    let ws = use_ws();
    let has_unit = ws.docs.me.user.unit_id.is_some();
    let merged = ws.snap.merged;
    let role = ws.docs.me.user.role;
    let province = office::BUILT
        && (role.is_province() || role == tiendo_shared::model::role::Role::SystemAdmin);
    // The agency's central office changes its organisation (merge, rename, split…).
    let organisation =
        office::BUILT && ws.docs.org_writable() && ws.docs.me.user.agency_id.is_some();
    // The tab is the workspace's (it stays through a plan switch); the first is the unit's tasks,
    // or the summary for those without a unit.
    // The PAR index: a unit's sheet (both builds), the office's, the head's and the province's
    // screens (office build).
    let par = super::par::shown_to(ws.docs.me.user.role);
    let screen = ws.tab.unwrap_or(if has_unit {
        Tab::Tasks
    } else if role == tiendo_shared::model::role::Role::ProvinceAppraiser && par {
        // The appraisal team's work is the PAR index; the roll-up is a tab away.
        Tab::Par
    } else if province {
        Tab::Province
    } else {
        Tab::Summary
    });
    let tab = |s: Tab, label: &'static str, id: &'static str| {
        let on_tab = ws.on_tab.clone();
        let active = screen == s;
        html! {
            <button class={classes!("tab", active.then_some("active"))} aria-pressed={active.to_string()}
                data-testid={id} onclick={Callback::from(move |_| on_tab.emit(s))}>{label}</button>
        }
    };
    html! {
        <>
            if ws.snap.newer_version {
                <div class="update" role="status" data-testid="newer-documents">
                    {text::common::CO_PHIEN_BAN_MOI}
                    <button type="button" onclick={Callback::from(|_| browser::reload_page())}
                        data-testid="newer-documents-reload">{text::common::TAI_LAI}</button>
                </div>
            }
            <nav class="tabs">
                if has_unit { {tab(Tab::Tasks, text::common::NHIEM_VU_CUA_DON_VI, "tab-tasks")} }
                {tab(Tab::Plan, text::common::KE_HOACH, "tab-plan")}
                if merged && office::BUILT { {tab(Tab::Summary, text::common::TONG_HOP, "tab-summary")} }
                if province { {tab(Tab::Province, text::common::TOAN_TINH, "tab-province")} }
                if organisation { {tab(Tab::Organisation, text::common::TO_CHUC, "tab-organisation")} }
                if par {
                    <button id="par-tab" class={classes!("tab", (screen == Tab::Par).then_some("active"))}
                        aria-pressed={(screen == Tab::Par).to_string()} data-testid="tab-par"
                        onclick={{ let on_tab = ws.on_tab.clone(); Callback::from(move |_| on_tab.emit(Tab::Par)) }}>
                        {text::par::CHI_SO_CCHC}</button>
                }
                {tab(Tab::Account, text::common::TAI_KHOAN, "tab-account")}
            </nav>
            {
                match screen {
                    Tab::Tasks if has_unit => html! { <Tasks /> },
                    Tab::Summary if merged && office::BUILT => office::dashboard(),
                    Tab::Province if province => office::province(),
                    Tab::Organisation if organisation => office::organisation(),
                    Tab::Par if par => html! { <super::par::ParScreen /> },
                    Tab::Account => html! { <AccountScreen /> },
                    _ => html! { <PlanOverview /> },
                }
            }
        </>
    }
}
