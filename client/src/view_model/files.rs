//! Where an evidence file stands, in the words the form and the sync indicator use.
//!
//! Stage: *view model*, pure.

/// An evidence file's state on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Kept on this device, not on the server yet.
    Local,
    /// Uploading: the percent the server has confirmed.
    Uploading(u8),
    /// The server has it, whole and checked.
    Stored,
    /// The server refused it, and why (it is not tried again).
    Refused(String),
    /// Not on this device (attached on another one): the server's copy opens, online.
    Elsewhere,
}

impl FileState {
    /// The state in the form's words.
    pub fn label(&self) -> String {
        match self {
            FileState::Local => "chưa tải lên".into(),
            FileState::Uploading(p) => format!("đang tải lên {p}%"),
            FileState::Stored => "đã lưu trên máy chủ".into(),
            FileState::Refused(why) => format!("máy chủ không nhận: {why}"),
            FileState::Elsewhere => "trên máy chủ".into(),
        }
    }

    /// Still to be uploaded from this device (what the sync indicator counts).
    pub fn pending(&self) -> bool {
        matches!(self, FileState::Local | FileState::Uploading(_))
    }

    /// A stable word for tests and styles.
    pub fn key(&self) -> &'static str {
        match self {
            FileState::Local => "local",
            FileState::Uploading(_) => "uploading",
            FileState::Stored => "stored",
            FileState::Refused(_) => "refused",
            FileState::Elsewhere => "elsewhere",
        }
    }
}

/// The percent of `size` bytes that `confirmed` is, rounded down (100 only when whole).
pub fn percent(confirmed: u64, size: u64) -> u8 {
    if size == 0 || confirmed >= size {
        return 100;
    }
    ((confirmed * 100) / size).min(99) as u8
}

/// Which local copies to drop when space runs short: with `used` of `quota` bytes in use and
/// more than `share` of the quota used, the copies of files the server has (`uploaded`), largest
/// first, until usage is back under; never a file that exists only on this device. `files` are
/// (SHA-256, size, uploaded).
pub fn to_drop(used: u64, quota: u64, share: f64, files: &[(String, u64, bool)]) -> Vec<String> {
    let limit = (quota as f64 * share) as u64;
    let mut confirmed: Vec<&(String, u64, bool)> = files.iter().filter(|f| f.2).collect();
    confirmed.sort_by_key(|f| std::cmp::Reverse(f.1));
    let mut used = used;
    let mut out = Vec::new();
    for (sha, size, _) in confirmed {
        if used <= limit {
            break;
        }
        used = used.saturating_sub(*size);
        out.push(sha.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_of_space_only_copies_the_server_has_go_largest_first() {
        let files = [
            ("only-here".to_string(), 900, false),
            ("small".to_string(), 100, true),
            ("large".to_string(), 300, true),
        ];
        assert!(to_drop(700, 1000, 0.8, &files).is_empty(), "room enough");
        assert_eq!(to_drop(950, 1000, 0.8, &files), ["large"]);
        assert_eq!(
            to_drop(1000, 1000, 0.5, &files),
            ["large", "small"],
            "never the only copy"
        );
    }

    #[test]
    fn states_read_as_the_form_says_them_and_only_unsent_ones_are_pending() {
        assert_eq!(FileState::Uploading(40).label(), "đang tải lên 40%");
        assert_eq!(FileState::Local.label(), "chưa tải lên");
        assert_eq!(FileState::Stored.label(), "đã lưu trên máy chủ");
        assert!(FileState::Local.pending() && FileState::Uploading(3).pending());
        assert!(!FileState::Stored.pending() && !FileState::Refused("x".into()).pending());
        assert_eq!(percent(0, 10), 0);
        assert_eq!(percent(9_999, 10_000), 99, "not 100 before the last byte");
        assert_eq!(percent(10, 10), 100);
    }
}
