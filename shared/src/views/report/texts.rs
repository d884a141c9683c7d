//! The office's texts for reports, in the plan document: `report_texts` → period → part
//! (`direction`, `assessment`, `proposals`) → text.
//!
//! Stage: *local document*, written by the office beside the plan and read into the report
//! ([`super::draft_texts`] drafts them from the report).

use automerge::{ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};

use crate::model::{Error, PeriodKind};
use crate::views::report::PartTexts;

/// The root key in the plan document.
pub const KEY: &str = "report_texts";
/// The parts' keys.
pub const PARTS: [&str; 3] = ["direction", "assessment", "proposals"];

fn map_at<D: ReadDoc>(doc: &D, obj: &automerge::ObjId, key: &str) -> Option<automerge::ObjId> {
    match doc.get(obj, key).ok()?? {
        (Value::Object(ObjType::Map), id) => Some(id),
        _ => None,
    }
}

/// The texts kept for `period` (empty where none).
pub fn read<D: ReadDoc>(plan: &D, period: PeriodKind) -> PartTexts {
    let Some(p) =
        map_at(plan, &automerge::ROOT, KEY).and_then(|m| map_at(plan, &m, period.as_str()))
    else {
        return PartTexts::default();
    };
    let text = |key: &str| match plan.get(&p, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(t) => t.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    PartTexts {
        direction: text("direction"),
        assessment: text("assessment"),
        proposals: text("proposals"),
    }
}

/// Keeps `texts` for `period` in the plan document, as one change authored by `author`
/// made `at` (parts left empty are kept empty: the report drafts them).
pub fn write(
    plan: &mut automerge::Automerge,
    author: &str,
    at: crate::model::doc::UnixTime,
    period: PeriodKind,
    texts: &PartTexts,
) -> Result<(), Error> {
    plan.set_author(Some(crate::model::doc::author_for(author)));
    let mut tx = plan.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let root = match map_at(&tx, &automerge::ROOT, KEY) {
        Some(m) => m,
        None => tx.put_object(automerge::ROOT, KEY, ObjType::Map)?,
    };
    let p = match map_at(&tx, &root, period.as_str()) {
        Some(m) => m,
        None => tx.put_object(&root, period.as_str(), ObjType::Map)?,
    };
    for (key, value) in PARTS
        .iter()
        .zip([&texts.direction, &texts.assessment, &texts.proposals])
    {
        tx.put(&p, *key, value.as_str())?;
    }
    tx.commit_with(crate::model::doc::commit_options(at));
    Ok(())
}
