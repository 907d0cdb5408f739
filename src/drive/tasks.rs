//! Server workflow tasks (files-and-transfers.md §8): finding them, describing them, their
//! live progress and how often to poll.
//!
//! Polling is adaptive: about once a second while a task is processing (the only time
//! `GET /workflow/progress/:id` says anything), every few seconds while tasks only wait, and
//! not at all once nothing runs.

use crate::api::models::{
    DownloadStatus, FileSelection, Task, TaskCategory, TaskProgress, TaskProgressMap, TaskStatus,
};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client};
use crate::cli::output::human_size;
use std::time::Duration;

/// Poll delay while something is processing.
pub const FAST_POLL: Duration = Duration::from_secs(1);
/// Poll delay while tasks are queued.
pub const WAITING_POLL: Duration = Duration::from_secs(2);
/// Longest delay between polls while anything is unfinished.
pub const MAX_POLL: Duration = Duration::from_secs(5);
/// Pages of the general list searched for one task (it is newest first, so a task just
/// created is on the first page).
const MAX_SEARCH_PAGES: usize = 50;

/// Every list `GET /workflow` has, in the order a task panel shows them.
pub const ALL_CATEGORIES: [TaskCategory; 3] = [
    TaskCategory::General,
    TaskCategory::Downloading,
    TaskCategory::Downloaded,
];

/// Which lists a task can be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFamily {
    /// Archive, extract, import, relocate: the `general` list.
    General,
    /// Remote downloads: `downloading` while unfinished, `downloaded` after.
    RemoteDownload,
}

impl TaskFamily {
    pub fn of(kind: &str) -> TaskFamily {
        if kind == "remote_download" {
            TaskFamily::RemoteDownload
        } else {
            TaskFamily::General
        }
    }

    pub fn categories(self) -> &'static [TaskCategory] {
        match self {
            TaskFamily::General => &[TaskCategory::General],
            TaskFamily::RemoteDownload => &[TaskCategory::Downloading, TaskCategory::Downloaded],
        }
    }
}

/// Queued, processing or suspending (waiting between phases or before a retry).
pub fn is_active(task: &Task) -> bool {
    !task.status.is_finished()
}

/// The server's word for a status.
pub fn status_word(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Queued => "queued",
        TaskStatus::Processing => "processing",
        TaskStatus::Suspending => "suspending",
        TaskStatus::Completed => "completed",
        TaskStatus::Error => "error",
        TaskStatus::Canceled => "canceled",
        TaskStatus::Unknown => "unknown",
    }
}

/// How long to wait before looking at `tasks` again; `None` when nothing runs.
/// `now` is Unix seconds (for `resume_time`).
pub fn poll_delay(tasks: &[Task], now: i64) -> Option<Duration> {
    let active: Vec<&Task> = tasks.iter().filter(|t| is_active(t)).collect();
    if active.is_empty() {
        return None;
    }
    if active.iter().any(|t| t.status == TaskStatus::Processing) {
        return Some(FAST_POLL);
    }
    let delay = active
        .iter()
        .map(|t| match t.status {
            // A suspended task continues at `resume_time`: look again just then.
            TaskStatus::Suspending if t.resume_time > 0 => {
                let wait = u64::try_from(t.resume_time.saturating_sub(now)).unwrap_or(0);
                Duration::from_secs(wait).clamp(FAST_POLL, MAX_POLL)
            }
            _ => WAITING_POLL,
        })
        .min()
        .unwrap_or(WAITING_POLL);
    Some(delay)
}

/// The display path of a task's URI, or the text as it is when it is not a URI.
fn place(uri: &str) -> String {
    CrUri::parse(uri)
        .map(|u| u.display_path())
        .unwrap_or_else(|_| uri.to_string())
}

/// What a task works on: `a.txt, b → /out.zip`. Not sanitized: print it through a sanitizer.
pub fn describe(task: &Task) -> String {
    let Some(summary) = &task.summary else {
        return String::new();
    };
    let props = &summary.props;
    let sources: Vec<String> = if !props.src_multiple.is_empty() {
        props.src_multiple.iter().map(|s| place(s)).collect()
    } else if let Some(url) = props.src_str.as_deref().filter(|s| !s.is_empty()) {
        vec![url.to_string()]
    } else {
        props.src.iter().map(|s| place(s)).collect()
    };
    match &props.dst {
        Some(dst) => format!("{} → {}", sources.join(", "), place(dst)),
        None => sources.join(", "),
    }
}

/// Where a finished task put its result (for "go to result"): the archive for an archive
/// task, the destination folder otherwise.
pub fn result_uri(task: &Task) -> Option<&str> {
    task.summary.as_ref()?.props.dst.as_deref()
}

/// Progress counters whose values are bytes (the others count files).
fn is_bytes(identifier: &str) -> bool {
    identifier.ends_with("_size")
        || identifier == "upload"
        || identifier == "download"
        || identifier.starts_with("upload_single")
        || identifier == "relocate"
}

fn counter_text(name: &str, p: &TaskProgress) -> String {
    let amount = |n: i64| {
        let n = u64::try_from(n).unwrap_or(0);
        if is_bytes(name) {
            human_size(n)
        } else {
            n.to_string()
        }
    };
    let label = name.replace('_', " ");
    if p.total > 0 {
        let pct = (p.current as f64 * 100.0 / p.total as f64).clamp(0.0, 100.0);
        format!(
            "{label} {}/{} ({pct:.0}%)",
            amount(p.current),
            amount(p.total)
        )
    } else {
        // `total` is 0 when unknown (§8.3): show the amount alone, an indeterminate bar.
        format!("{label} {}", amount(p.current))
    }
}

/// `archive size 120.0 MiB · archive count 2`; empty when the map is.
pub fn progress_text(progress: &TaskProgressMap) -> String {
    progress
        .iter()
        .map(|(name, p)| counter_text(name, p))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The fraction done (0–1) of the first counter with a known total, for a progress bar.
pub fn progress_fraction(progress: &TaskProgressMap) -> Option<f64> {
    progress
        .values()
        .find(|p| p.total > 0)
        .map(|p| (p.current as f64 / p.total as f64).clamp(0.0, 1.0))
}

/// A remote download's own report: `name 1.2 MiB/3.0 MiB (40%) at 1.0 MiB/s`.
pub fn download_text(d: &DownloadStatus) -> String {
    let mut text = d.name.clone();
    if d.total > 0 {
        let pct = d.downloaded as f64 * 100.0 / d.total as f64;
        text.push_str(&format!(
            " {}/{} ({pct:.0}%)",
            human_size(d.downloaded),
            human_size(d.total)
        ));
    }
    if d.download_speed > 0 {
        text.push_str(&format!(" at {}/s", human_size(d.download_speed)));
    }
    text.trim().to_string()
}

/// The body of `PATCH /workflow/download/:id`: `wanted` files on, every other known file off.
/// An index the task does not have is refused (when the task lists its files).
pub fn file_selection(known: &[i64], wanted: &[i64]) -> Result<Vec<FileSelection>, String> {
    if let Some(bad) = wanted
        .iter()
        .find(|i| !known.is_empty() && !known.contains(i))
    {
        return Err(format!(
            "the torrent has no file {bad} (files: {})",
            known
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut all: Vec<i64> = known.to_vec();
    all.extend(wanted.iter().filter(|i| !known.contains(i)));
    all.sort_unstable();
    all.dedup();
    Ok(all
        .into_iter()
        .map(|index| FileSelection {
            index,
            download: wanted.contains(&index),
        })
        .collect())
}

/// Every task of one list, following the pages.
pub async fn list_all(client: &Client, category: TaskCategory) -> Result<Vec<Task>, ApiError> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_SEARCH_PAGES {
        let page = client.list_tasks(category, 100, token.as_deref()).await?;
        all.extend(page.tasks);
        match page.pagination.next_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(all)
}

/// Finds one task by id in the lists of its family (there is no route for a single task).
pub async fn find_task(
    client: &Client,
    id: &str,
    family: TaskFamily,
) -> Result<Option<Task>, ApiError> {
    for &category in family.categories() {
        let mut token: Option<String> = None;
        for _ in 0..MAX_SEARCH_PAGES {
            let page = client.list_tasks(category, 100, token.as_deref()).await?;
            if let Some(task) = page.tasks.into_iter().find(|t| t.id == id) {
                return Ok(Some(task));
            }
            match page.pagination.next_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok(None)
}

/// Live progress of a task that is processing; empty for any other status (the server
/// answers `{}` then anyway, §8.3).
pub async fn live_progress(client: &Client, task: &Task) -> Result<TaskProgressMap, ApiError> {
    if task.status == TaskStatus::Processing {
        client.task_progress(&task.id).await
    } else {
        Ok(TaskProgressMap::new())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("task {0} is not in the task lists any more")]
    Vanished(String),
}

/// Follows one task until it ends, calling `on_update` after every look (with the live
/// progress while it processes). Returns the finished task, whatever its status.
pub async fn wait_for(
    client: &Client,
    id: &str,
    family: TaskFamily,
    mut on_update: impl FnMut(&Task, &TaskProgressMap),
) -> Result<Task, WaitError> {
    loop {
        let task = find_task(client, id, family)
            .await?
            .ok_or_else(|| WaitError::Vanished(id.to_string()))?;
        let progress = live_progress(client, &task).await?;
        on_update(&task, &progress);
        let Some(delay) = poll_delay(std::slice::from_ref(&task), chrono::Utc::now().timestamp())
        else {
            return Ok(task);
        };
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::{TaskProps, TaskSummary};

    fn task(status: TaskStatus, resume_time: i64) -> Task {
        Task {
            id: "t1".into(),
            created_at: chrono::Utc::now().into(),
            updated_at: chrono::Utc::now().into(),
            status,
            kind: "create_archive".into(),
            node: None,
            summary: None,
            error: None,
            error_history: Vec::new(),
            retry_count: 0,
            duration: 0,
            resume_time,
        }
    }

    #[test]
    fn polling_adapts_to_what_runs() {
        let now = 1_000;
        assert_eq!(poll_delay(&[], now), None);
        assert_eq!(
            poll_delay(
                &[
                    task(TaskStatus::Completed, 0),
                    task(TaskStatus::Error, 0),
                    task(TaskStatus::Canceled, 0)
                ],
                now
            ),
            None,
            "nothing runs: no polling"
        );
        assert_eq!(
            poll_delay(
                &[task(TaskStatus::Queued, 0), task(TaskStatus::Processing, 0)],
                now
            ),
            Some(FAST_POLL)
        );
        assert_eq!(
            poll_delay(&[task(TaskStatus::Queued, 0)], now),
            Some(WAITING_POLL)
        );
        // Suspended: look again when it resumes, within [FAST, MAX].
        assert_eq!(
            poll_delay(&[task(TaskStatus::Suspending, now + 3)], now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            poll_delay(&[task(TaskStatus::Suspending, now + 60)], now),
            Some(MAX_POLL)
        );
        assert_eq!(
            poll_delay(&[task(TaskStatus::Suspending, now - 5)], now),
            Some(FAST_POLL)
        );
        assert_eq!(
            poll_delay(&[task(TaskStatus::Unknown, 0)], now),
            Some(WAITING_POLL),
            "an unknown status is not assumed finished"
        );
    }

    #[test]
    fn progress_is_described_with_units() {
        let mut map = TaskProgressMap::new();
        assert_eq!(progress_text(&map), "");
        map.insert(
            "archive_size".into(),
            TaskProgress {
                total: 0,
                current: 125_829_120,
                identifier: String::new(),
            },
        );
        map.insert(
            "archive_count".into(),
            TaskProgress {
                total: 0,
                current: 2,
                identifier: String::new(),
            },
        );
        assert_eq!(
            progress_text(&map),
            "archive count 2 · archive size 120.0 MiB"
        );
        assert_eq!(progress_fraction(&map), None);
        map.insert(
            "upload".into(),
            TaskProgress {
                total: 4096,
                current: 1024,
                identifier: String::new(),
            },
        );
        assert!(progress_text(&map).ends_with("upload 1.0 KiB/4.0 KiB (25%)"));
        assert_eq!(progress_fraction(&map), Some(0.25));
    }

    #[test]
    fn tasks_are_described_by_paths() {
        let mut t = task(TaskStatus::Completed, 0);
        assert_eq!(describe(&t), "");
        t.summary = Some(TaskSummary {
            phase: Some("upload_archive".into()),
            props: TaskProps {
                src_multiple: vec![
                    "cloudreve://my/wf/big.bin".into(),
                    "cloudreve://my/wf/a%20b.txt".into(),
                ],
                dst: Some("cloudreve://my/wf/out.zip".into()),
                ..Default::default()
            },
        });
        assert_eq!(describe(&t), "/wf/big.bin, /wf/a b.txt → /wf/out.zip");
        assert_eq!(result_uri(&t), Some("cloudreve://my/wf/out.zip"));
        t.kind = "remote_download".into();
        t.summary = Some(TaskSummary {
            phase: None,
            props: TaskProps {
                src_str: Some("https://example.com/f.iso".into()),
                dst: Some("cloudreve://my".into()),
                ..Default::default()
            },
        });
        assert_eq!(describe(&t), "https://example.com/f.iso → /");
        assert_eq!(TaskFamily::of(&t.kind), TaskFamily::RemoteDownload);
        assert_eq!(TaskFamily::of("extract_archive"), TaskFamily::General);
    }

    #[test]
    fn torrent_file_selection() {
        let sel = file_selection(&[0, 1, 2], &[2, 0]).unwrap();
        let on: Vec<(i64, bool)> = sel.iter().map(|s| (s.index, s.download)).collect();
        assert_eq!(on, [(0, true), (1, false), (2, true)]);
        assert!(
            file_selection(&[0, 1], &[5])
                .unwrap_err()
                .contains("no file 5")
        );
        // Files not reported yet: send what was asked for.
        let sel = file_selection(&[], &[3]).unwrap();
        assert_eq!((sel[0].index, sel[0].download), (3, true));
    }

    #[test]
    fn download_reports() {
        let d = DownloadStatus {
            name: "f.iso".into(),
            total: 2048,
            downloaded: 1024,
            download_speed: 512,
            ..Default::default()
        };
        assert_eq!(download_text(&d), "f.iso 1.0 KiB/2.0 KiB (50%) at 512 B/s");
        assert_eq!(download_text(&DownloadStatus::default()), "");
    }
}
