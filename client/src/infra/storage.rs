//! Documents at rest on the tablet: samod's [`samod::storage::LocalStorage`] over IndexedDB
//! (through `rexie`), so the app opens, browses and edits with no connection at all.
//!
//! Stage: *device storage*, between the client's samod repo and the browser. One object store,
//! `chunks`, maps samod's storage keys (`"<doc>/incremental/<hash>"`, `"<doc>/snapshot/<hash>"`)
//! to the chunk bytes. A range load is a key range `[prefix + "/", prefix + "0")`: `'0'` follows
//! `'/'`, so exactly the keys under the prefix fall inside.

use std::collections::HashMap;
use std::rc::Rc;

use rexie::{KeyRange, ObjectStore, Rexie, TransactionMode};
use samod::storage::StorageKey;
use wasm_bindgen::JsValue;

/// The IndexedDB database name.
pub const DATABASE: &str = "tiendo";
const CHUNKS: &str = "chunks";
/// Evidence files kept on the device, by SHA-256 ([`super::files`]): what is known of each.
const FILES: &str = "files";
/// Their bytes, by SHA-256.
const FILE_BYTES: &str = "file_bytes";

/// Why IndexedDB failed.
#[derive(Debug, thiserror::Error)]
#[error("IndexedDB: {0}")]
pub struct StorageError(String);

impl From<rexie::Error> for StorageError {
    fn from(e: rexie::Error) -> Self {
        StorageError(e.to_string())
    }
}

/// samod storage in IndexedDB. Cloning shares the open database.
#[derive(Clone)]
pub struct IdbStorage {
    db: Rc<Rexie>,
}

impl IdbStorage {
    /// Opens (creating if needed) the database `name`.
    pub async fn open(name: &str) -> Result<IdbStorage, StorageError> {
        // Version 2 added `files` (what is known of each evidence file, [`super::files`]) and
        // version 3 `file_bytes` (their bytes, apart, so listing the files never reads them);
        // opening an older database adds the stores and keeps the chunks.
        let db = Rexie::builder(name)
            .version(3)
            .add_object_store(ObjectStore::new(CHUNKS))
            .add_object_store(ObjectStore::new(FILES))
            .add_object_store(ObjectStore::new(FILE_BYTES))
            .build()
            .await?;
        Ok(IdbStorage { db: Rc::new(db) })
    }

    /// Removes every chunk and file (logout). Clearing, unlike deleting the database, does not
    /// wait for every open connection to it to close.
    pub async fn clear(&self) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[CHUNKS, FILES, FILE_BYTES], TransactionMode::ReadWrite)?;
        tx.store(CHUNKS)?.clear().await?;
        tx.store(FILES)?.clear().await?;
        tx.store(FILE_BYTES)?.clear().await?;
        tx.done().await?;
        Ok(())
    }

    /// Keeps `record` (a file's bytes and what is known of it) under `key`.
    pub async fn put_file(&self, key: &str, record: &JsValue) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadWrite)?;
        tx.store(FILES)?
            .put(record, Some(&JsValue::from_str(key)))
            .await?;
        tx.done().await?;
        Ok(())
    }

    /// The file record under `key`.
    pub async fn file(&self, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        Ok(tx.store(FILES)?.get(JsValue::from_str(key)).await?)
    }

    /// Keeps a file's `bytes` under `key`.
    pub async fn put_file_bytes(&self, key: &str, bytes: &JsValue) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[FILE_BYTES], TransactionMode::ReadWrite)?;
        tx.store(FILE_BYTES)?
            .put(bytes, Some(&JsValue::from_str(key)))
            .await?;
        tx.done().await?;
        Ok(())
    }

    /// The bytes of the file under `key`.
    pub async fn file_bytes(&self, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self
            .db
            .transaction(&[FILE_BYTES], TransactionMode::ReadOnly)?;
        Ok(tx.store(FILE_BYTES)?.get(JsValue::from_str(key)).await?)
    }

    /// Every file record, with its key.
    pub async fn files(&self) -> Result<Vec<(String, JsValue)>, StorageError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        Ok(tx
            .store(FILES)?
            .scan(None, None, None, None)
            .await?
            .into_iter()
            .filter_map(|(k, v)| Some((k.as_string()?, v)))
            .collect())
    }

    /// Forgets the file under `key`, record and bytes.
    pub async fn delete_file(&self, key: &str) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[FILES, FILE_BYTES], TransactionMode::ReadWrite)?;
        tx.store(FILES)?.delete(JsValue::from_str(key)).await?;
        tx.store(FILE_BYTES)?.delete(JsValue::from_str(key)).await?;
        tx.done().await?;
        Ok(())
    }

    /// Every stored key (for tests and diagnostics).
    pub async fn keys(&self) -> Result<Vec<String>, StorageError> {
        let tx = self.db.transaction(&[CHUNKS], TransactionMode::ReadOnly)?;
        let keys = tx.store(CHUNKS)?.get_all_keys(None, None).await?;
        Ok(keys.into_iter().filter_map(|k| k.as_string()).collect())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let tx = self.db.transaction(&[CHUNKS], TransactionMode::ReadOnly)?;
        let value = tx.store(CHUNKS)?.get(JsValue::from_str(key)).await?;
        Ok(value.map(|v| js_sys::Uint8Array::new(&v).to_vec()))
    }

    async fn range(&self, prefix: &str) -> Result<HashMap<String, Vec<u8>>, StorageError> {
        let tx = self.db.transaction(&[CHUNKS], TransactionMode::ReadOnly)?;
        let store = tx.store(CHUNKS)?;
        let lo = JsValue::from_str(&format!("{prefix}/"));
        let hi = JsValue::from_str(&format!("{prefix}0"));
        let range = KeyRange::bound(&lo, &hi, Some(false), Some(true))
            .map_err(|e| StorageError(e.to_string()))?;
        let mut out: HashMap<String, Vec<u8>> = store
            .scan(Some(range), None, None, None)
            .await?
            .into_iter()
            .filter_map(|(k, v)| Some((k.as_string()?, js_sys::Uint8Array::new(&v).to_vec())))
            .collect();
        if let Some(v) = store.get(JsValue::from_str(prefix)).await? {
            out.insert(prefix.to_string(), js_sys::Uint8Array::new(&v).to_vec());
        }
        Ok(out)
    }

    /// Stores `data` under `key`; resolves once IndexedDB has committed the transaction.
    pub async fn set(&self, key: &str, data: &[u8]) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[CHUNKS], TransactionMode::ReadWrite)?;
        let value: JsValue = js_sys::Uint8Array::from(data).into();
        tx.store(CHUNKS)?
            .put(&value, Some(&JsValue::from_str(key)))
            .await?;
        tx.done().await?;
        Ok(())
    }

    async fn remove(&self, key: &str) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[CHUNKS], TransactionMode::ReadWrite)?;
        tx.store(CHUNKS)?.delete(JsValue::from_str(key)).await?;
        tx.done().await?;
        Ok(())
    }
}

fn report(what: &str, key: &str, e: &StorageError) {
    web_sys::console::error_1(&format!("{what} {key}: {e}").into());
}

impl samod::storage::LocalStorage for IdbStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let k = key.to_string();
        self.get(&k).await.unwrap_or_else(|e| {
            report("load", &k, &e);
            None
        })
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let p = prefix.to_string();
        match self.range(&p).await {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|(k, v)| Some((StorageKey::from_parts(k.split('/')).ok()?, v)))
                .collect(),
            Err(e) => {
                report("load_range", &p, &e);
                HashMap::new()
            }
        }
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        let k = key.to_string();
        if let Err(e) = self.set(&k, &data).await {
            report("put", &k, &e);
        }
    }

    async fn delete(&self, key: StorageKey) {
        let k = key.to_string();
        if let Err(e) = self.remove(&k).await {
            report("delete", &k, &e);
        }
    }
}
