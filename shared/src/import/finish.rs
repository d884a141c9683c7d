//! The last step: units settled from every spelling, ids, schedules and what is missing,
//! into the [`Plan`] and its organisation.

use super::*;

impl Builder {
    pub(super) fn finish(mut self) -> Result<Imported, Error> {
        let task_count: usize = self.areas.iter().map(|a| a.tasks.len()).sum();
        if task_count == 0 {
            return Err(Error::NotAPlan(
                "không tìm thấy lĩnh vực và nhiệm vụ nào (phần II, mục 1., a) …)".into(),
            ));
        }
        let year = year_of(&self.title).or_else(|| self.periods.first().map(|p| p.deadline.year()));
        let issuer = self
            .header_issuer
            .clone()
            .or_else(|| issuer_from_title(&self.title))
            .unwrap_or_else(|| "Cơ quan ban hành".to_string());
        let agency_id = text::slug(&issuer);
        let parent = self.header_parent.clone().unwrap_or_else(|| {
            if self.place.is_empty() {
                "Cơ quan cấp trên".to_string()
            } else {
                format!("UBND tỉnh {}", self.place)
            }
        });

        // Parties: read every lead and coordinating line, then settle unit names.
        let mut drafts: Vec<(usize, Vec<PartyDraft>, Vec<PartyDraft>)> = Vec::new();
        for area in &self.areas {
            for task in &area.tasks {
                let lead = task
                    .lead_text
                    .iter()
                    .flat_map(|s| parse_parties(s))
                    .collect();
                let coord = task
                    .coordinating_text
                    .iter()
                    .flat_map(|s| parse_parties(s))
                    .collect();
                drafts.push((task.line, lead, coord));
            }
        }
        let catalogue = UnitCatalogue::build(drafts.iter().flat_map(|(_, l, c)| l.iter().chain(c)));
        let central_office = self
            .implementation
            .iter()
            .find_map(|para| catalogue.central_office_in(para))
            .or_else(|| catalogue.central_office_by_name());

        let mut externals: Vec<String> = Vec::new();
        let mut areas = Vec::new();
        let mut drafts = drafts.into_iter();
        let mut seen_ids: HashMap<String, usize> = HashMap::new();
        for area in std::mem::take(&mut self.areas) {
            let mut tasks = Vec::new();
            let mut last_letter: Option<usize> = None;
            for task in area.tasks {
                let (line, lead, coord) = drafts.next().expect("one draft per task");
                // ASCII ids: "t3-g", "t1-dd" for đ, "t9" for an area that is one task.
                let base = match task.letter.as_str() {
                    "" => format!("t{}", area.number),
                    "đ" => format!("t{}-dd", area.number),
                    l => format!("t{}-{}", area.number, text::slug(l)),
                };
                let n = seen_ids.entry(base.clone()).or_insert(0);
                *n += 1;
                let id = if *n == 1 { base } else { format!("{base}-{n}") };
                if *n > 1 {
                    self.unplaced.push(Unplaced {
                        line,
                        text: format!("{}) {}", task.letter, task.title),
                        reason: format!("mục {} lặp lại; giữ cả hai với mã riêng {id}", task.code),
                        ..Unplaced::default()
                    });
                }
                if let Some(pos) = LETTERS.iter().position(|l| *l == task.letter) {
                    if last_letter.is_some_and(|prev| pos < prev) {
                        self.unplaced.push(Unplaced {
                            line,
                            text: task.code.clone(),
                            reason: "chữ cái của mục không theo thứ tự".into(),
                            ..Unplaced::default()
                        });
                    }
                    last_letter = Some(pos);
                }
                let timeline = task.timeline.join(" ");
                let schedule = match schedule::parse(&timeline, year) {
                    Ok(s) => s,
                    Err(e) => {
                        self.unplaced.push(Unplaced {
                            line,
                            text: timeline.clone(),
                            reason: format!("nhiệm vụ {}: {e}", task.code),
                            ..Unplaced::default()
                        });
                        Schedule::unspecified(&timeline)
                    }
                };
                if task.lead_text.is_empty() {
                    self.unplaced.push(Unplaced {
                        line,
                        text: task.code.clone(),
                        reason: format!("nhiệm vụ {} không ghi đơn vị chủ trì", task.code),
                        ..Unplaced::default()
                    });
                }
                if timeline.is_empty() {
                    self.unplaced.push(Unplaced {
                        line,
                        text: task.code.clone(),
                        reason: format!("nhiệm vụ {} không ghi thời gian thực hiện", task.code),
                        ..Unplaced::default()
                    });
                }
                let mut resolve = |parties: Vec<PartyDraft>| -> Vec<Assignee> {
                    parties
                        .into_iter()
                        .map(|d| {
                            let a = catalogue.assignee(d);
                            if a.kind == AssigneeKind::External
                                && !externals.iter().any(|e| text::key(e) == text::key(&a.text))
                            {
                                externals.push(a.text.clone());
                            }
                            a
                        })
                        .collect()
                };
                tasks.push(Task {
                    id,
                    code: task.code,
                    title: task.title,
                    description: task.description,
                    lead: resolve(lead),
                    coordinating: resolve(coord),
                    products: task.products,
                    schedule,
                    retired_on: None,
                });
            }
            areas.push(Area {
                number: area.number,
                title: area.title,
                tasks,
            });
        }

        let agency = Agency {
            id: agency_id.clone(),
            name: issuer.clone(),
            kind: agency_kind(&issuer),
            central_office,
            units: catalogue.units(),
            external_parties: externals,
            changes: Vec::new(),
        };
        let org = Org {
            id: text::slug(&parent),
            name: parent,
            agencies: vec![agency],
            unreadable: Vec::new(),
        };
        let plan_id = format!(
            "kh-cchc-{}-{}",
            year.map_or_else(|| "x".to_string(), |y| y.to_string()),
            agency_id
        );
        if let (Some(y), true) = (year, self.periods.is_empty()) {
            let (day, said) = match self.quarter_day {
                Some(d) => (
                    d,
                    "theo quy định báo cáo trong phần tổ chức thực hiện".to_string(),
                ),
                None => (
                    self.default_report_day,
                    format!(
                        "kế hoạch không ghi kỳ báo cáo; dùng kỳ mặc định (ngày {} của tháng cuối mỗi quý)",
                        self.default_report_day
                    ),
                ),
            };
            for (kind, month) in [
                (PeriodKind::Q1, 3),
                (PeriodKind::H1, 6),
                (PeriodKind::Q3, 9),
                (PeriodKind::Year, 12),
            ] {
                self.periods.push(ReportingPeriod {
                    kind,
                    name: format!("Báo cáo {}", kind.vi().to_lowercase()),
                    deadline: Date::from_dmy(day, month, y)?,
                });
            }
            if self.quarter_day.is_none() {
                self.unplaced.push(Unplaced {
                    text: "kỳ báo cáo".into(),
                    reason: said,
                    ..Unplaced::default()
                });
            }
        }
        self.periods.sort_by_key(|p| p.kind);
        let plan = Plan {
            id: plan_id,
            number: self.number,
            date: self.date,
            place: self.place,
            title: self.title,
            year,
            issuer,
            agency_id,
            signer: self.signer,
            legal_bases: self.legal_bases,
            purposes: self.purposes,
            requirements: self.requirements,
            areas,
            reporting_periods: self.periods,
            implementation: self.implementation,
            recipients: self.recipients,
            links: Vec::new(),
            previous: None,
            revisions: Vec::new(),
            unreadable: Vec::new(),
        };
        Ok(Imported {
            plan,
            org,
            unplaced: self.unplaced,
            choices: Default::default(),
        })
    }
}

pub(super) fn year_of(title: &str) -> Option<i32> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let re = YEAR.get_or_init(|| Regex::new(r"năm ([0-9]{4})").unwrap());
    re.captures_iter(title)
        .last()
        .and_then(|c| c[1].parse().ok())
}

pub(super) fn issuer_from_title(title: &str) -> Option<String> {
    patterns()
        .title_issuer
        .captures(title)
        .map(|c| c[1].trim().to_string())
}

pub(super) fn agency_kind(issuer: &str) -> AgencyKind {
    let k = text::key(issuer);
    if k.starts_with("sở ") {
        AgencyKind::Department
    } else if k.contains("huyện") || k.contains("thị xã") || k.contains("thành phố") {
        AgencyKind::District
    } else if k.contains(" xã") || k.contains("phường") || k.contains("thị trấn") {
        AgencyKind::Commune
    } else {
        AgencyKind::Other
    }
}
