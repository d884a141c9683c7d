//! Lead and coordinating parties: group phrases, the agency's units (a commune's staff and
//! offices too) and bodies outside it, settled from every spelling a plan uses.

use super::*;

/// Reads a lead or coordinating line typed by a person (the plan-maintenance form) against an
/// agency's known units: the parties, and the names that look like units of the agency but are
/// not among them (kept as written, resolving to no unit).
pub fn parse_assignees(agency: &Agency, line: &str) -> (Vec<Assignee>, Vec<String>) {
    let mut unknown = Vec::new();
    let keys: Vec<(String, &Unit)> = agency
        .units
        .iter()
        .flat_map(|u| {
            std::iter::once(text::key(&u.name))
                .chain(u.aliases.iter().map(|a| text::key(a)))
                .map(move |k| (k, u))
        })
        .collect();
    let parties = parse_parties(&text::clean(line))
        .into_iter()
        .map(|d| {
            if d.kind != AssigneeKind::Unit {
                return d.outside();
            }
            let k = text::key(&d.text);
            let best = keys
                .iter()
                .filter(|(key, _)| k == *key || k.starts_with(&format!("{key} ")))
                .max_by_key(|(key, _)| key.len());
            match best {
                Some((key, unit)) => {
                    let (spelled, extra) = split_words(&d.text, key.split_whitespace().count());
                    let note = join_notes(extra, d.note);
                    Assignee {
                        text: spelled,
                        kind: AssigneeKind::Unit,
                        unit_id: Some(unit.id.clone()),
                        group: None,
                        note,
                    }
                }
                None => {
                    unknown.push(d.text.clone());
                    Assignee {
                        text: d.text,
                        kind: AssigneeKind::Unit,
                        unit_id: None,
                        group: None,
                        note: d.note,
                    }
                }
            }
        })
        .collect();
    (parties, unknown)
}

/// A party as read from a lead or coordinating line, before unit names are settled.
#[derive(Debug, Clone)]
pub(super) struct PartyDraft {
    text: String,
    kind: AssigneeKind,
    group: Option<Group>,
    note: Option<String>,
}

/// Words after a unit's name and the note the plan gave it, as one note.
fn join_notes(extra: Option<String>, note: Option<String>) -> Option<String> {
    match (extra, note) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

impl PartyDraft {
    /// A group or a body outside the agency: no unit to resolve.
    fn outside(self) -> Assignee {
        Assignee {
            text: self.text,
            kind: self.kind,
            unit_id: None,
            group: self.group,
            note: self.note,
        }
    }
}

/// Group phrases, longest first, and what they mean.
pub(super) const GROUPS: &[(&str, Group)] = &[
    (
        "các phòng chuyên môn, nghiệp vụ thuộc sở",
        Group::ProfessionalDepartments,
    ),
    (
        "các phòng chuyên môn, nghiệp vụ",
        Group::ProfessionalDepartments,
    ),
    (
        "các phòng chuyên môn thuộc sở",
        Group::ProfessionalDepartments,
    ),
    ("các phòng chuyên môn", Group::ProfessionalDepartments),
    ("các phòng, đơn vị trực thuộc sở", Group::AllUnits),
    ("các phòng, đơn vị thuộc sở", Group::AllUnits),
    ("các phòng, đơn vị có liên quan", Group::Related),
    ("các phòng, đơn vị liên quan", Group::Related),
    ("các phòng có liên quan", Group::Related),
    ("các phòng liên quan", Group::Related),
    ("các đơn vị có liên quan", Group::Related),
    ("các đơn vị liên quan", Group::Related),
    ("các đơn vị thuộc sở", Group::AllUnits),
    ("các phòng thuộc sở", Group::Departments),
    ("các phòng, đơn vị", Group::AllUnits),
    // A commune's staff as a whole.
    ("toàn thể cán bộ, công chức", Group::AllUnits),
    ("cán bộ, công chức", Group::AllUnits),
];

/// Beginnings of a new party inside a list ("…, Trung tâm …", "… và các phòng …").
pub(super) const PARTY_STARTS: &[&str] = &[
    "phòng ",
    "văn phòng",
    "thanh tra",
    "trung tâm",
    "tổ ",
    "các phòng",
    "các đơn vị",
    "các sở",
    "sở ",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "các cơ quan",
    "chi cục",
    "bộ ",
    "tổ chức, cá nhân",
    // A commune's staff and offices.
    "công chức",
    "bộ phận",
    "chủ tịch",
    "phó chủ tịch",
    "toàn thể",
];

/// Parties outside the agency.
pub(super) const EXTERNAL_STARTS: &[&str] = &[
    "sở ",
    "các sở",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "văn phòng ubnd",
    "văn phòng ủy ban",
    "bộ ",
    "thanh tra tỉnh",
    "tổ chức, cá nhân",
    "các cơ quan",
    "người dân",
    "doanh nghiệp",
];

/// Units of the agency (a commune's civil servants, offices and leaders count as its units).
pub(super) const UNIT_STARTS: &[&str] = &[
    "phòng ",
    "văn phòng",
    "thanh tra",
    "trung tâm",
    "tổ ",
    "chi cục",
    "công chức",
    "bộ phận",
    "chủ tịch",
    "phó chủ tịch",
];

pub(super) fn starts_with_any(k: &str, list: &[&str]) -> bool {
    list.iter().any(|s| k.starts_with(s))
}

/// Reads a lead or coordinating line into parties.
pub(super) fn parse_parties(line: &str) -> Vec<PartyDraft> {
    let mut out: Vec<PartyDraft> = Vec::new();
    let line = line.trim().trim_end_matches(['.', ';']).trim();
    for segment in line.split(';') {
        let mut seg = segment.trim();
        // "các cơ quan, đơn vị: Sở Nội vụ" — a heading inside the list.
        if let Some((head, rest)) = seg.split_once(':')
            && head.split_whitespace().count() <= 5
        {
            seg = rest.trim();
        }
        if seg.is_empty() {
            continue;
        }
        for piece in split_parties(seg) {
            let k = text::key(&piece);
            // Lower-case words that name no party continue the previous party's note.
            if !starts_with_any(&k, PARTY_STARTS)
                && !k.starts_with("các ")
                && text::starts_lowercase(&piece)
                && let Some(prev) = out.last_mut()
            {
                let note = prev.note.get_or_insert_with(String::new);
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str(&piece);
                continue;
            }
            out.push(classify_party(&piece));
        }
    }
    out
}

/// Splits "A, B và C" where B and C begin a new party; commas inside a group phrase stay.
pub(super) fn split_parties(seg: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = seg.as_bytes();
    // A group phrase with a comma inside ("Toàn thể cán bộ, công chức") is not split.
    let k = text::key(seg);
    let mut i = GROUPS
        .iter()
        .find(|(phrase, _)| k.starts_with(phrase))
        .map_or(0, |(phrase, _)| {
            split_words(seg, phrase.split_whitespace().count()).0.len()
        });
    while i < seg.len() {
        let sep_len = if seg[i..].starts_with(", ") {
            2
        } else if seg[i..].starts_with(" và ") {
            " và ".len()
        } else {
            0
        };
        // "Văn phòng HĐND và UBND xã" is one office.
        let joint_office = sep_len > 0 && text::key(&seg[start..i]).ends_with("hđnd");
        if sep_len > 0 && !joint_office {
            let after = &seg[i + sep_len..];
            if starts_with_any(&text::key(after), PARTY_STARTS) {
                pieces.push(seg[start..i].trim().to_string());
                start = i + sep_len;
                i = start;
                continue;
            }
        }
        i += 1;
        while i < bytes.len() && !seg.is_char_boundary(i) {
            i += 1;
        }
    }
    pieces.push(seg[start..].trim().to_string());
    pieces.retain(|p| !p.is_empty());
    pieces
}

pub(super) fn classify_party(piece: &str) -> PartyDraft {
    let k = text::key(piece);
    for (phrase, group) in GROUPS {
        if k.starts_with(phrase) {
            let words = phrase.split_whitespace().count();
            let (name, rest) = split_words(piece, words);
            return PartyDraft {
                text: name,
                kind: AssigneeKind::Group,
                group: Some(*group),
                note: rest,
            };
        }
    }
    // "Bộ phận Một cửa" is a commune's office, not a ministry ("Bộ …").
    if starts_with_any(&k, EXTERNAL_STARTS) && !k.starts_with("bộ phận") {
        return PartyDraft {
            text: piece.to_string(),
            kind: AssigneeKind::External,
            group: None,
            note: None,
        };
    }
    if starts_with_any(&k, UNIT_STARTS) {
        return PartyDraft {
            text: piece.to_string(),
            kind: AssigneeKind::Unit,
            group: None,
            note: None,
        };
    }
    PartyDraft {
        text: piece.to_string(),
        kind: AssigneeKind::External,
        group: None,
        note: None,
    }
}

/// The first `n` words of `s` (counting a dash as a word, as [`text::key`] does) and the rest.
pub(super) fn split_words(s: &str, n: usize) -> (String, Option<String>) {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        let boundary = c == ' ';
        if !boundary && !in_word {
            if seen == n {
                let rest = s[i..].trim().to_string();
                return (
                    s[..i].trim().trim_end_matches(',').to_string(),
                    (!rest.is_empty()).then_some(rest),
                );
            }
            seen += 1;
        }
        in_word = !boundary;
    }
    (s.trim().to_string(), None)
}

/// The agency's units, settled from every spelling the plan uses.
pub(super) struct UnitCatalogue {
    /// Key → (spelling → count, first seen order).
    spellings: Vec<(String, Vec<(String, usize)>)>,
}

impl UnitCatalogue {
    pub(super) fn build<'a>(parties: impl Iterator<Item = &'a PartyDraft>) -> UnitCatalogue {
        let mut names: Vec<String> = parties
            .filter(|p| p.kind == AssigneeKind::Unit)
            .map(|p| p.text.clone())
            .collect();
        // Shortest first: a longer text that starts with a known name is that unit plus a note.
        let mut keys: Vec<String> = names.iter().map(|n| text::key(n)).collect();
        keys.sort_by_key(|k| k.len());
        keys.dedup();
        let mut canonical: Vec<String> = Vec::new();
        for k in keys {
            if !canonical.iter().any(|c| k.starts_with(&format!("{c} "))) {
                canonical.push(k);
            }
        }
        let mut spellings: Vec<(String, Vec<(String, usize)>)> =
            canonical.into_iter().map(|k| (k, Vec::new())).collect();
        for name in names.drain(..) {
            let (k, spelled) = Self::split_name(&spellings, &name);
            if let Some((_, list)) = spellings.iter_mut().find(|(key, _)| *key == k) {
                match list.iter_mut().find(|(s, _)| *s == spelled) {
                    Some((_, n)) => *n += 1,
                    None => list.push((spelled, 1)),
                }
            }
        }
        UnitCatalogue { spellings }
    }

    /// The canonical key of a unit text and the text's spelling of the name (without a note).
    pub(super) fn split_name(
        spellings: &[(String, Vec<(String, usize)>)],
        name: &str,
    ) -> (String, String) {
        let k = text::key(name);
        let best = spellings
            .iter()
            .map(|(key, _)| key)
            .filter(|key| k == **key || k.starts_with(&format!("{key} ")))
            .max_by_key(|key| key.len());
        match best {
            Some(key) if *key == k => (
                key.clone(),
                name.trim().trim_end_matches(['.', ',']).to_string(),
            ),
            Some(key) => {
                let words = key.split_whitespace().count();
                let (spelled, _) = split_words(name, words);
                (key.clone(), spelled)
            }
            None => (k, name.to_string()),
        }
    }

    pub(super) fn display(list: &[(String, usize)]) -> String {
        // The most frequent spelling; the first seen on a tie.
        let mut best: Option<&(String, usize)> = None;
        for item in list {
            if best.is_none_or(|b| item.1 > b.1) {
                best = Some(item);
            }
        }
        best.map(|b| b.0.clone()).unwrap_or_default()
    }

    pub(super) fn units(&self) -> Vec<Unit> {
        self.spellings
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(_, list)| {
                let name = Self::display(list);
                let mut unit = Unit::named(&name);
                unit.aliases = list
                    .iter()
                    .map(|(s, _)| s.clone())
                    .filter(|s| *s != name)
                    .collect();
                unit
            })
            .collect()
    }

    pub(super) fn unit_id(&self, key: &str) -> Option<String> {
        self.spellings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, list)| text::slug(&Self::display(list)))
    }

    pub(super) fn assignee(&self, d: PartyDraft) -> Assignee {
        if d.kind != AssigneeKind::Unit {
            return d.outside();
        }
        let k = text::key(&d.text);
        let (key, spelled) = Self::split_name(&self.spellings, &d.text);
        let extra = if k.len() > key.len() {
            let words = key.split_whitespace().count();
            split_words(&d.text, words).1
        } else {
            None
        };
        let note = join_notes(extra, d.note);
        Assignee {
            text: spelled,
            kind: AssigneeKind::Unit,
            unit_id: self.unit_id(&key),
            group: None,
            note,
        }
    }

    /// The unit named in part III as the one that collects reports: "về Sở (Phòng …)".
    pub(super) fn central_office_in(&self, para: &str) -> Option<String> {
        let k = text::key(para);
        let pos = k.find("báo cáo")?;
        let after = &k[pos..];
        let open = after.find('(')?;
        let close = after[open..].find(')')? + open;
        let inside = after[open + 1..close].trim();
        self.spellings
            .iter()
            .find(|(key, list)| !list.is_empty() && inside == key)
            .and_then(|(key, _)| self.unit_id(key))
    }

    pub(super) fn central_office_by_name(&self) -> Option<String> {
        self.spellings
            .iter()
            .find(|(key, list)| {
                !list.is_empty()
                    && (key.contains("hành chính - tổng hợp") || key.starts_with("văn phòng"))
            })
            .and_then(|(key, _)| self.unit_id(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_communes_staff_and_offices_are_its_units() {
        for (line, kind) in [
            ("Công chức Văn phòng - Thống kê", AssigneeKind::Unit),
            ("Công chức Tư pháp - Hộ tịch", AssigneeKind::Unit),
            ("Bộ phận Một cửa", AssigneeKind::Unit),
            ("Chủ tịch UBND xã", AssigneeKind::Unit),
            ("Văn phòng HĐND và UBND xã", AssigneeKind::Unit),
            ("Toàn thể cán bộ, công chức", AssigneeKind::Group),
        ] {
            let parties = parse_parties(line);
            assert_eq!(parties.len(), 1, "{line}: {parties:?}");
            assert_eq!(parties[0].kind, kind, "{line}");
            assert_eq!(parties[0].text, line);
        }
        let two = parse_parties("Bộ phận Một cửa, Công chức Tư pháp - Hộ tịch");
        assert_eq!(two.len(), 2, "{two:?}");
    }

    #[test]
    fn split_parties_keeps_group_commas() {
        assert_eq!(
            split_parties("Phòng Hành chính - Tổng hợp và các phòng, đơn vị liên quan"),
            ["Phòng Hành chính - Tổng hợp", "các phòng, đơn vị liên quan"]
        );
        assert_eq!(
            split_parties("Phòng Quản lý Công nghệ và Chuyên ngành"),
            ["Phòng Quản lý Công nghệ và Chuyên ngành"]
        );
        assert_eq!(
            split_parties(
                "Phòng Hành chính - Tổng hợp, Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
            ),
            [
                "Phòng Hành chính - Tổng hợp",
                "Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
            ]
        );
    }

    #[test]
    fn group_phrase_with_a_tail_keeps_the_tail_as_note() {
        let parties = parse_parties(
            "Các phòng, đơn vị thực hiện các giải pháp nâng cao chất lượng phục vụ; thực hiện giải trình theo đúng quy định.",
        );
        assert_eq!(parties.len(), 1);
        assert_eq!(parties[0].group, Some(Group::AllUnits));
        assert_eq!(parties[0].text, "Các phòng, đơn vị");
        let note = parties[0].note.as_deref().unwrap();
        assert!(note.starts_with("thực hiện các giải pháp"), "{note}");
        assert!(note.ends_with("theo đúng quy định"), "{note}");
    }

    #[test]
    fn list_headings_and_external_bodies() {
        let parties = parse_parties(
            "Các phòng, đơn vị thuộc Sở; các cơ quan, đơn vị: Sở Nội vụ; các sở, ban, ngành; UBND các huyện, thị xã, thành phố.",
        );
        let kinds: Vec<_> = parties.iter().map(|p| (p.text.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("Các phòng, đơn vị thuộc Sở", AssigneeKind::Group),
                ("Sở Nội vụ", AssigneeKind::External),
                ("các sở, ban, ngành", AssigneeKind::External),
                ("UBND các huyện, thị xã, thành phố", AssigneeKind::External),
            ]
        );
    }
}
