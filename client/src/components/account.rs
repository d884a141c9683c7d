//! The "Tài khoản" screen: who is signed in and the change of their own password (everyone);
//! for agency and system administrators, below it, the accounts they administer (office build,
//! through [`super::office::accounts_admin`]).
//!
//! Stage: *UI*, over `view_model::accounts` (the form's rules) and `infra::accounts` (the
//! server: accounts need a link).

use yew::prelude::*;

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
            <h2>{"Tài khoản"}</h2>
            <dl class="who-am-i">
                <dt>{"Tên đăng nhập"}</dt><dd data-testid="account-username">{&user.username}</dd>
                <dt>{"Tên hiển thị"}</dt><dd>{&user.display_name}</dd>
                <dt>{"Vai trò"}</dt><dd>{user.role.label()}</dd>
                if let Some(unit) = &ws.docs.me.unit {
                    <dt>{"Đơn vị"}</dt><dd>{&unit.name}</dd>
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
                outcome.set(Some(done.map(|()| {
                    "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.".to_string()
                })));
            });
        })
    };
    html! {
        <form class="password" onsubmit={on_submit} data-testid="password-form">
            <h3>{"Đổi mật khẩu"}</h3>
            <label>{"Mật khẩu hiện tại"}
                <input type="password" autocomplete="current-password" value={form.current.clone()}
                    oninput={field(|f, v| f.current = v)} data-testid="password-current" />
            </label>
            <label>{"Mật khẩu mới (ít nhất 8 ký tự)"}
                <input type="password" autocomplete="new-password" value={form.new.clone()}
                    oninput={field(|f, v| f.new = v)} data-testid="password-new" />
            </label>
            <label>{"Nhập lại mật khẩu mới"}
                <input type="password" autocomplete="new-password" value={form.repeat.clone()}
                    oninput={field(|f, v| f.repeat = v)} data-testid="password-repeat" />
            </label>
            <div class="actions">
                <button type="submit" disabled={*busy} data-testid="password-submit">{"Đổi mật khẩu"}</button>
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
