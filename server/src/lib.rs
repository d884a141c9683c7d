//! # tiendo-server
//!
//! The server of Tiến độ: it keeps every agency's plan, organisation and units' progress as
//! automerge-repo documents (through samod) in one SQLite file, seeds the embedded default plan
//! on first start, and serves the JSON API and the built client.
//!
//! Data flow through this crate:
//!
//! ```text
//! plan text ─► library::import (shared::import) ─► samod Repo ─► store::SqliteStore (SQLite)
//! HTTP /api ─► routes ─► library (hydrate documents) ─► shared::status ─► JSON
//! ```
//!
//! The crate is a library with a thin `main`: [`app`] builds the router from an [`AppState`],
//! [`serve`] runs it on a listener the caller bound (tests bind `127.0.0.1:0`).

pub mod config;
pub mod error;
pub mod library;
pub mod routes;
pub mod store;

use std::future::Future;
use std::sync::Arc;

use tiendo_shared::Date;
use tokio::net::TcpListener;

pub use config::Config;
pub use error::{Error, Result};
pub use library::Library;
pub use routes::app;
pub use store::SqliteStore;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The settings in force.
    pub config: Arc<Config>,
    /// The documents.
    pub library: Library,
}

/// What first start did.
#[derive(Debug, Clone)]
pub enum Startup {
    /// The data directory was empty: the seed plan was imported.
    Seeded(library::ImportReport),
    /// Existing data was opened.
    Opened,
}

/// Opens the data directory (creating it and the SQLite file if needed) and, when it holds no
/// documents yet, imports the embedded seed plan through the same path as `tiendo import`.
pub async fn open(config: &Config) -> Result<(Library, Startup)> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| Error::Io {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let store = SqliteStore::open(&config.database_path())?;
    let library = Library::open(store).await;
    if library.is_empty().await? {
        let report = library.import_text(tiendo_shared::SEED_PLAN).await?;
        return Ok((library, Startup::Seeded(report)));
    }
    Ok((library, Startup::Opened))
}

/// Serves the application on `listener` until `shutdown` resolves, then stops the document repo
/// so everything pending reaches SQLite.
pub async fn serve(
    config: Config,
    library: Library,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let state = AppState {
        config: Arc::new(config),
        library: library.clone(),
    };
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| Error::Io {
            path: "listener".into(),
            source,
        });
    library.stop().await;
    result
}

/// Today in Vietnam (UTC+7).
pub fn today() -> Date {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    Date::from_unix_millis_vn(ms).expect("the clock is within chrono's range")
}
