//! What the status, the roll-up and the year read of one document: its model and its reporting
//! steps ([`Reading`]) — made once per state of the document and kept, in memory by heads (the
//! running repo's documents) or by print (stored chunks), and in SQLite by print, so that a
//! restarted server does not hydrate again what did not change.
//!
//! Stage: *store → model*, between the documents and [`crate::domain::documents::PlanData`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tiendo_shared::model::assessment::{SheetEntry, sheet};
use tiendo_shared::model::schema::DocKind;
use tiendo_shared::model::{PeriodKind, doc};
use tiendo_shared::workflow::{self, Configured, Step};

use crate::domain::error::Result;

/// A document's model and the reporting steps it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading<T> {
    /// The document hydrated as a `T`.
    pub model: T,
    /// Its reporting steps (empty for the organisation).
    pub steps: Steps,
    /// A progress document's PAR-index sheet: the unit's part of the self-assessment, by code
    /// ([`tiendo_shared::model::assessment::sheet`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sheet: BTreeMap<String, SheetEntry>,
}

/// The reporting steps and configured deadlines a document holds, by period (`PeriodKind::as_str`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Steps {
    /// A unit's own steps in its progress document.
    pub unit: BTreeMap<String, Vec<Step>>,
    /// The office's steps in the plan document, by unit.
    pub office: BTreeMap<String, BTreeMap<String, Vec<Step>>>,
    /// The deadlines configured in the plan document.
    pub configured: BTreeMap<String, Configured>,
}

impl Steps {
    /// The unit's steps for `period`.
    pub fn unit(&self, period: PeriodKind) -> &[Step] {
        self.unit.get(period.as_str()).map_or(&[], Vec::as_slice)
    }

    /// The office's steps on `unit`'s report for `period`.
    pub fn office(&self, unit: &str, period: PeriodKind) -> &[Step] {
        self.office
            .get(unit)
            .and_then(|p| p.get(period.as_str()))
            .map_or(&[], Vec::as_slice)
    }

    /// The deadlines configured for `period`.
    pub fn configured(&self, period: PeriodKind) -> Configured {
        self.configured
            .get(period.as_str())
            .copied()
            .unwrap_or_default()
    }
}

/// A model a [`Reading`] can hold: hydrated from a document, kept as JSON.
pub trait Readable:
    tiendo_shared::model::Document + Clone + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T> Readable for T where
    T: tiendo_shared::model::Document
        + Clone
        + Serialize
        + DeserializeOwned
        + Send
        + Sync
        + 'static
{
}

impl<T: Readable> Reading<T> {
    /// The reading of `d`.
    pub fn of(d: &automerge::Automerge) -> Result<Reading<T>> {
        let model = doc::read::<T, _>(d)?;
        let mut steps = Steps::default();
        let mut kept_sheet = BTreeMap::new();
        match T::KIND {
            DocKind::Progress => {
                kept_sheet = sheet::read(d).0;
                for period in PeriodKind::ALL {
                    let s = workflow::unit_steps(d, period);
                    if !s.is_empty() {
                        steps.unit.insert(period.as_str().into(), s);
                    }
                }
            }
            DocKind::Plan => {
                for unit in workflow::office_units(d) {
                    let mut by_period = BTreeMap::new();
                    for period in PeriodKind::ALL {
                        let s = workflow::office_steps(d, &unit, period);
                        if !s.is_empty() {
                            by_period.insert(period.as_str().to_string(), s);
                        }
                    }
                    steps.office.insert(unit, by_period);
                }
                for period in PeriodKind::ALL {
                    let c = workflow::configured(d, period);
                    if c != Configured::default() {
                        steps.configured.insert(period.as_str().into(), c);
                    }
                }
            }
            DocKind::Org | DocKind::Criteria | DocKind::Assessment | DocKind::Appraisal => {}
        }
        Ok(Reading {
            model,
            steps,
            sheet: kept_sheet,
        })
    }

    /// The reading as kept in SQLite.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a reading serializes")
    }

    /// A reading kept in SQLite; `None` if it does not decode (it is then made again).
    pub fn from_bytes(bytes: &[u8]) -> Option<Reading<T>> {
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::role::Role;
    use tiendo_shared::model::{Org, Plan, Progress};
    use tiendo_shared::workflow::Action;

    fn golden(name: &str) -> automerge::Automerge {
        let path = format!(
            "{}/../shared/tests/fixtures/golden/v4/{name}.automerge",
            env!("CARGO_MANIFEST_DIR")
        );
        automerge::Automerge::load(&std::fs::read(path).expect("a golden document"))
            .expect("it loads")
    }

    fn kept_as_made<T: Readable + PartialEq + std::fmt::Debug>(d: &automerge::Automerge) {
        let made = Reading::<T>::of(d).expect("it reads");
        assert_eq!(Reading::<T>::from_bytes(&made.to_bytes()), Some(made));
    }

    #[test]
    fn a_kept_reading_is_the_reading_made_from_the_document() {
        let (mut plan, org, mut progress) = (golden("plan"), golden("org"), golden("progress"));
        // The golden documents hold Q1's steps; Q3's are added.
        let submit = Step::new("q3-s", Action::Submit, "vp", Role::UnitEditor, 1_000, "");
        let submit = workflow::take_unit_step(&mut progress, PeriodKind::Q3, submit).unwrap();
        let accept = Step::new(
            "q3-a",
            Action::Accept,
            "th",
            Role::AgencyAdmin,
            2_000,
            "q3-s",
        );
        workflow::take_office_step(&mut plan, "van-phong", PeriodKind::Q3, &accept).unwrap();
        let p = Reading::<Progress>::of(&progress).unwrap();
        assert_eq!(p.steps.unit(PeriodKind::Q3), [submit]);
        assert_eq!(p.steps.unit(PeriodKind::Q1).len(), 3);
        let kept = Reading::<Plan>::of(&plan).unwrap();
        assert_eq!(kept.steps.office("van-phong", PeriodKind::Q3), [accept]);
        assert!(kept.steps.office("van-phong", PeriodKind::Year).is_empty());
        kept_as_made::<Plan>(&plan);
        kept_as_made::<Org>(&org);
        kept_as_made::<Progress>(&progress);
        // What does not decode is made again, never misread.
        assert_eq!(Reading::<Progress>::from_bytes(b"{\"model\": 1}"), None);
    }
}
