//! The preferences, security, WebDAV and account tabs.

use super::profile::action_line;
use super::{field_line, put_lines, text, theme};
use crate::account;
use crate::api::uri::CrUri;
use crate::app::settings::dav_url;
use crate::app::settings::{PrefField, Row, linked_providers, provider_name};
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

const LABEL: usize = 24;

fn loading(frame: &mut Frame, area: Rect) {
    put_lines(
        frame,
        area,
        vec![Line::from(Span::styled("Loading…", theme::dim()))],
    );
}

/// Keeps the highlighted row in view: the first line to draw of `total`.
fn scroll_for(cursor_line: usize, rows: usize) -> usize {
    cursor_line.saturating_sub(rows.saturating_sub(1))
}

fn put_scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, cursor_line: usize) {
    let skip = scroll_for(cursor_line, area.height as usize);
    put_lines(frame, area, lines.into_iter().skip(skip).collect());
}

pub fn preferences(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let Some(p) = &s.profile else {
        return loading(frame, area);
    };
    let view = account::settings_view(&p.user, &p.settings);
    let value = |key: &str| {
        view.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let row = s.current_row();
    let mut lines = Vec::new();
    let mut cursor_line = 0;
    for field in PrefField::ALL {
        let mut v = value(field.key());
        if v.is_empty() {
            v = match field {
                PrefField::VersionExt => "(every extension)".into(),
                PrefField::Language | PrefField::Theme => "(default)".into(),
                _ => v,
            };
        }
        let selected = row == Some(Row::Pref(field));
        if selected {
            cursor_line = lines.len();
        }
        lines.push(field_line(field.label(), &v, LABEL, selected));
    }
    lines.push(Line::default());
    let how = match row {
        Some(Row::Pref(f)) if f.is_choice() => "Enter changes it; saved at once.",
        _ => "Enter edits it; saved when you press Enter again.",
    };
    lines.push(Line::from(Span::styled(how, theme::dim())));
    put_scrolled(frame, area, lines, cursor_line);
}

pub fn security(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let Some(p) = &s.profile else {
        return loading(frame, area);
    };
    let row = s.current_row();
    let mut lines = Vec::new();
    let mut cursor_line = 0;
    let mut mark = |lines: &Vec<Line<'static>>, selected: bool| {
        if selected {
            cursor_line = lines.len();
        }
    };
    mark(&lines, row == Some(Row::ChangePassword));
    lines.push(action_line(
        "Change the password…",
        row == Some(Row::ChangePassword),
    ));
    let two_fa = if p.settings.two_fa_enabled {
        "Two-factor authentication: on (turn off…)"
    } else {
        "Two-factor authentication: off (turn on…)"
    };
    mark(&lines, row == Some(Row::TwoFa));
    lines.push(action_line(two_fa, row == Some(Row::TwoFa)));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("Passkeys ({})", p.settings.passkeys.len()),
        theme::header(),
    )));
    for key in &p.settings.passkeys {
        let selected = row == Some(Row::Passkey(key.id.clone()));
        mark(&lines, selected);
        let used = key
            .used_at
            .map(|t| text::time(t.timestamp(), state.utc_offset_secs))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "never".into());
        let name = if key.name.is_empty() {
            "(unnamed)"
        } else {
            &key.name
        };
        lines.push(field_line(
            &format!("  {}", text::safe(name)),
            &format!("last used {used}"),
            LABEL,
            selected,
        ));
    }
    lines.push(Line::from(Span::styled(
        "  Adding a passkey needs a browser: use the web interface.",
        theme::dim(),
    )));
    lines.push(Line::default());
    if p.pro.is_none() {
        lines.push(Line::from(Span::styled(
            "Linked accounts (OpenID): only on Cloudreve Pro servers",
            theme::dim(),
        )));
    } else {
        let providers = linked_providers(&p.settings);
        lines.push(Line::from(Span::styled(
            format!("Linked accounts ({})", providers.len()),
            theme::header(),
        )));
        for provider in providers {
            let selected = row == Some(Row::OpenId(provider));
            mark(&lines, selected);
            lines.push(field_line(
                &format!("  {}", provider_name(provider)),
                "linked (d unlinks)",
                LABEL,
                selected,
            ));
        }
        lines.push(Line::from(Span::styled(
            "  Linking another account needs a browser: use the web interface.",
            theme::dim(),
        )));
    }
    lines.push(Line::default());
    mark(&lines, row == Some(Row::SignOut));
    lines.push(action_line(
        "Sign out of this device…",
        row == Some(Row::SignOut),
    ));
    put_scrolled(frame, area, lines, cursor_line);
}

pub fn webdav(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let Some(accounts) = &s.dav else {
        return loading(frame, area);
    };
    let row = s.current_row();
    let w = area.width as usize;
    let mut lines = vec![
        field_line("Address", &dav_url(&state.account.server), 9, false),
        field_line("User", &state.account.email, 9, false),
        Line::default(),
    ];
    // Name, root and password share what the flags leave.
    let flags_w = 9;
    let rest = w.saturating_sub(flags_w + 3);
    let (name_w, root_w) = (rest * 3 / 10, rest * 4 / 10);
    let pass_w = rest.saturating_sub(name_w + root_w);
    lines.push(Line::from(Span::styled(
        format!(
            "{} {} {} {}",
            text::pad("NAME", name_w),
            text::pad("ROOT", root_w),
            text::pad("PASSWORD", pass_w),
            "RO  PROXY"
        ),
        theme::header(),
    )));
    let mut cursor_line = 0;
    for a in accounts {
        let selected = row == Some(Row::Dav(a.id.clone()));
        if selected {
            cursor_line = lines.len();
        }
        let root = CrUri::parse(&a.uri)
            .map(|u| u.display_path())
            .unwrap_or_else(|_| a.uri.clone());
        let password = if s.revealed.contains(&a.id) {
            "(shown below)"
        } else {
            "•••••• (v shows)"
        };
        let yes = |b: bool| if b { "yes" } else { "no" };
        let cells = format!(
            "{} {} {} {:<3} {}",
            text::pad(&text::fit(&text::safe(&a.name), name_w), name_w),
            text::pad(&text::fit(&text::safe(&root), root_w), root_w),
            text::pad(&text::fit(&text::safe(password), pass_w), pass_w),
            yes(a.read_only()),
            yes(a.proxy())
        );
        let style = if selected {
            theme::cursor(true)
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(cells, style)));
    }
    if accounts.is_empty() {
        lines.push(Line::from(Span::styled(
            "No WebDAV accounts yet.",
            theme::dim(),
        )));
    }
    let selected = row == Some(Row::NewDav);
    if selected {
        cursor_line = lines.len();
    }
    lines.push(action_line("New account…", selected));
    // The highlighted account's password in full, once revealed.
    if let Some(Row::Dav(id)) = &row
        && s.revealed.contains(id)
        && let Some(a) = accounts.iter().find(|a| &a.id == id)
    {
        lines.push(Line::default());
        lines.push(field_line("Password", a.password.expose(), 9, false));
    }
    put_scrolled(frame, area, lines, cursor_line);
}

pub fn account(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let Some(pro) = s.profile.as_ref().and_then(|p| p.pro.as_ref()) else {
        return loading(frame, area);
    };
    let p = s.profile.as_ref().expect("checked above");
    let credit = p.user.credit.or(p.settings.credit).unwrap_or(0);
    let names = |v: Vec<&str>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut lines = vec![
        field_line("Credit", &credit.to_string(), 18, false),
        field_line(
            "Storage policies",
            &names(pro.policies.iter().map(|x| x.name.as_str()).collect()),
            18,
            false,
        ),
        field_line(
            "Nodes",
            &names(pro.nodes.iter().map(|x| x.name.as_str()).collect()),
            18,
            false,
        ),
        field_line(
            "Groups",
            &names(pro.groups.iter().map(|x| x.name.as_str()).collect()),
            18,
            false,
        ),
        Line::default(),
        Line::from(Span::styled("Credit changes", theme::header())),
    ];
    if pro.credit_changes.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme::dim())));
    }
    for c in pro.credit_changes.iter().take(5) {
        let when = c
            .changed_at
            .map(|t| text::time(t.timestamp(), state.utc_offset_secs))
            .unwrap_or_default();
        lines.push(Line::from(format!(
            "  {when} {:+} {}",
            c.diff,
            text::safe(&c.reason)
        )));
    }
    lines.push(Line::from(Span::styled("Payments", theme::header())));
    if pro.payments.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme::dim())));
    }
    for pay in pro.payments.iter().take(5) {
        lines.push(Line::from(format!(
            "  {} × {} ({})",
            text::safe(&pay.name),
            pay.qyt,
            text::safe(&pay.status)
        )));
    }
    lines.push(Line::default());
    let selected = s.current_row() == Some(Row::GiftCode);
    let cursor_line = lines.len();
    lines.push(action_line("Check and redeem a gift code…", selected));
    put_scrolled(frame, area, lines, cursor_line);
}
