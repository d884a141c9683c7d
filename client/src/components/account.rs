//! The "Tài khoản" screen: who is signed in and the change of their own password (everyone);
//! for agency and system administrators, below it, the accounts they administer (office build,
//! through [`super::office::accounts_admin`]).
//!
//! Stage: *UI*, over `view_model::accounts` (the form's rules) and `infra::accounts` (the
//! server: accounts need a link).

use yew::prelude::*;

use crate::text;

use super::{office, use_ws, value_of};
use crate::error::ClientError;
use crate::infra::accounts;
use crate::view_model::accounts::{PasswordForm, role_choices};

/// The account screen.
#[function_component(AccountScreen)]
pub fn account_screen() -> Html {
    let ws = use_ws();
    let user = &ws.docs.me.user;
    let admin = office::BUILT && !role_choices(user.role).is_empty();
    html! {
        <main class="account" data-testid="account">
            <h2>{text::accounts::TAI_KHOAN}</h2>
            <dl class="who-am-i">
                <dt>{text::accounts::TEN_DANG_NHAP}</dt><dd data-testid="account-username">{&user.username}</dd>
                <dt>{text::accounts::TEN_HIEN_THI}</dt><dd>{&user.display_name}</dd>
                <dt>{text::accounts::VAI_TRO}</dt><dd>{user.role.label()}</dd>
                if let Some(unit) = &ws.docs.me.unit {
                    <dt>{text::accounts::DON_VI}</dt><dd>{&unit.name}</dd>
                }
            </dl>
            <PasswordChange />
            if admin { {office::accounts_admin()} }
        </main>
    }
}

/// "Đổi mật khẩu": the current password, the new one twice.
#[function_component(PasswordChange)]
fn password_change() -> Html {
    let form = use_state(PasswordForm::default);
    let outcome = use_state(|| None::<Result<String, ClientError>>);
    let busy = use_state(|| false);
    let field = |f: fn(&mut PasswordForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut x = (*form).clone();
            f(&mut x, value_of(&e));
            form.set(x);
        })
    };
    let on_submit = {
        let (form, outcome, busy) = (form.clone(), outcome.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = match form.request() {
                Ok(r) => r,
                Err(why) => return outcome.set(Some(Err(why))),
            };
            let (form, outcome, busy) = (form.clone(), outcome.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let done = accounts::change_password(&request).await;
                busy.set(false);
                if done.is_ok() {
                    form.set(PasswordForm::default());
                }
                outcome.set(Some(
                    done.map(|()| text::accounts::DA_DOI_MAT_KHAU_CAC_PHIEN.to_string()),
                ));
            });
        })
    };
    html! {
        <form class="password" onsubmit={on_submit} data-testid="password-form">
            <h3>{text::accounts::DOI_MAT_KHAU}</h3>
            <label>{text::accounts::MAT_KHAU_HIEN_TAI}
                <input type="password" autocomplete="current-password" value={form.current.clone()}
                    oninput={field(|f, v| f.current = v)} data-testid="password-current" />
            </label>
            <label>{text::accounts::MAT_KHAU_MOI_IT_NHAT_8}
                <input type="password" autocomplete="new-password" value={form.new.clone()}
                    oninput={field(|f, v| f.new = v)} data-testid="password-new" />
            </label>
            <label>{text::accounts::NHAP_LAI_MAT_KHAU_MOI}
                <input type="password" autocomplete="new-password" value={form.repeat.clone()}
                    oninput={field(|f, v| f.repeat = v)} data-testid="password-repeat" />
            </label>
            <div class="actions">
                <button type="submit" disabled={*busy} data-testid="password-submit">{text::accounts::DOI_MAT_KHAU}</button>
            </div>
            {
                match &*outcome {
                    Some(Ok(t)) => html! { <p class="ok" role="status" data-testid="password-done">{t}</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="password-error">{e}</p> },
                    None => html! {},
                }
            }
        </form>
    }
}
