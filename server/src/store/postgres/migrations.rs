//! The PostgreSQL schema as numbered migrations: the same tables as SQLite's, in PostgreSQL's
//! types.
//!
//! Stage: *the store*, when a store opens on `postgres://…`.

/// Numbered migrations of the PostgreSQL schema: version N is migrations 1..=N applied in order.
/// Never edit one that has landed; add a new one. Version 1 is SQLite's version 7.
pub const MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's migrations 1–7 built.
    r#"CREATE TABLE chunks (
        key TEXT COLLATE "C" PRIMARY KEY,
        data BYTEA NOT NULL
    );
    CREATE TABLE documents (
        seq BIGSERIAL NOT NULL,
        doc_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('plan', 'org', 'progress')),
        agency_id TEXT NOT NULL,
        plan_id TEXT,
        unit_id TEXT,
        title TEXT NOT NULL,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE INDEX documents_plan ON documents (plan_id, kind);
    CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN
            ('unit_editor', 'unit_head', 'agency_admin', 'province_viewer', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE TABLE sessions (
        token_hash BYTEA PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE reports (
        id BIGSERIAL PRIMARY KEY,
        plan_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('q1', 'h1', 'q3', 'year')),
        kind TEXT NOT NULL CHECK (kind IN ('docx', 'xlsx')),
        as_of TEXT NOT NULL,
        username TEXT,
        generated_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE INDEX reports_plan ON reports (plan_id, period);
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        stored_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint,
        unreferenced_since BIGINT
    );
    CREATE TABLE file_pieces (
        sha256 TEXT NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,
        "offset" BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (sha256, "offset")
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        name TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        received BIGINT NOT NULL DEFAULT 0,
        done BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE TABLE upload_pieces (
        upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        "offset" BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (upload_id, "offset")
    );
    CREATE TABLE step_receipts (
        doc_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (doc_id, step_id)
    );
    CREATE TABLE doc_readings (
        doc_id TEXT PRIMARY KEY,
        print TEXT NOT NULL,
        build TEXT NOT NULL,
        data BYTEA NOT NULL
    );
    CREATE TABLE login_failures (
        key TEXT PRIMARY KEY,
        count BIGINT NOT NULL,
        last BIGINT NOT NULL,
        locked_until BIGINT
    );"#,
    // 2: SQLite's 8, the counts every node adds to.
    "CREATE TABLE counts (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );",
    // 3: SQLite's 9, the keys bundles are signed with.
    "CREATE TABLE device_keys (
        public_key BYTEA PRIMARY KEY CHECK (length(public_key) = 32),
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX device_keys_user ON device_keys (user_id);
    CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        secret BYTEA NOT NULL
    );",
    // 4: SQLite's 10, the attested record of who delivered each change and when.
    "CREATE TABLE change_attestations (
        doc_id TEXT NOT NULL,
        hash BYTEA NOT NULL CHECK (length(hash) = 32),
        user_id BIGINT NOT NULL,
        username TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('sync', 'bundle')),
        signed_at BIGINT,
        PRIMARY KEY (doc_id, hash)
    );",
    // 5: SQLite's 11, proof of possession of files (seeded the same way).
    "CREATE TABLE file_possession (
        sha256 TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        doc_id TEXT NOT NULL,
        since BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint,
        PRIMARY KEY (sha256, user_id, doc_id)
    );
    INSERT INTO file_possession (sha256, user_id, doc_id, since)
        SELECT u.sha256, u.user_id, u.doc_id, min(u.created_at) FROM uploads u
        JOIN files f ON f.sha256 = u.sha256
        WHERE u.done GROUP BY u.sha256, u.user_id, u.doc_id
        ON CONFLICT DO NOTHING;
    INSERT INTO file_possession (sha256, user_id, doc_id, since)
        SELECT sha256, 0, '', stored_at FROM files
        WHERE sha256 NOT IN (SELECT sha256 FROM file_possession)
        ON CONFLICT DO NOTHING;",
    // 6: SQLite's 12, the audit of account actions.
    "CREATE TABLE account_events (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        username TEXT NOT NULL,
        agency_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX account_events_agency ON account_events (agency_id, at);",
    // 7: SQLite's 13, the PAR index's document kinds and roles (PostgreSQL alters a CHECK in
    // place).
    "ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
    ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN
        ('plan', 'org', 'progress', 'criteria', 'assessment', 'appraisal'));
    ALTER TABLE users DROP CONSTRAINT users_role_check;
    ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN
        ('unit_editor', 'unit_head', 'agency_admin', 'agency_head', 'province_viewer',
         'province_appraiser', 'system_admin'));",
];
