//! The accounts' contract: users by name, sessions by token hash and what ends them, the login
//! throttle's counts, the device keys and the audit.
//!
//! Stage: *the store*, tested on each engine (`on_sqlite`, `on_postgres`).

use std::time::Duration;

use tiendo_shared::api::AccountEvent;
use tiendo_shared::model::role::Role;

use super::{Place, on_both_engines};
use crate::store::keys::Registered;
use crate::store::throttle::Counter;
use crate::store::{NewAccount, Store, StoreError, User};

fn account(name: &str, unit: Option<&str>) -> NewAccount {
    NewAccount {
        username: name.into(),
        display_name: format!("Tên {name}"),
        role: if unit.is_some() {
            Role::UnitEditor
        } else {
            Role::ProvinceViewer
        },
        agency_id: unit.map(|_| "a".to_string()),
        unit_id: unit.map(str::to_string),
        password_hash: format!("hash-of-{name}"),
    }
}

async fn user(s: &Store, name: &str, unit: Option<&str>) -> User {
    s.insert_user(account(name, unit)).await.unwrap()
}

async fn a_user_is_stored_once_by_name(place: &Place) {
    let s = place.open().await;
    let an = user(&s, "an", Some("u1")).await;
    assert_eq!(
        (an.username.as_str(), an.display_name.as_str()),
        ("an", "Tên an")
    );
    assert_eq!((an.role, an.disabled), (Role::UnitEditor, false));
    assert!(matches!(
        s.insert_user(account("an", None)).await,
        Err(StoreError::Exists(_))
    ));
    let so = user(&s, "so", None).await;
    assert_eq!((so.agency_id, so.unit_id), (None, None));
    let names: Vec<String> = s
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["an", "so"]);
    assert_eq!(s.user(" AN ").await.unwrap(), Some(an.clone()));
    assert_eq!(s.user_by_id(an.id).await.unwrap(), Some(an.clone()));
    assert_eq!(s.user("nobody").await.unwrap(), None);
    let (found, hash) = s.password_hash("an").await.unwrap().unwrap();
    assert_eq!((found, hash.as_str()), (an, "hash-of-an"));
}

async fn a_password_change_ends_every_other_session(place: &Place) {
    let s = place.open().await;
    let an = user(&s, "an", Some("u1")).await;
    let day = Duration::from_secs(86_400);
    let (mine, expires) = s.create_session(an.id, day).await.unwrap();
    let (other, _) = s.create_session(an.id, day).await.unwrap();
    let (found, at) = s.session_user(&mine).await.unwrap().unwrap();
    assert_eq!((found.id, at), (an.id, expires));
    assert_eq!(s.session_user("not-a-token").await.unwrap(), None);
    let hashes = |t: &[&str]| -> Vec<Vec<u8>> {
        t.iter()
            .map(|t| crate::store::users::token_hash(t))
            .collect()
    };
    assert_eq!(
        s.live_sessions(hashes(&[&mine, &other, "x"]))
            .await
            .unwrap()
            .len(),
        2
    );
    s.set_password_hash(an.id, "new-hash".into(), Some(hashes(&[&mine])[0].clone()))
        .await
        .unwrap();
    assert!(s.session_user(&mine).await.unwrap().is_some());
    assert!(s.session_user(&other).await.unwrap().is_none());
    assert_eq!(s.password_hash("an").await.unwrap().unwrap().1, "new-hash");
    s.delete_session(&mine).await.unwrap();
    assert!(s.session_user(&mine).await.unwrap().is_none());
    // Without one to keep, every session ends.
    let (a, _) = s.create_session(an.id, day).await.unwrap();
    s.set_password_hash(an.id, "again".into(), None)
        .await
        .unwrap();
    assert!(s.session_user(&a).await.unwrap().is_none());
}

async fn disabling_a_user_ends_its_sessions_and_moving_keeps_them(place: &Place) {
    let s = place.open().await;
    let an = user(&s, "an", Some("u1")).await;
    let (token, _) = s
        .create_session(an.id, Duration::from_secs(3_600))
        .await
        .unwrap();
    let moved = s.move_user("an", "b", "u9").await.unwrap();
    assert_eq!(
        (moved.agency_id.as_deref(), moved.unit_id.as_deref()),
        (Some("b"), Some("u9"))
    );
    assert_eq!(s.user("an").await.unwrap(), Some(moved));
    assert!(s.session_user(&token).await.unwrap().is_some());
    assert!(s.set_disabled("an", true).await.unwrap().disabled);
    assert!(s.session_user(&token).await.unwrap().is_none());
    assert!(!s.set_disabled("an", false).await.unwrap().disabled);
    assert!(matches!(
        s.set_disabled("nobody", true).await,
        Err(StoreError::NotFound(_))
    ));
    // A session already expired is not live.
    let (old, _) = s.create_session(an.id, Duration::ZERO).await.unwrap();
    assert!(s.session_user(&old).await.unwrap().is_none());
}

async fn a_units_users_follow_it_when_it_moves_or_closes(place: &Place) {
    let s = place.open().await;
    let an = user(&s, "an", Some("u1")).await;
    let binh = user(&s, "binh", Some("u1")).await;
    user(&s, "chi", Some("u2")).await;
    let (token, _) = s
        .create_session(an.id, Duration::from_secs(3_600))
        .await
        .unwrap();
    let moved = s.follow_unit("a", "u1", Some("u3")).await.unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(
        s.user("binh").await.unwrap().unwrap().unit_id.as_deref(),
        Some("u3")
    );
    let closed = s.follow_unit("a", "u3", None).await.unwrap();
    let mut ids: Vec<i64> = closed.iter().map(|u| u.id).collect();
    ids.sort();
    assert_eq!(ids, [an.id, binh.id]);
    assert!(s.user("an").await.unwrap().unwrap().disabled);
    // The sessions stay (refused as a disabled user's), so the tablet is told why.
    assert!(s.session_user(&token).await.unwrap().is_some());
    assert!(
        s.live_sessions(vec![crate::store::users::token_hash(&token)])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.follow_unit("a", "u3", None).await.unwrap().is_empty(),
        "followed already"
    );
    assert!(!s.user("chi").await.unwrap().unwrap().disabled);
}

async fn a_try_is_taken_before_the_check_and_a_lock_out_takes_none(place: &Place) {
    fn five(count: u32) -> Option<i64> {
        (count >= 5).then_some(1_000)
    }
    let store = place.open().await;
    let now = 1_750_000_000_000;
    let counters = || {
        vec![
            Counter {
                key: "pair".into(),
                lock: five,
            },
            Counter {
                key: "user".into(),
                lock: |n| (n >= 20).then_some(5_000),
            },
        ]
    };
    // The fifth try is taken and locks the pair as it is taken.
    for _ in 0..5 {
        assert_eq!(store.login_reserve(counters(), now).await.unwrap(), None);
    }
    assert_eq!(
        store.login_reserve(counters(), now + 400).await.unwrap(),
        Some(600)
    );
    // Refused tries count for nothing: the account has five, not six.
    assert_eq!(
        store
            .login_failed("user".into(), now, |_| None)
            .await
            .unwrap(),
        6
    );
    // A success gives the tries back.
    store
        .login_succeeded(vec!["pair".into(), "user".into()])
        .await
        .unwrap();
    assert_eq!(store.login_reserve(counters(), now).await.unwrap(), None);
    // After a quiet day, failures count from one again.
    assert_eq!(
        store
            .login_failed("pair".into(), now + 86_400_000 + 1, five)
            .await
            .unwrap(),
        1
    );
}

async fn a_device_key_belongs_to_its_first_user(place: &Place) {
    let s = place.open().await;
    let (a, b) = (
        user(&s, "an", Some("u")).await.id,
        user(&s, "binh", Some("u")).await.id,
    );
    let key = [7u8; 32];
    assert!(s.device_key_owner(key).await.unwrap().is_none());
    assert_eq!(s.device_key_registered(key).await.unwrap(), None);
    assert_eq!(
        s.register_device_key(a, key, "máy tính bảng", 1)
            .await
            .unwrap(),
        Registered::Yours
    );
    assert_eq!(
        s.register_device_key(a, key, "lại", 2).await.unwrap(),
        Registered::Yours
    );
    assert_eq!(
        s.register_device_key(b, key, "của người khác", 3)
            .await
            .unwrap(),
        Registered::Taken
    );
    assert_eq!(s.device_key_owner(key).await.unwrap().unwrap().id, a);
    assert_eq!(s.device_key_registered(key).await.unwrap(), Some(1));
}

async fn the_server_secret_is_made_once(place: &Place) {
    let s = place.open().await;
    let first = s.server_secret("bundle", [1; 32]).await.unwrap();
    assert_eq!(first, [1; 32]);
    assert_eq!(s.server_secret("bundle", [2; 32]).await.unwrap(), [1; 32]);
    assert_eq!(s.server_secret("other", [3; 32]).await.unwrap(), [3; 32]);
}

async fn account_events_are_read_newest_first_by_agency(place: &Place) {
    let s = place.open().await;
    let event = |at: i64, agency: Option<&str>| AccountEvent {
        at,
        actor: "admin".into(),
        action: "create".into(),
        username: format!("u{at}"),
        agency_id: agency.map(str::to_string),
        detail: String::new(),
    };
    for e in [
        event(1, Some("a")),
        event(3, Some("b")),
        event(2, Some("a")),
        event(4, None),
    ] {
        s.record_account_event(&e).await.unwrap();
    }
    let of_a = s.account_events(Some("a"), 10).await.unwrap();
    assert_eq!(of_a, vec![event(2, Some("a")), event(1, Some("a"))]);
    let all: Vec<i64> = s
        .account_events(None, 3)
        .await
        .unwrap()
        .iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(all, [4, 3, 2]);
}

on_both_engines!(
    a_user_is_stored_once_by_name,
    a_password_change_ends_every_other_session,
    disabling_a_user_ends_its_sessions_and_moving_keeps_them,
    a_units_users_follow_it_when_it_moves_or_closes,
    a_try_is_taken_before_the_check_and_a_lock_out_takes_none,
    a_device_key_belongs_to_its_first_user,
    the_server_secret_is_made_once,
    account_events_are_read_newest_first_by_agency,
);
