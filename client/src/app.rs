//! The screens: sign-in, the unit's tasks with their sync indicator, and a task's progress form.
//!
//! Stage: *UI*. Components read the documents through the [`Hub`] and the pure [`crate::model`]
//! functions; every form change is written to the unit's progress document at once (no save
//! button) and syncs by itself. Elements tests rely on carry stable `data-testid`s.

use std::rc::Rc;

use tiendo_shared::progress::EntryField;
use tiendo_shared::{Date, PeriodKind, WorkStatus, status};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::{self, Me};
use crate::hub::{Hub, SyncState};
use crate::model::{self, Filter};

mod dashboard;
mod plan;

pub(crate) fn today() -> Date {
    Date::from_unix_millis_vn(js_sys::Date::now() as i64)
        .unwrap_or_else(|| "2025-01-01".parse().expect("date"))
}

/// A change's time (seconds since the epoch) as the device's local "hh:mm dd/mm/yyyy".
pub(crate) fn when(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((secs * 1000) as f64));
    format!(
        "{:02}:{:02} {:02}/{:02}/{}",
        d.get_hours(),
        d.get_minutes(),
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year()
    )
}

fn now_hhmm() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The application root: sign-in until a session is known, then the workspace.
#[function_component(App)]
pub fn app() -> Html {
    let me = use_state(api::saved_me);
    let on_login = {
        let me = me.clone();
        Callback::from(move |m: Me| {
            api::save_me(Some(&m));
            me.set(Some(m));
        })
    };
    let on_logout = {
        let me = me.clone();
        Callback::from(move |_| {
            api::save_me(None);
            me.set(None);
        })
    };
    match &*me {
        None => html! { <Login {on_login} /> },
        Some(m) => html! { <Workspace me={m.clone()} {on_logout} /> },
    }
}

#[derive(Properties, PartialEq)]
struct LoginProps {
    on_login: Callback<Me>,
}

#[function_component(Login)]
fn login(props: &LoginProps) -> Html {
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (username, password, error, busy) = (
            username.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        let on_login = props.on_login.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let u = username
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let p = password
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let (error, busy, on_login) = (error.clone(), busy.clone(), on_login.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    api::login(u.trim(), &p).await?;
                    api::me().await
                }
                .await;
                busy.set(false);
                match result {
                    Ok(me) => on_login.emit(me),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <main class="login">
            <h1>{"Tiến độ"}</h1>
            <p class="sub">{"Theo dõi kế hoạch cải cách hành chính"}</p>
            <form {onsubmit} data-testid="login-form">
                <label>{"Tên đăng nhập"}
                    <input ref={username} data-testid="login-username" autocomplete="username" required=true />
                </label>
                <label>{"Mật khẩu"}
                    <input ref={password} type="password" data-testid="login-password" autocomplete="current-password" required=true />
                </label>
                if let Some(e) = &*error { <p class="error" role="alert" data-testid="login-error">{e}</p> }
                <button type="submit" disabled={*busy} data-testid="login-submit">{"Đăng nhập"}</button>
            </form>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    me: Me,
    on_logout: Callback<()>,
}

#[derive(Clone)]
pub(crate) struct HubRef(pub(crate) Rc<Hub>);

impl PartialEq for HubRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(Workspace)]
fn workspace(props: &WorkspaceProps) -> Html {
    let hub = use_state(|| None::<Result<HubRef, String>>);
    let revision = use_state(|| 0u64);
    let sync = use_state(|| None::<SyncState>);
    let synced_at = use_state(|| None::<String>);
    {
        let (hub, revision) = (hub.clone(), revision.clone());
        let me = props.me.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match Hub::start(me).await {
                    Ok(h) => {
                        // Re-render whenever a document changes (local edit or sync).
                        let handles = [
                            Some(h.plan.clone()),
                            Some(h.org.clone()),
                            h.progress.clone(),
                        ]
                        .into_iter()
                        .flatten()
                        .chain(h.all_progress.iter().map(|(_, d)| d.clone()));
                        for handle in handles {
                            let revision = revision.clone();
                            wasm_bindgen_futures::spawn_local(async move {
                                use futures::StreamExt;
                                let mut changes = handle.changes();
                                while changes.next().await.is_some() {
                                    revision.set(js_sys::Date::now() as u64);
                                }
                            });
                        }
                        hub.set(Some(Ok(HubRef(h))));
                    }
                    Err(e) => hub.set(Some(Err(e))),
                }
            });
        });
    }
    {
        let (hub, sync, synced_at) = (hub.clone(), sync.clone(), synced_at.clone());
        use_effect_with((*hub).clone().and_then(|h| h.ok()), move |h| {
            let h = h.clone();
            let _ = hub;
            // The network is back: dial now rather than at the end of the backoff.
            let online = h.clone().and_then(|h| {
                let window = web_sys::window()?;
                Some(gloo_events::EventListener::new(
                    &window,
                    "online",
                    move |_| h.0.redial(),
                ))
            });
            let interval = h.map(|h| {
                gloo_timers::callback::Interval::new(1000, move || {
                    let s = h.0.sync_state();
                    if s.connected && s.unconfirmed == 0 {
                        synced_at.set(Some(now_hhmm()));
                    }
                    sync.set(Some(s));
                })
            });
            move || {
                drop(interval);
                drop(online);
            }
        });
    }
    let logout = {
        let hub = hub.clone();
        let on_logout = props.on_logout.clone();
        let sync = sync.clone();
        Callback::from(move |_| {
            let unconfirmed = sync.map(|s| s.unconfirmed).unwrap_or(0);
            if unconfirmed > 0 {
                let ok = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&format!(
                        "Còn {unconfirmed} thay đổi chưa được máy chủ xác nhận. Đăng xuất sẽ xoá chúng khỏi máy này. Tiếp tục?"
                    )).ok())
                    .unwrap_or(false);
                if !ok {
                    return;
                }
            }
            let (hub, on_logout) = ((*hub).clone(), on_logout.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(Ok(h)) = hub {
                    h.0.wipe().await;
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
    html! {
        <div class="app">
            <header>
                <div class="who">
                    if props.me.user.display_name != unit_name {
                        <span class="user">{&props.me.user.display_name}</span>
                    }
                    <strong>{unit_name}</strong>
                </div>
                <SyncIndicator state={*sync} synced_at={(*synced_at).clone()} />
                <button class="secondary" onclick={logout} data-testid="logout">{"Đăng xuất"}</button>
            </header>
            {
                match &*hub {
                    None => html! { <p class="loading" data-testid="loading">{"Đang mở dữ liệu…"}</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert">{e}</p> },
                    Some(Ok(h)) => html! { <Screens hub={h.clone()} revision={*revision} /> },
                }
            }
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Screen {
    Tasks,
    Plan,
    Summary,
}

#[function_component(Screens)]
fn screens(props: &TasksProps) -> Html {
    let hub = &props.hub.0;
    let has_unit = hub.me.user.unit_id.is_some();
    let merged = !hub.all_progress.is_empty();
    let screen = use_state(|| {
        if has_unit {
            Screen::Tasks
        } else {
            Screen::Summary
        }
    });
    let tab = |s: Screen, label: &'static str, id: &'static str| {
        let screen = screen.clone();
        let active = *screen == s;
        html! {
            <button class={classes!("tab", active.then_some("active"))} aria-pressed={active.to_string()}
                data-testid={id} onclick={Callback::from(move |_| screen.set(s))}>{label}</button>
        }
    };
    html! {
        <>
            if hub.newer_version() {
                <div class="update" role="status" data-testid="newer-documents">
                    {"Có phiên bản mới — "}
                    <button type="button" onclick={Callback::from(|_| crate::runtime::reload_page())}
                        data-testid="newer-documents-reload">{"tải lại"}</button>
                </div>
            }
            <nav class="tabs">
                if has_unit { {tab(Screen::Tasks, "Nhiệm vụ của đơn vị", "tab-tasks")} }
                {tab(Screen::Plan, "Kế hoạch", "tab-plan")}
                if merged { {tab(Screen::Summary, "Tổng hợp", "tab-summary")} }
            </nav>
            {
                match *screen {
                    Screen::Tasks if has_unit => html! { <Tasks hub={props.hub.clone()} revision={props.revision} /> },
                    Screen::Summary if merged => html! { <dashboard::Dashboard hub={props.hub.clone()} revision={props.revision} /> },
                    _ => html! { <PlanOverview hub={props.hub.clone()} revision={props.revision} /> },
                }
            }
        </>
    }
}

/// The whole plan: every area and task with its units and timeline as written. A task opens
/// its view (reports of every unit, history); those who may amend the plan also add tasks here
/// and import other plans.
#[function_component(PlanOverview)]
fn plan_overview(props: &TasksProps) -> Html {
    let open = use_state(|| None::<String>);
    let adding = use_state(|| None::<u32>);
    let hub = &props.hub.0;
    let Ok(plan) = hub.plan() else {
        return html! {};
    };
    let as_of = today();
    if let Some(task_id) = &*open {
        let back = {
            let open = open.clone();
            Callback::from(move |_| open.set(None))
        };
        return html! {
            <dashboard::TaskView hub={props.hub.clone()} revision={props.revision} task_id={task_id.clone()}
                period={status::current_period(&plan, as_of)} {as_of} on_back={back} />
        };
    }
    let names = |list: &[tiendo_shared::Assignee]| {
        list.iter()
            .map(|a| a.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let open_task = |id: String| {
        let open = open.clone();
        Callback::from(move |_| open.set(Some(id.clone())))
    };
    let add_to = |n: u32| {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(if *adding == Some(n) { None } else { Some(n) }))
    };
    let added = {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(None))
    };
    html! {
        <main data-testid="plan-overview">
            <plan::PlanSwitcher hub={props.hub.clone()} revision={props.revision} />
            <h2>{&plan.title}</h2>
            <p class="sub">{format!("Số {} — {}", plan.number, plan.date.map(|d| d.vi()).unwrap_or_default())}</p>
            { for plan.areas.iter().map(|a| html! {
                <section class="area" data-testid={format!("plan-area-{}", a.number)}>
                    <h3>{format!("{}. {}", a.number, a.title)}</h3>
                    <table class="plan">
                        <thead><tr><th>{"Mã"}</th><th>{"Nhiệm vụ"}</th><th>{"Chủ trì"}</th><th>{"Phối hợp"}</th><th>{"Thời gian"}</th></tr></thead>
                        <tbody>
                        { for a.tasks.iter().map(|t| html! {
                            <tr data-testid={format!("plan-task-{}", t.id)} class={classes!("open", t.retired_on.is_some().then_some("retired"))}
                                onclick={open_task(t.id.clone())}>
                                <td>{&t.code}</td>
                                <td>{&t.title}
                                    if let Some(r) = t.retired_on { <span class="note">{format!(" (dừng thực hiện từ {})", r.vi())}</span> }
                                </td>
                                <td>{names(&t.lead)}</td>
                                <td>{names(&t.coordinating)}</td><td>{&t.schedule.raw}</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    if hub.plan_writable {
                        <button class="secondary" onclick={add_to(a.number)} data-testid={format!("add-task-{}", a.number)}>
                            {if *adding == Some(a.number) { "Đóng" } else { "Thêm nhiệm vụ" }}</button>
                        if *adding == Some(a.number) {
                            <plan::TaskEditor hub={props.hub.clone()} task_id={None::<String>} area={a.number} {as_of} on_done={added.clone()} />
                        }
                    }
                </section>
            }) }
            if hub.plan_writable { <plan::PlanImport /> }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct SyncProps {
    /// `None` until the first check after start.
    state: Option<SyncState>,
    synced_at: Option<String>,
}

#[function_component(SyncIndicator)]
fn sync_indicator(props: &SyncProps) -> Html {
    let Some(s) = props.state else {
        return html! {
            <div class="sync syncing" data-testid="sync-indicator" data-state="starting">
                <span>{"Đang kết nối…"}</span>
            </div>
        };
    };
    let (class, text) = match (s.connected, s.unconfirmed, &props.synced_at) {
        (false, _, _) => ("offline", "Ngoại tuyến".to_string()),
        (true, 0, Some(t)) => ("synced", format!("Đã đồng bộ lúc {t}")),
        (true, _, _) => ("syncing", "Đang đồng bộ".to_string()),
    };
    html! {
        <div class={classes!("sync", class)} data-testid="sync-indicator" data-state={class}>
            <span>{text}</span>
            if s.unconfirmed > 0 {
                <span class="pending" data-testid="sync-pending">{format!("{} thay đổi chưa xác nhận", s.unconfirmed)}</span>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct TasksProps {
    pub(crate) hub: HubRef,
    pub(crate) revision: u64,
}

#[function_component(Tasks)]
fn tasks(props: &TasksProps) -> Html {
    let query = use_state(String::new);
    let filter = use_state(Filter::default);
    let selected = use_state(|| None::<String>);
    let chosen = use_state(saved_period);
    let hub = &props.hub.0;
    let (plan, agency) = match (hub.plan(), hub.agency()) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return html! { <p class="error">{e}</p> },
    };
    let as_of = today();
    let current = status::current_period(&plan, as_of);
    let period = chosen.unwrap_or(current);
    let progress = hub.progress();
    let Some(unit) = hub.me.user.unit_id.clone() else {
        return html! { <p>{"Tài khoản này không gắn với đơn vị nào."}</p> };
    };
    let groups = model::unit_tasks(&plan, &agency, &unit, progress.as_ref(), as_of, period);
    let shown = model::filter(&groups, *filter, &query);
    if let Some(task_id) = &*selected {
        let back = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(None))
        };
        return html! { <TaskDetail hub={props.hub.clone()} task_id={task_id.clone()} {period} revision={props.revision} on_back={back} /> };
    }
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                query.set(i.value());
            }
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                filter.set(match s.value().as_str() {
                    "overdue" => Filter::Overdue,
                    "due_soon" => Filter::DueSoon,
                    "open" => Filter::Open,
                    "lead" => Filter::Lead,
                    _ => Filter::All,
                });
            }
        })
    };
    let on_period = {
        let chosen = chosen.clone();
        Callback::from(move |p: PeriodKind| {
            save_period(Some(p).filter(|p| *p != current));
            chosen.set(Some(p));
        })
    };
    html! {
        <main>
            <h2>{"Nhiệm vụ của đơn vị"}</h2>
            <p class="sub">{format!("{} — kỳ báo cáo hiện tại: {} — ngày {}", plan.title, current.vi(), as_of.vi())}</p>
            <div class="filters">
                <label>{"Báo cáo kỳ "}
                    <PeriodSelect value={period} testid="task-period" on_change={on_period} />
                </label>
                <input type="search" placeholder="Tìm theo mã hoặc nội dung" oninput={on_query} data-testid="task-search" />
                <select onchange={on_filter} data-testid="task-filter">
                    <option value="all">{"Tất cả"}</option>
                    <option value="overdue">{"Quá hạn"}</option>
                    <option value="due_soon">{"Sắp đến hạn"}</option>
                    <option value="open">{"Chưa hoàn thành"}</option>
                    <option value="lead">{"Chủ trì"}</option>
                </select>
            </div>
            if shown.is_empty() { <p data-testid="no-tasks">{"Không có nhiệm vụ phù hợp."}</p> }
            { for shown.iter().map(|g| html! {
                <section class="area">
                    <h3>{format!("{}. {}", g.number, g.title)}</h3>
                    <ul>
                    { for g.rows.iter().map(|r| {
                        let open = {
                            let selected = selected.clone();
                            let id = r.task_id.clone();
                            Callback::from(move |_| selected.set(Some(id.clone())))
                        };
                        html! {
                            <li class={classes!("task", format!("state-{:?}", r.state).to_lowercase())}
                                data-testid={format!("task-row-{}", r.task_id)} onclick={open}>
                                <span class="code">{&r.code}</span>
                                <span class="title">{&r.title}</span>
                                <span class={classes!("part", if r.part == model::Part::Lead { "lead" } else { "coord" })}>{r.part.vi()}</span>
                                <span class="due">{r.deadline.map(|d| d.vi()).unwrap_or_else(|| "—".into())}</span>
                                <span class="state" data-testid="task-state">{r.label()}</span>
                                <span class="percent">{format!("{}%", r.percent)}</span>
                            </li>
                        }
                    }) }
                    </ul>
                </section>
            }) }
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct PeriodSelectProps {
    pub value: PeriodKind,
    pub testid: &'static str,
    pub on_change: Callback<PeriodKind>,
}

/// The reporting-period picker (Quý I, 6 tháng, Quý III, Năm) used by every screen that has one.
#[function_component(PeriodSelect)]
pub(crate) fn period_select(props: &PeriodSelectProps) -> Html {
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            if let Some(p) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse::<PeriodKind>().ok())
            {
                cb.emit(p);
            }
        })
    };
    html! {
        <select {onchange} data-testid={props.testid} aria-label="Kỳ báo cáo">
            { for PeriodKind::ALL.into_iter().map(|p| html! {
                <option value={p.as_str()} selected={p == props.value}>{p.vi()}</option>
            }) }
        </select>
    }
}

const PERIOD_KEY: &str = "tiendo.period";

/// The reporting period the unit chose to fill in on this device (`None`: the current one).
fn saved_period() -> Option<PeriodKind> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(PERIOD_KEY)
        .ok()??
        .parse()
        .ok()
}

fn save_period(p: Option<PeriodKind>) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match p {
            Some(p) => s.set_item(PERIOD_KEY, p.as_str()),
            None => s.remove_item(PERIOD_KEY),
        };
    }
}

/// Applies a form field's value to an entry, or says why the value is refused.
type ApplyField = dyn Fn(&mut tiendo_shared::Entry, String) -> Result<(), String>;

#[derive(Properties, PartialEq)]
struct DetailProps {
    hub: HubRef,
    task_id: String,
    period: PeriodKind,
    revision: u64,
    on_back: Callback<()>,
}

#[function_component(TaskDetail)]
fn task_detail(props: &DetailProps) -> Html {
    let error = use_state(|| None::<String>);
    let hub = props.hub.0.clone();
    let Ok(plan) = hub.plan() else {
        return html! {};
    };
    let Some((_, task)) = plan.tasks().find(|(_, t)| t.id == props.task_id) else {
        return html! { <p>{"Không tìm thấy nhiệm vụ."}</p> };
    };
    let task = task.clone();
    let progress = hub.progress();
    // A stored entry that cannot be read shows what could be, and says so; saving repairs it.
    let unreadable = progress
        .as_ref()
        .and_then(|p| p.unreadable_entry(&task.id, props.period).cloned());
    let entry = progress
        .as_ref()
        .and_then(|p| p.entry(&task.id, props.period).cloned())
        .or_else(|| unreadable.as_ref().map(|u| u.partial.clone()))
        .unwrap_or_default();
    let edit = |apply: Rc<ApplyField>| {
        let (hub, error, task_id, period) =
            (hub.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| {
                    t.clone()
                        .dyn_into::<HtmlInputElement>()
                        .map(|i| i.value())
                        .ok()
                        .or_else(|| {
                            t.clone()
                                .dyn_into::<HtmlSelectElement>()
                                .map(|s| s.value())
                                .ok()
                        })
                        .or_else(|| t.dyn_into::<HtmlTextAreaElement>().map(|s| s.value()).ok())
                })
                .unwrap_or_default();
            let mut failure = None;
            let result = hub.edit_progress(|p| {
                let entry = p.entry_mut(&task_id, period);
                if let Err(e) = apply(entry, value.clone()) {
                    failure = Some(e);
                }
            });
            error.set(failure.or(result.err()));
        })
    };
    let on_status = edit(Rc::new(|e, v| {
        e.status = v.parse().unwrap_or_default();
        if e.status == WorkStatus::Done {
            e.percent = 100;
        }
        Ok(())
    }));
    let on_percent = edit(Rc::new(|e, v| {
        let n: u8 = v
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or_else(|| "Tỷ lệ hoàn thành phải là số từ 0 đến 100".to_string())?;
        e.percent = n;
        Ok(())
    }));
    let on_result = edit(Rc::new(|e, v| {
        e.result = v;
        Ok(())
    }));
    let on_difficulties = edit(Rc::new(|e, v| {
        e.difficulties = v;
        Ok(())
    }));
    let on_proposals = edit(Rc::new(|e, v| {
        e.proposals = v;
        Ok(())
    }));
    let on_completed = edit(Rc::new(|e, v| {
        e.completed_on =
            if v.trim().is_empty() {
                None
            } else {
                Some(v.parse::<Date>().map_err(|_| {
                    format!("Ngày hoàn thành không hợp lệ: {v} (ghi theo dd/mm/yyyy)")
                })?)
            };
        Ok(())
    }));
    let ev_number = use_node_ref();
    let ev_date = use_node_ref();
    let ev_summary = use_node_ref();
    let add_evidence = {
        let (hub, error, task_id, period) =
            (hub.clone(), error.clone(), task.id.clone(), props.period);
        let (n, d, sm) = (ev_number.clone(), ev_date.clone(), ev_summary.clone());
        Callback::from(move |_| {
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (number, date, summary) = (value(&n), value(&d), value(&sm));
            if number.trim().is_empty() && summary.trim().is_empty() {
                error.set(Some("Nhập số/ký hiệu hoặc trích yếu của văn bản".into()));
                return;
            }
            let date = if date.trim().is_empty() {
                None
            } else {
                match date.parse::<Date>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        error.set(Some(format!(
                            "Ngày văn bản không hợp lệ: {date} (ghi theo dd/mm/yyyy)"
                        )));
                        return;
                    }
                }
            };
            let result = hub.edit_progress(|p| {
                p.entry_mut(&task_id, period)
                    .evidence
                    .push(tiendo_shared::Evidence {
                        id: uuid::Uuid::new_v4().to_string(),
                        number: number.trim().to_string(),
                        date,
                        summary: summary.trim().to_string(),
                        file: None,
                    });
            });
            error.set(result.err());
            for r in [&n, &d, &sm] {
                if let Some(i) = r.cast::<HtmlInputElement>() {
                    i.set_value("");
                }
            }
        })
    };
    let remove_evidence = |id: String| {
        let (hub, error, task_id, period) =
            (hub.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |_| {
            let result = hub.edit_progress(|p| {
                p.entry_mut(&task_id, period)
                    .evidence
                    .retain(|e| e.id != id);
            });
            error.set(result.err());
        })
    };
    let conflicts = hub.conflicts(&task.id, props.period);
    let pick = |field: String, choice: usize| {
        let (hub, error, task_id, period) =
            (hub.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |_| error.set(hub.resolve(&task_id, period, &field, choice).err()))
    };
    let field_label = |f: &str| EntryField::from_key(f).map_or("", |f| f.label());
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let names = |list: &[tiendo_shared::Assignee]| {
        list.iter()
            .map(|a| a.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let status_value = entry.status.as_str();
    html! {
        <main class="detail" data-testid="task-detail">
            <button class="secondary" onclick={back} data-testid="back">{"← Danh sách"}</button>
            <h2>{format!("{} {}", task.code, task.title)}</h2>
            <dl>
                <dt>{"Chủ trì"}</dt><dd>{names(&task.lead)}</dd>
                <dt>{"Phối hợp"}</dt><dd>{names(&task.coordinating)}</dd>
                <dt>{"Sản phẩm"}</dt><dd>{task.products.join("; ")}</dd>
                <dt>{"Thời gian"}</dt><dd>{&task.schedule.raw}
                    { for task.schedule.milestones.iter().map(|m| html!{ <span class="milestone">{format!(" · {}", m.due.vi())}</span> }) }
                </dd>
            </dl>
            <h3>{format!("Báo cáo {}", props.period.vi())}</h3>
            if let Some(e) = &*error { <p class="error" role="alert" data-testid="form-error">{e}</p> }
            if let Some(u) = &unreadable {
                <p class="error" role="alert" data-testid="entry-unreadable">
                    {format!(
                        "Báo cáo này có {} không đọc được ({}), nên chưa được tính. Các trường còn lại hiển thị bên dưới; lưu lại một trường để sửa báo cáo cho mọi người.",
                        u.field.as_deref().map_or_else(|| "dữ liệu".to_string(), tiendo_shared::status::field_vi),
                        u.reason
                    )}
                </p>
            }
            { for conflicts.iter().map(|c| html! {
                <div class="conflict" role="alert" data-testid={format!("conflict-{}", c.field)}>
                    <strong>{format!("Có thay đổi đồng thời — {}", field_label(&c.field))}</strong>
                    <ul>
                    { for c.values.iter().enumerate().map(|(i, v)| html! {
                        <li>
                            <span class="value">{if v.value.is_empty() { "(trống)".to_string() } else { v.value.clone() }}</span>
                            <span class="by">{v.by.as_ref().map(|b| format!("{} — {}", b.author.clone().unwrap_or_else(|| "?".into()), when(b.time))).unwrap_or_default()}</span>
                            if v.current { <span class="current">{"đang hiển thị"}</span> }
                            <button type="button" onclick={pick(c.field.clone(), i)}
                                data-testid={format!("conflict-pick-{}-{}", c.field, i)}>{"Giữ giá trị này"}</button>
                        </li>
                    }) }
                    </ul>
                </div>
            }) }
            <form class="progress" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>{EntryField::Status.label()}
                    <select onchange={on_status} data-testid="field-status">
                        { for WorkStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={status_value == s.as_str()}>{s.vi()}</option>
                        }) }
                    </select>
                </label>
                <label>{format!("{} (%)", EntryField::Percent.label())}
                    <input type="number" min="0" max="100" value={entry.percent.to_string()} onchange={on_percent} data-testid="field-percent" />
                </label>
                if entry.status == WorkStatus::Done {
                    <label>{format!("{} (dd/mm/yyyy)", EntryField::CompletedOn.label())}
                        <input value={entry.completed_on.map(|d| d.vi()).unwrap_or_default()} onchange={on_completed}
                            placeholder="dd/mm/yyyy" data-testid="field-completed-on" />
                    </label>
                }
                <label>{EntryField::Result.label()}
                    <textarea value={entry.result.clone()} onchange={on_result} data-testid="field-result" />
                </label>
                <fieldset class="evidence" data-testid="evidence">
                    <legend>{"Tài liệu kiểm chứng"}</legend>
                    <ul>
                    { for entry.evidence.iter().map(|ev| html! {
                        <li data-testid={format!("evidence-{}", ev.id)}>
                            <span>{format!("{} {} {}", ev.number, ev.date.map(|d| format!("ngày {}", d.vi())).unwrap_or_default(), ev.summary)}</span>
                            <button type="button" class="secondary" onclick={remove_evidence(ev.id.clone())}
                                data-testid={format!("evidence-remove-{}", ev.id)}>{"Xoá"}</button>
                        </li>
                    }) }
                    </ul>
                    <div class="add">
                        <input ref={ev_number} placeholder="Số/ký hiệu" data-testid="evidence-number" />
                        <input ref={ev_date} placeholder="Ngày (dd/mm/yyyy)" data-testid="evidence-date" />
                        <input ref={ev_summary} placeholder="Trích yếu" data-testid="evidence-summary" />
                        <button type="button" onclick={add_evidence} data-testid="evidence-add">{"Thêm"}</button>
                    </div>
                </fieldset>
                <label>{EntryField::Difficulties.label()}
                    <textarea value={entry.difficulties.clone()} onchange={on_difficulties} data-testid="field-difficulties" />
                </label>
                <label>{EntryField::Proposals.label()}
                    <textarea value={entry.proposals.clone()} onchange={on_proposals} data-testid="field-proposals" />
                </label>
            </form>
        </main>
    }
}
