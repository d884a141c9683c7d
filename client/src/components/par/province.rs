//! The province's "Chỉ số CCHC" screen (province_appraiser, province_viewer, system_admin): the
//! criteria sets (and, for those who keep them, an annex's import, [`super::criteria`]); a set's
//! ranking — its group's agencies with rank, index, self index and points lost — with "Công bố
//! kết quả"; an agency opened for appraisal ([`super::appraisal`]).
//!
//! Stage: *UI* (office build), over `view_model::par::province`; I/O through `infra::par`.

use tiendo_shared::api::par::{CriteriaInfo, Ranking};
use yew::prelude::*;

use super::super::use_ws;
use super::appraisal::AppraisalScreen;
use super::criteria::CriteriaImport;
use crate::error::ClientError;
use crate::infra::form;
use crate::infra::par;
use crate::text;
use crate::view_model::par::province::{appraises, ranking_rows};

/// The province's screen.
#[function_component(ParProvince)]
pub fn par_province() -> Html {
    let ws = use_ws();
    let role = ws.docs.me.user.role;
    let sets = use_state(|| None::<Result<Vec<CriteriaInfo>, ClientError>>);
    let reload = use_state(|| 0u32);
    let chosen = use_state(|| None::<CriteriaInfo>);
    let open = use_state(|| None::<(String, i32)>);
    {
        let sets = sets.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move { sets.set(Some(par::criteria().await)) });
        });
    }
    if let Some((agency, year)) = &*open {
        let back = {
            let open = open.clone();
            Callback::from(move |_| open.set(None))
        };
        return html! { <AppraisalScreen agency={agency.clone()} year={*year} on_back={back} /> };
    }
    if let Some(info) = &*chosen {
        let back = {
            let chosen = chosen.clone();
            Callback::from(move |_| chosen.set(None))
        };
        let on_open = {
            let (open, year) = (open.clone(), info.year);
            Callback::from(move |agency: String| open.set(Some((agency, year))))
        };
        return html! { <RankingView info={info.clone()} {on_open} on_back={back} /> };
    }
    let on_saved = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let choose = |info: &CriteriaInfo| {
        let (chosen, info) = (chosen.clone(), info.clone());
        Callback::from(move |_| chosen.set(Some(info.clone())))
    };
    html! {
        <main class="par" data-testid="par-province">
            <h2>{text::par::CAC_BO_TIEU_CHI}</h2>
            {
                match &*sets {
                    None => html! { <p class="loading">{text::par::DANG_TAI}</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert" id="par-error">{e}</p> },
                    Some(Ok(list)) => html! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
                            <table class="plan par" id="par-criteria-sets">
                                <thead><tr>
                                    <th>{text::par::MA_BO}</th><th>{text::par::NAM}</th><th>{text::par::NHOM}</th>
                                    <th>{text::par::CAN_CU}</th><th>{text::par::TONG_DIEM}</th><th>{text::par::SO_TIEU_CHI}</th><th></th>
                                </tr></thead>
                                <tbody>
                                { for list.iter().map(|s| html! {
                                    <tr data-criteria={s.id.clone()}>
                                        <td>{&s.id}</td><td>{s.year}</td><td>{s.level.label()}</td>
                                        <td>{&s.basis}{if s.template { format!(" {}", text::par::MAU) } else { String::new() }}
                                            if let Some(a) = &s.announced { <div class="sub">{text::par::da_cong_bo(&a.basis)}</div> }
                                        </td>
                                        <td>{s.total.to_string()}</td><td>{s.sub_criteria}</td>
                                        <td><button type="button" class="par-ranking-open" onclick={choose(s)}>{text::par::XEP_HANG}</button></td>
                                    </tr>
                                }) }
                                </tbody>
                            </table>
                        </div>
                    },
                }
            }
            if appraises(role) { <CriteriaImport {on_saved} /> }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct RankingProps {
    info: CriteriaInfo,
    /// Opens an agency's appraisal.
    on_open: Callback<String>,
    on_back: Callback<()>,
}

/// A set's ranking, and its announcement.
#[function_component(RankingView)]
fn ranking_view(props: &RankingProps) -> Html {
    let ws = use_ws();
    let may = appraises(ws.docs.me.user.role);
    let ranking = use_state(|| None::<Result<Ranking, ClientError>>);
    let announced = use_state(|| props.info.announced.clone());
    let error = use_state(|| None::<ClientError>);
    let basis = use_node_ref();
    {
        let ranking = ranking.clone();
        use_effect_with(props.info.id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(
                async move { ranking.set(Some(par::ranking(&id).await)) },
            );
        });
    }
    let announce = {
        let (id, basis, announced, error) = (
            props.info.id.clone(),
            basis.clone(),
            announced.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let (id, b, announced, error) = (
                id.clone(),
                form::value(&basis),
                announced.clone(),
                error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match par::announce(&id, &b).await {
                    Ok(info) => {
                        error.set(None);
                        announced.set(info.announced)
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let open = |agency: String| {
        let cb = props.on_open.clone();
        Callback::from(move |_| cb.emit(agency.clone()))
    };
    html! {
        <main class="par" data-testid="par-ranking-screen">
            <button type="button" class="secondary" id="par-back" onclick={back}>{text::par::QUAY_LAI}</button>
            <h2>{format!("{} — {} {}", text::par::XEP_HANG, props.info.level.label(), props.info.year)}</h2>
            <p class="sub">{text::par::theo(&props.info.basis)}</p>
            if let Some(e) = &*error { <p class="error" role="alert" id="par-error">{e}</p> }
            {
                match &*ranking {
                    None => html! { <p class="loading">{text::par::DANG_TAI}</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert">{e}</p> },
                    Some(Ok(r)) => html! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
                            <table class="plan par" id="par-ranking" data-level={format!("{:?}", r.criteria.level).to_lowercase()}>
                                <thead><tr>
                                    <th>{text::par::HANG}</th><th>{text::par::CO_QUAN}</th><th>{text::par::TRANG_THAI}</th>
                                    <th>{text::par::CHI_SO_COT}</th><th>{text::par::TU_DANH_GIA}</th><th>{text::par::DIEM_BI_MAT}</th><th></th>
                                </tr></thead>
                                <tbody>
                                { for ranking_rows(r).into_iter().map(|l| html! {
                                    <tr data-agency={l.agency_id.clone()}>
                                        <td class="par-rank">{&l.rank}</td><td>{&l.name}</td><td class="par-row-state">{l.state}</td>
                                        <td class="par-rank-index">{&l.index}</td><td class="par-rank-self">{&l.self_index}</td>
                                        <td class="par-rank-lost" title={l.lost_codes.join(", ")}>{&l.lost}</td>
                                        <td><button type="button" class="par-appraisal-open" onclick={open(l.agency_id.clone())}>{text::par::THAM_DINH}</button></td>
                                    </tr>
                                }) }
                                </tbody>
                            </table>
                        </div>
                    },
                }
            }
            if let Some(a) = &*announced {
                <p id="par-announced">{text::par::da_cong_bo(&a.basis)}</p>
            } else if may {
                <div class="actions">
                    <input id="par-announce-basis" aria-label={text::par::QUYET_DINH_CONG_BO} ref={basis} placeholder={text::par::QUYET_DINH_CONG_BO} />
                    <button type="button" id="par-announce" onclick={announce}>{text::par::CONG_BO}</button>
                </div>
            }
        </main>
    }
}
