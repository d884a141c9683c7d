use super::*;

#[test]
fn lockouts_start_after_the_free_tries_and_double_and_an_address_is_only_slowed() {
    let first = FIRST_LOCKOUT.as_millis() as i64;
    assert_eq!(pair_lockout(FREE_ATTEMPTS - 1), None);
    assert_eq!(pair_lockout(FREE_ATTEMPTS), Some(first));
    assert_eq!(pair_lockout(FREE_ATTEMPTS + 1), Some(2 * first));
    assert_eq!(account_lockout(FREE_ATTEMPTS_PER_ACCOUNT - 1), None);
    assert_eq!(account_lockout(FREE_ATTEMPTS_PER_ACCOUNT), Some(first));
    assert_eq!(
        lockout(FREE_ATTEMPTS + 40, FREE_ATTEMPTS),
        Some(MAX_LOCKOUT.as_millis() as i64)
    );
    assert_eq!(address_delay(FREE_ATTEMPTS_PER_ADDRESS), None);
    assert_eq!(
        address_delay(FREE_ATTEMPTS_PER_ADDRESS + 1),
        Some(FIRST_DELAY)
    );
    assert_eq!(
        address_delay(FREE_ATTEMPTS_PER_ADDRESS + 2),
        Some(2 * FIRST_DELAY)
    );
    assert_eq!(address_delay(u32::MAX), Some(MAX_DELAY));
}

#[tokio::test]
async fn a_lockout_outlives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let store = Store::open(&path).unwrap();
    let now = 1_750_000_000_000;
    let k = || {
        vec![Counter {
            key: "pair:k@127.0.0.1".to_string(),
            lock: pair_lockout,
        }]
    };
    for _ in 0..FREE_ATTEMPTS {
        assert_eq!(store.login_reserve(k(), now).await.unwrap(), None);
    }
    let first = FIRST_LOCKOUT.as_millis() as i64;
    assert_eq!(store.login_reserve(k(), now).await.unwrap(), Some(first));
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.login_reserve(k(), now).await.unwrap(), Some(first));
    // Once it has run out, the next try is taken and doubles it.
    let later = now + first;
    assert_eq!(store.login_reserve(k(), later).await.unwrap(), None);
    assert_eq!(
        store.login_reserve(k(), later).await.unwrap(),
        Some(2 * first)
    );
}

#[test]
fn passwords_verify_only_against_their_own_hash() {
    let h = hash_password("mật-khẩu-đúng").unwrap();
    assert!(h.starts_with("$argon2id$"));
    assert!(verify_password("mật-khẩu-đúng", &h));
    assert!(!verify_password("mật-khẩu-sai", &h));
    assert!(!verify_password("mật-khẩu-đúng", "not a hash"));
    let p = generate_password();
    assert_eq!(p.len(), 14);
    assert_ne!(p, generate_password());
}

#[tokio::test]
async fn users_sessions_and_disabling() {
    let store = Store::in_memory().unwrap();
    let accounts = Accounts::new(store.clone(), Duration::from_secs(3600));
    let err = store
        .add_user(NewUser {
            username: "x".into(),
            display_name: String::new(),
            role: Role::SystemAdmin,
            agency_id: None,
            unit_id: None,
            password: "longenough".into(),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("tên đăng nhập"), "{err}");
    let err = store
        .add_user(NewUser {
            username: "editor".into(),
            display_name: String::new(),
            role: Role::UnitEditor,
            agency_id: None,
            unit_id: None,
            password: "longenough".into(),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cần cơ quan"), "{err}");
    let user = store
        .add_user(NewUser {
            username: "Admin".into(),
            display_name: "Quản trị".into(),
            role: Role::SystemAdmin,
            agency_id: None,
            unit_id: None,
            password: "longenough".into(),
        })
        .await
        .unwrap();
    assert_eq!(user.username, "admin");
    let local: IpAddr = "127.0.0.1".parse().unwrap();
    let s = accounts.login("ADMIN", "longenough", local).await.unwrap();
    assert_eq!(accounts.authenticate(&s.token).await.unwrap().id, user.id);
    assert!(accounts.login("admin", "wrong", local).await.is_err());
    store.set_disabled("admin", true).await.unwrap();
    assert!(accounts.authenticate(&s.token).await.is_err());
    assert!(accounts.login("admin", "longenough", local).await.is_err());
    store.set_disabled("admin", false).await.unwrap();
    let s = accounts.login("admin", "longenough", local).await.unwrap();
    accounts.logout(&s.token).await.unwrap();
    assert!(accounts.authenticate(&s.token).await.is_err());
}
