//! The "Chỉ số CCHC" tab (the PAR index): a unit's sheet, filled offline on its tablet
//! ([`unit`]); in the office build the agency's consolidation for its central office and its
//! head (`agency`, `agency_row`), and the province's criteria sets, ranking and appraisal
//! (`province`, `appraisal`, `criteria`), which [`ParScreen`] reaches through the builds' seam
//! ([`super::office`]).
//!
//! Stage: *UI*. The unit's screen writes through the plan's documents; the others are online
//! acts through `infra::par`, each answered with the view as it now stands. Rows, inputs and
//! buttons carry stable ids, classes and `data-code`s for the browser tests.

#[cfg(feature = "office")]
pub mod agency;
#[cfg(feature = "office")]
pub mod agency_row;
#[cfg(feature = "office")]
pub mod appraisal;
#[cfg(feature = "office")]
pub mod criteria;
#[cfg(feature = "office")]
pub mod province;
pub mod unit;

use tiendo_shared::model::role::Role;
use yew::prelude::*;

use super::{office, use_ws};

/// Whether `role` has a "Chỉ số CCHC" tab in this build.
pub fn shown_to(role: Role) -> bool {
    role.is_unit_member() || office::BUILT
}

/// The tab's screen for the signed-in user's role.
#[function_component(ParScreen)]
pub fn par_screen() -> Html {
    let ws = use_ws();
    let role = ws.docs.me.user.role;
    if role.is_unit_member() {
        html! { <unit::ParUnit /> }
    } else {
        office::par(role)
    }
}
