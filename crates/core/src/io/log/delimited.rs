//! CSV and TSV. The record syntax is RFC 4180's (quotes, doubled quotes, quoted line breaks,
//! CRLF), parsed by `csv-core`'s state machine (the `csv` crate's core, which keeps a record's
//! unescaped bytes and field ends across input chunks). Written here: the header naming the
//! columns, physical line numbers counted through quoted line breaks (csv-core counts records),
//! a BOM (Excel and other Windows tools write one), blank lines skipped (Papa Parse's `skipEmptyLines: 'greedy'`,
//! which reckit used before), an unterminated quote at the end reported (csv-core prefers *a*
//! parse), and the bound on a record's length.

use super::{count, Field, LogError, Parsed, Rows, MAX_RECORD};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// Where the columns in use are in a record.
struct At {
    label: usize,
    score: usize,
    group: Option<usize>,
    fields: usize,
}

pub struct Delimited {
    csv: Reader,
    /// The record in progress: its unescaped bytes and field ends (csv-core writes both across calls).
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nends: usize,
    /// Physical line where the record in progress starts, and line breaks consumed so far.
    record_line: u64,
    line: u64,
    in_record: bool,
    /// Quote characters in the record in progress: odd at the end of the input means an unterminated quote.
    quotes: u64,
    at: Option<At>,
    /// The input's first bytes, until there are 3 (see `feed`).
    head: Option<Vec<u8>>,
}

impl Delimited {
    pub fn new(delimiter: u8) -> Self {
        Delimited {
            csv: ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1 << 12],
            ends: vec![0; 64],
            nout: 0,
            nends: 0,
            record_line: 1,
            line: 1,
            in_record: false,
            quotes: 0,
            at: None,
            head: Some(Vec::new()),
        }
    }

    /// Reads every record `input` completes; with `end`, the last one and the end's checks.
    pub fn feed(&mut self, rows: &mut Rows, input: &[u8], end: bool) -> Parsed {
        // The first 3 bytes are held until they can be told apart from a BOM, which is dropped
        // here: csv-core skips one itself, but takes the empty rest of a chunk that held only
        // the BOM for the end of the data.
        if let Some(mut head) = self.head.take() {
            head.extend_from_slice(input);
            if head.len() < 3 && !end {
                self.head = Some(head);
                return Ok(());
            }
            return self.records(rows, head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head), end);
        }
        self.records(rows, input, end)
    }

    fn records(&mut self, rows: &mut Rows, mut input: &[u8], end: bool) -> Parsed {
        loop {
            if !self.in_record {
                // Line breaks before a record (blank lines csv-core skips) move its first line.
                let skip = input.iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
                self.line += count(&input[..skip], b'\n');
                input = &input[skip..];
                self.record_line = self.line;
                self.in_record = true;
                self.quotes = 0;
            }
            // An empty input tells csv-core that the data has ended: only at the end.
            if input.is_empty() && !end {
                return Ok(());
            }
            let (result, nin, nout, nends) = self.csv.read_record(input, &mut self.out[self.nout..], &mut self.ends[self.nends..]);
            let consumed = &input[..nin];
            self.line += count(consumed, b'\n');
            self.quotes += count(consumed, b'"');
            input = &input[nin..];
            self.nout += nout;
            self.nends += nends;
            let at = Some(self.record_line);
            match result {
                ReadRecordResult::InputEmpty if self.nout > MAX_RECORD => {
                    return Err(LogError::at(at, None, format!("record is longer than {MAX_RECORD} bytes")));
                }
                ReadRecordResult::InputEmpty => return Ok(()),
                ReadRecordResult::OutputFull => grow(&mut self.out).map_err(|e| LogError::at(at, None, e))?,
                ReadRecordResult::OutputEndsFull => grow(&mut self.ends).map_err(|e| LogError::at(at, None, e))?,
                ReadRecordResult::Record => {
                    if end && input.is_empty() && self.quotes % 2 == 1 {
                        return Err(LogError::at(at, None, "Quoted field unterminated"));
                    }
                    self.record(rows)?;
                    self.in_record = false;
                    self.nout = 0;
                    self.nends = 0;
                }
                ReadRecordResult::End => {
                    self.in_record = false;
                    return match self.at {
                        None => Err(LogError::at(None, None, "is empty (no header, no rows)")),
                        Some(_) => Ok(()),
                    };
                }
            }
        }
    }

    /// One whole record: the header, or a row.
    fn record(&mut self, rows: &mut Rows) -> Parsed {
        let line = self.record_line;
        let (out, ends) = (&self.out[..self.nout], &self.ends[..self.nends]);
        let field = |i: usize| &out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        // Blank records (only blanks in every field) are skipped, as Papa Parse's 'greedy' did.
        if (0..ends.len()).all(|i| field(i).iter().all(u8::is_ascii_whitespace)) {
            return Ok(());
        }
        let Some(at) = &self.at else {
            let name = |i: usize| String::from_utf8_lossy(field(i)).trim().to_owned();
            let at = header(rows, line, (0..ends.len()).map(name).collect())?;
            if at.group.is_some() {
                rows.columns.groups = Some(Vec::new());
            }
            self.at = Some(at);
            return Ok(());
        };
        if ends.len() != at.fields {
            let n = ends.len();
            return Err(LogError::at(Some(line), None, format!("has {n} field{}, the header has {}", if n == 1 { "" } else { "s" }, at.fields)));
        }
        rows.push(line, Field::Text(field(at.label)), Field::Text(field(at.score)), at.group.map(field))
    }
}

fn header(rows: &Rows, line: u64, header: Vec<String>) -> std::result::Result<At, LogError> {
    let names = &rows.names;
    let index = |name: &str| -> std::result::Result<usize, LogError> {
        let wh: Vec<usize> = header.iter().enumerate().filter(|(_, h)| *h == name).map(|(i, _)| i + 1).collect();
        match wh.len() {
            0 => Err(LogError { name: Some(name.to_owned()), columns: Some(header.clone()), ..LogError::at(Some(line), None, "no column {name} (columns: {columns})") }),
            1 => Ok(wh[0] - 1),
            // Which one would be a guess: the columns in use must be unambiguous.
            n => Err(LogError::at(Some(line), Some(name), format!("is in the header {n} times (columns {})", wh.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")))),
        }
    };
    let group = match &names.group {
        Some(g) if names.group_required || header.iter().any(|h| h == g) => Some(index(g)?),
        _ => None,
    };
    Ok(At { label: index(&names.label)?, score: index(&names.score)?, group, fields: header.len() })
}

/// Doubles a record buffer; running out of memory is an error, not an abort.
fn grow<T: Default + Clone>(v: &mut Vec<T>) -> std::result::Result<(), String> {
    let more = v.len();
    v.try_reserve(more).map_err(|_| format!("out of memory for a record of {} bytes", v.len()))?;
    v.resize(2 * more, T::default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{LogReader, Names};
    use super::*;

    fn names(group: Option<&str>) -> Names {
        Names { label: "label".into(), score: "score".into(), group: group.map(Into::into), group_required: false }
    }

    /// The input split into chunks at `cuts`.
    fn read(text: &[u8], cuts: &[usize], group: Option<&str>) -> (LogReader, Parsed) {
        let mut r = LogReader::new("csv", names(group)).unwrap();
        let mut last = 0;
        for &c in cuts.iter().chain([text.len()].iter()) {
            if let Err(e) = r.feed(&text[last..c]) {
                return (r, Err(e));
            }
            last = c;
        }
        let done = r.finish();
        (r, done)
    }

    #[test]
    fn every_split_of_the_bytes_gives_the_same_columns() {
        let text = "\u{feff}user,label,score\r\n7,1,0.5\r\n\r\n\"u,2\",0,\"1e-3\"\n\"x\"\"y\",1,-2.5\n\"multi\nline\",0,3\n".as_bytes();
        let (whole, ok) = read(text, &[], Some("user"));
        ok.unwrap();
        assert_eq!(whole.columns().labels, [1.0, 0.0, 1.0, 0.0]);
        assert_eq!(whole.columns().scores, [0.5, 1e-3, -2.5, 3.0]);
        assert_eq!(whole.columns().groups.as_deref(), Some(&[0, 1, 2, 3][..])); // "7" renumbered once "u,2" came
        for a in 0..=text.len() {
            for b in a..=text.len() {
                let (r, ok) = read(text, &[a, b], Some("user"));
                ok.unwrap_or_else(|e| panic!("{a} {b}: {e:?}"));
                let (c, w) = (r.columns(), whole.columns());
                assert_eq!((&c.labels, &c.scores, &c.groups), (&w.labels, &w.scores, &w.groups), "split at {a}, {b}");
            }
        }
    }

    #[test]
    fn errors_name_the_physical_line_and_column() {
        let text = b"label,score\n1,0.5\n0,\"two\nlines\"\n1,NaN?\n";
        let (r, e) = read(text, &[], None);
        let e = e.unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.problem.as_str(), e.value.as_deref()), (Some(3), Some("score"), "score {value} is not a finite number", Some("two\nlines")));
        assert_eq!(r.rows(), 1);
        let e = read(b"label,score\n1,0.5\n\n1,NaN?\n", &[], None).1.unwrap_err();
        assert_eq!(e.line, Some(4));
        let e = read(b"label,score\n0x1,0.5\n", &[], None).1.unwrap_err();
        assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("label"), super::super::NOT_DECIMAL));
        let e = read(b"label,score\n1,0.5,3\n", &[], None).1.unwrap_err();
        assert_eq!(e.problem, "has 3 fields, the header has 2");
        let e = read(b"user,label\n1,0\n", &[], None).1.unwrap_err();
        assert_eq!((e.line, e.problem.as_str(), e.columns.clone()), (Some(1), "no column {name} (columns: {columns})", Some(vec!["user".into(), "label".into()])));
        let e = read(b"label,score,score\n", &[], None).1.unwrap_err();
        assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("score"), "is in the header 2 times (columns 2, 3)"));
        let e = read(b"label,score\n1,\"0.5\n", &[], None).1.unwrap_err();
        assert_eq!((e.line, e.problem.as_str()), (Some(2), "Quoted field unterminated"));
        assert_eq!(read(b"", &[], None).1.unwrap_err().problem, "is empty (no header, no rows)");
        assert_eq!(read(b"label,score\n-1,0\n", &[], None).1.unwrap_err().problem, "label {value} is not a number >= 0");
    }
}
