//! The administrator's part of the "Tài khoản" screen (office build): the accounts of the agency
//! (every agency's, for the system administrator) by unit, a new account for a unit as editor or
//! head (the username suggested by the server, the password shown once), disable or enable,
//! reset a password (shown once), move to another unit; and the audit of account actions.
//!
//! Stage: *UI* (office build), over `view_model::accounts` and `infra::accounts`; the server
//! applies the same rules as `tiendo user`, and its refusals are shown as they come.

use yew::prelude::*;

use crate::text;

use super::{use_ws, value_of};
use crate::error::ClientError;
use crate::infra::accounts::{self, AccountWithPassword, AccountsAnswer, MoveAccount};
use crate::infra::browser;
use crate::view_model::accounts::{
    AccountRow, NewAccountForm, event_line, role_choices, rows, unit_choices,
};

/// What the last action said: a message, an error, or a password to show once.
#[derive(Clone, PartialEq)]
enum Outcome {
    Done(String),
    Failed(ClientError),
    Password(AccountWithPassword, &'static str),
}

/// The administrator's accounts.
#[function_component(AccountsAdmin)]
pub fn accounts_admin() -> Html {
    let ws = use_ws();
    let answer = use_state(|| None::<Result<AccountsAnswer, ClientError>>);
    let refresh = use_state(|| 0u32);
    let outcome = use_state(|| None::<Outcome>);
    let form = use_state(NewAccountForm::default);
    // The unit chosen for each account's move, by username.
    let moves = use_state(std::collections::BTreeMap::<String, String>::new);
    {
        let answer = answer.clone();
        use_effect_with(*refresh, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                answer.set(Some(accounts::list().await));
            });
        });
    }
    let today = browser::today();
    let agency = ws.snap.agency.as_ref().ok();
    let me = &ws.docs.me.user;
    let agency_id = me
        .agency_id
        .clone()
        .or_else(|| agency.map(|a| a.id.clone()));
    let units = agency.map(|a| unit_choices(a, today)).unwrap_or_default();
    let roles = role_choices(me.role);

    let done = {
        let (outcome, refresh) = (outcome.clone(), refresh.clone());
        move |o: Outcome| {
            outcome.set(Some(o));
            refresh.set(*refresh + 1);
        }
    };
    let on_create = {
        let (form, done, outcome) = (form.clone(), done.clone(), outcome.clone());
        let agency_id = agency_id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = match form.request(agency_id.as_deref()) {
                Ok(r) => r,
                Err(why) => return outcome.set(Some(Outcome::Failed(why))),
            };
            let (form, done) = (form.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match accounts::create(&request).await {
                    Ok(made) => {
                        form.set(NewAccountForm::default());
                        done(Outcome::Password(made, text::accounts::DA_TAO_TAI_KHOAN));
                    }
                    Err(e) => done(Outcome::Failed(e)),
                }
            });
        })
    };
    let on_done = Callback::from(done.clone());
    let act = |row: &AccountRow| -> Html {
        html! {
            <AccountActions row={row.clone()} self_row={row.username == me.username} units={units.clone()}
                agency_id={agency_id.clone()} moves={moves.clone()} on_done={on_done.clone()} />
        }
    };

    let list = match &*answer {
        None => html! { <p class="loading">{text::accounts::DANG_TAI_DANH_SACH_TAI_KHOAN}</p> },
        Some(Err(e)) => {
            html! { <p class="error" role="alert" data-testid="accounts-error">{e}</p> }
        }
        Some(Ok(a)) => {
            let rows = rows(&a.accounts, agency, today);
            html! {
                <>
                    <div class="table-scroll">
                        <table class="plan accounts stack" data-testid="accounts">
                            <thead><tr>
                                <th>{text::accounts::TEN_DANG_NHAP}</th><th>{text::accounts::TEN_HIEN_THI}</th><th>{text::accounts::DON_VI}</th>
                                <th>{text::accounts::VAI_TRO}</th><th>{text::accounts::TINH_TRANG}</th><th>{text::accounts::THAO_TAC}</th>
                            </tr></thead>
                            <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-testid={format!("account-{}", r.username)} class={classes!(r.disabled.then_some("disabled"))}>
                                    <td class="first" data-label={text::accounts::TEN_DANG_NHAP}><strong>{&r.username}</strong></td>
                                    <td data-label={text::accounts::TEN_HIEN_THI}>{&r.display_name}</td>
                                    <td data-label={text::accounts::DON_VI}>{&r.unit}</td>
                                    <td data-label={text::accounts::VAI_TRO}>{r.role}</td>
                                    <td data-label={text::accounts::TINH_TRANG} data-testid="account-state">{ if r.disabled { text::accounts::DA_KHOA } else { text::accounts::DANG_DUNG } }</td>
                                    <td data-label={text::accounts::THAO_TAC}>{act(r)}</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    </div>
                    <AuditLog events={a.events.clone()} />
                </>
            }
        }
    };

    html! {
        <section class="accounts-admin" data-testid="accounts-admin">
            <h3>{text::accounts::TAI_KHOAN_CUA_CO_QUAN}</h3>
            <OutcomeNote outcome={(*outcome).clone()} />
            <NewAccountFields form={form.clone()} roles={roles.clone()} units={units.clone()} {on_create} />
            {list}
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OutcomeProps {
    outcome: Option<Outcome>,
}

/// What the last action said: a message, an error, or a password to show once.
#[function_component(OutcomeNote)]
fn outcome_note(props: &OutcomeProps) -> Html {
    match &props.outcome {
        Some(Outcome::Done(t)) => {
            html! { <p class="ok" role="status" data-testid="account-done">{t}</p> }
        }
        Some(Outcome::Failed(e)) => {
            html! { <p class="error" role="alert" data-testid="account-error">{e}</p> }
        }
        Some(Outcome::Password(p, what)) => html! {
            <div class="once" role="status" data-testid="account-password">
                <p>{format!("{what}: ")}<strong data-testid="account-password-username">{&p.account.username}</strong>
                    {text::accounts::MAT_KHAU}<code data-testid="account-password-value">{&p.password}</code></p>
                <p class="sub">{text::accounts::MAT_KHAU_CHI_HIEN_LAN_NAY}</p>
            </div>
        },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct NewAccountProps {
    form: UseStateHandle<NewAccountForm>,
    /// The roles this administrator may give.
    roles: Vec<tiendo_shared::model::role::Role>,
    /// The agency's units today: (id, name).
    units: Vec<(String, String)>,
    on_create: Callback<SubmitEvent>,
}

/// "Tạo tài khoản": role, unit, name and username of a new account.
#[function_component(NewAccountFields)]
fn new_account_fields(props: &NewAccountProps) -> Html {
    let (form, roles, units) = (&props.form, &props.roles, &props.units);
    let set = |f: fn(&mut NewAccountForm, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut x = (*form).clone();
            f(&mut x, value_of(&e));
            form.set(x);
        })
    };
    html! {
        <form class="new-account editor" onsubmit={props.on_create.clone()} data-testid="account-new">
            <h4>{text::accounts::TAO_TAI_KHOAN}</h4>
            <label>{text::accounts::VAI_TRO}
                <select onchange={set(|f, v| f.role = v)} data-testid="account-new-role">
                    <option value="" selected={form.role.is_empty()}>{text::accounts::CHON}</option>
                    { for roles.iter().map(|r| html! {
                        <option value={r.as_str()} selected={form.role == r.as_str()}>{r.label()}</option>
                    }) }
                </select>
            </label>
            <label>{text::accounts::DON_VI}
                <select onchange={set(|f, v| f.unit_id = v)} data-testid="account-new-unit">
                    <option value="" selected={form.unit_id.is_empty()}>{text::accounts::CHON}</option>
                    { for units.iter().map(|(id, name)| html! {
                        <option value={id.clone()} selected={form.unit_id == *id}>{name}</option>
                    }) }
                </select>
            </label>
            <label>{text::accounts::TEN_HIEN_THI_DE_TRONG_TEN}
                <input value={form.display_name.clone()} onchange={set(|f, v| f.display_name = v)} data-testid="account-new-name" />
            </label>
            <label>{text::accounts::TEN_DANG_NHAP_DE_TRONG_HE}
                <input value={form.username.clone()} onchange={set(|f, v| f.username = v)}
                    autocapitalize="none" spellcheck="false" data-testid="account-new-username" />
            </label>
            <div class="actions">
                <button type="submit" data-testid="account-new-submit">{text::accounts::TAO_TAI_KHOAN}</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct AuditProps {
    events: Vec<tiendo_shared::api::AccountEvent>,
}

/// "Nhật ký thao tác tài khoản": what was done to the accounts.
#[function_component(AuditLog)]
fn audit_log(props: &AuditProps) -> Html {
    html! {
        <details class="audit" data-testid="account-audit" open=true>
            <summary>{text::accounts::NHAT_KY_THAO_TAC_TAI_KHOAN}</summary>
            if props.events.is_empty() { <p class="note">{text::accounts::CHUA_CO_THAO_TAC_NAO}</p> }
            <ul>{ for props.events.iter().map(|e| html! { <li>{event_line(e)}</li> }) }</ul>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct ActionsProps {
    row: AccountRow,
    /// The administrator's own account (not locked or reset from here).
    self_row: bool,
    /// The agency's units today: (id, name).
    units: Vec<(String, String)>,
    agency_id: Option<String>,
    /// The unit chosen for each account's move, by username.
    moves: UseStateHandle<std::collections::BTreeMap<String, String>>,
    /// What an action said.
    on_done: Callback<Outcome>,
}

/// An account's actions: lock or unlock, a new password, a move to another unit.
#[function_component(AccountActions)]
fn account_actions(props: &ActionsProps) -> Html {
    let row = &props.row;
    let username = row.username.clone();
    let toggle = {
        let (on_done, username, disable) = (props.on_done.clone(), username.clone(), !row.disabled);
        Callback::from(move |_| {
            let (on_done, username) = (on_done.clone(), username.clone());
            wasm_bindgen_futures::spawn_local(async move {
                on_done.emit(match accounts::set_disabled(&username, disable).await {
                    Ok(_) if disable => Outcome::Done(text::accounts::da_khoa(&username)),
                    Ok(_) => Outcome::Done(text::accounts::da_mo_khoa(&username)),
                    Err(e) => Outcome::Failed(e),
                });
            });
        })
    };
    let reset = {
        let (on_done, username) = (props.on_done.clone(), username.clone());
        Callback::from(move |_| {
            if !browser::confirm(&text::accounts::cap_mat_khau_moi_cho_mat(&username)) {
                return;
            }
            let (on_done, username) = (on_done.clone(), username.clone());
            wasm_bindgen_futures::spawn_local(async move {
                on_done.emit(match accounts::reset_password(&username).await {
                    Ok(p) => Outcome::Password(p, text::accounts::DA_CAP_LAI_MAT_KHAU),
                    Err(e) => Outcome::Failed(e),
                });
            });
        })
    };
    let chosen = props.moves.get(&username).cloned().unwrap_or_default();
    let pick = {
        let (moves, username) = (props.moves.clone(), username.clone());
        Callback::from(move |e: Event| {
            let mut m = (*moves).clone();
            m.insert(username.clone(), value_of(&e));
            moves.set(m);
        })
    };
    let move_to = {
        let (on_done, username, unit_id) =
            (props.on_done.clone(), username.clone(), chosen.clone());
        let agency_id = props.agency_id.clone();
        Callback::from(move |_| {
            if unit_id.is_empty() {
                return;
            }
            let (on_done, username) = (on_done.clone(), username.clone());
            let to = MoveAccount {
                unit_id: unit_id.clone(),
                agency_id: agency_id.clone(),
            };
            wasm_bindgen_futures::spawn_local(async move {
                on_done.emit(match accounts::move_to(&username, &to).await {
                    Ok(_) => Outcome::Done(text::accounts::da_chuyen_sang_don_vi_moi(&username)),
                    Err(e) => Outcome::Failed(e),
                });
            });
        })
    };
    let self_row = props.self_row;
    html! {
        <div class="account-actions">
            if !self_row {
                <button type="button" class="secondary" onclick={toggle}
                    data-testid={format!("account-toggle-{}", row.username)}>
                    { if row.disabled { text::accounts::MO_KHOA } else { text::accounts::KHOA } }
                </button>
                <button type="button" class="secondary" onclick={reset}
                    data-testid={format!("account-reset-{}", row.username)}>{text::accounts::CAP_LAI_MAT_KHAU}</button>
            }
            if row.unit_id.is_some() && !props.units.is_empty() {
                <span class="move">
                    <select onchange={pick} aria-label={text::accounts::don_vi_chuyen_den(&row.username)}
                        data-testid={format!("account-move-unit-{}", row.username)}>
                        <option value="" selected={chosen.is_empty()}>{text::accounts::CHUYEN_SANG_DON_VI}</option>
                        { for props.units.iter().filter(|(id, _)| Some(id) != row.unit_id.as_ref()).map(|(id, name)| html! {
                            <option value={id.clone()} selected={*id == chosen}>{name}</option>
                        }) }
                    </select>
                    <button type="button" class="secondary" onclick={move_to} disabled={chosen.is_empty()}
                        data-testid={format!("account-move-{}", row.username)}>{text::accounts::CHUYEN}</button>
                </span>
            }
        </div>
    }
}
