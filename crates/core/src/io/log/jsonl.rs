//! JSON Lines: one JSON object per line, lines ending at LF, CRLF or a lone CR (as node:readline
//! splits them); blank lines skipped; a BOM before the first. Each line is parsed by `serde_json`
//! into only the fields in use (the others are skipped unparsed); a field in use that appears
//! twice in one object is an error (JSON.parse would keep the last one: a guess). The first
//! object decides whether an optional group field is there.

use super::{Field, LogError, Parsed, Rows, MAX_RECORD};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

#[derive(Default)]
pub struct JsonLines {
    /// The line in progress (after the last line break seen).
    carry: Vec<u8>,
    /// The last chunk ended with CR: an LF starting the next one is the same line break.
    after_cr: bool,
    objects: Objects,
}

/// What the lines so far decided.
#[derive(Default)]
struct Objects {
    /// Lines completed so far.
    line: u64,
    /// The fields in use (label, score, and the group's unless the first object lacks an optional one).
    fields: Vec<String>,
    decided: bool,
}

impl JsonLines {
    pub fn feed(&mut self, rows: &mut Rows, chunk: &[u8]) -> Parsed {
        let mut rest = chunk;
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        self.after_cr = false;
        while let Some(i) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let end = rest[i];
            if self.carry.len() + i > MAX_RECORD {
                return Err(too_long(self.objects.line + 1));
            }
            if self.carry.is_empty() {
                self.objects.take(rows, &rest[..i])?;
            } else {
                self.carry.extend_from_slice(&rest[..i]);
                self.objects.take(rows, &self.carry)?;
                self.carry.clear();
            }
            rest = &rest[i + 1..];
            if end == b'\r' {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    None => self.after_cr = true,
                    _ => {}
                }
            }
        }
        if self.carry.len() + rest.len() > MAX_RECORD {
            return Err(too_long(self.objects.line + 1));
        }
        self.carry.extend_from_slice(rest);
        Ok(())
    }

    pub fn finish(&mut self, rows: &mut Rows) -> Parsed {
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.objects.take(rows, &line)?;
        }
        Ok(())
    }
}

fn too_long(line: u64) -> LogError {
    LogError::at(Some(line), None, format!("line is longer than {MAX_RECORD} bytes"))
}

impl Objects {
    /// One line.
    fn take(&mut self, rows: &mut Rows, text: &[u8]) -> Parsed {
        self.line += 1;
        let line = self.line;
        let text = if line == 1 { text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text) } else { text };
        if text.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if self.fields.is_empty() {
            let n = &rows.names;
            self.fields = [Some(&n.label), Some(&n.score), n.group.as_ref()].into_iter().flatten().cloned().collect();
        }
        let mut record = Record { fields: &self.fields, values: vec![None; self.fields.len()], twice: None, keys: Vec::new() };
        let mut de = serde_json::Deserializer::from_slice(text);
        if let Err(e) = (&mut record).deserialize(&mut de).and_then(|()| de.end()) {
            let problem = if e.is_data() { "is not a JSON object".to_owned() } else { format!("is not JSON ({e})") };
            return Err(LogError::at(Some(line), None, problem));
        }
        let Record { mut values, twice, keys, .. } = record;
        if let Some(i) = twice {
            return Err(LogError::at(Some(line), Some(&self.fields[i]), "is in the object twice"));
        }
        if !self.decided {
            // The group field is optional unless named by the user: the first object decides.
            self.decided = true;
            if self.fields.len() == 3 && values[2].is_none() && !rows.names.group_required {
                self.fields.pop();
                values.pop();
            }
            if self.fields.len() == 3 {
                rows.columns.groups = Some(Vec::new());
            }
        }
        if let Some(i) = values.iter().position(Option::is_none) {
            return Err(LogError { columns: Some(keys), ..LogError::at(Some(line), Some(&self.fields[i]), "is missing (fields: {columns})") });
        }
        let (label, score) = (field(values[0].as_ref().expect("present")), field(values[1].as_ref().expect("present")));
        let group = values.get(2).map(|v| group_text(v.as_ref().expect("present")));
        rows.push(line, label, score, group.as_deref().map(str::as_bytes))
    }
}

fn field(v: &Value) -> Field<'_> {
    match v {
        Value::Number(n) => Field::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Field::Text(s.as_bytes()),
        other => Field::Json(other.to_string()),
    }
}

/// A group value as JavaScript's `String(value)` spells it (the ids the CLI used to make): a
/// number as f64's shortest form, so `12.0` is `12`, the same group as `12` (serde_json would
/// write `12.0`).
fn group_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Object(_) => Cow::Borrowed("[object Object]"),
        Value::Number(n) if !(n.is_u64() || n.is_i64()) => Cow::Owned(n.as_f64().unwrap_or(f64::NAN).to_string()),
        other => Cow::Owned(other.to_string()),
    }
}

/// The fields in use of one object, the first one given twice, and every key (for a message).
struct Record<'f> {
    fields: &'f [String],
    values: Vec<Option<Value>>,
    twice: Option<usize>,
    keys: Vec<String>,
}

impl<'de> DeserializeSeed<'de> for &mut Record<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Record<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.fields.iter().position(|f| *f == *key) {
                Some(i) => {
                    let v: Value = map.next_value()?;
                    if self.values[i].is_some() && self.twice.is_none() {
                        self.twice = Some(i);
                    }
                    self.values[i] = Some(v);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            self.keys.push(key.into_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LogReader, Names};

    fn read(text: &[u8], cuts: &[usize]) -> LogReader {
        let names = Names { label: "label".into(), score: "score".into(), group: Some("user".into()), group_required: false };
        let mut r = LogReader::new("jsonl", names).unwrap();
        let mut last = 0;
        for &c in cuts.iter().chain([text.len()].iter()) {
            if r.feed(&text[last..c]).is_err() {
                return r;
            }
            last = c;
        }
        let _ = r.finish();
        r
    }

    #[test]
    fn lines_at_lf_crlf_or_cr_any_split() {
        // `7.0` is the group `7`, as JavaScript's String(7.0) is "7".
        let text = b"\xef\xbb\xbf{\"user\": 7, \"label\": 1, \"score\": 0.5}\r\n{\"user\": \"u\", \"label\": \"0\", \"score\": 1e-3, \"x\": [1, {}]}\r\r\n{\"user\":7.0,\"score\":-2,\"label\":1}";
        let whole = read(text, &[]);
        assert_eq!(whole.columns().labels, [1.0, 0.0, 1.0]);
        assert_eq!(whole.columns().scores, [0.5, 1e-3, -2.0]);
        assert_eq!(whole.columns().groups.as_deref(), Some(&[0, 1, 0][..]));
        for a in 0..=text.len() {
            for b in a..=text.len() {
                let r = read(text, &[a, b]);
                assert_eq!((&r.columns().labels, &r.columns().scores, &r.columns().groups), (&whole.columns().labels, &whole.columns().scores, &whole.columns().groups), "{a} {b}");
            }
        }
    }

    #[test]
    fn errors() {
        let mut r = read(b"{\"label\": 1, \"score\": 0.5}\n{\"label\": 0}\n", &[]);
        let e = r.finish().unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.problem.as_str(), e.columns), (Some(2), Some("score"), "is missing (fields: {columns})", Some(vec!["label".into()])));
        assert_eq!(r.rows(), 1);
        let e = read(b"{\"label\": 1, \"score\": 0.1, \"sc\\u006fre\": 0.9}\n", &[]).finish().unwrap_err();
        assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("score"), "is in the object twice"));
        assert!(read(b"not json\n", &[]).finish().unwrap_err().problem.starts_with("is not JSON ("));
        assert_eq!(read(b"[1, 2]\n", &[]).finish().unwrap_err().problem, "is not a JSON object");
        let e = read(b"{\"label\": true, \"score\": 0.5}\n", &[]).finish().unwrap_err();
        assert_eq!((e.problem.as_str(), e.value_json.as_deref()), ("label {value} is not a number >= 0", Some("true")));
        let e = read(b"{\"label\": 1, \"score\": \"0x1\"}\n", &[]).finish().unwrap_err();
        assert_eq!(e.value.as_deref(), Some("0x1"));
    }
}
