//! The application root: the signed-in workspace. Sign-in itself is the page's own form
//! (`client/static/index.html`), which saves `/api/me` and mounts this build; logging out wipes
//! the device and reloads the page, back to that form.
//!
//! Stage: *UI*, the top; who is signed in is kept on the device ([`prefs`]) so a restart, even
//! offline, opens straight onto the user's work.

use yew::prelude::*;

use crate::text;

use super::workspace::Workspace;
use crate::infra::{browser, prefs};

/// The application root: the workspace of the user signed in on this device.
#[function_component(App)]
pub fn app() -> Html {
    let on_logout = Callback::from(|_| {
        prefs::set_me(None);
        browser::reload_page();
    });
    match prefs::me() {
        Some(me) => html! { <Workspace {me} {on_logout} /> },
        // Mounted with nobody signed in (the saved user was wiped meanwhile): back to the form.
        None => html! {
            <p class="loading">{text::common::CHUA_DANG_NHAP}
                <button type="button" class="link" onclick={Callback::from(|_| browser::reload_page())}>{text::common::DANG_NHAP}</button>
            </p>
        },
    }
}
