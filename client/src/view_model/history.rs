//! What a task's history shows, line by line: who and when as the server's record says (the
//! user who delivered the change, when it arrived), and, marked beside them, what the change
//! itself claims where that differs ("ghi trên máy lúc …", "máy ghi tác giả …") or that the
//! server has not confirmed them. Pure, tested natively.
//!
//! Stage: *view model* of the history screen, between `shared::history` (the timeline and its
//! attestation, [`tiendo_shared::views::history::attest`]) and `components::history`.

use tiendo_shared::api::Person;
use tiendo_shared::model::Agency;
use tiendo_shared::model::attestation::Via;
use tiendo_shared::views::history::{Event, Word};

use super::dashboard::author_name;

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// When (the server's receipt where attested), or "—".
    pub when: String,
    /// Who (the user who delivered the change where attested).
    pub who: String,
    /// The unit and period, or the plan.
    pub place: String,
    /// What changed.
    pub what: String,
    /// The change's own claims where they differ from the record, and whose word `who` and
    /// `when` are when not the server's; empty when the record confirms them.
    pub notes: Vec<String>,
}

/// The rows of `events`; `when` writes a Unix time in seconds as the page shows times.
pub fn rows(
    events: &[Event],
    people: &[Person],
    agency: &Agency,
    when: impl Fn(i64) -> String,
) -> Vec<Row> {
    events
        .iter()
        .map(|e| {
            let mut notes = Vec::new();
            if let Some(t) = e.claimed_time {
                notes.push(format!("ghi trên máy lúc {}", when(t)));
            }
            if let Some(a) = &e.claimed_author {
                notes.push(format!(
                    "máy ghi tác giả {}",
                    author_name(people, agency, Some(a))
                ));
            }
            match e.word {
                Word::Attested {
                    via: Via::Bundle,
                    signed_ms,
                } => notes.push(match signed_ms {
                    Some(ms) => format!("nhận qua tệp ký lúc {}", when(ms.div_euclid(1000))),
                    None => "nhận qua tệp".to_string(),
                }),
                Word::Attested { .. } => {}
                Word::Unattested => notes.push("theo thiết bị".to_string()),
                Word::Device => notes.push("theo thiết bị, máy chủ chưa xác nhận".to_string()),
            }
            Row {
                when: if e.time > 0 {
                    when(e.time)
                } else {
                    "—".into()
                },
                who: author_name(people, agency, e.author.as_deref()),
                place: match (&e.unit_id, e.period) {
                    (Some(u), Some(p)) => format!("{} — {}", agency.unit_name(u), p.vi()),
                    (Some(u), None) => agency.unit_name(u),
                    _ => "Kế hoạch".to_string(),
                },
                what: e.lines.join(" · "),
                notes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::PeriodKind;

    fn agency() -> Agency {
        tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN)
            .unwrap()
            .org
            .agencies
            .remove(0)
    }

    fn event(word: Word) -> Event {
        Event {
            hash: "h".into(),
            author: Some("thanh-tra-so".into()),
            time: 1_750_000_000,
            unit_id: Some("thanh-tra-so".into()),
            period: Some(PeriodKind::Q1),
            lines: vec!["Tỷ lệ: 90%".into()],
            word,
            ..Event::default()
        }
    }

    fn fmt(secs: i64) -> String {
        format!("t{secs}")
    }

    #[test]
    fn a_forged_change_shows_the_deliverer_and_its_claims_beside() {
        let forged = Event {
            claimed_author: Some("phong-chuyen-doi-so".into()),
            claimed_time: Some(1_735_664_400),
            ..event(Word::Attested {
                via: Via::Sync,
                signed_ms: None,
            })
        };
        let row = &rows(&[forged], &[], &agency(), fmt)[0];
        assert_eq!(row.when, "t1750000000");
        assert_eq!(row.who, "thanh-tra-so");
        assert_eq!(
            row.notes,
            vec![
                "ghi trên máy lúc t1735664400".to_string(),
                "máy ghi tác giả phong-chuyen-doi-so".to_string(),
            ]
        );
        assert!(row.place.ends_with("Quý I"), "{}", row.place);
    }

    #[test]
    fn only_what_the_server_did_not_confirm_is_marked() {
        let confirmed = event(Word::Attested {
            via: Via::Sync,
            signed_ms: None,
        });
        let bundled = event(Word::Attested {
            via: Via::Bundle,
            signed_ms: Some(1_749_000_000_500),
        });
        let shown = rows(
            &[
                confirmed,
                bundled,
                event(Word::Unattested),
                event(Word::Device),
            ],
            &[],
            &agency(),
            fmt,
        );
        let notes: Vec<Vec<String>> = shown.into_iter().map(|r| r.notes).collect();
        assert_eq!(
            notes,
            vec![
                vec![],
                vec!["nhận qua tệp ký lúc t1749000000".to_string()],
                vec!["theo thiết bị".to_string()],
                vec!["theo thiết bị, máy chủ chưa xác nhận".to_string()],
            ]
        );
    }
}
