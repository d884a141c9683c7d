//! Importing a province's criteria set (for the appraisal team and system administrators): an
//! annex (.xlsx, .docx) read by the server into a preview table with what is wrong and the lines
//! it could not place; each row corrected in the table (code, text, maximum, rule, measured by,
//! "không áp dụng" allowed, evidence); then saved as the set.
//!
//! Stage: *UI* (office build), over `view_model::par::criteria`; I/O through `infra::par`.

use tiendo_shared::model::criteria::{CriteriaSet, Measured};
use yew::prelude::*;

use super::super::value_of;
use crate::error::ClientError;
use crate::infra::form::{self, FileInput};
use crate::infra::par;
use crate::text;
use crate::view_model::par::criteria::{
    Field, UnplacedLine, edit, insert_row, problems, rule_input,
};

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    /// After a set was saved.
    pub on_saved: Callback<()>,
}

/// The set being corrected, and the lines the importer could not place.
#[derive(Clone, PartialEq)]
struct Draft {
    set: CriteriaSet,
    unplaced: Vec<String>,
}

/// The import of an annex, its preview and its corrections.
#[function_component(CriteriaImport)]
pub fn criteria_import(props: &ImportProps) -> Html {
    let draft = use_state(|| None::<Draft>);
    let error = use_state(|| None::<ClientError>);
    let saved = use_state(|| None::<String>);
    let on_file = {
        let (draft, error, saved) = (draft.clone(), error.clone(), saved.clone());
        Callback::from(move |e: Event| {
            let Some(input) = FileInput::of(&e) else {
                return;
            };
            let Some(file) = input.files().into_iter().next() else {
                return;
            };
            input.clear();
            let (draft, error, saved) = (draft.clone(), error.clone(), saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                saved.set(None);
                match par::preview_criteria(&file).await {
                    Ok(p) => {
                        error.set(None);
                        draft.set(Some(Draft {
                            unplaced: p.unplaced.iter().map(UnplacedLine::line).collect(),
                            set: p.set,
                        }));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_edit = {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |(i, field, value): (usize, Field, String)| {
            let Some(mut d) = (*draft).clone() else {
                return;
            };
            match edit(&mut d.set, i, field, &value) {
                Ok(()) => {
                    error.set(None);
                    draft.set(Some(d));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_rows = {
        let draft = draft.clone();
        Callback::from(move |(i, insert): (usize, bool)| {
            let Some(mut d) = (*draft).clone() else {
                return;
            };
            if insert {
                insert_row(&mut d.set, Some(i));
            } else if i < d.set.items.len() {
                d.set.items.remove(i);
            }
            draft.set(Some(d));
        })
    };
    let on_head = |apply: fn(&mut CriteriaSet, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            if let Some(mut d) = (*draft).clone() {
                apply(&mut d.set, value_of(&e).trim().to_string());
                draft.set(Some(d));
            }
        })
    };
    let on_save = {
        let (draft, error, saved, on_saved) = (
            draft.clone(),
            error.clone(),
            saved.clone(),
            props.on_saved.clone(),
        );
        Callback::from(move |_| {
            let Some(d) = (*draft).clone() else {
                return;
            };
            let (draft, error, saved, on_saved) = (
                draft.clone(),
                error.clone(),
                saved.clone(),
                on_saved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match par::save_criteria(&d.set).await {
                    Ok(info) => {
                        error.set(None);
                        draft.set(None);
                        saved.set(Some(text::par::da_luu_bo(&info.id)));
                        on_saved.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <section class="import par-criteria-import">
            <h3>{text::par::NHAP_PHU_LUC}</h3>
            <input type="file" id="par-criteria-file" aria-label={text::par::NHAP_PHU_LUC} accept=".xlsx,.docx" onchange={on_file} />
            if let Some(e) = &*error { <p class="error" role="alert" id="par-criteria-error">{e}</p> }
            if let Some(s) = &*saved { <p role="status" id="par-criteria-saved">{s}</p> }
            if let Some(d) = &*draft {
                <label>{text::par::MA_BO}
                    <input id="par-criteria-id" value={d.set.id.clone()} onchange={on_head(|s, v| s.id = v)} /></label>
                <label>{text::par::CAN_CU}
                    <input id="par-criteria-basis" value={d.set.basis.clone()} onchange={on_head(|s, v| s.basis = v)} /></label>
                <p class="sub">{format!("{} {} · {}", text::par::NAM, d.set.year, d.set.level.label())}</p>
                <Problems set={d.set.clone()} unplaced={d.unplaced.clone()} />
                <PreviewTable set={d.set.clone()} {on_edit} {on_rows} />
                <button type="button" id="par-criteria-save" onclick={on_save}>{text::par::LUU_BO_TIEU_CHI}</button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProblemsProps {
    set: CriteriaSet,
    unplaced: Vec<String>,
}

/// What is still wrong, and the lines not placed.
#[function_component(Problems)]
fn problems_view(props: &ProblemsProps) -> Html {
    let wrong = problems(&props.set);
    html! {
        <>
            if !wrong.is_empty() {
                <h4>{text::par::CAN_SUA}</h4>
                <ul id="par-criteria-problems" class="error">{ for wrong.iter().map(|p| html! { <li>{p}</li> }) }</ul>
            }
            if !props.unplaced.is_empty() {
                <h4>{text::par::DONG_KHONG_XEP}</h4>
                <ul id="par-criteria-unplaced">{ for props.unplaced.iter().map(|l| html! { <li>{l}</li> }) }</ul>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    set: CriteriaSet,
    /// Row, field, value typed.
    on_edit: Callback<(usize, Field, String)>,
    /// Row, and whether to insert a row after it (else remove it).
    on_rows: Callback<(usize, bool)>,
}

/// The rows, each field editable.
#[function_component(PreviewTable)]
fn preview_table(props: &TableProps) -> Html {
    let field = |i: usize, f: Field| {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let value = match f {
                Field::MayNotApply => form::checked_of(&e).to_string(),
                _ => value_of(&e),
            };
            on_edit.emit((i, f, value))
        })
    };
    let rows = |i: usize, insert: bool| {
        let on_rows = props.on_rows.clone();
        Callback::from(move |_| on_rows.emit((i, insert)))
    };
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
            <table class="plan par" id="par-criteria-preview">
                <thead><tr>
                    <th>{text::par::MA}</th><th>{text::par::TIEU_CHI}</th><th>{text::par::TOI_DA_COT}</th>
                    <th>{text::par::CACH_CHAM}</th><th>{text::par::DANH_GIA_BANG}</th><th>{text::par::CHO_PHEP_KAD}</th>
                    <th>{text::par::TAI_LIEU_KIEM_CHUNG}</th><th></th>
                </tr></thead>
                <tbody>
                { for props.set.items.iter().enumerate().map(|(i, c)| html! {
                    <tr key={format!("{i}-{}", c.code)} data-index={i.to_string()} data-code={c.code.clone()}>
                        <td><input class={Field::Code.class()} aria-label={text::par::MA} value={c.code.clone()} onchange={field(i, Field::Code)} /></td>
                        <td><textarea class={Field::Text.class()} aria-label={text::par::TIEU_CHI} value={c.text.clone()} onchange={field(i, Field::Text)} /></td>
                        <td><input class={Field::Max.class()} aria-label={text::par::TOI_DA_COT} value={c.max.to_string()} onchange={field(i, Field::Max)} /></td>
                        <td><input class={Field::Rule.class()} aria-label={text::par::CACH_CHAM} value={rule_input(&c.rule)} onchange={field(i, Field::Rule)} /></td>
                        <td><select class={Field::Measured.class()} aria-label={text::par::DANH_GIA_BANG} onchange={field(i, Field::Measured)}>
                            <option value="self_scored" selected={c.measured == Measured::SelfScored}>{text::par::TU_CHAM}</option>
                            <option value="survey" selected={c.measured == Measured::Survey}>{text::par::DIEU_TRA}</option>
                        </select></td>
                        <td><input type="checkbox" class={Field::MayNotApply.class()} aria-label={text::par::CHO_PHEP_KAD} checked={c.may_not_apply} onchange={field(i, Field::MayNotApply)} /></td>
                        <td><textarea class={Field::Evidence.class()} aria-label={text::par::TAI_LIEU_KIEM_CHUNG} value={c.evidence.clone()} onchange={field(i, Field::Evidence)} /></td>
                        <td>
                            <button type="button" class="secondary par-crit-insert" onclick={rows(i, true)}>{text::par::THEM_DONG}</button>
                            <button type="button" class="secondary par-crit-remove" onclick={rows(i, false)}>{text::par::XOA_DONG}</button>
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
