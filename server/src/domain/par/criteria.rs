//! Criteria sets: listed for everyone, imported from a province's annex (read, shown to correct,
//! saved), replaced while no result is announced, and announced.
//!
//! Stage: *domain*, under [`super`]. A set is a document of its own (catalogued with its id as
//! its `plan_id` and no agency: every agency of its level reads it).

use tiendo_shared::api::par::{CriteriaInfo, CriteriaPreview};
use tiendo_shared::model::criteria::{Announcement, CriteriaSet, Level, template};

use super::{Par, now_ms};
use crate::domain::accounts::User;
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// The longest criteria set id.
const MAX_ID: usize = 64;

/// How a set is listed.
pub fn info(rec: &DocRecord, set: &CriteriaSet) -> CriteriaInfo {
    CriteriaInfo {
        id: set.id.clone(),
        doc_id: rec.doc_id.clone(),
        province: set.province.clone(),
        level: set.level,
        year: set.year,
        basis: set.basis.clone(),
        template: set.template,
        total: set.total(),
        sub_criteria: set.scored().count(),
        announced: set.announced.clone(),
    }
}

/// What the importer made of an annex, with the set's problems in words.
pub fn preview(imported: tiendo_shared::import::criteria::ImportedCriteria) -> CriteriaPreview {
    let mut problems: Vec<String> = imported.problems.iter().map(|p| p.to_string()).collect();
    if imported.set.items.is_empty() {
        problems.push("không đọc được dòng tiêu chí nào".into());
    }
    CriteriaPreview {
        set: imported.set,
        unplaced: imported.unplaced,
        problems,
    }
}

impl Par {
    /// Every criteria set (a set whose document does not read is left out, and logged).
    pub async fn sets(&self) -> Result<Vec<(DocRecord, CriteriaSet)>> {
        let mut out = Vec::new();
        for rec in self.records(DocKind::Criteria) {
            match self.model::<CriteriaSet>(&rec.doc_id).await {
                Ok(set) => out.push((rec, set)),
                Err(e) => {
                    tracing::warn!(doc = %rec.doc_id, error = %e, "criteria set does not read")
                }
            }
        }
        out.sort_by(|a, b| (b.1.year, a.1.level, &a.1.id).cmp(&(a.1.year, b.1.level, &b.1.id)));
        Ok(out)
    }

    /// The set `id`.
    pub async fn set(&self, id: &str) -> Result<(DocRecord, CriteriaSet)> {
        self.sets()
            .await?
            .into_iter()
            .find(|(_, s)| s.id == id)
            .ok_or_else(|| DomainError::NotFound(format!("bộ tiêu chí {id}")))
    }

    /// The set agencies of `level` are scored against in `year`: the province's decision, else a
    /// template.
    pub async fn set_for(&self, level: Level, year: i32) -> Result<(DocRecord, CriteriaSet)> {
        let mut sets: Vec<_> = self
            .sets()
            .await?
            .into_iter()
            .filter(|(_, s)| s.level == level && s.year == year)
            .collect();
        sets.sort_by_key(|(_, s)| !s.template);
        sets.pop().ok_or_else(|| {
            DomainError::NotFound(format!(
                "bộ tiêu chí năm {year} cho {} (Sở Nội vụ nhập bộ tiêu chí trước)",
                level.label()
            ))
        })
    }

    /// Saves `set`: a new one, or the set with its id replaced while its results are not
    /// announced. A set with problems is refused, with them.
    pub async fn save_set(&self, user: &User, mut set: CriteriaSet) -> Result<CriteriaInfo> {
        let problems = set.check();
        if !problems.is_empty() {
            let words: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            return Err(DomainError::BadRequest(format!(
                "bộ tiêu chí chưa hợp lệ: {}",
                words.join("; ")
            )));
        }
        if set.id.trim().is_empty() {
            return Err(DomainError::BadRequest("bộ tiêu chí cần có mã".into()));
        }
        // The id is a path segment (`/api/par/ranking/{id}`) and a catalogue key: a short slug.
        let slug = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        if set.id.len() > MAX_ID || !set.id.bytes().all(slug) {
            return Err(DomainError::BadRequest(format!(
                "mã bộ tiêu chí chỉ gồm chữ không dấu, số, dấu gạch, tối đa {MAX_ID} ký tự (như quang-ngai-2025-so)"
            )));
        }
        set.announced = None;
        set.unreadable.clear();
        if let Ok((rec, _)) = self.set(&set.id).await {
            let replaced = set.clone();
            self.change::<CriteriaSet, _>(&rec.doc_id, user, move |now| {
                if now.announced.is_some() {
                    return Err(DomainError::Conflict(
                        "bộ tiêu chí đã công bố kết quả; không sửa được".into(),
                    ));
                }
                *now = replaced;
                Ok(())
            })
            .await?;
            return Ok(info(&rec, &set));
        }
        let title = format!(
            "Bộ tiêu chí Chỉ số CCHC năm {} — {}",
            set.year,
            set.level.label()
        );
        let doc_id = self.library.create_served(&set).await?;
        let rec = DocRecord {
            doc_id,
            kind: DocKind::Criteria,
            agency_id: String::new(),
            plan_id: Some(set.id.clone()),
            unit_id: None,
            title,
        };
        self.library.register(rec.clone()).await?;
        Ok(info(&rec, &set))
    }

    /// The template set for departments of `year` (what a fresh server starts with), saved once.
    pub async fn ensure_template(&self, province: &str, year: i32) -> Result<()> {
        let set = template::departments(province, year);
        if self.set(&set.id).await.is_ok() {
            return Ok(());
        }
        let system = User {
            id: 0,
            username: crate::domain::library::SYSTEM_AUTHOR.into(),
            display_name: "Hệ thống".into(),
            role: crate::domain::accounts::Role::SystemAdmin,
            agency_id: None,
            unit_id: None,
            disabled: false,
        };
        self.save_set(&system, set).await.map(|_| ())
    }

    /// Records the announcement of set `id`'s results.
    pub async fn announce(&self, user: &User, id: &str, basis: &str) -> Result<CriteriaInfo> {
        let (rec, _) = self.set(id).await?;
        let by = user.username.clone();
        let basis = basis.trim().to_string();
        let set = self
            .change::<CriteriaSet, _>(&rec.doc_id, user, move |set| {
                if set.announced.is_some() {
                    return Err(DomainError::Conflict("kết quả đã được công bố".into()));
                }
                set.announced = Some(Announcement {
                    basis,
                    by,
                    at: now_ms(),
                });
                Ok(set.clone())
            })
            .await?;
        Ok(info(&rec, &set))
    }
}
