//! The transfers tab: per job a line with direction, name and state, a line with the
//! progress bar, bytes, speed and time left (or why it failed), then the files in flight and
//! the ones that failed. Finished files of a big job are only counted, so a job of 1,000
//! files costs a handful of lines.

use super::super::{text, theme};
use crate::app::state::State;
use crate::app::transfers::{FileState, JobState, TransferJob};
use crate::transfer::Direction;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use std::time::{Duration, Instant};

/// Files in flight listed under a job (more are counted).
const RUNNING_LISTED: usize = 3;
/// Failed files listed under a job (more are counted).
const FAILED_LISTED: usize = 3;

pub fn draw(frame: &mut Frame, body: Rect, state: &State, focused: bool) {
    let t = &state.transfers;
    if t.jobs.is_empty() {
        super::empty_note(
            frame,
            body,
            "No transfers. Copy (F5) or move (F6) between the local disk and the drive.",
        );
        return;
    }
    let width = body.width as usize;
    let now = t.now;
    let cursor = t.cursor.min(t.jobs.len() - 1);
    // Keep the cursor's job in view: from the top when it fits, else ending at the cursor.
    let heights: Vec<usize> = t.jobs[..=cursor]
        .iter()
        .map(|j| job_lines(j, width, now).len())
        .collect();
    let mut start = 0;
    let mut used: usize = heights.iter().sum();
    while used > body.height as usize && start < cursor {
        used -= heights[start];
        start += 1;
    }
    let mut y = body.y;
    let bottom = body.y + body.height;
    for (n, job) in t.jobs.iter().enumerate().skip(start) {
        if y >= bottom {
            break;
        }
        let selected = n == cursor;
        for (line, style) in job_lines(job, width, now) {
            if y >= bottom {
                break;
            }
            let style = if selected {
                style.patch(theme::cursor(focused))
            } else {
                style
            };
            let padded = text::pad(&text::fit(&line, width), width);
            text::put(frame.buffer_mut(), body.x, y, &padded, width, style);
            y += 1;
        }
    }
}

fn arrow(direction: Direction) -> &'static str {
    match direction {
        Direction::Upload => "↑",
        Direction::Download => "↓",
    }
}

/// The lines of one job with their styles; text is sanitized here.
fn job_lines(job: &TransferJob, width: usize, now: Option<Instant>) -> Vec<(String, Style)> {
    let (label, label_style) = state_label(job);
    let name = text::safe(&job.title);
    let room = width.saturating_sub(text::width(&label) + 3);
    let head = format!("{} {}", arrow(job.direction), text::fit(&name, room));
    let gap = width.saturating_sub(text::width(&head) + text::width(&label));
    let mut lines = vec![(
        format!("{head}{}{label}", " ".repeat(gap.max(1))),
        label_style,
    )];
    lines.push((progress_line(job, width, now), Style::new()));
    // A job of one file is its own file line.
    let several = job.files_total > 1 || job.files.len() > 1;
    let running: Vec<_> = job.files_running().filter(|_| several).collect();
    for f in running.iter().take(RUNNING_LISTED) {
        let pct = f
            .progress
            .percent()
            .map(|p| format!("{p:>3.0}%"))
            .unwrap_or_default();
        let room = width.saturating_sub(pct.len() + 5);
        let name = text::fit(&text::safe(&f.name), room).into_owned();
        lines.push((format!("  · {name} {pct}"), theme::dim()));
    }
    if running.len() > RUNNING_LISTED {
        lines.push((
            format!("  · and {} more running", running.len() - RUNNING_LISTED),
            theme::dim(),
        ));
    }
    let failed: Vec<_> = job.files_failed().collect();
    for f in failed.iter().take(FAILED_LISTED) {
        let why = match &f.state {
            FileState::Failed(why) => why.as_str(),
            _ => "",
        };
        lines.push((
            format!("  ✗ {}: {}", text::safe(&f.name), text::safe(why)),
            theme::error(),
        ));
    }
    if failed.len() > FAILED_LISTED {
        lines.push((
            format!("  ✗ and {} more failed", failed.len() - FAILED_LISTED),
            theme::error(),
        ));
    }
    lines
}

fn state_label(job: &TransferJob) -> (String, Style) {
    let skipped = job
        .files
        .iter()
        .filter(|f| matches!(f.state, FileState::Skipped(_)))
        .count();
    match &job.state {
        JobState::Queued => ("queued".into(), theme::dim()),
        JobState::Running if job.files_total > 1 => (
            format!(
                "{}/{} files",
                text::count(job.files_finished()),
                text::count(job.files_total)
            ),
            theme::notice(),
        ),
        JobState::Running => ("running".into(), theme::notice()),
        JobState::Pausing => ("pausing…".into(), theme::dim()),
        JobState::Paused => ("paused".into(), theme::notice()),
        JobState::Cancelling => ("cancelling…".into(), theme::dim()),
        JobState::Cancelled => ("cancelled".into(), theme::dim()),
        JobState::Done if skipped > 0 && skipped == job.files.len() => {
            ("skipped".into(), theme::dim())
        }
        JobState::Done if skipped > 0 => (format!("done, {skipped} skipped"), theme::dim()),
        JobState::Done => ("done".into(), theme::dim()),
        JobState::Failed(_) => ("failed".into(), theme::error()),
    }
}

/// `  ██████░░░░  34%  1.2/12 MiB  3.4 MiB/s  0:12`, cut to the width (the least
/// important figures go first); narrow panels get a shorter bar and single spaces.
fn progress_line(job: &TransferJob, width: usize, now: Option<Instant>) -> String {
    if let JobState::Failed(why) = &job.state {
        return format!("  {}", text::safe(why));
    }
    let pct = job.percent();
    let (bar_w, sep) = match width {
        60.. => (16, "  "),
        50..60 => (8, "  "),
        _ => (5, " "),
    };
    let mut parts: Vec<String> = Vec::new();
    parts.push(bar(pct.unwrap_or(0.0), bar_w));
    parts.push(match pct {
        Some(p) => format!("{p:>3.0}%"),
        None => "  …".into(),
    });
    let mut optional = Vec::new();
    if job.bytes_total > 0 {
        optional.push(size_pair(
            job.progress.done.min(job.bytes_total),
            job.bytes_total,
        ));
    }
    if matches!(job.state, JobState::Running)
        && let Some(now) = now
    {
        let speed = job.progress.speed(now);
        if speed > 0.0 {
            optional.push(format!("{}/s", text::size(speed as u64)));
        }
        if let Some(eta) = job.progress.eta(now) {
            optional.push(clock(eta));
        }
    }
    let mut line = format!("  {}", parts.join(" "));
    for part in optional {
        if text::width(&line) + sep.len() + text::width(&part) > width {
            break;
        }
        line.push_str(sep);
        line.push_str(&part);
    }
    line
}

/// `1.2/12 MiB` when both have the same unit, else `512 KiB/1.2 GiB`.
fn size_pair(done: u64, total: u64) -> String {
    let (d, t) = (text::size(done), text::size(total));
    match (d.rsplit_once(' '), t.rsplit_once(' ')) {
        (Some((dn, du)), Some((tn, tu))) if du == tu => format!("{dn}/{tn} {tu}"),
        _ => format!("{d}/{t}"),
    }
}

fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent.clamp(0.0, 100.0) / 100.0) * width as f64).round() as usize;
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

/// `0:12`, `12:05`, `1:02:03`.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}
