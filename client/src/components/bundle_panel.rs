//! "Gói dữ liệu": bundle files carried by hand where no link reaches ([`crate::infra::bundles`]).
//! On every device: export what the server has not confirmed (or everything the user may
//! write) as a file, offline; load a starter bundle instead of a first sync. In the office: import
//! a unit's bundle and read what the server applied, and download a starter bundle for a unit.
//!
//! Stage: *UI*, in the header (reachable while the plan is still loading: a new tablet on a weak
//! link loads its starter from here).

use std::rc::Rc;

use yew::prelude::*;

use crate::text;

use crate::error::ClientError;
use crate::infra::form::FileInput;
use crate::infra::session::Session;
use crate::infra::{browser, bundles};

#[derive(Properties)]
pub struct BundlePanelProps {
    /// The device's session, once started.
    pub session: Option<Rc<Session>>,
    /// The units a starter bundle may be made for (office build): each unit of the agency that
    /// exists today and has a progress document, once, by its name today.
    pub units: Vec<(String, String)>,
}

impl PartialEq for BundlePanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.units == other.units
            && match (&self.session, &other.session) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// What the last action said.
#[derive(Clone, PartialEq)]
enum Said {
    Done(String),
    Failed(ClientError),
}

/// The panel behind the header's "Gói dữ liệu" button.
#[function_component(BundlePanel)]
pub fn bundle_panel(props: &BundlePanelProps) -> Html {
    let open = use_state(|| false);
    let said = use_state(|| None::<Said>);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let Some(session) = props.session.clone() else {
        return html! {};
    };
    let export = |everything: bool| {
        let (session, said) = (session.clone(), said.clone());
        Callback::from(move |_| {
            let (session, said) = (session.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = bundles::export(&session, everything).await.and_then(|e| {
                    browser::download(&e.name, &e.bytes, bundles::MEDIA_TYPE)?;
                    Ok(text::common::da_xuat_tai_lieu_thay_doi(
                        &e.name,
                        &e.documents,
                        &e.changes,
                        &e.files,
                        &e.bytes.len().div_ceil(1024),
                    ))
                });
                said.set(Some(match result {
                    Ok(m) => Said::Done(m),
                    Err(e) => Said::Failed(e),
                }));
            });
        })
    };
    let on_starter = {
        let (session, said) = (session.clone(), said.clone());
        Callback::from(move |e: Event| {
            let Some(input) = FileInput::of(&e) else {
                return;
            };
            let (session, said) = (session.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(bytes) = bundles::picked(&input).await else {
                    return;
                };
                match bundles::load_starter(&session, &bytes).await {
                    Ok(n) => {
                        said.set(Some(Said::Done(text::common::da_nap_tai_lieu_tu_goi(&n))));
                        browser::reload_page();
                    }
                    Err(e) => said.set(Some(Said::Failed(e))),
                }
            });
        })
    };
    let me = session.me();
    let unregistered = !bundles::registered();
    html! {
        <>
            <button class="secondary" onclick={toggle} data-testid="bundle-toggle">{text::common::GOI_DU_LIEU}</button>
            if *open {
                <section class="bundle-panel" data-testid="bundle-panel">
                    <h2>{text::common::GOI_DU_LIEU_KHI_KHONG_CO}</h2>
                    <p>
                        <button onclick={export(false)} data-testid="bundle-export">{text::common::XUAT_GOI_DU_LIEU}</button>
                        {" "}
                        <button class="secondary" onclick={export(true)} data-testid="bundle-export-all">{text::common::XUAT_TOAN_BO}</button>
                    </p>
                    if unregistered {
                        <p class="note" data-testid="bundle-unregistered">{text::common::MAY_NAY_CHUA_DANG_KY_KHOA}</p>
                    }
                    <label>{text::common::NAP_GOI_KHOI_TAO_THAY_CHO}
                        <input type="file" accept=".tiendo" onchange={on_starter} data-testid="bundle-starter" />
                    </label>
                    { office(&me, said.clone(), props.units.clone()) }
                    {
                        match &*said {
                            Some(Said::Done(m)) => html! { <p class="ok" role="status" data-testid="bundle-message">{m}</p> },
                            Some(Said::Failed(e)) => html! { <p class="error" role="alert" data-testid="bundle-error">{e}</p> },
                            None => html! {},
                        }
                    }
                </section>
            }
        </>
    }
}

#[cfg(feature = "office")]
fn office(
    me: &tiendo_shared::api::Me,
    said: UseStateHandle<Option<Said>>,
    units: Vec<(String, String)>,
) -> Html {
    use tiendo_shared::model::role::Role;
    if !matches!(me.user.role, Role::AgencyAdmin | Role::SystemAdmin) {
        return html! {};
    }
    html! { <OfficeBundles {units} {said} /> }
}

#[cfg(not(feature = "office"))]
fn office(
    _me: &tiendo_shared::api::Me,
    _said: UseStateHandle<Option<Said>>,
    _units: Vec<(String, String)>,
) -> Html {
    html! {}
}

#[cfg(feature = "office")]
#[derive(Properties, PartialEq)]
struct OfficeProps {
    /// (unit id, its progress document's title).
    units: Vec<(String, String)>,
    said: UseStateHandle<Option<Said>>,
}

#[cfg(feature = "office")]
#[function_component(OfficeBundles)]
fn office_bundles(props: &OfficeProps) -> Html {
    use tiendo_shared::api::{BundleOutcome, BundleReport};
    let report = use_state(|| None::<BundleReport>);
    let unit = use_state(|| props.units.first().map(|u| u.0.clone()).unwrap_or_default());
    let on_import = {
        let (report, said) = (report.clone(), props.said.clone());
        Callback::from(move |e: Event| {
            let Some(input) = FileInput::of(&e) else {
                return;
            };
            let (report, said) = (report.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(bytes) = bundles::picked(&input).await else {
                    return;
                };
                input.clear();
                match bundles::import_at_office(&bytes).await {
                    Ok(r) => {
                        said.set(Some(Said::Done(text::common::da_nhap_goi_cua(
                            &r.author_name,
                            &r.summary(),
                        ))));
                        report.set(Some(r));
                    }
                    Err(e) => {
                        report.set(None);
                        said.set(Some(Said::Failed(e)));
                    }
                }
            });
        })
    };
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            unit.set(super::value_of(&e));
        })
    };
    let word = |o: BundleOutcome| match o {
        BundleOutcome::Applied => text::common::GHI_MOI,
        BundleOutcome::Known => text::common::DA_CO,
        BundleOutcome::Refused => text::common::TU_CHOI,
    };
    let outcome_key = |o: BundleOutcome| match o {
        BundleOutcome::Applied => "applied",
        BundleOutcome::Known => "known",
        BundleOutcome::Refused => "refused",
    };
    html! {
        <div class="office-bundles">
            <label>{text::common::NHAP_GOI_CUA_DON_VI}
                <input type="file" accept=".tiendo" onchange={on_import} data-testid="bundle-import" />
            </label>
            if let Some(r) = &*report {
                <ul data-testid="bundle-report">
                    { for r.documents.iter().map(|d| html! {
                        <li data-testid={format!("bundle-doc-{}", d.doc_id)} data-outcome={outcome_key(d.outcome)}>
                            {format!("{}: {}{}", if d.title.is_empty() { &d.doc_id } else { &d.title }, word(d.outcome),
                                d.reason.as_deref().map(text::common::reason).unwrap_or_default())}
                        </li>
                    }) }
                    { for r.files.iter().map(|f| html! {
                        <li data-testid={format!("bundle-file-{}", f.sha256)} data-outcome={outcome_key(f.outcome)}>
                            {text::common::tep(&f.name, &word(f.outcome), &(f.reason.as_deref().map(text::common::reason).unwrap_or_default()))}
                        </li>
                    }) }
                </ul>
            }
            <label>{text::common::GOI_KHOI_TAO_CHO_MAY_TINH}
                <select onchange={on_unit} data-testid="bundle-starter-unit" aria-label={text::common::DON_VI_NHAN_GOI_KHOI_TAO}>
                    { for props.units.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={*id == *unit}>{title}</option>
                    }) }
                </select>
            </label>
            {" "}
            <a class="button secondary" href={format!("/api/bundles/starter?unit={}", *unit)} download="" data-testid="bundle-starter-link">{text::common::TAI_GOI_KHOI_TAO}</a>
        </div>
    }
}
