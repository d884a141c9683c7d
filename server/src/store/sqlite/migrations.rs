//! The SQLite schema as numbered migrations (PostgreSQL's are in `store::postgres`), applied
//! once each, in order; a database written by a newer release is refused rather than misread.
//!
//! Stage: *SQLite*, when a store opens.

use rusqlite::Connection;

use crate::store::{Result, StoreError};

/// Numbered migrations: the schema at version N is migrations 1..=N applied in order. Never
/// edit one that has landed; add a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: samod's chunks and the catalogue of documents.
    "CREATE TABLE chunks (
        key TEXT PRIMARY KEY NOT NULL,
        data BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('plan', 'org', 'progress')),
        agency_id TEXT NOT NULL,
        plan_id TEXT,
        unit_id TEXT,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE INDEX documents_plan ON documents (plan_id, kind);",
    // 2: accounts and sessions (only the SHA-256 of a session token is kept).
    "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL
            CHECK (role IN ('unit_editor', 'agency_admin', 'province_viewer', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_user ON sessions (user_id);",
    // 3: the reports generated (for the reporting calendar: was this period's report made?).
    "CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        plan_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('q1', 'h1', 'q3', 'year')),
        kind TEXT NOT NULL CHECK (kind IN ('docx', 'xlsx')),
        as_of TEXT NOT NULL,
        username TEXT,
        generated_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE INDEX reports_plan ON reports (plan_id, period);",
    // 4: evidence files, content-addressed (`store::files`): the stored files and their bytes in
    // pieces, and the uploads under way with the pieces received so far.
    "CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        stored_at INTEGER NOT NULL DEFAULT (unixepoch()),
        unreferenced_since INTEGER
    );
    CREATE TABLE file_pieces (
        sha256 TEXT NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,
        offset INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (sha256, offset)
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        name TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        received INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE TABLE upload_pieces (
        upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        offset INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (upload_id, offset)
    );",
    // 5: the unit head role (the role CHECK is part of the table, so users is rebuilt; sessions,
    // which refer to it, are carried over so nobody is signed out), and when the server first
    // received each reporting step (`store::receipts`).
    "CREATE TABLE users_v5 (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN
            ('unit_editor', 'unit_head', 'agency_admin', 'province_viewer', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    INSERT INTO users_v5 SELECT id, username, display_name, role, agency_id, unit_id,
        password_hash, disabled, created_at FROM users;
    CREATE TEMP TABLE sessions_v4 AS SELECT * FROM sessions;
    DROP TABLE sessions;
    DROP TABLE users;
    ALTER TABLE users_v5 RENAME TO users;
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO sessions SELECT token_hash, user_id, created_at, expires_at FROM sessions_v4;
    CREATE INDEX sessions_user ON sessions (user_id);
    DROP TABLE sessions_v4;
    CREATE TABLE step_receipts (
        doc_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        received_at INTEGER NOT NULL, -- Unix ms
        PRIMARY KEY (doc_id, step_id)
    ) WITHOUT ROWID;",
    // 6: documents' readings (model and reporting steps) kept by the print of the chunks they
    // were made from, and the build that made them (`store::models`): a cache, safe to empty.
    "CREATE TABLE doc_readings (
        doc_id TEXT PRIMARY KEY NOT NULL,
        print TEXT NOT NULL,
        build TEXT NOT NULL,
        data BLOB NOT NULL
    );",
    // 7: failed sign-ins per key (`store::throttle`): the login throttle holds across restarts
    // and nodes. Times are Unix ms.
    "CREATE TABLE login_failures (
        key TEXT PRIMARY KEY NOT NULL,
        count INTEGER NOT NULL,
        last INTEGER NOT NULL,
        locked_until INTEGER
    ) WITHOUT ROWID;",
    // 8: counts every node of a deployment adds to (`store::counts`): the refused writes.
    "CREATE TABLE counts (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;",
    // 9: bundle files (`store::keys`): the device keys users sign their bundles with, and the
    // server's own key for starter bundles.
    "CREATE TABLE device_keys (
        public_key BLOB PRIMARY KEY NOT NULL CHECK (length(public_key) = 32),
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL -- Unix ms
    ) WITHOUT ROWID;
    CREATE INDEX device_keys_user ON device_keys (user_id);
    CREATE TABLE server_keys (
        name TEXT PRIMARY KEY NOT NULL,
        secret BLOB NOT NULL
    ) WITHOUT ROWID;",
    // 10: the attested record (`store::attest`): per change of a document, the user who
    // delivered it and when the server received it (Unix ms), by sync or in a signed bundle.
    "CREATE TABLE change_attestations (
        doc_id TEXT NOT NULL,
        hash BLOB NOT NULL CHECK (length(hash) = 32),
        user_id INTEGER NOT NULL,
        username TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('sync', 'bundle')),
        signed_at INTEGER,
        PRIMARY KEY (doc_id, hash)
    ) WITHOUT ROWID;",
    // 11: proof of possession (`store::possession`): per file, the users who sent the server its
    // bytes (an upload or a bundle whose bytes hashed as declared), the progress document they
    // sent it for, since when (Unix seconds). Seeded from the finished uploads of files still
    // stored (before this, an upload of a file already stored finished at once too, and cannot
    // be told apart), and for a stored file with no such upload left, user 0 and no document:
    // held before possession was recorded.
    "CREATE TABLE file_possession (
        sha256 TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        since INTEGER NOT NULL DEFAULT (unixepoch()),
        PRIMARY KEY (sha256, user_id, doc_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO file_possession (sha256, user_id, doc_id, since)
        SELECT u.sha256, u.user_id, u.doc_id, min(u.created_at) FROM uploads u
        JOIN files f ON f.sha256 = u.sha256
        WHERE u.done = 1 GROUP BY u.sha256, u.user_id, u.doc_id;
    INSERT OR IGNORE INTO file_possession (sha256, user_id, doc_id, since)
        SELECT sha256, 0, '', stored_at FROM files
        WHERE sha256 NOT IN (SELECT sha256 FROM file_possession);",
    // 12: the audit of account actions (`store::audit`): who did what to whom, and when (Unix
    // ms); `agency_id` is the account's agency, so an agency's admin reads its own.
    "CREATE TABLE account_events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        username TEXT NOT NULL,
        agency_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX account_events_agency ON account_events (agency_id, at);",
    // 13: the PAR index — three kinds of document the server writes (criteria sets, assessment
    // records, appraisals) and two roles (the agency's head, the province's appraisal team).
    // The CHECKs are part of their tables, so both are rebuilt: the catalogue in its order
    // (rowid, which the catalogue's order is), the users with their sessions and device keys
    // carried over (nobody is signed out, no key is lost).
    "CREATE TABLE documents_v13 (
        doc_id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('plan', 'org', 'progress', 'criteria', 'assessment', 'appraisal')),
        agency_id TEXT NOT NULL,
        plan_id TEXT,
        unit_id TEXT,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    INSERT INTO documents_v13 (doc_id, kind, agency_id, plan_id, unit_id, title, created_at)
        SELECT doc_id, kind, agency_id, plan_id, unit_id, title, created_at FROM documents
        ORDER BY rowid;
    DROP TABLE documents;
    ALTER TABLE documents_v13 RENAME TO documents;
    CREATE INDEX documents_plan ON documents (plan_id, kind);
    CREATE TABLE users_v13 (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN
            ('unit_editor', 'unit_head', 'agency_admin', 'agency_head', 'province_viewer',
             'province_appraiser', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    INSERT INTO users_v13 SELECT id, username, display_name, role, agency_id, unit_id,
        password_hash, disabled, created_at FROM users;
    CREATE TEMP TABLE sessions_v12 AS SELECT * FROM sessions;
    CREATE TEMP TABLE device_keys_v12 AS SELECT * FROM device_keys;
    DROP TABLE sessions;
    DROP TABLE device_keys;
    DROP TABLE users;
    ALTER TABLE users_v13 RENAME TO users;
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO sessions SELECT token_hash, user_id, created_at, expires_at FROM sessions_v12;
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE device_keys (
        public_key BLOB PRIMARY KEY NOT NULL CHECK (length(public_key) = 32),
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL -- Unix ms
    ) WITHOUT ROWID;
    INSERT INTO device_keys SELECT public_key, user_id, label, created_at FROM device_keys_v12;
    CREATE INDEX device_keys_user ON device_keys (user_id);
    DROP TABLE sessions_v12;
    DROP TABLE device_keys_v12;",
];

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn migrations_apply_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        drop(conn);
        // Reopening applies nothing again (a second CREATE TABLE would fail).
        drop(Store::open(&path).unwrap());
    }

    #[test]
    fn upgrading_to_5_keeps_users_and_sessions_and_admits_unit_heads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, sql) in MIGRATIONS[..4].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO users (id, username, display_name, role, agency_id, unit_id, password_hash)
                 VALUES (7, 'vp', 'Văn phòng', 'unit_editor', 'a', 'vp', 'h');
             INSERT INTO sessions VALUES (x'01', 7, 1, 2);",
        )
        .unwrap();
        assert!(
            conn.execute(
                "INSERT INTO users (username, display_name, role, password_hash)
                     VALUES ('td', '', 'unit_head', 'h')",
                [],
            )
            .is_err(),
            "version 4 has no unit heads"
        );
        migrate(&mut conn).unwrap();
        let sessions: i64 = conn
            .query_row("SELECT count(*) FROM sessions WHERE user_id = 7", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(sessions, 1, "nobody is signed out by the upgrade");
        conn.execute(
            "INSERT INTO users (username, display_name, role, password_hash)
                 VALUES ('td', '', 'unit_head', 'h')",
            [],
        )
        .unwrap();
        // The foreign key still holds: deleting the user ends its sessions.
        conn.execute("DELETE FROM users WHERE id = 7", []).unwrap();
        let sessions: i64 = conn
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sessions, 0);
    }

    #[test]
    fn upgrading_to_11_counts_the_uploaders_of_stored_files_as_holding_them() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (i, sql) in MIGRATIONS[..10].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO files (sha256, size, mime, stored_at) VALUES
                 ('aa', 1, 'application/pdf', 100), ('bb', 1, 'application/pdf', 200);
             INSERT INTO uploads (id, sha256, size, mime, name, doc_id, user_id, done, created_at)
                 VALUES ('u1', 'aa', 1, 'application/pdf', 'a.pdf', 'd', 7, 1, 150),
                        ('u2', 'aa', 1, 'application/pdf', 'a.pdf', 'd', 8, 0, 160),
                        ('u3', 'cc', 1, 'application/pdf', 'c.pdf', 'd', 9, 1, 170);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(String, i64, String, i64)> = conn
            .prepare("SELECT sha256, user_id, doc_id, since FROM file_possession ORDER BY sha256")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // A finished upload of a stored file: its uploader, for its document. A stored file whose
        // uploads are gone: held before possession was recorded (user 0). An unfinished upload,
        // or one of a file no longer stored: nothing.
        assert_eq!(
            rows,
            vec![
                ("aa".to_string(), 7, "d".to_string(), 150),
                ("bb".to_string(), 0, String::new(), 200)
            ]
        );
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::SchemaTooNew { found: 99, .. })
        ));
    }
}
