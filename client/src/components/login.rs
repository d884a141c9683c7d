//! Sign-in: user name and password against the server's `/api/login`.
//!
//! Stage: *UI → session*.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::infra::api::{self, Me};

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    /// Called with `/api/me` once signed in.
    pub on_login: Callback<Me>,
}

/// The sign-in form.
#[function_component(Login)]
pub fn login(props: &LoginProps) -> Html {
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
