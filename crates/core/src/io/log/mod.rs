//! Prediction logs in CSV, TSV or JSON Lines, read as a stream: the bytes come in chunks of any
//! size, the reader keeps its state between them, and only the columns in use are kept, as
//! typed columns (labels and scores f64, group ids u32) that the metric kernels take as they are.
//!
//! The syntaxes: [`delimited`] (CSV, TSV: RFC 4180 by `csv-core`) and [`jsonl`] (JSON Lines by
//! `serde_json`). What both share is here: numbers in decimal notation only (JavaScript's
//! `Number()` would also read `0x10`, `0b1`, `Infinity`), labels ≥ 0 and finite scores, group ids
//! (numbers as they are, other texts numbered in order of appearance), errors that name the
//! physical line and the column, and a bound on a record's length.
//!
//! An error stops the reader; the rows before it stay, for partial results.

mod delimited;
mod jsonl;

use std::collections::HashMap;

/// The longest record or line (bytes): a longer one is an error, not an ever-growing buffer.
pub const MAX_RECORD: usize = 64 << 20;

/// Which columns to keep.
pub struct Names {
    pub label: String,
    pub score: String,
    /// A column of group ids (user, query), or none.
    pub group: Option<String>,
    /// Whether a missing group column is an error (named by the user) or means no groups.
    pub group_required: bool,
}

/// A malformed input: where (a physical line, a column) and what. `problem` may hold the
/// placeholders `{name}`, `{value}` and `{columns}`, for the caller to fill with the column's
/// name, the field's value and the header's names, quoted and shortened its own way (the CLI
/// prints them escaped, so a hostile file cannot write to the terminal). `value` is a field's
/// text; `value_json` a JSON value that is not a string, as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LogError {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub problem: String,
    pub name: Option<String>,
    pub value: Option<String>,
    pub value_json: Option<String>,
    pub columns: Option<Vec<String>>,
}

impl LogError {
    fn at(line: Option<u64>, column: Option<&str>, problem: impl Into<String>) -> Self {
        LogError { line, column: column.map(str::to_owned), problem: problem.into(), name: None, value: None, value_json: None, columns: None }
    }
}

type Parsed = std::result::Result<(), LogError>;

/// The kept columns.
#[derive(Default)]
pub struct LogColumns {
    pub labels: Vec<f64>,
    pub scores: Vec<f64>,
    /// Present when the log has a group column.
    pub groups: Option<Vec<u32>>,
    /// When groups are numbered (some group text is not a canonical u32): each id's text, in id
    /// order (= order of first appearance). Callers that join several logs renumber by it.
    pub group_names: Option<Vec<Box<[u8]>>>,
}

/// A label or score as the syntax found it.
enum Field<'a> {
    /// Text (a CSV field, a JSON string): decimal notation only.
    Text(&'a [u8]),
    Number(f64),
    /// Another JSON value (null, true, an array): not a number; kept as JSON for the message.
    Json(String),
}

/// The rows read so far, and the rules every syntax shares.
struct Rows {
    names: Names,
    columns: LogColumns,
    /// Group text → id, once some group is not a canonical u32.
    group_ids: Option<HashMap<Box<[u8]>, u32>>,
}

impl Rows {
    fn push(&mut self, line: u64, label: Field, score: Field, group: Option<&[u8]>) -> Parsed {
        let l = value(line, &self.names.label, "label {value} is not a number >= 0", label, |l| l >= 0.0 && l.is_finite())?;
        let s = value(line, &self.names.score, "score {value} is not a finite number", score, f64::is_finite)?;
        let c = &mut self.columns;
        if c.labels.len() == c.labels.capacity() {
            // Grown by hand, so that running out of memory is an error, not an abort.
            let more = c.labels.len().max(1 << 16);
            let ok = c.labels.try_reserve(more).is_ok() && c.scores.try_reserve(more).is_ok() && c.groups.as_mut().is_none_or(|g| g.try_reserve(more).is_ok());
            if !ok {
                return Err(LogError::at(Some(line), None, format!("out of memory after {} rows", c.labels.len())));
            }
        }
        c.labels.push(l);
        c.scores.push(s);
        if let (Some(text), Some(groups)) = (group, &mut c.groups) {
            let id = group_id(&mut self.group_ids, groups, text);
            groups.push(id);
        }
        Ok(())
    }
}

/// A label or score: its number, or the error that names the column and shows the value (made
/// only then: this runs twice per row).
fn value(line: u64, column: &str, problem: &str, field: Field, ok: impl Fn(f64) -> bool) -> std::result::Result<f64, LogError> {
    let text = |t: &[u8]| Some(String::from_utf8_lossy(t).into_owned());
    let (v, shown, json) = match field {
        Field::Number(v) if ok(v) => return Ok(v),
        Field::Number(v) => (v, None, Some(format!("{v}"))),
        Field::Text(t) => match number(t) {
            Ok(v) if ok(v) => return Ok(v),
            Ok(v) => (v, text(t), None),
            Err(()) => return Err(LogError { value: text(t), ..LogError::at(Some(line), Some(column), NOT_DECIMAL) }),
        },
        Field::Json(j) => (f64::NAN, None, Some(j)),
    };
    debug_assert!(!ok(v));
    Err(LogError { value: shown, value_json: json, ..LogError::at(Some(line), Some(column), problem) })
}

const NOT_DECIMAL: &str = "{value} is not a number (decimal notation only, e.g. 0.5, -3, 1e-3)";

/// A reader of one log.
pub struct LogReader {
    rows: Rows,
    syntax: Syntax,
    error: Option<LogError>,
    ended: bool,
}

enum Syntax {
    Delimited(delimited::Delimited),
    JsonLines(jsonl::JsonLines),
}

impl LogReader {
    /// `format`: `csv`, `tsv` or `jsonl`.
    pub fn new(format: &str, names: Names) -> crate::Result<Self> {
        let syntax = match format {
            "csv" => Syntax::Delimited(delimited::Delimited::new(b',')),
            "tsv" => Syntax::Delimited(delimited::Delimited::new(b'\t')),
            "jsonl" => Syntax::JsonLines(jsonl::JsonLines::default()),
            _ => return Err(crate::Error::new("format", format!("'{format}' is not csv, tsv or jsonl"))),
        };
        Ok(LogReader { rows: Rows { names, columns: LogColumns::default(), group_ids: None }, syntax, error: None, ended: false })
    }

    /// Reads every record `chunk` completes. `Err` (the same one again on later calls) stops the
    /// reader at the first malformed record; the rows before it stay in [`Self::columns`].
    pub fn feed(&mut self, chunk: &[u8]) -> Parsed {
        self.run(|syntax, rows| match syntax {
            Syntax::Delimited(d) => d.feed(rows, chunk, false),
            Syntax::JsonLines(j) => j.feed(rows, chunk),
        })
    }

    /// The end of the input: the last record (without a final line break) and the checks that
    /// need the whole input (an unterminated quote, a file with no header).
    pub fn finish(&mut self) -> Parsed {
        if self.ended && self.error.is_none() {
            return Ok(());
        }
        self.ended = true;
        self.run(|syntax, rows| match syntax {
            Syntax::Delimited(d) => d.feed(rows, &[], true),
            Syntax::JsonLines(j) => j.finish(rows),
        })
    }

    fn run(&mut self, f: impl FnOnce(&mut Syntax, &mut Rows) -> Parsed) -> Parsed {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        f(&mut self.syntax, &mut self.rows).inspect_err(|e| self.error = Some(e.clone()))
    }

    pub fn columns(&self) -> &LogColumns {
        &self.rows.columns
    }

    pub fn into_columns(self) -> LogColumns {
        let Rows { mut columns, group_ids, .. } = self.rows;
        columns.group_names = group_ids.map(|ids| {
            let mut names = vec![Box::<[u8]>::default(); ids.len()];
            for (text, id) in ids {
                names[id as usize] = text;
            }
            names
        });
        columns
    }

    pub fn rows(&self) -> usize {
        self.rows.columns.labels.len()
    }
}

/// A group's id: its number while every group text is a canonical u32 (user ids, usually),
/// which the kernels group fastest; from the first other text, every group numbered in order of
/// appearance (`earlier`, the ids so far, renumbered once).
fn group_id(ids: &mut Option<HashMap<Box<[u8]>, u32>>, earlier: &mut [u32], text: &[u8]) -> u32 {
    if ids.is_none() {
        if let Some(v) = canonical_u32(text) {
            return v;
        }
        // Switch to numbering: the numbers so far become the texts they were.
        let mut numbered = HashMap::new();
        for g in earlier.iter_mut() {
            let next = numbered.len() as u32;
            *g = *numbered.entry(g.to_string().into_bytes().into_boxed_slice()).or_insert(next);
        }
        *ids = Some(numbered);
    }
    let ids = ids.as_mut().expect("set above");
    if let Some(&id) = ids.get(text) {
        return id;
    }
    let id = ids.len() as u32;
    ids.insert(text.into(), id);
    id
}

fn count(bytes: &[u8], b: u8) -> u64 {
    bytes.iter().filter(|&&x| x == b).count() as u64
}

/// `0`, or digits without a leading zero, up to 2³² − 1.
fn canonical_u32(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 10 || (text[0] == b'0' && text.len() > 1) || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0u64, |v, &d| Some(v * 10 + (d - b'0') as u64)).filter(|&v| v <= u32::MAX as u64).map(|v| v as u32)
}

/// A field as a number: decimal notation (an optional sign, digits with an optional point or a
/// point and digits, an optional exponent), blanks around it allowed; NaN for anything else
/// (an empty field, words). `Err` for text JavaScript's `Number()` would read as a number but
/// is not decimal (`0x10`, `0b1`, `0o7`, `Infinity`), which is reported as such.
fn number(field: &[u8]) -> std::result::Result<f64, ()> {
    let text = field.trim_ascii();
    if is_decimal(text) {
        // ASCII digits, signs, '.', 'e': Rust's parser, correctly rounded like JavaScript's.
        return Ok(std::str::from_utf8(text).ok().and_then(|t| t.parse().ok()).unwrap_or(f64::NAN));
    }
    let radix = |p: &[u8], ok: fn(&u8) -> bool| text.len() > 2 && text[..2].eq_ignore_ascii_case(p) && text[2..].iter().all(ok);
    let infinity = matches!(text.strip_prefix(b"+").or(text.strip_prefix(b"-")).unwrap_or(text), b"Infinity");
    if infinity || radix(b"0x", u8::is_ascii_hexdigit) || radix(b"0b", |d| matches!(d, b'0' | b'1')) || radix(b"0o", |d| matches!(d, b'0'..=b'7')) {
        return Err(());
    }
    Ok(f64::NAN)
}

/// `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`
fn is_decimal(t: &[u8]) -> bool {
    let mut i = usize::from(matches!(t.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < t.len() && t[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if i < t.len() && t[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if int == 0 && frac == 0 {
        return false;
    }
    if i < t.len() && (t[i] == b'e' || t[i] == b'E') {
        i += 1;
        if i < t.len() && (t[i] == b'+' || t[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == t.len()
}

/// Readers alive in this instance, by id: the bindings hold the id while a caller feeds chunks.
pub mod readers {
    use super::LogReader;
    use crate::{Error, Result};
    use std::collections::BTreeMap;
    use std::sync::{Mutex, MutexGuard};

    static READERS: Mutex<(u32, BTreeMap<u32, LogReader>)> = Mutex::new((1, BTreeMap::new()));

    fn readers() -> MutexGuard<'static, (u32, BTreeMap<u32, LogReader>)> {
        // A reader is plain data: one left by a panicking thread is still consistent.
        READERS.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn create(reader: LogReader) -> u32 {
        let mut r = readers();
        let id = r.0;
        r.0 = r.0.wrapping_add(1).max(1);
        r.1.insert(id, reader);
        id
    }

    fn closed(id: u32) -> Error {
        Error::new("reader", format!("{id} is not an open log reader (finished or disposed)"))
    }

    pub fn with<T>(id: u32, f: impl FnOnce(&mut LogReader) -> T) -> Result<T> {
        let mut r = readers();
        let reader = r.1.get_mut(&id).ok_or_else(|| closed(id))?;
        Ok(f(reader))
    }

    pub fn remove(id: u32) -> Result<LogReader> {
        readers().1.remove(&id).ok_or_else(|| closed(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_notation_only() {
        for (t, v) in [("1", 1.0), (" -2.5e3 ", -2500.0), (".5", 0.5), ("5.", 5.0), ("+0", 0.0)] {
            assert_eq!(number(t.as_bytes()), Ok(v), "{t}");
        }
        for t in ["", "e5", ".", "1e", "NaN", "inf", "1,5", "--1"] {
            assert!(number(t.as_bytes()).unwrap().is_nan(), "{t}");
        }
        for t in ["0x1F", "0b101", "0o17", "Infinity", "-Infinity"] {
            assert_eq!(number(t.as_bytes()), Err(()), "{t}");
        }
        assert_eq!(canonical_u32(b"4294967295"), Some(u32::MAX));
        assert_eq!(canonical_u32(b"4294967296"), None);
        assert_eq!(canonical_u32(b"007"), None);
    }
}
