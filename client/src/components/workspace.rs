//! The signed-in workspace: starts the device's session, opens the chosen plan, keeps the
//! [`Ws`] context current as documents change and sync moves, switches plans in place, and
//! shows the header (who, sync, logout).
//!
//! Stage: *UI ⇄ infra*. The long-lived session (repo, dialer, peer id) is started once; a plan
//! switch reopens only that plan's documents. State is a [`WorkspaceState`] reducer: documents
//! are read into a snapshot once per burst of changes, sync is checked once a second.

use std::rc::Rc;

use yew::prelude::*;

use crate::text;

use super::bundle_panel::BundlePanel;
use super::sync_indicator::SyncIndicator;
use super::tabs::Screens;
use super::year_switcher::YearSwitcher;
use super::{FilesRevision, Ws};
use crate::error::ClientError;
use crate::infra::api::{self, Me};
use crate::infra::plan_docs::PlanDocs;
use crate::infra::session::Session;
use crate::infra::{browser, bundles, prefs, saved_view};
use crate::view_model::organisation;
use crate::view_model::pending::{Goto, Target};
use crate::view_model::workspace::{Action, Tab, WorkspaceState};
use crate::view_model::years::PlanEntry;

#[derive(Properties, PartialEq)]
pub struct WorkspaceProps {
    /// Who is signed in.
    pub me: Me,
    /// Called after logout has wiped the device.
    pub on_logout: Callback<()>,
}

/// A handle compared by identity (a session or a plan's documents).
struct Shared<T>(Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The workspace of a signed-in user.
#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let state = use_reducer_eq(WorkspaceState::default);
    let session = use_state(|| None::<Result<Shared<Session>, ClientError>>);
    let docs = use_state(|| None::<Result<Shared<PlanDocs>, ClientError>>);
    let wanted = use_state(|| None::<String>);
    // Where a link of the start screen's pending work leads, counted so each visit draws the
    // screens afresh.
    let nav = use_state(|| (0u32, None::<Goto>));
    // What each plan's document says of it (year, number), once read.
    let read_entries = use_state(Vec::<PlanEntry>::new);
    use_session(&props.me, &session, &wanted, &read_entries);
    use_open_plan(&session, &wanted, &docs, &state);
    use_documents(&session, &docs, &state);
    use_saved_view(&props.me, &state);
    let refused = use_account_check(&props.me, &state);

    let switch_plan = {
        let (wanted, nav) = (wanted.clone(), nav.clone());
        Callback::from(move |plan_id: String| {
            nav.set((nav.0 + 1, None));
            wanted.set(Some(plan_id));
        })
    };
    // The user's own choice in the header's switcher is remembered for the next start.
    let choose_plan = {
        let switch = switch_plan.clone();
        Callback::from(move |plan_id: String| {
            prefs::set_plan_chosen(&plan_id);
            switch.emit(plan_id);
        })
    };
    let go = {
        let (wanted, nav, state) = (wanted.clone(), nav.clone(), state.clone());
        Callback::from(move |target: Target| {
            let tab = match target.goto {
                Goto::Report(_) | Goto::Task { .. } => Tab::Tasks,
                Goto::Office(_) => Tab::Summary,
            };
            state.dispatch(Action::Tab(tab));
            nav.set((nav.0 + 1, Some(target.goto)));
            if wanted.as_deref() != Some(target.plan_id.as_str()) {
                wanted.set(Some(target.plan_id));
            }
        })
    };
    let entries = plan_entries(&session, &state, &read_entries);
    let logout = {
        let session = session.clone();
        let on_logout = props.on_logout.clone();
        let unconfirmed = state.sync.map(|s| s.unconfirmed).unwrap_or(0);
        let files_pending = state.sync.map(|s| s.files_pending).unwrap_or(0);
        Callback::from(move |_| {
            if let Some(warning) = logout_warning(unconfirmed, files_pending)
                && !browser::confirm(&warning)
            {
                return;
            }
            let (session, on_logout) = ((*session).clone(), on_logout.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(Ok(s)) = session {
                    s.0.wipe().await;
                }
                api::logout().await;
                on_logout.emit(());
            });
        })
    };
    let unit_name = props
        .me
        .unit
        .as_ref()
        .map(|u| u.name.clone())
        .unwrap_or_else(|| props.me.role_label.clone());
    let (body, ready) = match (&*session, &*docs, &state.snapshot) {
        (Some(Err(e)), _, _) | (_, Some(Err(e)), _) => {
            (html! { <p class="error" role="alert">{e}</p> }, true)
        }
        (Some(Ok(session)), Some(Ok(d)), Some(snap)) if snap.plan_id == d.0.plan_id => {
            let on_tab = {
                let state = state.clone();
                Callback::from(move |t| state.dispatch(Action::Tab(t)))
            };
            let ws = Ws {
                session: session.0.clone(),
                docs: d.0.clone(),
                snap: snap.clone(),
                switch_plan,
                tab: state.tab,
                on_tab,
                go,
                goto: nav.1.clone(),
            };
            let files = FilesRevision(state.sync.map(|s| s.files_revision).unwrap_or(0));
            // Keyed by plan and visit: a switch, or a link of the pending work, starts every
            // screen afresh (on the same tab, or the link's).
            let screens = html! {
                <ContextProvider<Ws> context={ws}>
                    <ContextProvider<FilesRevision> context={files}>
                        <Screens key={format!("{}#{}", snap.plan_id, nav.0)} />
                    </ContextProvider<FilesRevision>>
                </ContextProvider<Ws>>
            };
            (screens, true)
        }
        _ => (
            html! { <p class="loading" data-testid="loading">{text::common::DANG_MO_DU_LIEU}</p> },
            false,
        ),
    };
    // The live screen (or why it cannot be had) replaces the one the page painted: in the same
    // render, before the live screen reaches the DOM (an effect runs a task later, and a busy
    // tablet showed both for a moment). Removing an element that is gone is nothing.
    if ready {
        saved_view::live();
    }
    html! {
        <div class="app">
            <header>
                <div class="who">
                    if props.me.user.display_name != unit_name {
                        <span class="user">{&props.me.user.display_name}</span>
                    }
                    <strong>{unit_name}</strong>
                </div>
                <YearSwitcher {entries} current={(*wanted).clone()} on_choose={choose_plan} />
                <SyncIndicator state={state.sync} synced_at={state.synced_at.clone()} />
                <BundlePanel session={(*session).clone().and_then(Result::ok).map(|s| s.0)}
                    units={organisation::starter_units(
                        state.snapshot.as_ref().and_then(|s| s.agency.as_ref().ok()),
                        &props.me.documents,
                        browser::today(),
                    )} />
                <button class="secondary" onclick={logout} data-testid="logout">{text::common::DANG_XUAT}</button>
            </header>
            if let Some(why) = &*refused {
                <p class="error" role="alert" data-testid="account-refused">{why}</p>
            }
            { body }
        </div>
    }
}

type SessionState = UseStateHandle<Option<Result<Shared<Session>, ClientError>>>;
type DocsState = UseStateHandle<Option<Result<Shared<PlanDocs>, ClientError>>>;

/// Starts the session, once; then reads the plans' own words for the switcher.
#[hook]
fn use_session(
    me: &Me,
    session: &SessionState,
    wanted: &UseStateHandle<Option<String>>,
    read_entries: &UseStateHandle<Vec<PlanEntry>>,
) {
    {
        let (session, wanted, read_entries) =
            (session.clone(), wanted.clone(), read_entries.clone());
        let me = me.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match Session::start(me).await {
                    Ok(s) => {
                        browser::mark("tiendo:session");
                        wanted.set(Some(s.chosen_plan().unwrap_or_default()));
                        session.set(Some(Ok(Shared(s.clone()))));
                        read_entries.set(s.plan_entries_read().await);
                    }
                    Err(e) => session.set(Some(Err(e))),
                }
            });
        });
    }
}

/// Opens the plan wanted on the session (at start, and on every switch).
#[hook]
fn use_open_plan(
    session: &SessionState,
    wanted: &UseStateHandle<Option<String>>,
    docs: &DocsState,
    state: &UseReducerHandle<WorkspaceState>,
) {
    {
        let (docs, state) = (docs.clone(), state.clone());
        let current = (**session).clone().and_then(Result::ok);
        use_effect_with((current, (**wanted).clone()), move |(session, wanted)| {
            if let (Some(session), Some(plan_id)) = (session.clone(), wanted.clone()) {
                state.dispatch(Action::Opening);
                wasm_bindgen_futures::spawn_local(async move {
                    match session.0.open_plan(&plan_id).await {
                        Ok(d) => {
                            browser::mark("tiendo:plan-open");
                            docs.set(Some(Ok(Shared(d))))
                        }
                        Err(e) => docs.set(Some(Err(e))),
                    }
                });
            }
        });
    }
}

/// Reads the open plan's documents into a snapshot now and after every burst of changes, and
/// watches sync.
#[hook]
fn use_documents(
    session: &SessionState,
    docs: &DocsState,
    state: &UseReducerHandle<WorkspaceState>,
) {
    {
        let state = state.clone();
        let session = (**session).clone().and_then(Result::ok);
        let open = (**docs).clone().and_then(Result::ok);
        use_effect_with((session, open), move |(session, open)| {
            let guards = session.clone().zip(open.clone()).map(|(session, open)| {
                state.dispatch(Action::Documents(Box::new(open.0.snapshot())));
                browser::mark("tiendo:snapshot");
                let subscription = {
                    let (state, docs) = (state.clone(), open.0.clone());
                    open.0.subscribe(move || {
                        state.dispatch(Action::Documents(Box::new(docs.snapshot())))
                    })
                };
                let watch = session.0.watch(open.0.clone(), move |s| {
                    state.dispatch(Action::Sync {
                        state: s,
                        at: browser::now_hhmm(),
                    })
                });
                (subscription, watch)
            });
            move || drop(guards)
        });
    }
}

/// Keeps the start screen as drawn for the page to paint at the next start (`saved_view`), once
/// the documents' changes settle; on another tab the copy kept may be old, and goes.
#[hook]
fn use_saved_view(me: &Me, state: &UseReducerHandle<WorkspaceState>) {
    {
        let start = if me.user.unit_id.is_some() {
            Tab::Tasks
        } else {
            Tab::Summary
        };
        let key = state.snapshot.as_ref().map(|s| (s.revision, state.tab));
        use_effect_with(key, move |key| {
            if let Some((_, tab)) = key {
                if tab.is_none_or(|t| t == start) {
                    saved_view::save_soon();
                } else {
                    saved_view::forget();
                }
            }
        });
    }
}

/// Once connected, who the user is now: an organisation change may have moved the account to
/// another unit (the workspace reopens on it) or disabled it (the server says why, returned; the
/// device's data stays on screen).
#[hook]
fn use_account_check(
    me: &Me,
    state: &UseReducerHandle<WorkspaceState>,
) -> UseStateHandle<Option<String>> {
    // Once connected, who the user is now: an organisation change may have moved the account to
    // another unit (the workspace reopens on it) or disabled it (the server says why; the
    // device's data stays on screen).
    let refused = use_state(|| None::<String>);
    {
        let connected = state.sync.is_some_and(|s| s.connected);
        let me = me.clone();
        let refused = refused.clone();
        // At start (a disabled account's socket never connects) and at every connection.
        use_effect_with(connected, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // The key this device signs its bundle files with, registered while there is a
                // link (once; until it succeeds).
                bundles::register().await;
                let saved = prefs::me().unwrap_or(me);
                match api::fresh_me().await {
                    api::Fresh::Me(now) if organisation::me_changed(&saved, &now) => {
                        prefs::set_me(Some(&now));
                        browser::reload_page();
                    }
                    api::Fresh::Refused(why) => refused.set(Some(why)),
                    _ => {}
                }
            });
        });
    }
    refused
}

/// The plans for the switcher: the catalogue's (it grows after an import), each with what its
/// document says once read, the open one from its snapshot.
fn plan_entries(
    session: &SessionState,
    state: &UseReducerHandle<WorkspaceState>,
    read_entries: &[PlanEntry],
) -> Vec<PlanEntry> {
    // The plans for the switcher: the catalogue's (it grows after an import), each with what its
    // document says once read, the open one from its snapshot.
    match &**session {
        Some(Ok(s)) => {
            s.0.plan_entries()
                .into_iter()
                .map(|e| {
                    let open = state
                        .snapshot
                        .as_ref()
                        .filter(|snap| snap.plan_id == e.plan_id)
                        .and_then(|snap| snap.plan.as_ref().ok());
                    match open {
                        Some(plan) => e.read(plan),
                        None => read_entries
                            .iter()
                            .find(|r| r.plan_id == e.plan_id)
                            .cloned()
                            .unwrap_or(e),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// What logging out would lose from this device, asked before it does; `None` when nothing.
fn logout_warning(unconfirmed: usize, files_pending: usize) -> Option<String> {
    let what = match (unconfirmed, files_pending) {
        (0, 0) => return None,
        (n, 0) => text::common::thay_doi_chua_duoc_may_chu(&n),
        (0, f) => text::common::tep_minh_chung_chua_tai_len(&f),
        (n, f) => text::common::thay_doi_chua_duoc_may_chu_2(&n, &f),
    };
    Some(text::common::con_dang_xuat_se_xoa_chung(&what))
}
