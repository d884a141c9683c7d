//! Areas and tasks written as paragraphs: `1.` areas; `a)`, `1.1`, `1.2.1`, `(1)` and "-"
//! bullet tasks; their labelled lines, "Mục tiêu" blocks and grouping parents.

use super::*;

impl Builder {
    pub(super) fn feed_tasks(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();

        // "1.2.1." under "1.2." under area 1: a sub-task; its parent only groups.
        if let Some(c) = p.nested_task.captures(t) {
            let (area, mid, n) = (c[1].to_string(), c[2].to_string(), c[3].to_string());
            if self
                .areas
                .last()
                .is_some_and(|a| a.number.to_string() == area)
            {
                self.in_goals = false;
                let parent = format!("{area}.{mid}");
                let heading = self.group_parent(&parent);
                self.start_task(
                    para,
                    format!("{parent}.{n}"),
                    format!("{mid}.{n}"),
                    c[4].to_string(),
                );
                if let (Some(h), Some(task)) = (heading, self.current_task()) {
                    task.description.insert(0, h);
                }
                return Ok(());
            }
        }
        if let Some(c) = p.dotted_task.captures(t) {
            let (area, n) = (c[1].to_string(), c[2].to_string());
            if self
                .areas
                .last()
                .is_some_and(|a| a.number.to_string() == area)
            {
                self.in_goals = false;
                self.start_task(para, format!("{area}.{n}"), n, c[3].to_string());
                return Ok(());
            }
        }
        if let Some(c) = p.area.captures(t)
            && attributes(t).is_none()
        {
            let number: u32 = c[1].parse().unwrap_or(0);
            self.in_goals = false;
            self.areas.push(AreaDraft {
                number,
                title: c[2].trim_end_matches([':', '.']).to_string(),
                ..AreaDraft::default()
            });
            return Ok(());
        }
        let Some(area) = self.areas.last() else {
            self.unplaced(para, "trước lĩnh vực đầu tiên");
            return Ok(());
        };
        let area_no = area.number;
        let explicit = area.tasks.iter().any(|t| !t.implicit && !t.bullet);
        if let Some(c) = p.letter_task.captures(t) {
            self.in_goals = false;
            let letter = c[1].to_string();
            self.start_task(
                para,
                format!("{area_no}.{letter}"),
                letter,
                c[2].to_string(),
            );
            return Ok(());
        }
        if let Some(c) = p.paren_task.captures(t) {
            self.in_goals = false;
            let n = c[1].to_string();
            self.start_task(para, format!("{area_no}.{n}"), n, c[2].to_string());
            return Ok(());
        }
        // "Mục tiêu: …" and its bullets describe the area's aims, not tasks.
        let stripped = text::key(strip_bullet(t));
        if stripped.starts_with("mục tiêu") {
            self.in_goals = true;
            self.unplaced(para, "mục tiêu của lĩnh vực, không phải nhiệm vụ");
            return Ok(());
        }
        if let Some(attrs) = attributes(t) {
            if self.current_task().is_none() {
                self.unplaced(para, "dòng thuộc tính không thuộc nhiệm vụ nào");
                return Ok(());
            }
            self.in_goals = false;
            let task = self.current_task().expect("checked");
            for (attr, value) in attrs {
                task.last_attr = Some(attr);
                push_attr(task, attr, &value);
            }
            return Ok(());
        }
        let is_sub_item = t.starts_with('+') || strip_bullet_dash(t).starts_with('+');
        let is_dash = t.starts_with(['-', '•', '–']) && !is_sub_item;
        if is_dash && self.in_goals {
            self.unplaced(para, "mục tiêu của lĩnh vực, không phải nhiệm vụ");
            return Ok(());
        }
        // An area whose tasks are "-" bullets (labels on the lines after each).
        if is_dash
            && !explicit
            && self
                .current_task()
                .is_none_or(|task| task.bullet || task.last_attr.is_some() || task.implicit)
        {
            let n = self
                .areas
                .last()
                .map_or(0, |a| a.tasks.iter().filter(|t| t.bullet).count())
                + 1;
            self.start_task(
                para,
                format!("{area_no}.{n}"),
                n.to_string(),
                strip_bullet(t).to_string(),
            );
            if let Some(task) = self.current_task() {
                task.bullet = true;
            }
            return Ok(());
        }
        match self.current_task() {
            Some(task) if is_sub_item && task.last_attr.is_some() => {
                let attr = task.last_attr.expect("checked");
                let item = strip_bullet(t).trim_end_matches(['.', ';']).to_string();
                match attr {
                    Attr::Products => task.products.push(item),
                    Attr::Lead => task.lead_text.push(item),
                    Attr::Coordinating => task.coordinating_text.push(item),
                    Attr::Timeline => task.timeline.push(strip_bullet(t).to_string()),
                }
            }
            Some(task) if task.last_attr.is_none() => {
                task.description.push(strip_bullet(t).to_string());
            }
            Some(_) => self.unplaced(para, "đoạn văn sau các dòng thuộc tính của nhiệm vụ"),
            None => {
                // An area with no lettered tasks is itself one task (seed area 9).
                let code = area_no.to_string();
                self.start_task(para, code, String::new(), t.to_string());
                if let Some(task) = self.current_task() {
                    task.implicit = true;
                }
            }
        }
        Ok(())
    }

    /// The task `code` of the current area, when it only groups sub-tasks: it becomes their
    /// heading (its title is returned, for the sub-tasks' description) instead of a task.
    pub(super) fn group_parent(&mut self, code: &str) -> Option<String> {
        let area = self.areas.last_mut()?;
        let pos = area.tasks.iter().position(|t| t.code == code)?;
        let parent = &area.tasks[pos];
        if parent.last_attr.is_some() {
            return Some(parent.title.clone());
        }
        let parent = area.tasks.remove(pos);
        let title = parent.title.clone();
        area.headings.push((parent.code, title.clone()));
        Some(title)
    }

    pub(super) fn start_task(&mut self, para: &Para, code: String, letter: String, title: String) {
        let area = self.areas.last_mut().expect("a task starts inside an area");
        // An implicit task with no attributes was only the area's introduction.
        if let Some(prev) = area.tasks.last()
            && prev.implicit
            && prev.last_attr.is_none()
        {
            let intro = area.tasks.pop().expect("checked");
            self.unplaced.push(Unplaced {
                line: intro.line,
                text: intro.title,
                reason: "đoạn mở đầu của lĩnh vực, không phải nhiệm vụ".to_string(),
                ..Unplaced::default()
            });
        }
        let area = self.areas.last_mut().expect("a task starts inside an area");
        let (title, attrs) = match trailing_attributes(&title) {
            Some((t, attrs)) => (t, attrs),
            None => (title, Vec::new()),
        };
        let mut task = TaskDraft {
            line: para.line,
            code,
            letter,
            title: title.trim().trim_end_matches(':').trim().to_string(),
            ..TaskDraft::default()
        };
        for (attr, value) in attrs {
            task.last_attr = Some(attr);
            push_attr(&mut task, attr, &value);
        }
        area.tasks.push(task);
    }
}
