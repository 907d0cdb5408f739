//! The transfer popups: a name conflict, quitting while transfers run, and the offer to
//! resume what an earlier run left. Each choice is on its own line with its key from the
//! live keymap, so narrow screens show them all.

use super::dialogs::{hints, popup, popup_width};
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::state::State;
use crate::app::transfers::{Interrupted, PendingQuestion, TransferPrompt};
use crate::transfer::Direction;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Interrupted jobs listed by name before "and N more".
const LISTED: usize = 4;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, prompt: &TransferPrompt) {
    match prompt {
        TransferPrompt::Conflict {
            pending,
            apply_to_all,
        } => conflict(frame, area, state, pending, *apply_to_all),
        TransferPrompt::Quit { running } => quit(frame, area, state, *running),
        TransferPrompt::ResumeOffer { jobs } => resume_offer(frame, area, state, jobs),
    }
}

fn conflict(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    pending: &PendingQuestion,
    apply_to_all: bool,
) {
    let c = &pending.conflict;
    let (title, what, overwrite, rename) = match c.direction {
        Direction::Upload => (
            "Upload: the name is taken",
            "exists in the drive folder.",
            "Overwrite (new version)",
            "Rename the new file",
        ),
        Direction::Download => (
            "Download: the file exists",
            "exists on the local disk.",
            "Overwrite",
            "Keep both",
        ),
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("“{}”", text::safe(&c.name)),
            theme::selected(),
        )),
        Line::raw(what),
        Line::raw(""),
    ];
    for (action, label) in [
        (Action::ConflictOverwrite, overwrite),
        (Action::ConflictRename, rename),
        (Action::ConflictSkip, "Skip"),
    ] {
        lines.push(hints(state, Context::Conflict, &[(action, label)]));
    }
    let mark = if apply_to_all { "[x]" } else { "[ ]" };
    lines.push(hints(
        state,
        Context::Conflict,
        &[(
            Action::ApplyToAll,
            &format!("{mark} Apply to all conflicts of this transfer"),
        )],
    ));
    show(frame, area, title, lines);
}

fn quit(frame: &mut Frame, area: Rect, state: &State, running: usize) {
    let what = if running == 1 {
        "1 transfer is running.".to_string()
    } else {
        format!("{running} transfers are running.")
    };
    let mut lines = vec![
        Line::raw(what),
        Line::raw("Paused transfers are offered for resuming next time."),
        Line::raw(""),
    ];
    for (action, label) in [
        (Action::QuitPausing, "Pause them and quit"),
        (Action::QuitCancelling, "Cancel them and quit"),
        (Action::Dismiss, "Stay"),
    ] {
        lines.push(hints(state, Context::QuitPrompt, &[(action, label)]));
    }
    show(frame, area, "Quit reve?", lines);
}

fn resume_offer(frame: &mut Frame, area: Rect, state: &State, jobs: &[Interrupted]) {
    let mut lines = vec![Line::raw(if jobs.len() == 1 {
        "A transfer of an earlier session did not finish:".to_string()
    } else {
        format!(
            "{} transfers of an earlier session did not finish:",
            jobs.len()
        )
    })];
    for job in jobs.iter().take(LISTED) {
        let arrow = match job.direction {
            Direction::Upload => "↑",
            Direction::Download => "↓",
        };
        let left = if job.files > 1 {
            format!("{} of {} files left", job.files_left, job.files)
        } else {
            format!(
                "{} of {}",
                text::size(job.bytes_done),
                text::size(job.bytes)
            )
        };
        lines.push(Line::raw(format!(
            "  {arrow} {} ({left})",
            text::safe(&job.name)
        )));
    }
    if jobs.len() > LISTED {
        lines.push(Line::raw(format!("  … and {} more", jobs.len() - LISTED)));
    }
    lines.push(Line::raw(""));
    for (action, label) in [
        (Action::ResumeAll, "Resume them"),
        (Action::ResumeLater, "Later (paused in the transfers tab)"),
        (Action::ForgetInterrupted, "Forget them"),
    ] {
        lines.push(hints(state, Context::ResumeOffer, &[(action, label)]));
    }
    show(frame, area, "Interrupted transfers", lines);
}

/// A popup sized to its (wrapped) lines.
fn show(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    let width = popup_width(area);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            let w: usize = l.spans.iter().map(|s| text::width(&s.content)).sum();
            w.div_ceil(inner_w).max(1)
        })
        .sum();
    let inner = popup(
        frame,
        area,
        width,
        rows as u16 + 2,
        title,
        theme::border(true),
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
