//! The gate's tests: what it admits and refuses, and the ids it judges steps by.

mod gate {
    use super::super::*;
    use automerge::ActorId;
    use proptest::prelude::*;
    use tiendo_shared::model::PeriodKind;
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::Action;

    const EDITOR: &str = "vp";
    const HEAD: &str = "vp.truong";

    fn user(id: i64, name: &str, role: Role) -> User {
        User {
            id,
            username: name.into(),
            display_name: String::new(),
            role,
            agency_id: Some("a".into()),
            unit_id: Some("vp".into()),
            disabled: false,
        }
    }

    fn users() -> HashMap<i64, User> {
        HashMap::from([
            (1, user(1, EDITOR, Role::UnitEditor)),
            (2, user(2, HEAD, Role::UnitHead)),
        ])
    }

    /// One generated change: who made it on their device, what it does (a figure, a submission
    /// or an approval) and whose name a step carries.
    #[derive(Debug, Clone)]
    struct Made {
        maker: i64,
        kind: u8,
        named: i64,
    }

    /// One change of a chain: its bytes, its hash, the step it writes (id, the user it names).
    type Link = (Vec<u8>, ChangeHash, Option<(String, i64)>);

    /// The chain of changes `made` describes, each on top of the one before.
    fn chain(made: &[Made]) -> Vec<Link> {
        let mut doc = Automerge::new();
        let mut out = Vec::new();
        for (i, m) in made.iter().enumerate() {
            doc.set_actor(ActorId::from(vec![m.maker as u8; 16]));
            let before = doc.get_heads();
            let (name, role) = if m.named == 1 {
                (EDITOR, Role::UnitEditor)
            } else {
                (HEAD, Role::UnitHead)
            };
            let id = format!("s{i}");
            let step = match m.kind {
                0 => None,
                1 => Some(Step::new(
                    &id,
                    Action::Submit,
                    name,
                    role,
                    1_000 + i as i64,
                    "",
                )),
                _ => Some(Step::new(
                    &id,
                    Action::Approve,
                    name,
                    role,
                    1_000 + i as i64,
                    "s0",
                )),
            };
            match &step {
                None => {
                    let mut tx = doc.transaction();
                    automerge::transaction::Transactable::put(
                        &mut tx,
                        automerge::ROOT,
                        "figure",
                        i as i64,
                    )
                    .unwrap();
                    tx.commit();
                }
                Some(s) => {
                    workflow::take_unit_step(&mut doc, PeriodKind::Q1, s.clone()).unwrap();
                }
            }
            let change = doc.get_changes(&before).pop().unwrap().clone();
            out.push((
                change.raw_bytes().to_vec(),
                change.hash(),
                step.map(|_| (id, m.named)),
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Whatever the order changes arrive in, in whatever frames, and whoever delivers them
        /// (a tablet shared by two people forwards the other's changes), a step the server
        /// ends up holding was delivered by the user it names, in a role that may take it.
        #[test]
        fn no_order_of_delivery_lets_a_step_count_that_its_author_did_not_deliver(
            made in prop::collection::vec((1i64..=2, 0u8..3, 1i64..=2), 1..7),
            forwarded in prop::collection::vec(any::<bool>(), 7),
            keys in prop::collection::vec(any::<u16>(), 7),
            cuts in prop::collection::vec(any::<bool>(), 7),
        ) {
            let made: Vec<Made> = made
                .into_iter()
                .map(|(maker, kind, named)| Made { maker, kind, named })
                .collect();
            let changes = chain(&made);
            // The order of delivery, and who delivers each change.
            let mut order: Vec<usize> = (0..changes.len()).collect();
            order.sort_by_key(|&i| keys[i]);
            let deliverer = |i: usize| if forwarded[i] { 3 - made[i].maker } else { made[i].maker };
            let users = users();
            let mut hub = Automerge::new();
            let mut known: HashMap<ChangeHash, Attested> = HashMap::new();
            let mut frame: Vec<usize> = Vec::new();
            let mut frames = Vec::new();
            for (n, &i) in order.iter().enumerate() {
                frame.push(i);
                if cuts[n] || n + 1 == order.len() {
                    frames.push(std::mem::take(&mut frame));
                }
            }
            for frame in frames {
                // One frame is one user's: split where the deliverer changes.
                let mut parts: Vec<Vec<usize>> = Vec::new();
                for i in frame {
                    match parts.last_mut() {
                        Some(p) if deliverer(p[0]) == deliverer(i) => p.push(i),
                        _ => parts.push(vec![i]),
                    }
                }
                for part in parts {
                    let who = deliverer(part[0]);
                    let chunks: Vec<Vec<u8>> = part.iter().map(|&i| changes[i].0.clone()).collect();
                    let found = inspect(&hub, &[], &chunks, false);
                    if found.refused.is_some() {
                        continue;
                    }
                    let mut with_frame = known.clone();
                    for &i in &part {
                        with_frame.entry(changes[i].1).or_insert_with(|| Attested {
                            doc_id: "d".into(),
                            hash: changes[i].1,
                            user_id: who,
                            username: users[&who].username.clone(),
                            received_at: 0,
                            via: Via::Sync,
                        });
                    }
                    if judge(&found.new_steps, &with_frame, &users, false).is_err() {
                        continue;
                    }
                    known = with_frame;
                    for c in &chunks {
                        hub.load_incremental(c).unwrap();
                    }
                }
            }
            // The oracle: who first delivered each change that wrote a step the hub holds.
            for s in workflow::all_steps(&hub, false) {
                let i: usize = s.id[1..].parse().unwrap();
                let (_, hash, step) = &changes[i];
                let named = step.as_ref().unwrap().1;
                let delivered_by = known[hash].user_id;
                prop_assert_eq!(delivered_by, named, "{:?} counts, delivered by {}", s, delivered_by);
                prop_assert!(may_take(users[&named].role, s.action), "{:?}", s);
            }
        }
    }

    #[test]
    fn a_step_completed_by_a_later_frame_is_judged_by_who_delivered_it() {
        // The editor's figure, then the head's approval forged by the editor on top of it.
        let made = [
            Made {
                maker: 1,
                kind: 1,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 0,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 2,
                named: 2,
            },
        ];
        let changes = chain(&made);
        let mut hub = Automerge::new();
        hub.load_incremental(&changes[0].0).unwrap();
        // The forgery first: it waits for the figure, and nothing is judged yet.
        let found = inspect(&hub, &[], &[changes[2].0.clone()], false);
        assert!(found.new_steps.is_empty() && found.waiting);
        hub.load_incremental(&changes[2].0).unwrap();
        // The figure completes it: the forged step becomes applicable and is judged.
        let found = inspect(&hub, &[], &[changes[1].0.clone()], false);
        assert_eq!(found.new_steps.len(), 1);
        let known: HashMap<ChangeHash, Attested> = changes
            .iter()
            .map(|(_, h, _)| {
                (
                    *h,
                    Attested {
                        doc_id: "d".into(),
                        hash: *h,
                        user_id: 1,
                        username: EDITOR.into(),
                        received_at: 7,
                        via: Via::Sync,
                    },
                )
            })
            .collect();
        let why = judge(&found.new_steps, &known, &users(), false).unwrap_err();
        assert!(why.contains("gửi đến máy chủ"), "{why}");
        // Had the head delivered it, it would count, from when it arrived.
        let mut by_head = known.clone();
        by_head.get_mut(&changes[2].1).unwrap().user_id = 2;
        assert_eq!(
            judge(&found.new_steps, &by_head, &users(), false),
            Ok(vec![("s2".to_string(), 7)])
        );
    }

    #[test]
    fn held_changes_count_as_admitted_when_the_hub_has_not_applied_them_yet() {
        let made = [
            Made {
                maker: 1,
                kind: 1,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 0,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 2,
                named: 2,
            },
        ];
        let changes = chain(&made);
        let hub = Automerge::new();
        // The submission and the forgery were admitted (held); samod has applied neither.
        let held = vec![changes[0].0.clone(), changes[2].0.clone()];
        let found = inspect(&hub, &held, &[changes[1].0.clone()], false);
        let ids: Vec<&str> = found.new_steps.iter().map(|(s, _)| s.id.as_str()).collect();
        assert_eq!(ids, ["s2"], "the forgery the figure completes is judged");
    }
}

mod ids {
    use super::super::*;
    use tiendo_shared::model::PeriodKind;
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::Action;

    #[test]
    fn a_step_under_an_id_already_taken_elsewhere_in_the_document_is_refused() {
        let mut doc = Automerge::new();
        let q1 = Step::new("s1", Action::Submit, "vp", Role::UnitEditor, 1_000, "");
        workflow::take_unit_step(&mut doc, PeriodKind::Q1, q1).unwrap();
        let changes = |period: PeriodKind, step: Step| {
            let mut copy = doc.fork();
            workflow::take_unit_step(&mut copy, period, step).unwrap();
            copy.get_changes(&doc.get_heads())
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect::<Vec<_>>()
        };
        // The head's submission (approved by that act) in the year report, under Q1's id: it
        // would have passed unjudged and taken Q1's receipt.
        let forged = Step::new("s1", Action::Submit, "vp.truong", Role::UnitHead, 9_000, "");
        let found = inspect(&doc, &[], &changes(PeriodKind::Year, forged), false);
        assert_eq!(
            found.refused.as_deref(),
            Some("mã bước báo cáo s1 đã được dùng"),
            "{:?}",
            found.new_steps
        );
        // The editor's own year report under Q1's id, to borrow its time: refused alike.
        let own = Step::new("s1", Action::Submit, "vp", Role::UnitEditor, 9_000, "");
        assert!(
            inspect(&doc, &[], &changes(PeriodKind::Year, own), false)
                .refused
                .is_some()
        );
        // Under a fresh id it is an ordinary new step.
        let fresh = Step::new("s2", Action::Submit, "vp", Role::UnitEditor, 9_000, "");
        let found = inspect(&doc, &[], &changes(PeriodKind::Year, fresh), false);
        assert!(found.refused.is_none());
        assert_eq!(found.new_steps.len(), 1);
    }
}
