//! The sync indicator in the header: offline, syncing (with the edits the server has not
//! confirmed yet and the evidence files not uploaded yet), or synced at a time.
//!
//! Stage: *UI*, from the workspace state's sync part.

use yew::prelude::*;

use crate::text;

use crate::view_model::workspace::SyncState;

#[derive(Properties, PartialEq)]
pub struct SyncProps {
    /// `None` until the first check after start.
    pub state: Option<SyncState>,
    /// When sync was last complete ("hh:mm").
    pub synced_at: Option<String>,
}

/// Where sync stands, in words.
#[function_component(SyncIndicator)]
pub fn sync_indicator(props: &SyncProps) -> Html {
    let Some(s) = props.state else {
        return html! {
            <div class="sync syncing" data-testid="sync-indicator" data-state="starting">
                <span>{text::common::DANG_KET_NOI}</span>
            </div>
        };
    };
    let (class, text) = match (
        s.connected,
        s.unconfirmed + s.files_pending,
        &props.synced_at,
    ) {
        (false, _, _) => ("offline", text::common::NGOAI_TUYEN.to_string()),
        (true, 0, Some(t)) => ("synced", text::common::da_dong_bo_luc(&t)),
        (true, _, _) => ("syncing", text::common::DANG_DONG_BO.to_string()),
    };
    html! {
        <div class={classes!("sync", class)} data-testid="sync-indicator" data-state={class}>
            <span>{text}</span>
            if s.unconfirmed > 0 {
                <span class="pending" data-testid="sync-pending">{text::common::thay_doi_chua_xac_nhan(&s.unconfirmed)}</span>
            }
            if s.files_pending > 0 {
                <span class="pending" data-testid="files-pending">{text::common::tep_chua_tai_len(&s.files_pending)}</span>
            }
        </div>
    }
}
