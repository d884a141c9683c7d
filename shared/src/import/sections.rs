//! A plan's parts outside the task list: the header, purposes and requirements, the
//! implementation section with its reporting periods, recipients and signature.

use super::*;

impl Builder {
    pub(super) fn unplaced(&mut self, para: &Para, reason: &str) {
        self.unplaced.push(Unplaced {
            line: para.line,
            text: para.text.clone(),
            reason: reason.to_string(),
            ..Unplaced::default()
        });
    }

    pub(super) fn feed(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();
        let k = text::key(t);

        if let Some(c) = p.roman.captures(t) {
            let heading = text::key(&c[2]);
            self.section = if heading.contains("mục đích") || heading.contains("yêu cầu") {
                Section::Purposes
            } else if heading.contains("tổ chức thực hiện") {
                Section::Implementation
            } else if heading.contains("nhiệm vụ")
                || heading.contains("nội dung")
                || !self.seen_tasks_section && self.section == Section::Purposes
            {
                self.seen_tasks_section = true;
                Section::Tasks
            } else {
                self.unplaced(para, "đề mục không rõ thuộc phần nào của kế hoạch");
                self.section
            };
            return Ok(());
        }
        if k.starts_with("phụ lục") {
            self.section = Section::Annex;
            self.unplaced(para, "tiêu đề phụ lục (nhiệm vụ đọc từ bảng của phụ lục)");
            return Ok(());
        }
        if k.starts_with("nơi nhận") {
            self.section = Section::Recipients;
            if let Some((_, rest)) = t.split_once(':') {
                let rest = strip_bullet(rest.trim());
                if !rest.is_empty() {
                    self.recipients
                        .push(rest.trim_end_matches([';', '.']).to_string());
                }
            }
            return Ok(());
        }
        match self.section {
            Section::Header => self.feed_header(para),
            Section::Purposes => {
                self.feed_purposes(para);
                Ok(())
            }
            Section::Tasks => self.feed_tasks(para),
            Section::Implementation => self.feed_implementation(para),
            Section::Recipients | Section::Signature => {
                self.feed_tail(para);
                Ok(())
            }
            Section::Annex => {
                self.unplaced(para, "tiêu đề phụ lục (nhiệm vụ đọc từ bảng của phụ lục)");
                Ok(())
            }
        }
    }

    pub(super) fn feed_header(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();
        let k = text::key(t);
        if k.starts_with("số") && (t.contains(':') || t.contains('/')) && self.number.is_empty() {
            self.number = t
                .split_once(':')
                .map_or(&t[4..], |(_, n)| n)
                .trim()
                .to_string();
        } else if let Some(c) = p.place_date.captures(t) {
            self.place = c[1].trim().to_string();
            if let (Ok(d), Ok(m), Ok(y)) = (c[2].parse(), c[3].parse(), c[4].parse()) {
                self.date = Some(Date::from_dmy(d, m, y)?);
            }
        } else if k.starts_with("kế hoạch") && self.title.is_empty() {
            let rest = t["KẾ HOẠCH".len()..].trim();
            self.title = rest.to_string();
        } else if k.starts_with("căn cứ") || k.starts_with("thực hiện") {
            self.legal_bases.push(t.to_string());
        } else if self.title.is_empty() && is_upper_line(t) {
            // Letterhead: "UBND TỈNH QUẢNG NGÃI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", motto lines.
            if k.starts_with("sở ")
                || k.starts_with("ủy ban nhân dân huyện")
                || k.starts_with("ubnd huyện")
            {
                self.header_issuer = Some(title_case(t));
            } else if k.starts_with("ubnd tỉnh") || k.starts_with("ủy ban nhân dân tỉnh") {
                self.header_parent = Some(title_case(t));
            }
        } else if !self.title.is_empty() && self.legal_bases.is_empty() && !k.starts_with("độc lập")
        {
            // A title spread over two lines.
            self.title.push(' ');
            self.title.push_str(t);
        } else if !(k.starts_with("cộng hòa")
            || k.starts_with("cộng hoà")
            || k.starts_with("độc lập"))
        {
            self.unplaced(para, "không thuộc phần đầu của kế hoạch");
        }
        Ok(())
    }

    pub(super) fn feed_purposes(&mut self, para: &Para) {
        let p = patterns();
        let t = para.text.as_str();
        if let Some(c) = p.area.captures(t) {
            let k = text::key(&c[2]);
            if k.starts_with("mục đích") {
                self.sub_list = Some(true);
                return;
            }
            if k.starts_with("yêu cầu") {
                self.sub_list = Some(false);
                return;
            }
        }
        let item = strip_bullet(t).to_string();
        match self.sub_list {
            Some(true) => self.purposes.push(item),
            Some(false) => self.requirements.push(item),
            None => self.unplaced(para, "ngoài mục đích và yêu cầu"),
        }
    }

    pub(super) fn current_task(&mut self) -> Option<&mut TaskDraft> {
        self.areas.last_mut()?.tasks.last_mut()
    }

    pub(super) fn feed_implementation(&mut self, para: &Para) -> Result<(), Error> {
        let t = para.text.as_str();
        let mut found = false;
        // "báo cáo … trước ngày 10 của tháng cuối quý": one deadline per period.
        if let Some(day) = last_month_of_quarter_day(t) {
            self.quarter_day = Some(day);
        }
        for clause in t.split(';') {
            if let Some(period) = reporting_period(clause)? {
                found = true;
                if !self.periods.iter().any(|p| p.kind == period.kind) {
                    self.periods.push(period);
                }
            }
        }
        if !found {
            if is_upper_line(t) && t.split_whitespace().count() <= 6 {
                self.section = Section::Signature;
                self.feed_tail(para);
            } else {
                self.implementation.push(strip_bullet(t).to_string());
            }
        }
        Ok(())
    }

    pub(super) fn feed_tail(&mut self, para: &Para) {
        let t = para.text.as_str();
        if is_upper_line(t) && t.split_whitespace().count() <= 6 {
            self.section = Section::Signature;
            if !self.signer.title.is_empty() {
                self.signer.title.push_str(" / ");
            }
            self.signer.title.push_str(t);
        } else if self.section == Section::Recipients && (t.starts_with('-') || t.starts_with('+'))
        {
            self.recipients
                .push(strip_bullet(t).trim_end_matches([';', '.']).to_string());
        } else if self.section == Section::Signature && self.signer.name.is_empty() {
            self.signer.name = t.to_string();
        } else {
            self.unplaced(para, "sau phần tổ chức thực hiện");
        }
    }
}

/// "CẢI CÁCH THỂ CHẾ" → "Cải cách thể chế"; a word that stays upper case in a sentence
/// (PCI, UBND) is kept.
pub(super) fn sentence_case(upper: &str) -> String {
    const KEEP: &[&str] = &["PCI", "UBND", "HĐND", "TTHC", "CCHC", "PAR", "SIPAS", "ISO"];
    let mut out = String::new();
    for (i, word) in upper.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if KEEP.contains(&word.trim_matches(|c: char| !c.is_alphanumeric())) {
            out.push_str(word);
        } else if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// A letterhead line in upper case as an agency's name is written: "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
/// → "Sở Khoa học và Công nghệ" (each field of a Sở starts with a capital: after "Sở", after
/// "và" and after a comma), "UBND TỈNH QUẢNG NGÃI" → "UBND tỉnh Quảng Ngãi" (a place's name,
/// after tỉnh, huyện, xã, phường…, every word).
pub(super) fn title_case(upper: &str) -> String {
    const PLACE: &[&str] = &[
        "tỉnh",
        "huyện",
        "xã",
        "phường",
        "quận",
        "thị trấn",
        "thị xã",
        "thành phố",
        "đặc khu",
    ];
    let lower = upper.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    // In a place's name (every word capitalised), in a Sở's field (the next word capitalised).
    let (mut place, mut field_start) = (false, false);
    for (i, w) in words.iter().enumerate() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        let two = (i > 0).then(|| format!("{} {bare}", words[i - 1]));
        let word = if bare == "ubnd" || bare == "hđnd" {
            w.to_uppercase()
        } else if i == 0 || place || field_start {
            text::capitalize(w)
        } else {
            w.to_string()
        };
        out.push(word);
        field_start = false;
        if PLACE.contains(&bare) || two.as_deref().is_some_and(|t| PLACE.contains(&t)) {
            // "thị" of "thị xã" is not a place word on its own: wait for the pair.
            place = true;
            if let Some(last) = out.last_mut() {
                *last = w.to_string();
            }
            if two.as_deref().is_some_and(|t| PLACE.contains(&t))
                && let Some(prev) = out.len().checked_sub(2).and_then(|j| out.get_mut(j))
            {
                *prev = words[i - 1].to_string();
            }
        } else if (i == 0 && bare == "sở") || bare == "và" || w.ends_with(',') {
            field_start = !place;
        }
    }
    if let Some(first) = out.first_mut() {
        *first = text::capitalize(first);
    }
    out.join(" ")
}

/// The day units report by when a plan puts it as "trước ngày 10 của tháng cuối quý" or
/// "chậm nhất ngày 08 của tháng cuối quý".
pub(super) fn last_month_of_quarter_day(text: &str) -> Option<u32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"ngày ([0-9]{1,2}) (?:của |hằng |hàng )?tháng cuối (?:của )?(?:mỗi )?quý")
            .unwrap()
    });
    let k = text::key(text);
    re.captures(&k)?[1]
        .parse()
        .ok()
        .filter(|d| (1..=28).contains(d))
}

pub(super) fn reporting_period(clause: &str) -> Result<Option<ReportingPeriod>, Error> {
    let p = patterns();
    let k = text::key(clause);
    let Some(c) = p.period_line.captures(&k) else {
        return Ok(None);
    };
    let which = c[1].split_whitespace().collect::<Vec<_>>().join(" ");
    let kind = match which.as_str() {
        "quý i" | "quý 1" => PeriodKind::Q1,
        "6 tháng" | "sáu tháng" => PeriodKind::H1,
        "quý iii" | "quý 3" | "9 tháng" => PeriodKind::Q3,
        _ => PeriodKind::Year,
    };
    let date = if let Some(d) = p.dmy.captures(&k) {
        Some((d[1].to_string(), d[2].to_string(), d[3].to_string()))
    } else {
        p.words_date
            .captures(&k)
            .map(|d| (d[1].to_string(), d[2].to_string(), d[3].to_string()))
    };
    let Some((d, m, y)) = date else {
        return Ok(None);
    };
    let deadline = Date::from_dmy(
        d.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        y.parse().unwrap_or(0),
    )?;
    let name = strip_bullet(clause)
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let name = if name.split_whitespace().count() <= 5 {
        name
    } else {
        format!("Báo cáo {}", kind.vi().to_lowercase())
    };
    Ok(Some(ReportingPeriod {
        kind,
        name,
        deadline,
    }))
}

#[cfg(test)]
mod title_case_tests {
    use super::title_case;

    #[test]
    fn letterhead_names_keep_their_capitals() {
        assert_eq!(
            title_case("SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            "Sở Khoa học và Công nghệ"
        );
        assert_eq!(
            title_case("SỞ VĂN HOÁ, THỂ THAO VÀ DU LỊCH"),
            "Sở Văn hoá, Thể thao và Du lịch"
        );
        assert_eq!(title_case("UBND TỈNH QUẢNG NGÃI"), "UBND tỉnh Quảng Ngãi");
        assert_eq!(
            title_case("ỦY BAN NHÂN DÂN THỊ XÃ ĐỨC PHỔ"),
            "Ủy ban nhân dân thị xã Đức Phổ"
        );
        assert_eq!(
            title_case("ỦY BAN NHÂN DÂN HUYỆN BA TƠ"),
            "Ủy ban nhân dân huyện Ba Tơ"
        );
    }
}
