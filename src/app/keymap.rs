//! The live keymap: `(context, key sequence) → action`, built from the defaults and the
//! `[keys.<context>]` tables of `config.toml`:
//!
//! ```toml
//! [keys.browser]
//! "ctrl-d" = "trash"      # bind
//! "d" = "none"            # unbind a default
//! "g h" = "parent"        # sequences: keys separated by spaces
//! ```
//!
//! The tables are checked while the config is read, so a bad key or action is reported by the
//! TOML parser with the line it is on.

use super::action::{Action, Context, DEFAULT_BINDINGS, applies};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// One key with its modifiers. Shift is folded into the character for printable keys
/// (`G`, `?`), so it is only kept for keys like `shift-delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// One or more chords pressed in a row (`g g`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeySeq(pub Vec<KeyChordOrd>);

/// `KeyChord` with an order (crossterm's types have none), for sorted config tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChordOrd(pub KeyChord);

impl PartialOrd for KeyChordOrd {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyChordOrd {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.to_string().cmp(&other.0.to_string())
    }
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let mut code = code;
        match code {
            KeyCode::Char(c) => {
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() {
                    code = KeyCode::Char(c.to_ascii_uppercase());
                }
                // The character already says whether shift was held.
                mods.remove(KeyModifiers::SHIFT);
            }
            KeyCode::BackTab => mods.remove(KeyModifiers::SHIFT),
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                mods.remove(KeyModifiers::SHIFT);
            }
            _ => {}
        }
        KeyChord { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        KeyChord::new(ev.code, ev.modifiers)
    }

    pub fn plain(c: char) -> KeyChord {
        KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Parses `ctrl-r`, `F5`, `space`, `G`, `shift-delete`, `-`, `ctrl--`.
    pub fn parse(s: &str) -> Result<KeyChord, String> {
        if s.chars().count() == 1 {
            let c = s.chars().next().unwrap_or(' ');
            return Ok(KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let (mods_part, key_part) = match s.rsplit_once('-') {
            Some((m, "")) => (m.strip_suffix('-').unwrap_or(m), "-"),
            Some((m, k)) => (m, k),
            None => ("", s),
        };
        let mut mods = KeyModifiers::NONE;
        for m in mods_part.split('-').filter(|m| !m.is_empty()) {
            mods |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => KeyModifiers::CONTROL,
                "alt" | "meta" | "m" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier {m:?} in key {s:?}")),
            };
        }
        let code = parse_code(key_part).ok_or_else(|| {
            format!("unknown key {s:?} (try names like ctrl-r, F5, enter, space, pgdown, G)")
        })?;
        Ok(KeyChord::new(code, mods))
    }
}

fn parse_code(s: &str) -> Option<KeyCode> {
    if s.chars().count() == 1 {
        return s.chars().next().map(KeyCode::Char);
    }
    let lower = s.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f')
        && let Ok(n) = n.parse::<u8>()
        && (1..=24).contains(&n)
    {
        return Some(KeyCode::F(n));
    }
    Some(match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdown" | "pgdn" | "pagedown" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "minus" => KeyCode::Char('-'),
        // `,` separates keys in the default table, so it needs a name there.
        "comma" => KeyCode::Char(','),
        _ => return None,
    })
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdown"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl KeySeq {
    pub fn parse(s: &str) -> Result<KeySeq, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("an empty key".into());
        }
        // A lone space is the space key, not an empty sequence.
        if s == " " {
            return Ok(KeySeq(vec![KeyChordOrd(KeyChord::plain(' '))]));
        }
        let chords = s
            .split_whitespace()
            .map(|part| KeyChord::parse(part).map(KeyChordOrd))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KeySeq(chords))
    }

    pub fn chords(&self) -> impl Iterator<Item = KeyChord> + '_ {
        self.0.iter().map(|c| c.0)
    }

    fn from_chords(chords: &[KeyChord]) -> KeySeq {
        KeySeq(chords.iter().copied().map(KeyChordOrd).collect())
    }
}

impl fmt::Display for KeySeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", c.0)?;
        }
        Ok(())
    }
}

/// What a key press amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The keys so far start a longer sequence: wait for the next one.
    Pending,
    Unbound,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<(Context, KeySeq), Action>,
    /// Proper prefixes of multi-key sequences.
    prefixes: HashSet<(Context, KeySeq)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let mut bindings = HashMap::new();
        for (context, keys, action) in DEFAULT_BINDINGS {
            for key in keys.split(',') {
                // The default table is part of the program; a typo is caught by the tests.
                if let Ok(seq) = KeySeq::parse(key) {
                    bindings.insert((*context, seq), *action);
                }
            }
        }
        Keymap::from_bindings(bindings)
    }

    /// The defaults with the user's table applied on top.
    pub fn with_overrides(table: &KeyTable) -> Keymap {
        let mut map = Keymap::defaults().bindings;
        for (context, entries) in &table.contexts {
            for (seq, action) in entries {
                match action {
                    Some(a) => map.insert((*context, seq.clone()), *a),
                    None => map.remove(&(*context, seq.clone())),
                };
            }
        }
        Keymap::from_bindings(map)
    }

    fn from_bindings(bindings: HashMap<(Context, KeySeq), Action>) -> Keymap {
        let mut prefixes = HashSet::new();
        for (context, seq) in bindings.keys() {
            for n in 1..seq.0.len() {
                prefixes.insert((*context, KeySeq(seq.0[..n].to_vec())));
            }
        }
        Keymap { bindings, prefixes }
    }

    /// Resolves `pending + key` in `context`. A pending prefix that does not continue is
    /// dropped and the key is tried on its own.
    pub fn lookup(&self, context: Context, pending: &[KeyChord], key: KeyChord) -> Lookup {
        let mut chords = pending.to_vec();
        chords.push(key);
        let seq = KeySeq::from_chords(&chords);
        if let Some(a) = self.bindings.get(&(context, seq.clone())) {
            return Lookup::Action(*a);
        }
        if self.prefixes.contains(&(context, seq)) {
            return Lookup::Pending;
        }
        if !pending.is_empty() {
            return self.lookup(context, &[], key);
        }
        Lookup::Unbound
    }

    /// The keys bound to `action` in `context`, in a stable order (defaults first).
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<KeySeq> {
        let mut keys: Vec<KeySeq> = self
            .bindings
            .iter()
            .filter(|((c, _), a)| *c == context && **a == action)
            .map(|((_, s), _)| s.clone())
            .collect();
        let default_rank = |s: &KeySeq| {
            DEFAULT_BINDINGS
                .iter()
                .filter(|(c, _, a)| *c == context && *a == action)
                .flat_map(|(_, k, _)| k.split(','))
                .position(|k| KeySeq::parse(k).ok().as_ref() == Some(s))
                .unwrap_or(usize::MAX)
        };
        keys.sort_by(|a, b| {
            default_rank(a)
                .cmp(&default_rank(b))
                .then_with(|| a.to_string().cmp(&b.to_string()))
        });
        keys
    }

    /// The first key of `action`, for hints such as "[y] yes"; `None` when unbound.
    pub fn hint(&self, context: Context, action: Action) -> Option<String> {
        self.keys_for(context, action)
            .first()
            .map(ToString::to_string)
    }

    /// The help popup's content: per context, each bound action with its keys.
    pub fn help_sections(&self) -> Vec<HelpSection> {
        let mut sections = Vec::new();
        for context in Context::ALL {
            let mut rows: Vec<HelpRow> = Vec::new();
            let mut seen = HashSet::new();
            let order = DEFAULT_BINDINGS
                .iter()
                .filter(|(c, _, _)| *c == context)
                .map(|(_, _, a)| *a);
            let extra = self
                .bindings
                .iter()
                .filter(|((c, _), _)| *c == context)
                .map(|(_, a)| *a)
                .collect::<std::collections::BTreeSet<_>>();
            for action in order.chain(extra) {
                if !seen.insert(action) {
                    continue;
                }
                let keys = self.keys_for(context, action);
                if keys.is_empty() {
                    continue;
                }
                rows.push(HelpRow {
                    keys: keys
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    action,
                });
            }
            if !rows.is_empty() {
                sections.push(HelpSection { context, rows });
            }
        }
        sections
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub context: Context,
    pub rows: Vec<HelpRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub action: Action,
}

impl HelpRow {
    pub fn matches(&self, filter: &str) -> bool {
        let f = filter.to_lowercase();
        f.is_empty()
            || self.keys.to_lowercase().contains(&f)
            || self.action.describe().to_lowercase().contains(&f)
            || self.action.name().contains(&f)
    }
}

/// The `[keys]` table of `config.toml`: per context, key → action (`None` unbinds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyTable {
    pub contexts: BTreeMap<Context, BTreeMap<KeySeq, Option<Action>>>,
}

impl KeyTable {
    pub fn is_empty(&self) -> bool {
        self.contexts.values().all(BTreeMap::is_empty)
    }
}

const UNBIND: &str = "none";

impl Serialize for KeyTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.contexts.len()))?;
        for (context, entries) in &self.contexts {
            let inner: BTreeMap<String, &str> = entries
                .iter()
                .map(|(k, a)| (k.to_string(), a.map(Action::name).unwrap_or(UNBIND)))
                .collect();
            map.serialize_entry(context.name(), &inner)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for KeyTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TableVisitor)
    }
}

struct TableVisitor;

impl<'de> Visitor<'de> for TableVisitor {
    type Value = KeyTable;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("tables of key bindings such as [keys.browser]")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyTable, A::Error> {
        let mut table = KeyTable::default();
        while let Some(name) = map.next_key::<String>()? {
            let context = Context::from_name(&name).ok_or_else(|| {
                let known: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                de::Error::custom(format!(
                    "unknown key context [keys.{name}]; the contexts are {}",
                    known.join(", ")
                ))
            })?;
            let entries = map.next_value_seed(ContextSeed(context))?;
            table.contexts.entry(context).or_default().extend(entries);
        }
        Ok(table)
    }
}

/// Reads one `[keys.<context>]` table, checking each action against the context.
struct ContextSeed(Context);

impl<'de> DeserializeSeed<'de> for ContextSeed {
    type Value = BTreeMap<KeySeq, Option<Action>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ContextSeed {
    type Value = BTreeMap<KeySeq, Option<Action>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "key = \"action\" pairs for [keys.{}]", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            // Validated in the value's seed so that the parser reports the binding's line.
            let action = map.next_value_seed(BindingSeed {
                context: self.0,
                key: &key,
            })?;
            let seq = KeySeq::parse(&key).map_err(de::Error::custom)?;
            out.insert(seq, action);
        }
        Ok(out)
    }
}

struct BindingSeed<'k> {
    context: Context,
    key: &'k str,
}

impl<'de> DeserializeSeed<'de> for BindingSeed<'_> {
    type Value = Option<Action>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let name = String::deserialize(d)?;
        let (context, key) = (self.context, self.key);
        if let Err(e) = KeySeq::parse(key) {
            return Err(de::Error::custom(format!("[keys.{context}] {e}")));
        }
        if name == UNBIND {
            return Ok(None);
        }
        let action = Action::from_name(&name).ok_or_else(|| {
            de::Error::custom(format!(
                "[keys.{context}] {key:?}: unknown action {name:?} (see the help popup, `?`, \
                 for the names; \"none\" unbinds)"
            ))
        })?;
        if !applies(context, action) {
            return Err(de::Error::custom(format!(
                "[keys.{context}] {key:?}: the action {name:?} does not apply in [keys.{context}]"
            )));
        }
        Ok(Some(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_keys() {
        for (input, printed) in [
            ("ctrl-r", "ctrl-r"),
            ("F5", "F5"),
            ("f12", "F12"),
            ("space", "space"),
            ("G", "G"),
            ("shift-g", "G"),
            ("shift-delete", "shift-delete"),
            ("-", "-"),
            ("ctrl--", "ctrl--"),
            ("?", "?"),
            ("PgDn", "pgdown"),
            ("shift-tab", "backtab"),
        ] {
            assert_eq!(chord(input).to_string(), printed, "{input}");
        }
        assert!(KeyChord::parse("hyper-x").is_err());
        assert!(KeyChord::parse("ctrl-nope").is_err());
        assert_eq!(KeySeq::parse("g g").unwrap().to_string(), "g g");
    }

    #[test]
    fn events_normalise_like_config_keys() {
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shifted), chord("G"));
        let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&backtab), chord("backtab"));
    }

    #[test]
    fn sequences_wait_then_resolve() {
        let km = Keymap::defaults();
        let g = chord("g");
        assert_eq!(km.lookup(Context::Browser, &[], g), Lookup::Pending);
        assert_eq!(
            km.lookup(Context::Browser, &[g], g),
            Lookup::Action(Action::Top)
        );
        // A broken sequence falls back to the key alone.
        assert_eq!(
            km.lookup(Context::Browser, &[g], chord("j")),
            Lookup::Action(Action::Down)
        );
        assert_eq!(
            km.lookup(Context::Browser, &[], chord("Z")),
            Lookup::Unbound
        );
    }
}
