//! A one-line text field on top of `ratatui-textarea` (cursor movement, word deletion, undo),
//! with the multi-line parts of the textarea turned off.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

#[derive(Debug, Clone)]
pub struct TextField {
    area: TextArea<'static>,
    masked: bool,
}

impl Default for TextField {
    fn default() -> Self {
        TextField::new("")
    }
}

impl TextField {
    pub fn new(initial: &str) -> TextField {
        let mut area = TextArea::new(vec![single_line(initial)]);
        area.move_cursor(CursorMove::End);
        TextField {
            area,
            masked: false,
        }
    }

    /// A field whose text is drawn as `•` (passwords).
    pub fn masked(mut self) -> TextField {
        self.masked = true;
        self
    }

    pub fn is_masked(&self) -> bool {
        self.masked
    }

    pub fn value(&self) -> &str {
        self.area.lines().first().map(String::as_str).unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.value().is_empty()
    }

    /// The cursor as a character index into `value()`.
    pub fn cursor(&self) -> usize {
        self.area.cursor().1
    }

    pub fn set(&mut self, text: &str) {
        *self = TextField {
            masked: self.masked,
            ..TextField::new(text)
        };
    }

    /// Selects the stem of a file name (`report` of `report.txt`) so that typing replaces it,
    /// the way rename fields in file managers behave. Here: puts the cursor before the
    /// extension.
    pub fn cursor_before_extension(&mut self) {
        let value = self.value();
        if let Some((stem, _)) = value.rsplit_once('.')
            && !stem.is_empty()
        {
            let chars = stem.chars().count();
            self.area.move_cursor(CursorMove::Head);
            for _ in 0..chars {
                self.area.move_cursor(CursorMove::Forward);
            }
        }
    }

    /// Applies an editing key; returns true when the text or the cursor changed. Keys that
    /// would add a second line are refused.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let multi_line = matches!(
            key.code,
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down
        ) || matches!(key.code, KeyCode::Char('\n' | '\r'))
            || (ctrl && matches!(key.code, KeyCode::Char('m' | 'n' | 'p' | 'j')));
        if multi_line {
            return false;
        }
        self.area.input(key)
    }

    /// Inserts pasted text; line breaks become spaces (a name has one line).
    pub fn paste(&mut self, text: &str) {
        self.area.insert_str(single_line(text));
    }
}

fn single_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_one_line() {
        let mut f = TextField::new("report.txt");
        assert_eq!(f.cursor(), 10);
        f.cursor_before_extension();
        assert_eq!(f.cursor(), 6);
        f.handle_key(key(KeyCode::Char('2')));
        assert_eq!(f.value(), "report2.txt");
        assert!(!f.handle_key(key(KeyCode::Enter)));
        f.paste("a\nb");
        assert_eq!(f.value(), "report2a b.txt");
        f.handle_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(f.lines_count(), 1);
    }

    impl TextField {
        fn lines_count(&self) -> usize {
            self.area.lines().len()
        }
    }
}
