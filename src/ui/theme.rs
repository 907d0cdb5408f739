//! Colours and styles in one place. Plain ANSI colours, so the user's terminal palette rules.

use ratatui::style::{Color, Modifier, Style};

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    }
}

pub fn header() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::BOLD)
}

pub fn folder() -> Style {
    Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD)
}

pub fn file() -> Style {
    Style::new()
}

pub fn selected() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

pub fn cursor(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn notice() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn status() -> Style {
    Style::new().bg(Color::Black).fg(Color::Gray)
}

pub fn danger() -> Style {
    Style::new().fg(Color::Red)
}

pub fn field(focused: bool) -> Style {
    if focused {
        Style::new()
            .fg(Color::White)
            .add_modifier(Modifier::UNDERLINED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(ticks: u64) -> &'static str {
    SPINNER[(ticks % SPINNER.len() as u64) as usize]
}
