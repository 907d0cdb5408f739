//! Reducer tests of transfers and the task panel: messages in, state and commands out.

use crate::api::uri::CrUri;
use crate::app::action::Context;
use crate::app::command::{Command, Op};
use crate::app::entry::Entry;
use crate::app::keymap::KeyChord;
use crate::app::modal::Modal;
use crate::app::msg::WorkerEvent;
use crate::app::panel::PanelTab;
use crate::app::source::Source;
use crate::app::state::{Startup, State};
use crate::app::test_support::{event, page, press, signed_in};
use crate::app::transfers::{
    FileState, Interrupted, JobEnd, JobState, TransferId, TransferPrompt, TransferRequest,
};
use crate::transfer::{Answer, Choice, Conflict, Delta, Direction, Event, Outcome, Phase};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Drive root on the left (focused), `/home/me` on the right.
fn loaded() -> State {
    let mut state = State::new(signed_in());
    state.load_panes();
    page(
        &mut state,
        0,
        vec![Entry::folder("Documents", 0), Entry::file("a.txt", 100, 0)],
    );
    page(
        &mut state,
        1,
        vec![Entry::folder("photos", 0), Entry::file("notes.txt", 300, 0)],
    );
    state
}

fn started(commands: &[Command]) -> Vec<(TransferId, TransferRequest)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::StartTransfer { job, request } => Some((*job, request.clone())),
            _ => None,
        })
        .collect()
}

/// F5 on `notes.txt` in the local pane, confirmed: an upload into the drive root.
fn upload_notes(state: &mut State, keys: &str) -> TransferId {
    press(state, "tab j");
    press(state, keys);
    let commands = press(state, "enter");
    let jobs = started(&commands);
    assert_eq!(jobs.len(), 1, "{commands:?}");
    jobs[0].0
}

fn engine_event(state: &mut State, job: TransferId, at: Instant, e: Event) -> Vec<Command> {
    event(state, WorkerEvent::Transfer { job, at, event: e })
}

fn ended(state: &mut State, job: TransferId, at: Instant, end: JobEnd) -> Vec<Command> {
    event(state, WorkerEvent::TransferEnded { job, at, end })
}

fn planned(job: &str, files: usize, bytes: u64) -> Event {
    Event::Planned {
        job: job.into(),
        direction: Direction::Upload,
        files,
        bytes,
    }
}

fn start_file(id: &str, name: &str, size: u64) -> Event {
    Event::Started {
        id: id.into(),
        direction: Direction::Upload,
        name: name.into(),
        size,
    }
}

fn progress(id: &str, delta: Delta) -> Event {
    Event::Progress {
        id: id.into(),
        delta,
    }
}

fn finished(id: &str, outcome: Outcome) -> Event {
    Event::Finished {
        id: id.into(),
        outcome,
    }
}

#[test]
fn f5_from_the_disk_uploads_the_selection_into_the_drive_pane_folder() {
    let mut state = loaded();
    press(&mut state, "tab j F5");
    let Some(Modal::Confirm(confirm)) = &state.modal else {
        panic!("asks first: {:?}", state.modal);
    };
    assert_eq!(confirm.title, "Upload “notes.txt”?");
    let commands = press(&mut state, "enter");
    assert_eq!(
        started(&commands)[0].1,
        TransferRequest::Upload {
            sources: vec![PathBuf::from("/home/me/notes.txt")],
            dest: CrUri::my_root(),
        }
    );
    let job = &state.transfers.jobs[0];
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.direction, Direction::Upload);
    assert!(job.move_sources.is_none(), "F5 copies");
    assert!(state.wants_tick(), "a queued transfer animates");
}

#[test]
fn f5_from_the_drive_downloads_folders_too() {
    let mut state = loaded();
    // Both items of the drive pane, the folder included.
    press(&mut state, "space space F5");
    let commands = press(&mut state, "enter");
    assert_eq!(
        started(&commands)[0].1,
        TransferRequest::Download {
            sources: vec![
                CrUri::my_root().join("Documents"),
                CrUri::my_root().join("a.txt")
            ],
            dest: PathBuf::from("/home/me"),
        }
    );
    assert_eq!(state.transfers.jobs[0].title, "2 items");
}

#[test]
fn uploads_go_only_into_my_files() {
    let mut state = loaded();
    press(&mut state, "o t"); // the drive pane shows the trash
    page(&mut state, 0, Vec::new());
    let commands = press(&mut state, "tab j F5");
    assert!(state.modal.is_none());
    assert!(started(&commands).is_empty());
    assert!(state.toast.as_ref().unwrap().is_error);
}

#[test]
fn progress_deltas_fold_into_the_job_and_its_files() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    let t0 = Instant::now();
    engine_event(&mut state, id, t0, planned("J1", 2, 400));
    engine_event(&mut state, id, t0, start_file("J1.1", "notes.txt", 300));
    engine_event(&mut state, id, t0, start_file("J1.2", "b.txt", 100));
    engine_event(&mut state, id, t0, progress("J1.2", Delta::Resumed(50)));
    let t1 = t0 + Duration::from_secs(1);
    engine_event(&mut state, id, t1, progress("J1.1", Delta::Advanced(150)));
    let job = &state.transfers.jobs[0];
    assert_eq!(job.engine_job.as_deref(), Some("J1"));
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.progress.done, 200);
    assert_eq!(job.percent(), Some(50.0));
    assert_eq!(job.files[0].progress.done, 150);
    assert_eq!(job.files[0].progress.percent(), Some(50.0));
    // Resumed bytes do not count as speed; 150 bytes in a second do.
    assert!((job.progress.speed(t1) - 150.0).abs() < 1.0);
    engine_event(&mut state, id, t1, progress("J1.1", Delta::Rewound(50)));
    assert_eq!(state.transfers.jobs[0].progress.done, 150);

    let summary = state.transfers.summary().unwrap();
    assert_eq!((summary.uploads, summary.downloads), (1, 0));
    assert_eq!(summary.percent.map(f64::round), Some(38.0));

    engine_event(
        &mut state,
        id,
        t1,
        finished("J1.2", Outcome::Done("x".into())),
    );
    engine_event(
        &mut state,
        id,
        t1,
        finished("J1.1", Outcome::Failed("boom".into())),
    );
    let job = &state.transfers.jobs[0];
    assert_eq!(job.files[1].progress.phase, Phase::Done);
    assert_eq!(job.files[0].state, FileState::Failed("boom".into()));
    assert_eq!(job.files_finished(), 1);
}

#[test]
fn a_finished_job_reloads_the_destination_pane() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    let t = Instant::now();
    engine_event(&mut state, id, t, planned("J1", 1, 300));
    engine_event(&mut state, id, t, start_file("J1.1", "notes.txt", 300));
    engine_event(
        &mut state,
        id,
        t,
        finished("J1.1", Outcome::Done("u".into())),
    );
    let end = JobEnd {
        engine_job: Some("J1".into()),
        done: 1,
        ..JobEnd::default()
    };
    let commands = ended(&mut state, id, t, end);
    assert!(
        commands.iter().any(
            |c| matches!(c, Command::List { source, .. } if *source == Source::Remote(CrUri::my_root()))
        ),
        "{commands:?}"
    );
    assert_eq!(state.transfers.jobs[0].state, JobState::Done);
    assert_eq!(state.transfers.jobs[0].percent(), Some(100.0));
    assert!(!state.transfers.is_active());
    assert!(state.transfers.summary().is_none());
}

fn deletes(commands: &[Command]) -> Vec<Op> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Op {
                op: op @ Op::Delete { .. },
                ..
            } => Some(op.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_move_deletes_the_sources_only_after_every_file_arrived() {
    // Partial success: one file failed. Nothing is deleted.
    let mut state = loaded();
    let id = upload_notes(&mut state, "F6");
    assert!(state.transfers.jobs[0].move_sources.is_some());
    let partial = JobEnd {
        engine_job: Some("J1".into()),
        done: 1,
        failed: 1,
        resumable: true,
        ..JobEnd::default()
    };
    let commands = ended(&mut state, id, Instant::now(), partial);
    assert!(deletes(&commands).is_empty(), "{commands:?}");
    assert!(matches!(state.transfers.jobs[0].state, JobState::Failed(_)));

    // A skipped file (conflict answered "skip") keeps the originals too.
    let mut state = loaded();
    let id = upload_notes(&mut state, "F6");
    let skipped = JobEnd {
        engine_job: Some("J1".into()),
        done: 1,
        skipped: 1,
        ..JobEnd::default()
    };
    assert!(deletes(&ended(&mut state, id, Instant::now(), skipped)).is_empty());

    // Paused: not finished, nothing deleted.
    let mut state = loaded();
    let id = upload_notes(&mut state, "F6");
    let paused = JobEnd {
        engine_job: Some("J1".into()),
        paused: 1,
        resumable: true,
        ..JobEnd::default()
    };
    assert!(deletes(&ended(&mut state, id, Instant::now(), paused)).is_empty());
    assert_eq!(state.transfers.jobs[0].state, JobState::Paused);

    // Everything arrived: the local original is deleted (the disk has no trash).
    let mut state = loaded();
    let id = upload_notes(&mut state, "F6");
    let full = JobEnd {
        engine_job: Some("J1".into()),
        done: 1,
        ..JobEnd::default()
    };
    assert_eq!(
        deletes(&ended(&mut state, id, Instant::now(), full)),
        [Op::Delete {
            targets: vec![Source::Local(PathBuf::from("/home/me/notes.txt"))],
            permanent: true,
        }]
    );
}

#[test]
fn a_download_move_sends_the_drive_originals_to_the_trash() {
    let mut state = loaded();
    press(&mut state, "j x tab p");
    let commands = press(&mut state, "enter");
    let (id, request) = started(&commands).remove(0);
    assert!(matches!(request, TransferRequest::Download { .. }));
    assert!(state.register.is_none(), "a cut is pasted once");
    let full = JobEnd {
        engine_job: Some("J9".into()),
        done: 1,
        ..JobEnd::default()
    };
    assert_eq!(
        deletes(&ended(&mut state, id, Instant::now(), full)),
        [Op::Delete {
            targets: vec![Source::Remote(CrUri::my_root().join("a.txt"))],
            permanent: false,
        }]
    );
}

fn conflict(name: &str) -> Conflict {
    Conflict {
        direction: Direction::Upload,
        name: name.into(),
        target: format!("cloudreve://my/{name}"),
        local_path: None,
    }
}

#[test]
fn a_conflict_is_asked_in_a_modal_and_answered_as_a_command() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    event(
        &mut state,
        WorkerEvent::TransferConflict {
            job: id,
            question: 7,
            conflict: conflict("notes.txt"),
        },
    );
    assert!(matches!(
        state.modal,
        Some(Modal::Transfer(TransferPrompt::Conflict { .. }))
    ));
    assert_eq!(super::current_context(&state), Context::Conflict);
    let commands = press(&mut state, "r");
    assert_eq!(
        commands,
        [Command::AnswerConflict {
            question: 7,
            answer: Answer {
                choice: Choice::Rename,
                apply_to_all: false
            }
        }]
    );
    assert!(state.modal.is_none());
}

#[test]
fn apply_to_all_goes_with_the_answer_and_questions_wait_their_turn() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    // A popup is open: the question waits.
    press(&mut state, "?");
    event(
        &mut state,
        WorkerEvent::TransferConflict {
            job: id,
            question: 1,
            conflict: conflict("a.txt"),
        },
    );
    assert!(matches!(state.modal, Some(Modal::Help(_))));
    press(&mut state, "esc");
    assert!(matches!(
        state.modal,
        Some(Modal::Transfer(TransferPrompt::Conflict { .. }))
    ));
    let commands = press(&mut state, "a o");
    assert_eq!(
        commands,
        [Command::AnswerConflict {
            question: 1,
            answer: Answer {
                choice: Choice::Overwrite,
                apply_to_all: true
            }
        }]
    );
}

#[test]
fn pausing_resuming_cancelling_and_clearing_from_the_panel() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    let t = Instant::now();
    engine_event(&mut state, id, t, planned("J1", 1, 300));
    press(&mut state, "t");
    assert!(state.panel.open && state.panel.has_focus());
    assert_eq!(super::current_context(&state), Context::Panel);
    assert_eq!(state.panel.slot, 0, "the panel covers the drive pane");

    assert_eq!(press(&mut state, "p"), [Command::PauseTransfer { job: id }]);
    assert_eq!(state.transfers.jobs[0].state, JobState::Pausing);
    let paused = JobEnd {
        engine_job: Some("J1".into()),
        paused: 1,
        resumable: true,
        ..JobEnd::default()
    };
    ended(&mut state, id, t, paused);
    assert_eq!(state.transfers.jobs[0].state, JobState::Paused);
    assert!(!state.transfers.is_active(), "a paused job does not tick");

    assert_eq!(
        press(&mut state, "space"),
        [Command::ResumeTransfer {
            job: id,
            engine_job: "J1".into()
        }]
    );
    assert_eq!(state.transfers.jobs[0].state, JobState::Queued);

    // Cancel asks first.
    assert!(press(&mut state, "c").is_empty());
    assert!(matches!(state.modal, Some(Modal::Confirm(_))));
    assert_eq!(
        press(&mut state, "y"),
        [Command::CancelTransfer {
            job: id,
            engine_job: Some("J1".into())
        }]
    );
    assert_eq!(state.transfers.jobs[0].state, JobState::Cancelling);
    // The run ends (paused by the cancel), then the checkpoints are cleared.
    ended(
        &mut state,
        id,
        t,
        JobEnd {
            engine_job: Some("J1".into()),
            paused: 1,
            resumable: true,
            ..JobEnd::default()
        },
    );
    assert_eq!(state.transfers.jobs[0].state, JobState::Cancelling);
    event(
        &mut state,
        WorkerEvent::TransferCleared {
            job: id,
            error: None,
        },
    );
    assert_eq!(state.transfers.jobs[0].state, JobState::Cancelled);
    press(&mut state, "C");
    assert!(state.transfers.jobs.is_empty());
}

#[test]
fn retry_resumes_a_failed_job() {
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    let failed = JobEnd {
        engine_job: Some("J1".into()),
        failed: 1,
        resumable: true,
        ..JobEnd::default()
    };
    ended(&mut state, id, Instant::now(), failed);
    press(&mut state, "t");
    assert_eq!(
        press(&mut state, "r"),
        [Command::ResumeTransfer {
            job: id,
            engine_job: "J1".into()
        }]
    );
}

#[test]
fn quitting_with_running_transfers_asks_first() {
    let mut state = loaded();
    assert_eq!(press(&mut state, "q"), [Command::Quit], "nothing runs");
    let mut state = loaded();
    let id = upload_notes(&mut state, "F5");
    assert!(press(&mut state, "q").is_empty());
    assert!(!state.quit);
    assert!(matches!(
        state.modal,
        Some(Modal::Transfer(TransferPrompt::Quit { running: 1 }))
    ));
    press(&mut state, "esc");
    assert!(state.modal.is_none() && !state.quit, "stay");

    press(&mut state, "q");
    assert_eq!(press(&mut state, "p"), [Command::Quit], "pause and quit");
    assert!(state.quit);

    let mut state = loaded();
    let id2 = upload_notes(&mut state, "F5");
    press(&mut state, "q");
    assert_eq!(
        press(&mut state, "c"),
        [
            Command::CancelTransfer {
                job: id2,
                engine_job: None
            },
            Command::Quit
        ]
    );
    let _ = id;
}

fn interrupted(id: &str) -> Interrupted {
    Interrupted {
        engine_job: id.into(),
        direction: Direction::Download,
        name: "movie.mkv".into(),
        items: 1,
        files: 1,
        files_left: 1,
        bytes: 1000,
        bytes_done: 400,
    }
}

#[test]
fn start_up_offers_to_resume_interrupted_jobs() {
    let (mut state, commands) = {
        let mut s = Startup::new(PathBuf::from("/home/me"));
        s.signed_in = true;
        let mut state = State::new(s);
        let commands = state.load_panes();
        (state, commands)
    };
    assert!(commands.contains(&Command::ListInterruptedTransfers));
    event(
        &mut state,
        WorkerEvent::InterruptedTransfers {
            jobs: vec![interrupted("A"), interrupted("B")],
        },
    );
    assert_eq!(super::current_context(&state), Context::ResumeOffer);
    let commands = press(&mut state, "r");
    assert_eq!(commands.len(), 2);
    assert!(matches!(
        &commands[0],
        Command::ResumeTransfer { engine_job, .. } if engine_job == "A"
    ));
    let job = &state.transfers.jobs[0];
    assert_eq!(job.progress.done, 400);
    assert_eq!(job.state, JobState::Queued);

    // Offered again after a new sign-in: known jobs are not offered twice.
    event(
        &mut state,
        WorkerEvent::InterruptedTransfers {
            jobs: vec![interrupted("A")],
        },
    );
    assert!(state.modal.is_none());
}

#[test]
fn resume_offer_later_and_forget() {
    let mut state = loaded();
    event(
        &mut state,
        WorkerEvent::InterruptedTransfers {
            jobs: vec![interrupted("A")],
        },
    );
    assert!(press(&mut state, "l").is_empty());
    assert_eq!(state.transfers.jobs[0].state, JobState::Paused);

    let mut state = loaded();
    event(
        &mut state,
        WorkerEvent::InterruptedTransfers {
            jobs: vec![interrupted("A")],
        },
    );
    assert_eq!(
        press(&mut state, "f"),
        [Command::ForgetTransfers {
            engine_jobs: vec!["A".into()]
        }]
    );
    assert!(state.transfers.jobs.is_empty());
}

#[test]
fn the_panel_switches_tabs_and_gives_the_keyboard_back() {
    let mut state = loaded();
    press(&mut state, "tab t");
    assert_eq!(state.panel.slot, 0, "covers the pane that was not focused");
    assert_eq!(state.panel.tab, PanelTab::Transfers);
    press(&mut state, "tab");
    assert_eq!(state.panel.tab, PanelTab::ServerTasks);
    press(&mut state, "3");
    assert_eq!(state.panel.tab, PanelTab::Shares);
    press(&mut state, "backtab 1");
    assert_eq!(state.panel.tab, PanelTab::Transfers);
    press(&mut state, "esc");
    assert!(state.panel.open && !state.panel.has_focus());
    assert_eq!(super::current_context(&state), Context::Browser);
    assert_eq!(state.focus, 1);
    // Tab from the pane goes into the panel, t there closes it.
    press(&mut state, "tab");
    assert!(state.panel.has_focus());
    press(&mut state, "t");
    assert!(!state.panel.open);
}

#[test]
fn panel_and_prompt_keys_are_in_the_keymap_and_the_help() {
    use crate::app::action::Action;
    use crate::app::keymap::{Keymap, Lookup};
    let keymap = Keymap::defaults();
    let table = [
        (Context::Browser, "t", Action::TogglePanel),
        (Context::Panel, "t", Action::TogglePanel),
        (Context::Panel, "tab", Action::NextTab),
        (Context::Panel, "2", Action::TabServerTasks),
        (Context::Panel, "space", Action::PauseResumeTransfer),
        (Context::Panel, "d", Action::CancelTransfer),
        (Context::Panel, "C", Action::ClearFinished),
        (Context::Conflict, "a", Action::ApplyToAll),
        (Context::Conflict, "esc", Action::ConflictSkip),
        (Context::QuitPrompt, "p", Action::QuitPausing),
        (Context::ResumeOffer, "f", Action::ForgetInterrupted),
    ];
    for (context, key, action) in table {
        assert_eq!(
            keymap.lookup(context, &[], KeyChord::parse(key).unwrap()),
            Lookup::Action(action),
            "{context} {key}"
        );
    }
    let sections = keymap.help_sections();
    let panel = sections
        .iter()
        .find(|s| s.context == Context::Panel)
        .expect("the panel has a help section");
    assert!(
        panel
            .rows
            .iter()
            .any(|r| r.action == Action::RetryTransfer && r.keys == "r")
    );
}

#[test]
fn a_remapped_panel_key_works() {
    let mut state = loaded();
    let config = crate::config::Config::parse("[keys.browser]\n\"T\" = \"toggle_panel\"\n")
        .expect("config parses");
    state.keymap = crate::app::keymap::Keymap::with_overrides(&config.keys);
    press(&mut state, "T");
    assert!(state.panel.has_focus());
}

#[test]
fn a_resumed_job_counts_what_earlier_runs_finished_once() {
    let mut state = loaded();
    event(
        &mut state,
        WorkerEvent::InterruptedTransfers {
            jobs: vec![Interrupted {
                engine_job: "A".into(),
                direction: Direction::Upload,
                name: "3 items".into(),
                items: 3,
                files: 3,
                files_left: 2,
                bytes: 300,
                bytes_done: 150,
            }],
        },
    );
    let commands = press(&mut state, "r");
    let Command::ResumeTransfer { job, .. } = commands[0].clone() else {
        panic!("{commands:?}");
    };
    let t = Instant::now();
    // One file of 100 bytes finished earlier; the two left have 50 bytes acknowledged.
    engine_event(&mut state, job, t, planned("A", 2, 200));
    engine_event(&mut state, job, t, start_file("A.1", "b", 100));
    engine_event(&mut state, job, t, progress("A.1", Delta::Resumed(50)));
    let j = &state.transfers.jobs[0];
    assert_eq!((j.files_total, j.bytes_total), (3, 300));
    assert_eq!(j.files_finished(), 1);
    assert_eq!(j.progress.done, 150);
    assert_eq!(j.percent(), Some(50.0));
}

#[test]
fn downloaded_files_show_up_in_the_local_pane_as_they_land() {
    let mut state = loaded();
    let commands = press(&mut state, "j F5 enter");
    let (id, _) = started(&commands)[0].clone();
    let t = Instant::now();
    engine_event(&mut state, id, t, start_file("D.1", "a.txt", 100));
    let commands = engine_event(
        &mut state,
        id,
        t,
        finished("D.1", Outcome::Done("/home/me/a.txt".into())),
    );
    let local = Source::Local(PathBuf::from("/home/me"));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source, .. } if *source == local)),
        "{commands:?}"
    );
    // While that listing runs, the next file does not start another one.
    engine_event(&mut state, id, t, start_file("D.2", "b.txt", 100));
    let commands = engine_event(
        &mut state,
        id,
        t,
        finished("D.2", Outcome::Done("/home/me/b.txt".into())),
    );
    assert!(commands.is_empty(), "{commands:?}");
}
