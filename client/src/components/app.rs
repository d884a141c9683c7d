//! The application root: sign-in until a session is known, then the workspace.
//!
//! Stage: *UI*, the top; who is signed in is kept on the device ([`prefs`]) so a restart, even
//! offline, opens straight onto the user's work.

use yew::prelude::*;

use super::login::Login;
use super::workspace::Workspace;
use crate::infra::api::Me;
use crate::infra::prefs;

/// The application root: sign-in until a session is known, then the workspace.
#[function_component(App)]
pub fn app() -> Html {
    let me = use_state(prefs::me);
    let on_login = {
        let me = me.clone();
        Callback::from(move |m: Me| {
            prefs::set_me(Some(&m));
            me.set(Some(m));
        })
    };
    let on_logout = {
        let me = me.clone();
        Callback::from(move |_| {
            prefs::set_me(None);
            me.set(None);
        })
    };
    match &*me {
        None => html! { <Login {on_login} /> },
        Some(m) => html! { <Workspace me={m.clone()} {on_logout} /> },
    }
}
