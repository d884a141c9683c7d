use super::*;
use automerge::transaction::Transactable;

fn key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn sample() -> (Vec<u8>, automerge::AutoCommit) {
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "ket_qua", "Đã rà soát quy trình")
        .unwrap();
    let heads = doc.get_heads();
    let bundle = seal(
        Kind::Unit,
        Author {
            username: "thanh-tra-so".into(),
            unit_id: Some("thanh-tra-so".into()),
            agency_id: Some("so-khcn".into()),
        },
        1_743_465_600_000,
        None,
        vec![DocData {
            id: "4PVWFn3oarY4yrXJLSB37HCowcc6".into(),
            heads,
            deps: Vec::new(),
            data: doc.save(),
        }],
        vec![FileData {
            mime: "image/jpeg".into(),
            name: "anh-hien-truong.jpg".into(),
            bytes: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        }],
        &key(7),
    );
    (bundle, doc)
}

#[test]
fn a_sealed_bundle_opens_to_the_same_documents_and_files() {
    let (bundle, mut doc) = sample();
    let opened = open(&bundle).expect("opens");
    assert_eq!(opened.key, *key(7).verifying_key().as_bytes());
    assert_eq!(opened.manifest.kind, Kind::Unit);
    assert_eq!(opened.manifest.author.username, "thanh-tra-so");
    let mut loaded = automerge::Automerge::new();
    loaded.load_incremental(&opened.documents[0]).unwrap();
    assert_eq!(loaded.get_heads(), doc.get_heads());
    assert_eq!(
        opened.manifest.documents[0].heads,
        doc.get_heads()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    assert_eq!(opened.files[0], vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
    assert_eq!(opened.manifest.files[0].name, "anh-hien-truong.jpg");
}

#[test]
fn any_altered_byte_is_refused_naming_what_failed() {
    let (bundle, _) = sample();
    let mut refusals = std::collections::HashSet::new();
    for i in 0..bundle.len() {
        let mut altered = bundle.clone();
        altered[i] ^= 0x01;
        let err = open(&altered).expect_err(&format!("byte {i} altered, still opened"));
        refusals.insert(std::mem::discriminant(&err));
        assert!(!err.to_string().is_empty());
    }
    // The container, the signed manifest, a document's bytes, a file's bytes: each named.
    let (bundle, _) = sample();
    let doc_at = bundle
        .windows(4)
        .position(|w| w == [0x85, 0x6f, 0x4a, 0x83])
        .expect("automerge's magic bytes");
    let mut altered = bundle.clone();
    altered[doc_at + 40] ^= 0x01;
    assert_eq!(
        open(&altered),
        Err(BundleError::DocumentAltered(
            "4PVWFn3oarY4yrXJLSB37HCowcc6".into()
        ))
    );
    let file_at = bundle
        .windows(4)
        .position(|w| w == [0xFF, 0xD8, 0xFF, 0xE0])
        .unwrap();
    let mut altered = bundle.clone();
    altered[file_at + 5] ^= 0x01;
    assert!(matches!(open(&altered), Err(BundleError::FileAltered(_))));
    assert!(refusals.len() >= 3, "{refusals:?}");
}

#[test]
fn a_manifest_signed_by_another_key_or_cut_short_is_refused() {
    let (bundle, _) = sample();
    assert!(matches!(
        open(&bundle[..bundle.len() - 10]),
        Err(BundleError::NotABundle(_))
    ));
    assert!(matches!(
        open(b"PK\x03\x04"),
        Err(BundleError::NotABundle(_))
    ));
    // The signature block swapped for another key's signature over the same manifest.
    let other = key(9);
    let opened = open(&bundle).unwrap();
    let manifest = serde_json::to_vec(&opened.manifest).unwrap();
    let forged = {
        use ed25519_dalek::Signer;
        let sig = other.sign(&manifest);
        // The signature is the bundle's last 64 bytes.
        let mut b = bundle.clone();
        let at = b.len() - 64;
        b[at..].copy_from_slice(&sig.to_bytes());
        b
    };
    assert_eq!(open(&forged), Err(BundleError::Signature));
}

#[test]
fn too_many_items_or_too_deep_a_nesting_is_refused_before_it_is_read() {
    // map(3) {0: "tiendo-bundle", 1: 1, 3: array(n) of empty byte strings}
    let with_documents = |n: u32| {
        let mut b = vec![0xA3, 0x00, 0x6D];
        b.extend_from_slice(FORMAT.as_bytes());
        b.extend([0x01, 0x01, 0x03, 0x9A]);
        b.extend(n.to_be_bytes());
        b.resize(b.len() + n as usize, 0x40);
        b
    };
    assert_eq!(
        open(&with_documents(1_001)),
        Err(BundleError::TooMany {
            what: "tài liệu",
            found: 1_001,
            max: BOUNDS.max_documents
        })
    );
    // A count the file cannot hold is refused by the count alone.
    let mut claimed = with_documents(0);
    let at = claimed.len() - 4;
    claimed[at..].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(open(&claimed), Err(BundleError::TooMany { .. })));
    // An unknown key's arrays nested deeper than the bound.
    let nested = |depth: usize| {
        let mut b = vec![0xA3, 0x00, 0x6D];
        b.extend_from_slice(FORMAT.as_bytes());
        b.extend([0x01, 0x01, 0x09]);
        b.resize(b.len() + depth, 0x81);
        b.push(0x00);
        b
    };
    assert!(matches!(
        open(&nested(BOUNDS.max_depth + 1)),
        Err(BundleError::TooMany {
            what: "tầng lồng nhau",
            ..
        })
    ));
    // Within the bound it is skipped, and the bundle refused for what it lacks.
    assert!(matches!(
        open(&nested(BOUNDS.max_depth)),
        Err(BundleError::NotABundle(_))
    ));
    // Indefinite-length nesting is counted too.
    let mut indefinite = nested(0);
    indefinite.pop();
    indefinite.resize(indefinite.len() + 100, 0x9F);
    assert!(matches!(
        open(&indefinite),
        Err(BundleError::TooMany { .. })
    ));
}

#[test]
fn a_later_version_is_refused_with_its_number() {
    let (bundle, _) = sample();
    // Key 1 (the version) is encoded as `01 01`.
    let at = bundle.windows(2).position(|w| w == [0x01, 0x01]).unwrap();
    let mut later = bundle.clone();
    later[at + 1] = 0x02;
    assert_eq!(open(&later), Err(BundleError::Version(2)));
}
