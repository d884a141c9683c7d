//! Links between an agency's plans of one year: a mid-year replacement plan ("kế hoạch 6 tháng
//! cuối năm") linked to the plan it replaces, and the plan of an agency merged into this one
//! linked to this agency's plan.
//!
//! Stage: *model*. A link is kept in the continuing plan's document (`links`, appended by
//! [`record`], never rewritten by the whole-model writes of the plan editor — the same way as
//! the organisation's changes, [`crate::model::lineage`]). The rule that combines the linked
//! plans' figures into the year's is a view: [`crate::views::year`].

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ScalarValue};
use autosurgeon::{HydrateError, Prop};
use serde::{Deserialize, Serialize};

use crate::model::lineage::Basis;
use crate::model::raw::{child, read_list, text_at};
use crate::model::{Date, Error};

/// The key of a plan's links in its document.
pub const LINKS_KEY: &str = "links";

/// How a plan is linked to the one that continues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// This plan replaces the linked one from `from` (same agency).
    Replaces,
    /// The linked plan's agency merged into this plan's from `from`.
    Absorbs,
}

impl LinkKind {
    /// The name written in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Replaces => "replaces",
            LinkKind::Absorbs => "absorbs",
        }
    }
}

impl std::str::FromStr for LinkKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "replaces" => Ok(LinkKind::Replaces),
            "absorbs" => Ok(LinkKind::Absorbs),
            _ => Err(Error::InvalidValue(format!(
                "loại liên kết kế hoạch không rõ: {s}"
            ))),
        }
    }
}

/// A link from the continuing plan to one whose year it takes over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLink {
    /// Unique id.
    pub id: String,
    /// Replaced or absorbed.
    pub kind: LinkKind,
    /// The linked plan's id.
    pub plan_id: String,
    /// From which day.
    pub from: Date,
    /// The legal basis.
    #[serde(default)]
    pub basis: Basis,
    /// Who recorded it.
    #[serde(default)]
    pub by: String,
}

impl PlanLink {
    /// "thay thế kế hoạch X từ ngày …" / "nhận kế hoạch X (cơ quan sáp nhập) từ ngày …".
    pub fn describe(&self, title: &str) -> String {
        let what = match self.kind {
            LinkKind::Replaces => format!("Thay thế {title} từ ngày {}", self.from.vi()),
            LinkKind::Absorbs => format!(
                "Nhận {title} của cơ quan sáp nhập từ ngày {}",
                self.from.vi()
            ),
        };
        match self.basis.vi() {
            b if b.is_empty() => what,
            b => format!("{what} ({b})"),
        }
    }
}

fn read_link<D: autosurgeon::ReadDoc>(doc: &D, obj: &ObjId) -> Option<PlanLink> {
    let date = |key: &str| text_at(doc, obj, key).and_then(|s| s.parse::<Date>().ok());
    Some(PlanLink {
        id: text_at(doc, obj, "id")?,
        kind: text_at(doc, obj, "kind")?.parse().ok()?,
        plan_id: text_at(doc, obj, "plan_id")?,
        from: date("from")?,
        basis: Basis {
            number: text_at(doc, obj, "basis_number").unwrap_or_default(),
            date: date("basis_date"),
        },
        by: text_at(doc, obj, "by").unwrap_or_default(),
    })
}

/// Reads a plan's links (autosurgeon `hydrate` of [`crate::model::Plan::links`]); one that cannot
/// be read is left out of the reading, not of the document.
pub fn hydrate_links<D: autosurgeon::ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<Vec<PlanLink>, HydrateError> {
    Ok(read_list(doc, obj, prop, read_link, |l| l.id.clone()))
}

/// Whole-model writes of a plan make its empty link list when it has none and leave it alone
/// otherwise (autosurgeon `reconcile` of [`crate::model::Plan::links`]).
pub fn keep_links<R: autosurgeon::Reconciler>(
    _links: &[PlanLink],
    mut reconciler: R,
) -> Result<(), R::Error> {
    reconciler.seq().map(|_| ())
}

/// Appends `link` to the plan document `doc`, as one change by `link.by` made `at` (Unix ms).
pub fn record(doc: &mut automerge::Automerge, link: &PlanLink, at: i64) -> Result<(), Error> {
    let plan: crate::model::Plan = crate::model::doc::read(doc)?;
    if plan.id == link.plan_id {
        return Err(Error::InvalidValue(
            "một kế hoạch không thể liên kết với chính nó".into(),
        ));
    }
    if plan.links.iter().any(|l| l.plan_id == link.plan_id) {
        return Err(Error::InvalidValue(format!(
            "kế hoạch đã liên kết với {}",
            link.plan_id
        )));
    }
    doc.set_author(Some(crate::model::doc::author_for(&link.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let list = child(&mut tx, &automerge::ROOT, LINKS_KEY, ObjType::List)?;
    let i = automerge::ReadDoc::length(&tx, &list);
    let m = tx.insert_object(&list, i, ObjType::Map)?;
    tx.put(&m, "id", link.id.as_str())?;
    tx.put(&m, "kind", link.kind.as_str())?;
    tx.put(&m, "plan_id", link.plan_id.as_str())?;
    tx.put(&m, "from", link.from.to_string())?;
    tx.put(&m, "basis_number", link.basis.number.as_str())?;
    if let Some(d) = link.basis.date {
        tx.put(&m, "basis_date", d.to_string())?;
    }
    tx.put(&m, "by", link.by.as_str())?;
    tx.put(&m, "at", ScalarValue::Int(at))?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(at.div_euclid(1000)),
    ));
    Ok(())
}
