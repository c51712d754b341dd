//! Readers of the files users bring, packed for JavaScript.

use super::Array;
use crate::io::log::{readers, LogReader, Names};
use crate::{Error, Result};

/// A reader of a CSV, TSV or JSON Lines log (`format`: `csv`, `tsv`, `jsonl`) keeping the
/// columns `[label, score, group]` (group `""`: none); its id.
#[inline]
pub fn log_reader_create(format: &str, columns: Vec<String>, group_required: bool) -> Result<u32> {
    let [label, score, group]: [String; 3] = columns.try_into().map_err(|_| Error::new("columns", "must be [label, score, group]"))?;
    let group = Some(group).filter(|g| !g.is_empty());
    Ok(readers::create(LogReader::new(format, Names { label, score, group, group_required })?))
}

/// Reads the records `chunk` completes (`end`: the input has ended). `""`, or the first
/// malformed record's error as JSON (`crate::io::log::LogError`); the rows before it stay.
#[inline]
pub fn log_reader_feed(id: u32, chunk: &[u8], end: bool) -> Result<String> {
    readers::with(id, |r| {
        let done = r.feed(chunk).and_then(|()| if end { r.finish() } else { Ok(()) });
        done.err().map_or_else(String::new, |e| serde_json::to_string(&e).expect("an error serialises"))
    })
}

/// Rows read so far (for a progress bar).
#[inline]
pub fn log_reader_rows(id: u32) -> Result<u32> {
    readers::with(id, |r| r.rows() as u32)
}

/// `[labels, scores]`, `[labels, scores, groups]` or, when groups are numbered,
/// `[labels, scores, groups, names]` (a JSON array of each id's text; bytes that are not UTF-8
/// become U+FFFD) of the rows read; the reader is freed.
#[inline]
pub fn log_reader_take(id: u32) -> Result<Vec<Array>> {
    let c = readers::remove(id)?.into_columns();
    let mut out = vec![Array::F64(c.labels), Array::F64(c.scores)];
    out.extend(c.groups.map(Array::U32));
    if let Some(names) = c.group_names {
        let names: Vec<_> = names.iter().map(|n| String::from_utf8_lossy(n)).collect();
        out.push(Array::Text(serde_json::to_string(&names).expect("strings serialise")));
    }
    Ok(out)
}

/// Frees a reader without taking its rows (an abandoned read).
#[inline]
pub fn log_reader_dispose(id: u32) -> Result<()> {
    // Disposing twice (or after `take`) is harmless: the reader is gone either way.
    let _ = readers::remove(id);
    Ok(())
}
