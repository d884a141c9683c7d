//! The server's HTTP API as the client uses it: sign in, sign out, who am I.
//!
//! Stage: *session*. The browser keeps the session cookie (`HttpOnly`); the answer of `/api/me`
//! is kept in `localStorage` so that later starts, even offline, go straight to the user's work.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};

/// A document this user may open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRef {
    /// Automerge document id.
    pub doc_id: String,
    /// `plan`, `org` or `progress`.
    pub kind: String,
    /// The plan it belongs to (plans and progress).
    #[serde(default)]
    pub plan_id: Option<String>,
    /// For progress documents.
    pub unit_id: Option<String>,
    /// `read` or `write`.
    pub access: String,
    /// A human title (plans: the plan's title).
    #[serde(default)]
    pub title: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Unit, for unit roles.
    pub unit_id: Option<String>,
    /// Agency, for unit roles.
    pub agency_id: Option<String>,
}

/// A unit or agency reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// Who.
    pub user: User,
    /// The role in Vietnamese.
    pub role_label: String,
    /// Their agency.
    pub agency: Option<Named>,
    /// Their unit.
    pub unit: Option<Named>,
    /// What they may open.
    pub documents: Vec<DocRef>,
    /// The people of their agency, to name the authors of changes.
    #[serde(default)]
    pub people: Vec<Person>,
}

/// A person the history may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Login name (the author recorded on their changes).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Their unit.
    pub unit_id: Option<String>,
}

impl Me {
    /// The first document of `kind` (and unit).
    pub fn doc(&self, kind: &str, unit: Option<&str>) -> Option<&DocRef> {
        self.documents
            .iter()
            .find(|d| d.kind == kind && (unit.is_none() || d.unit_id.as_deref() == unit))
    }

    /// The plans this user may open: (plan id, title), in catalogue order.
    pub fn plans(&self) -> Vec<(String, String)> {
        self.documents
            .iter()
            .filter(|d| d.kind == "plan")
            .filter_map(|d| Some((d.plan_id.clone()?, d.title.clone().unwrap_or_default())))
            .collect()
    }

    /// Whether the user may write document `doc_id`.
    pub fn may_write(&self, doc_id: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.doc_id == doc_id && d.access == "write")
    }
}

const ME_KEY: &str = "tiendo.me";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved `/api/me`, if any.
pub fn saved_me() -> Option<Me> {
    let s = local_storage()?.get_item(ME_KEY).ok()??;
    serde_json::from_str(&s).ok()
}

/// Saves (or with `None`, forgets) `/api/me`.
pub fn save_me(me: Option<&Me>) {
    if let Some(ls) = local_storage() {
        let _ = match me {
            Some(me) => ls.set_item(ME_KEY, &serde_json::to_string(me).unwrap_or_default()),
            None => ls.remove_item(ME_KEY),
        };
    }
}

#[derive(Deserialize)]
struct ApiError {
    error: String,
}

async fn error_of(resp: gloo_net::http::Response) -> String {
    match resp.json::<ApiError>().await {
        Ok(e) => e.error,
        Err(_) => format!("lỗi {}", resp.status()),
    }
}

/// Signs in; the server sets the session cookie.
pub async fn login(username: &str, password: &str) -> Result<(), String> {
    let resp = Request::post("/api/login")
        .json(&serde_json::json!({ "username": username, "password": password }))
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|_| "Không kết nối được máy chủ. Cần có mạng để đăng nhập lần đầu.".to_string())?;
    if resp.ok() {
        Ok(())
    } else {
        Err(error_of(resp).await)
    }
}

/// Who the session belongs to and what they may open.
pub async fn me() -> Result<Me, String> {
    let resp = Request::get("/api/me")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if resp.ok() {
        resp.json::<Me>().await.map_err(|e| e.to_string())
    } else {
        Err(error_of(resp).await)
    }
}

/// Ends the session on the server (best effort: offline, the cookie simply expires).
pub async fn logout() {
    let _ = Request::post("/api/logout").send().await;
}

/// The reports generated for `plan_id` and the score thresholds; kept for offline use, so the
/// calendar and the score show the last known answer without a connection.
pub async fn reports(plan_id: &str) -> Option<crate::dashboard::ReportsInfo> {
    let key = format!("tiendo.reports.{plan_id}");
    let fetched = async {
        let resp = Request::get(&format!("/api/plans/{plan_id}/reports"))
            .send()
            .await
            .ok()?;
        if !resp.ok() {
            return None;
        }
        resp.json::<crate::dashboard::ReportsInfo>().await.ok()
    }
    .await;
    let ls = local_storage();
    match fetched {
        Some(info) => {
            if let (Some(ls), Ok(json)) = (ls, serde_json::to_string(&info)) {
                let _ = ls.set_item(&key, &json);
            }
            Some(info)
        }
        None => serde_json::from_str(&ls?.get_item(&key).ok()??).ok(),
    }
}

/// What the server said about an imported plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Imported {
    /// The new plan's id.
    pub plan_id: String,
    /// Its task count.
    pub tasks: usize,
}

/// Imports a plan from its text (the central office's upload).
pub async fn import_plan(text: &str) -> Result<Imported, String> {
    let resp = Request::post("/api/plans")
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(text.to_string())
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|_| "Không kết nối được máy chủ: cần có mạng để lưu kế hoạch mới.".to_string())?;
    if resp.ok() {
        resp.json::<Imported>().await.map_err(|e| e.to_string())
    } else {
        Err(error_of(resp).await)
    }
}
