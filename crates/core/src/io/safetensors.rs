//! The safetensors format (huggingface/safetensors), read from untrusted bytes into f32.
//!
//! A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON
//! `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …,
//! "__metadata__": {"key": "value", …}}`, then the data buffer: each tensor's elements,
//! row-major and little-endian, at bytes [begin, end) of the buffer. The tensors cover the
//! buffer exactly: no holes, no overlaps, no trailing bytes.
//!
//! Every check of the format is made, each failing as an error of argument `bytes`: lengths,
//! UTF-8, JSON syntax, keys given twice (at any level: a JSON object keeps its last value
//! silently, so the header is parsed into a tree that keeps them all), field types, dtypes,
//! shape × dtype size = end − begin (checked arithmetic), offsets in range, contiguous and
//! disjoint. Nothing here indexes or computes with a number read from the file unchecked, so
//! no input panics (the fuzz test below feeds it random and mutated files).
//!
//! Every dtype becomes f32: F64 and the integers are rounded to the nearest f32 (F64 beyond
//! f32's range becomes ±inf); F16 and BF16 convert exactly, bit by bit (subnormals, ±0, ±inf,
//! NaN payloads); BOOL bytes must be 0 or 1. The tensors are concatenated into one buffer in
//! the order of their data offsets.

use crate::{Error, Result};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// The largest header accepted, in bytes (the reference implementation's limit).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// The dtypes read (safetensors' names).
pub const DTYPES: [&str; 13] = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"];

/// One tensor of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    /// The dtype stored in the file (the data are f32 whatever it was).
    pub dtype: String,
    /// Row-major; `[]` is a scalar (one element).
    pub shape: Vec<usize>,
    /// Where its elements start in `Tensors::data`, in f32 elements.
    pub offset: usize,
}

impl Entry {
    /// Its number of elements (the product of `shape`).
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A whole file, converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensors {
    /// In the order of their data in the file.
    pub entries: Vec<Entry>,
    /// Every tensor's elements, one after the other.
    pub data: Vec<f32>,
    /// The header's `__metadata__`, if it has one.
    pub metadata: Option<BTreeMap<String, String>>,
}

impl Tensors {
    /// The tensor called `name` and its elements.
    pub fn get(&self, name: &str) -> Option<(&Entry, &[f32])> {
        let e = self.entries.iter().find(|e| e.name == name)?;
        Some((e, &self.data[e.offset..e.offset + e.len()]))
    }

    /// `{"tensors": [{"name", "dtype", "shape", "offset"}, …], "metadata": {…}}` (entries in
    /// data order; `offset` in f32 elements into `data`; `metadata` only when the file has it).
    pub fn index_json(&self) -> String {
        #[derive(Serialize)]
        struct Index<'a> {
            tensors: Vec<IndexEntry<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            metadata: Option<&'a BTreeMap<String, String>>,
        }
        #[derive(Serialize)]
        struct IndexEntry<'a> {
            name: &'a str,
            dtype: &'a str,
            shape: &'a [usize],
            offset: usize,
        }
        let index = Index {
            tensors: self.entries.iter().map(|e| IndexEntry { name: &e.name, dtype: &e.dtype, shape: &e.shape, offset: e.offset }).collect(),
            metadata: self.metadata.as_ref(),
        };
        serde_json::to_string(&index).expect("strings and integers serialise")
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error::new("bytes", message)
}

/// Reads a safetensors file.
pub fn read(bytes: &[u8]) -> Result<Tensors> {
    let Some((len, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(bad(format!("has {} bytes; a safetensors file starts with an 8-byte header length", bytes.len())));
    };
    let n = u64::from_le_bytes(*len);
    if n > MAX_HEADER_BYTES {
        return Err(bad(format!("the header length is {n} bytes, above the limit of {MAX_HEADER_BYTES}; this is not a safetensors file")));
    }
    if n > rest.len() as u64 {
        return Err(bad(format!("the header length is {n} bytes, but the file has only {} bytes after it (truncated?)", rest.len())));
    }
    let (header, buffer) = rest.split_at(n as usize);
    let header = std::str::from_utf8(header)
        .map_err(|e| bad(format!("the header is not UTF-8 (invalid byte at header offset {})", e.valid_up_to())))?;
    let json: Json = serde_json::from_str(header).map_err(|e| bad(format!("the header is not valid JSON: {e}")))?;
    let (infos, metadata) = parse_header(json, buffer.len() as u64)?;

    // The tensors, in data order, must tile the buffer.
    let mut order: Vec<usize> = (0..infos.len()).collect();
    order.sort_by_key(|&i| (infos[i].begin, infos[i].end));
    let mut at = 0u64;
    let mut previous: Option<&Info> = None;
    for &i in &order {
        let t = &infos[i];
        if let Some(p) = previous.filter(|_| t.begin < at) {
            return Err(bad(format!(
                "tensors {} (data_offsets [{}, {}]) and {} ([{}, {}]) overlap",
                quote(&p.name), p.begin, p.end, quote(&t.name), t.begin, t.end
            )));
        }
        if t.begin > at {
            let after = previous.map_or("the start of the buffer".to_string(), |p| quote(&p.name));
            return Err(bad(format!(
                "bytes [{at}, {}) of the data buffer, between {after} and {}, belong to no tensor (the data must be contiguous)",
                t.begin, quote(&t.name)
            )));
        }
        at = t.end;
        previous = Some(t);
    }
    if at != buffer.len() as u64 {
        let after = previous.map_or(String::new(), |p| format!(", after {},", quote(&p.name)));
        return Err(bad(format!(
            "bytes [{at}, {}) of the data buffer{after} belong to no tensor (the data must be contiguous)",
            buffer.len()
        )));
    }

    // Elements ≤ bytes: the total is bounded by the file's length.
    let total: usize = infos.iter().map(|t| t.elements).sum();
    let mut data = Vec::with_capacity(total);
    let mut entries = Vec::with_capacity(infos.len());
    let mut infos: Vec<Option<Info>> = infos.into_iter().map(Some).collect();
    for i in order {
        let t = infos[i].take().expect("each index once");
        // In range: checked against the buffer's length in parse_header.
        let raw = buffer.get(t.begin as usize..t.end as usize).ok_or_else(|| bad("internal: offsets out of range"))?;
        let offset = data.len();
        convert(t.dtype, raw, &mut data).map_err(|k| {
            bad(format!("tensor {} is BOOL but its element {k} is byte {}; BOOL bytes must be 0 or 1", quote(&t.name), raw[k]))
        })?;
        entries.push(Entry { name: t.name, dtype: t.dtype.name().to_string(), shape: t.shape, offset });
    }
    Ok(Tensors { entries, data, metadata })
}

/// A tensor's header entry, checked.
struct Info {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    elements: usize,
    begin: u64,
    end: u64,
}

/// The header's tensors (header order) and metadata, every field checked; `buffer` is the
/// length of the data buffer.
fn parse_header(json: Json, buffer: u64) -> Result<(Vec<Info>, Option<BTreeMap<String, String>>)> {
    let Json::Obj(fields) = json else {
        return Err(bad(format!(
            "the header is {}, not a JSON object of tensor name → {{\"dtype\", \"shape\", \"data_offsets\"}}",
            json.kind()
        )));
    };
    let mut seen = HashSet::with_capacity(fields.len());
    for (key, _) in &fields {
        if !seen.insert(key.as_str()) {
            return Err(bad(format!("the header has key {} twice", quote(key))));
        }
    }
    drop(seen);
    let mut infos = Vec::with_capacity(fields.len());
    let mut metadata = None;
    for (name, value) in fields {
        if name == "__metadata__" {
            metadata = Some(parse_metadata(value)?);
        } else {
            infos.push(parse_info(name, value, buffer)?);
        }
    }
    Ok((infos, metadata))
}

fn parse_metadata(value: Json) -> Result<BTreeMap<String, String>> {
    let Json::Obj(fields) = value else {
        return Err(bad(format!("__metadata__ is {}; it must be an object of string → string", value.kind())));
    };
    let mut map = BTreeMap::new();
    for (key, value) in fields {
        let Json::Str(s) = value else {
            return Err(bad(format!("__metadata__[{}] is {}; metadata values must be strings", quote(&key), value.kind())));
        };
        if map.contains_key(&key) {
            return Err(bad(format!("__metadata__ has key {} twice", quote(&key))));
        }
        map.insert(key, s);
    }
    Ok(map)
}

fn parse_info(name: String, value: Json, buffer: u64) -> Result<Info> {
    let t = quote(&name);
    let Json::Obj(fields) = value else {
        return Err(bad(format!("tensor {t} is {}; expected an object {{\"dtype\", \"shape\", \"data_offsets\"}}", value.kind())));
    };
    let (mut dtype, mut shape, mut offsets) = (None, None, None);
    for (key, value) in fields {
        let slot = match key.as_str() {
            "dtype" => &mut dtype,
            "shape" => &mut shape,
            "data_offsets" => &mut offsets,
            _ => return Err(bad(format!("tensor {t} has an unknown field {}; expected dtype, shape and data_offsets", quote(&key)))),
        };
        if slot.replace(value).is_some() {
            return Err(bad(format!("tensor {t} has field {key} twice")));
        }
    }
    let missing = |field: &str| bad(format!("tensor {t} has no {field}"));
    let (dtype, shape, offsets) = (dtype.ok_or_else(|| missing("dtype"))?, shape.ok_or_else(|| missing("shape"))?, offsets.ok_or_else(|| missing("data_offsets"))?);

    let dtype = match &dtype {
        Json::Str(s) => Dtype::parse(s).ok_or_else(|| {
            bad(format!("tensor {t} has dtype {}; reckit reads {}", quote(s), DTYPES.join(", ")))
        })?,
        other => return Err(bad(format!("tensor {t} has dtype {}; expected a string such as \"F32\"", other.show()))),
    };
    let dims = shape.naturals().ok_or_else(|| {
        bad(format!("tensor {t} has shape {}; expected an array of non-negative integers", shape.show()))
    })?;
    let [begin, end] = offsets.naturals().and_then(|o| <[u64; 2]>::try_from(o).ok()).ok_or_else(|| {
        bad(format!("tensor {t} has data_offsets {}; expected [begin, end], two non-negative integers", offsets.show()))
    })?;
    if begin > end {
        return Err(bad(format!("tensor {t} has data_offsets [{begin}, {end}]: begin is after end")));
    }
    if end > buffer {
        return Err(bad(format!("tensor {t} has data_offsets [{begin}, {end}], beyond the data buffer's {buffer} bytes")));
    }
    let shown = || format!("[{}]", dims.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
    let elements = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d));
    let size = elements.and_then(|e| e.checked_mul(dtype.size() as u64));
    if size != Some(end - begin) {
        let needs = size.map_or("more than 2^64 bytes".to_string(), |s| format!("{s} bytes"));
        return Err(bad(format!(
            "tensor {t} has shape {} of {}: {needs}, but its data_offsets [{begin}, {end}] hold {} bytes",
            shown(), dtype.name(), end - begin
        )));
    }
    // elements ≤ end − begin ≤ the file's length, which fits in usize; so does each nonzero
    // dimension. A dimension beside a 0 may not (on 32-bit targets).
    let elements = usize::try_from(elements.unwrap_or(0)).map_err(|_| bad("internal: element count"))?;
    let shape = dims.iter().map(|&d| usize::try_from(d)).collect::<std::result::Result<Vec<_>, _>>().map_err(|_| {
        bad(format!("tensor {t} has shape {}, a dimension too large for this platform", shown()))
    })?;
    Ok(Info { name, dtype, shape, elements, begin, end })
}

/// `'name'`, control characters escaped, cut after 100 characters (names are untrusted).
fn quote(name: &str) -> String {
    let mut s = String::from("'");
    for (i, c) in name.chars().enumerate() {
        if i == 100 {
            s.push('…');
            break;
        }
        if c.is_control() {
            s.extend(c.escape_default());
        } else {
            s.push(c);
        }
    }
    s.push('\'');
    s
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dtype {
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
}

impl Dtype {
    const ALL: [Dtype; 13] = [
        Dtype::F64, Dtype::F32, Dtype::F16, Dtype::BF16, Dtype::I64, Dtype::I32, Dtype::I16, Dtype::I8,
        Dtype::U64, Dtype::U32, Dtype::U16, Dtype::U8, Dtype::Bool,
    ];

    fn parse(s: &str) -> Option<Dtype> {
        Dtype::ALL.into_iter().find(|d| d.name() == s)
    }

    fn name(self) -> &'static str {
        DTYPES[self as usize]
    }

    fn size(self) -> usize {
        match self {
            Dtype::F64 | Dtype::I64 | Dtype::U64 => 8,
            Dtype::F32 | Dtype::I32 | Dtype::U32 => 4,
            Dtype::F16 | Dtype::BF16 | Dtype::I16 | Dtype::U16 => 2,
            Dtype::I8 | Dtype::U8 | Dtype::Bool => 1,
        }
    }
}

/// Appends `raw` (whole elements of `dtype`, little-endian) to `out` as f32; for BOOL, the
/// index of a byte other than 0 or 1 is the error.
fn convert(dtype: Dtype, raw: &[u8], out: &mut Vec<f32>) -> std::result::Result<(), usize> {
    fn each<const N: usize>(raw: &[u8], out: &mut Vec<f32>, f: impl Fn([u8; N]) -> f32) {
        out.extend(raw.chunks_exact(N).map(|c| f(c.try_into().expect("chunks of N"))));
    }
    match dtype {
        Dtype::F64 => each(raw, out, |b| f64::from_le_bytes(b) as f32),
        Dtype::F32 => each(raw, out, f32::from_le_bytes),
        Dtype::F16 => each(raw, out, |b| f16_to_f32(u16::from_le_bytes(b))),
        Dtype::BF16 => each(raw, out, |b| f32::from_bits((u16::from_le_bytes(b) as u32) << 16)),
        Dtype::I64 => each(raw, out, |b| i64::from_le_bytes(b) as f32),
        Dtype::I32 => each(raw, out, |b| i32::from_le_bytes(b) as f32),
        Dtype::I16 => each(raw, out, |b| i16::from_le_bytes(b) as f32),
        Dtype::I8 => each(raw, out, |b: [u8; 1]| b[0] as i8 as f32),
        Dtype::U64 => each(raw, out, |b| u64::from_le_bytes(b) as f32),
        Dtype::U32 => each(raw, out, |b| u32::from_le_bytes(b) as f32),
        Dtype::U16 => each(raw, out, |b| u16::from_le_bytes(b) as f32),
        Dtype::U8 => each(raw, out, |b: [u8; 1]| b[0] as f32),
        Dtype::Bool => {
            if let Some(k) = raw.iter().position(|&b| b > 1) {
                return Err(k);
            }
            each(raw, out, |b: [u8; 1]| b[0] as f32)
        }
    }
    Ok(())
}

/// IEEE binary16 → binary32, exactly: normals rebias the exponent, subnormals (m × 2⁻²⁴) are
/// computed in f32 (exact), inf and NaN keep their payload.
fn f16_to_f32(h: u16) -> f32 {
    const TWO_POW_MINUS_24: f32 = 1.0 / 16_777_216.0;
    let sign = ((h & 0x8000) as u32) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let magnitude = match exp {
        0 => (man as f32 * TWO_POW_MINUS_24).to_bits(),
        0x1f => 0x7f80_0000 | (man << 13),
        _ => ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// A parsed JSON value that keeps every key of an object, in order (duplicates included).
/// serde_json's recursion limit (128) bounds its depth.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::U64(_) | Json::I64(_) | Json::F64(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }

    /// An array of non-negative integers (`-0` counts as 0).
    fn naturals(&self) -> Option<Vec<u64>> {
        let Json::Arr(xs) = self else { return None };
        xs.iter()
            .map(|x| match *x {
                Json::U64(v) => Some(v),
                Json::I64(v) => u64::try_from(v).ok(),
                _ => None,
            })
            .collect()
    }

    /// Compact JSON, cut after about 80 characters (for error messages).
    fn show(&self) -> String {
        const CUT: usize = 80;
        fn put(j: &Json, s: &mut String) {
            if s.len() > CUT {
                return;
            }
            match j {
                Json::Null => s.push_str("null"),
                Json::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
                Json::U64(v) => s.push_str(&v.to_string()),
                Json::I64(v) => s.push_str(&v.to_string()),
                Json::F64(v) => s.push_str(&format!("{v:?}")),
                Json::Str(v) => s.push_str(&serde_json::to_string(&v.chars().take(CUT).collect::<String>()).unwrap_or_default()),
                Json::Arr(xs) => {
                    s.push('[');
                    for (i, x) in xs.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        put(x, s);
                        if s.len() > CUT {
                            break;
                        }
                    }
                    s.push(']');
                }
                Json::Obj(fields) => {
                    s.push('{');
                    for (i, (k, v)) in fields.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        put(&Json::Str(k.chars().take(CUT).collect()), s);
                        s.push_str(": ");
                        put(v, s);
                        if s.len() > CUT {
                            break;
                        }
                    }
                    s.push('}');
                }
            }
        }
        let mut s = String::new();
        put(self, &mut s);
        if s.len() > CUT {
            let cut = s.char_indices().nth(CUT).map_or(s.len(), |(i, _)| i);
            s.truncate(cut);
            s.push('…');
        }
        s
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Json, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Json, E> {
                Ok(Json::U64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Json, E> {
                Ok(Json::I64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Json, E> {
                Ok(Json::F64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Json, E> {
                Ok(Json::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Json, E> {
                Ok(Json::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
                let mut xs = Vec::new();
                while let Some(x) = seq.next_element()? {
                    xs.push(x);
                }
                Ok(Json::Arr(xs))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    fields.push((k, v));
                }
                Ok(Json::Obj(fields))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with these tensors, contiguous in the given order: (name, dtype, shape, raw bytes).
    fn file(tensors: &[(&str, &str, &[usize], Vec<u8>)], metadata: Option<&str>) -> Vec<u8> {
        let mut parts = Vec::new();
        let mut at = 0;
        for (name, dtype, shape, raw) in tensors {
            let shape: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            parts.push(format!(
                "{}:{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{at},{}]}}",
                serde_json::to_string(name).unwrap(),
                shape.join(","),
                at + raw.len()
            ));
            at += raw.len();
        }
        if let Some(m) = metadata {
            parts.push(format!("\"__metadata__\":{m}"));
        }
        let data: Vec<u8> = tensors.iter().flat_map(|t| t.3.iter().copied()).collect();
        with_header(&format!("{{{}}}", parts.join(",")), &data)
    }

    fn with_header(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn bytes_of<T: Copy, const N: usize>(xs: &[T], f: impl Fn(T) -> [u8; N]) -> Vec<u8> {
        xs.iter().flat_map(|&x| f(x)).collect()
    }

    fn rejects(bytes: &[u8], message: &str) {
        match read(bytes) {
            Ok(t) => panic!("accepted {t:?}; expected an error containing {message:?}"),
            Err(e) => {
                assert_eq!(e.arg, "bytes");
                assert!(e.message.contains(message), "{:?} does not contain {message:?}", e.message);
            }
        }
    }

    fn one(dtype: &str, shape: &[usize], raw: Vec<u8>) -> Vec<f32> {
        let t = read(&file(&[("t", dtype, shape, raw)], None)).unwrap();
        assert_eq!(t.entries.len(), 1);
        assert_eq!(t.entries[0].dtype, dtype);
        assert_eq!(t.entries[0].shape, shape);
        t.data
    }

    fn same_bits(got: &[f32], want: &[f32]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(g.to_bits() == w.to_bits(), "element {i}: got {g} ({:#x}), want {w} ({:#x})", g.to_bits(), w.to_bits());
        }
    }

    #[test]
    fn every_dtype_round_trips() {
        let f = [0.0f32, -0.0, 1.5, -2.25, f32::INFINITY, f32::NEG_INFINITY, f32::MIN_POSITIVE, 1e-45, f32::MAX];
        same_bits(&one("F32", &[3, 3], bytes_of(&f, f32::to_le_bytes)), &f);
        let d = [0.0f64, -0.0, 0.1, -1e300, 1e-300, 3.0];
        same_bits(&one("F64", &[6], bytes_of(&d, f64::to_le_bytes)), &[0.0, -0.0, 0.1, f32::NEG_INFINITY, 0.0, 3.0]);
        // F16: ±0, 1, -2, 65504 (max), 2^-14 (min normal), 2^-24 (min subnormal), 1023 × 2^-24, ±inf, 1/3.
        let h: [u16; 11] = [0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x3555];
        let want = [0.0, -0.0, 1.0, -2.0, 65504.0, 2f32.powi(-14), 2f32.powi(-24), 1023.0 * 2f32.powi(-24), f32::INFINITY, f32::NEG_INFINITY, 0.333_251_95];
        same_bits(&one("F16", &[11], bytes_of(&h, u16::to_le_bytes)), &want);
        let nan = one("F16", &[2], bytes_of(&[0x7e00u16, 0xfd01], u16::to_le_bytes));
        assert!(nan[0].is_nan() && nan[1].is_nan() && nan[1].is_sign_negative());
        assert_eq!(nan[1].to_bits(), 0xffa0_2000); // payload kept
        // Every F16 value: agrees with the f64 definition.
        for h in 0..=u16::MAX {
            let (s, e, m) = ((h >> 15) as i32, ((h >> 10) & 0x1f) as i32, (h & 0x3ff) as f64);
            let v = if e == 0 { m * 2f64.powi(-24) } else if e == 31 { if m == 0.0 { f64::INFINITY } else { f64::NAN } } else { (1.0 + m / 1024.0) * 2f64.powi(e - 15) };
            let v = if s == 1 { -v } else { v } as f32;
            let got = f16_to_f32(h);
            assert!(got.to_bits() == v.to_bits() || (got.is_nan() && v.is_nan()), "{h:#x}: {got} vs {v}");
        }
        // BF16: the top half of an f32, so exact, subnormals and -0 included.
        let b: [u16; 7] = [0x3f80, 0x8000, 0xc049, 0x0001, 0x7f80, 0xff80, 0x7f7f];
        let want: Vec<f32> = b.iter().map(|&x| f32::from_bits((x as u32) << 16)).collect();
        same_bits(&one("BF16", &[7], bytes_of(&b, u16::to_le_bytes)), &want);
        assert_eq!(want[0], 1.0);
        assert_eq!(want[3], f32::from_bits(0x10000)); // a subnormal
        let i = [0i64, -1, 7, i64::MIN, 16_777_217];
        same_bits(&one("I64", &[5], bytes_of(&i, i64::to_le_bytes)), &[0.0, -1.0, 7.0, -9.223_372e18, 16_777_216.0]);
        same_bits(&one("I32", &[3], bytes_of(&[-5i32, i32::MAX, 0], i32::to_le_bytes)), &[-5.0, 2_147_483_648.0, 0.0]);
        same_bits(&one("I16", &[2], bytes_of(&[-32768i16, 300], i16::to_le_bytes)), &[-32768.0, 300.0]);
        same_bits(&one("I8", &[3], vec![0x80, 0x7f, 0xff]), &[-128.0, 127.0, -1.0]);
        same_bits(&one("U64", &[2], bytes_of(&[u64::MAX, 3], u64::to_le_bytes)), &[1.844_674_4e19, 3.0]);
        same_bits(&one("U32", &[2], bytes_of(&[u32::MAX, 3], u32::to_le_bytes)), &[4_294_967_296.0, 3.0]);
        same_bits(&one("U16", &[2], bytes_of(&[65535u16, 3], u16::to_le_bytes)), &[65535.0, 3.0]);
        same_bits(&one("U8", &[3], vec![0, 200, 255]), &[0.0, 200.0, 255.0]);
        same_bits(&one("BOOL", &[2, 2], vec![0, 1, 1, 0]), &[0.0, 1.0, 1.0, 0.0]);
        // A scalar (shape []) has one element; empty tensors have none.
        same_bits(&one("F32", &[], 2.5f32.to_le_bytes().to_vec()), &[2.5]);
        same_bits(&one("F16", &[0, 3], vec![]), &[]);
    }

    #[test]
    fn data_order_offsets_index_and_metadata() {
        // Header order differs from data order; unaligned offsets (an I8 of 3 bytes first).
        let header = r#"{"b":{"dtype":"F32","shape":[2],"data_offsets":[3,11]},"__metadata__":{"format":"pt","x":"\"y\""},"a":{"dtype":"I8","shape":[3],"data_offsets":[0,3]},"e":{"dtype":"F64","shape":[0],"data_offsets":[11,11]}}   "#;
        let mut data = vec![1u8, 2, 0xfe];
        data.extend(bytes_of(&[0.5f32, -4.0], f32::to_le_bytes));
        let t = read(&with_header(header, &data)).unwrap();
        let names: Vec<&str> = t.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "e"]);
        assert_eq!(t.data, [1.0, 2.0, -2.0, 0.5, -4.0]);
        assert_eq!(t.get("b").unwrap().1, [0.5, -4.0]);
        assert_eq!(t.entries[1].offset, 3);
        let m = t.metadata.as_ref().unwrap();
        assert_eq!(m["x"], "\"y\"");
        assert_eq!(
            t.index_json(),
            r#"{"tensors":[{"name":"a","dtype":"I8","shape":[3],"offset":0},{"name":"b","dtype":"F32","shape":[2],"offset":3},{"name":"e","dtype":"F64","shape":[0],"offset":5}],"metadata":{"format":"pt","x":"\"y\""}}"#
        );
        // No tensors at all, no metadata.
        let empty = read(&with_header("{}", &[])).unwrap();
        assert!(empty.entries.is_empty() && empty.metadata.is_none());
        assert_eq!(empty.index_json(), r#"{"tensors":[]}"#);
        // Names with quotes, escapes and non-ASCII survive.
        let t = read(&file(&[("l\"ä\n.weight", "U8", &[1], vec![9])], Some("{}"))).unwrap();
        assert_eq!(t.entries[0].name, "l\"ä\n.weight");
        assert!(t.index_json().contains(r#""name":"l\"ä\n.weight""#));
        assert_eq!(t.metadata, Some(BTreeMap::new()));
    }

    #[test]
    fn rejections() {
        let f32s = |n: usize| vec![0u8; 4 * n];
        let t = |dtype: &str, shape: &str, offsets: &str| format!(r#""t":{{"dtype":{dtype},"shape":{shape},"data_offsets":{offsets}}}"#);
        let h = |body: &str, data: usize| with_header(&format!("{{{body}}}"), &vec![0u8; data]);

        // Lengths.
        rejects(&[], "has 0 bytes; a safetensors file starts with an 8-byte header length");
        rejects(&[1, 0, 0], "has 3 bytes");
        rejects(&(MAX_HEADER_BYTES + 1).to_le_bytes(), "above the limit");
        rejects(&u64::MAX.to_le_bytes(), "above the limit");
        let mut short = with_header("{}", &[]);
        short[0] = 3;
        rejects(&short, "the header length is 3 bytes, but the file has only 2 bytes after it");
        let good = file(&[("a", "F32", &[2], f32s(2))], None);
        rejects(&good[..good.len() - 1], "tensor 'a' has data_offsets [0, 8], beyond the data buffer's 7 bytes");
        rejects(&good[..good.len() - 1].iter().chain(&[0, 0]).copied().collect::<Vec<_>>(), "bytes [8, 9) of the data buffer, after 'a'");
        rejects(&good[..20], "the header length is");

        // Header text.
        let mut not_utf8 = with_header("{\"a?\":{}}", &[]);
        let q = not_utf8.iter().position(|&b| b == b'?').unwrap();
        not_utf8[q] = 0xc3;
        rejects(&not_utf8, "the header is not UTF-8 (invalid byte at header offset 3)");
        rejects(&with_header("", &[]), "not valid JSON: EOF");
        rejects(&with_header("{\"a\":", &[]), "not valid JSON");
        rejects(&with_header("{} x", &[]), "not valid JSON: trailing characters");
        rejects(&with_header("{'a': 1}", &[]), "not valid JSON: key must be a string");
        rejects(&with_header("{\"a\":", &[]), "not valid JSON: EOF");
        rejects(&h(&t("\"F32\"", "[1.5]", "[0,4.0]"), 4), "tensor 't' has shape [1.5]; expected");
        rejects(&h(&t("\"F32\"", "[1]", "[0,4.0]"), 4), "tensor 't' has data_offsets [0, 4.0]; expected [begin, end]");
        rejects(&with_header("[]", &[]), "the header is an array, not a JSON object");
        rejects(&with_header("\"x\"", &[]), "the header is a string, not a JSON object");
        rejects(&with_header(&"[".repeat(10_000), &[]), "not valid JSON: recursion limit exceeded");
        rejects(&with_header(r#"{"a":"\ud800"}"#, &[]), "not valid JSON");

        // Keys given twice, at each level.
        rejects(&h(&format!("{},{}", t("\"F32\"", "[1]", "[0,4]"), t("\"F32\"", "[1]", "[4,8]")), 8), "the header has key 't' twice");
        rejects(&h(r#""__metadata__":{},"__metadata__":{}"#, 0), "the header has key '__metadata__' twice");
        rejects(&h(r#""t":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, 4), "tensor 't' has field dtype twice");
        rejects(&h(r#""__metadata__":{"k":"1","k":"2"}"#, 0), "__metadata__ has key 'k' twice");

        // Fields.
        rejects(&h(r#""t":[1]"#, 0), "tensor 't' is an array; expected an object");
        rejects(&h(r#""t":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"extra":1}"#, 0), "tensor 't' has an unknown field 'extra'");
        rejects(&h(r#""t":{"dtype":"F32","shape":[0]}"#, 0), "tensor 't' has no data_offsets");
        rejects(&h(r#""t":{"shape":[0],"data_offsets":[0,0]}"#, 0), "tensor 't' has no dtype");
        rejects(&h(&t("\"F8_E4M3\"", "[1]", "[0,1]"), 1), "tensor 't' has dtype 'F8_E4M3'; reckit reads F64, F32, F16, BF16");
        rejects(&h(&t("\"f32\"", "[1]", "[0,4]"), 4), "has dtype 'f32'");
        rejects(&h(&t("4", "[1]", "[0,4]"), 4), "tensor 't' has dtype 4; expected a string");
        rejects(&h(&t("\"F32\"", "[2,-1]", "[0,4]"), 4), "tensor 't' has shape [2, -1]; expected an array of non-negative integers");
        rejects(&h(&t("\"F32\"", "[1.0]", "[0,4]"), 4), "has shape [1.0]; expected an array of non-negative integers");
        rejects(&h(&t("\"F32\"", "[1e0]", "[0,4]"), 4), "expected an array of non-negative integers");
        rejects(&h(&t("\"F32\"", "[18446744073709551616]", "[0,4]"), 4), "expected an array of non-negative integers");
        rejects(&h(&t("\"F32\"", "4", "[0,4]"), 4), "has shape 4; expected an array");
        rejects(&h(&t("\"F32\"", "[\"1\"]", "[0,4]"), 4), "has shape [\"1\"]");
        rejects(&h(&t("\"F32\"", "[1]", "[0,4,8]"), 8), "has data_offsets [0, 4, 8]; expected [begin, end]");
        rejects(&h(&t("\"F32\"", "[1]", "[-4,0]"), 4), "has data_offsets [-4, 0]; expected [begin, end], two non-negative integers");
        rejects(&h(&t("\"F32\"", "[1]", "[0,4.5]"), 4), "has data_offsets [0, 4.5]");
        rejects(&h(&t("\"F32\"", "[1]", "{}"), 4), "has data_offsets {}");
        rejects(&h(r#""__metadata__":[]"#, 0), "__metadata__ is an array; it must be an object of string → string");
        rejects(&h(r#""__metadata__":null"#, 0), "__metadata__ is null");
        rejects(&h(r#""__metadata__":{"k":1}"#, 0), "__metadata__['k'] is a number; metadata values must be strings");

        // Sizes and offsets.
        rejects(&h(&t("\"F32\"", "[2,3]", "[0,20]"), 20), "tensor 't' has shape [2, 3] of F32: 24 bytes, but its data_offsets [0, 20] hold 20 bytes");
        rejects(&h(&t("\"F16\"", "[4294967296,4294967296]", "[0,4]"), 4), "more than 2^64 bytes");
        rejects(&h(&t("\"F64\"", "[2305843009213693952]", "[0,0]"), 0), "more than 2^64 bytes"); // 2^61 × 8 = 2^64
        rejects(&h(&t("\"F32\"", "[1]", "[8,4]"), 8), "tensor 't' has data_offsets [8, 4]: begin is after end");
        rejects(&h(&t("\"F32\"", "[1]", "[0,4]"), 3), "has data_offsets [0, 4], beyond the data buffer's 3 bytes");
        rejects(&h(&t("\"F32\"", "[1]", "[18446744073709551611,18446744073709551615]"), 4), "beyond the data buffer's 4 bytes");
        let two = |a: &str, b: &str, data: usize| {
            h(&format!(r#""a":{{"dtype":"F32","shape":[1],"data_offsets":{a}}},"b":{{"dtype":"F32","shape":[1],"data_offsets":{b}}}"#), data)
        };
        rejects(&two("[0,4]", "[2,6]", 6), "tensors 'a' (data_offsets [0, 4]) and 'b' ([2, 6]) overlap");
        rejects(&two("[0,4]", "[0,4]", 4), "overlap");
        rejects(&two("[0,4]", "[8,12]", 12), "bytes [4, 8) of the data buffer, between 'a' and 'b', belong to no tensor");
        rejects(&two("[4,8]", "[8,12]", 12), "bytes [0, 4) of the data buffer, between the start of the buffer and 'a'");
        rejects(&two("[0,4]", "[4,8]", 9), "bytes [8, 9) of the data buffer, after 'b', belong to no tensor");
        rejects(&h("", 1), "bytes [0, 1) of the data buffer belong to no tensor");
        // An empty tensor inside another one overlaps it.
        rejects(
            &h(r#""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}"#, 8),
            "overlap",
        );
        // BOOL bytes.
        rejects(&file(&[("m", "BOOL", &[3], vec![1, 0, 2])], None), "tensor 'm' is BOOL but its element 2 is byte 2");
        // Long, odd names are cut and escaped in messages.
        let long = format!("{}\u{1}", "x".repeat(300));
        let e = read(&file(&[(&long, "F32", &[1], vec![0; 3])], None)).unwrap_err();
        assert!(e.message.starts_with(&format!("tensor '{}…'", "x".repeat(100))), "{}", e.message);
        let e = read(&file(&[("a\u{1}", "F32", &[1], vec![0; 3])], None)).unwrap_err();
        assert!(e.message.starts_with("tensor 'a\\u{1}'"), "{}", e.message);
    }

    // ---- fuzzing ----

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
            &xs[self.below(xs.len())]
        }
    }

    const TOKENS: [&str; 40] = [
        "{", "}", "[", "]", ":", ",", "\"", " ", "0", "1", "4", "-1", "1.5", "1e3", "18446744073709551615",
        "18446744073709551616", "null", "true", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
        "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"BOOL\"", "\"U8\"", "\"F8_E4M3\"", "\"t\"", "\"a\"", "\\u0000",
        "\\ud800", "é", "\u{0}", "[0,4]", "[1]", "[]", "{}", "\"x\":\"y\"",
    ];

    /// Checks an accepted file's invariants (so mutations that still parse are coherent).
    fn coherent(t: &Tensors) {
        let mut at = 0;
        for e in &t.entries {
            assert_eq!(e.offset, at);
            at += e.len();
            assert!(DTYPES.contains(&e.dtype.as_str()));
        }
        assert_eq!(at, t.data.len());
        let _ = t.index_json();
    }

    fn check(bytes: &[u8]) -> bool {
        match read(bytes) {
            Ok(t) => {
                coherent(&t);
                true
            }
            Err(e) => {
                assert_eq!(e.arg, "bytes");
                assert!(!e.message.is_empty());
                false
            }
        }
    }

    /// A random valid file and its expected data (in data order).
    fn random_file(rng: &mut Rng) -> Vec<u8> {
        let n = rng.below(5);
        let names: Vec<String> = (0..n).map(|i| format!("t{i}.{}", rng.below(1000))).collect();
        let mut tensors = Vec::new();
        for name in &names {
            let dtype = *rng.pick(&DTYPES);
            let shape: Vec<usize> = (0..rng.below(4)).map(|_| rng.below(4)).collect();
            let elements: usize = shape.iter().product();
            let size = Dtype::parse(dtype).unwrap().size();
            let raw: Vec<u8> = (0..elements * size).map(|_| if dtype == "BOOL" { rng.below(2) as u8 } else { rng.next() as u8 }).collect();
            tensors.push((name.as_str(), dtype, shape, raw));
        }
        let tensors: Vec<(&str, &str, &[usize], Vec<u8>)> = tensors.iter().map(|(a, b, c, d)| (*a, *b, &c[..], d.clone())).collect();
        let metadata = match rng.below(3) {
            0 => None,
            1 => Some("{}".to_string()),
            _ => Some(format!("{{\"format\":\"pt\",\"n\":\"{}\"}}", rng.below(100))),
        };
        file(&tensors, metadata.as_deref())
    }

    /// Replaces the header (keeping or fixing the length prefix).
    fn set_header(bytes: &[u8], header: &[u8], fix_length: bool, rng: &mut Rng) -> Vec<u8> {
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let data = &bytes[8 + n..];
        let len = if fix_length { header.len() as u64 } else { (header.len() as u64).wrapping_add(rng.below(5) as u64).wrapping_sub(2) };
        let mut out = len.to_le_bytes().to_vec();
        out.extend_from_slice(header);
        out.extend_from_slice(data);
        out
    }

    fn mutate(valid: &[u8], rng: &mut Rng) -> Vec<u8> {
        let n = u64::from_le_bytes(valid[..8].try_into().unwrap()) as usize;
        let header = &valid[8..8 + n];
        match rng.below(7) {
            // Flip random bytes anywhere.
            0 => {
                let mut b = valid.to_vec();
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                b
            }
            // Set random bytes to random values (mostly in the header).
            1 => {
                let mut b = valid.to_vec();
                for _ in 0..1 + rng.below(3) {
                    let i = 8 + rng.below(n);
                    b[i] = rng.next() as u8;
                }
                b
            }
            // Truncate, or append.
            2 => {
                let mut b = valid.to_vec();
                if rng.below(2) == 0 {
                    b.truncate(rng.below(valid.len() + 1));
                } else {
                    b.extend((0..1 + rng.below(9)).map(|_| rng.next() as u8));
                }
                b
            }
            // Splice header text: insert, delete or replace a range with tokens.
            3 | 4 => {
                let mut h = header.to_vec();
                let at = rng.below(h.len() + 1);
                let end = (at + rng.below(8)).min(h.len());
                let insert: Vec<u8> = (0..rng.below(4)).flat_map(|_| rng.pick(&TOKENS).as_bytes().to_vec()).collect();
                h.splice(at..end, insert);
                let fix = rng.below(8) != 0;
                set_header(valid, &h, fix, rng)
            }
            // Change numbers in the JSON (shape dims and offsets).
            _ => {
                let text = String::from_utf8(header.to_vec()).unwrap();
                let runs: Vec<(usize, usize)> = {
                    let mut runs = Vec::new();
                    let b = text.as_bytes();
                    let mut i = 0;
                    while i < b.len() {
                        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'.') {
                            let s = i;
                            while i < b.len() && b[i].is_ascii_digit() {
                                i += 1;
                            }
                            runs.push((s, i));
                        } else {
                            i += 1;
                        }
                    }
                    runs
                };
                if runs.is_empty() {
                    return valid.to_vec();
                }
                let mut t = text;
                {
                    let &(s, e) = rng.pick(&runs);
                    let old: u64 = t[s..e].parse().unwrap_or(0);
                    let new = match rng.below(9) {
                        0 => "0".to_string(),
                        1 => (old + 1).to_string(),
                        2 => old.saturating_sub(1).to_string(),
                        3 => (old * 2).to_string(),
                        4 => u64::MAX.to_string(),
                        5 => "18446744073709551616".to_string(),
                        6 => format!("-{old}"),
                        7 => format!("{old}.5"),
                        _ => (rng.next() >> rng.below(64)).to_string(),
                    };
                    t.replace_range(s..e, &new);
                }
                let fix = rng.below(8) != 0;
                set_header(valid, t.as_bytes(), fix, rng)
            }
        }
    }

    #[test]
    fn fuzz_random_bytes_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0;
        for i in 0..200_000 {
            let bytes: Vec<u8> = match i % 3 {
                // Any bytes.
                0 => (0..rng.below(40)).map(|_| rng.next() as u8).collect(),
                // A plausible length, then random bytes.
                1 => {
                    let body: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                    let n = (rng.below(body.len() + 3)) as u64;
                    n.to_le_bytes().iter().copied().chain(body).collect()
                }
                // A plausible length, then JSON-ish tokens, then some data.
                _ => {
                    let header: String = (0..rng.below(24)).map(|_| *rng.pick(&TOKENS)).collect();
                    let data: Vec<u8> = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
                    let mut b = with_header(&header, &data);
                    if rng.below(4) == 0 {
                        b[0] = b[0].wrapping_add(rng.below(5) as u8).wrapping_sub(2);
                    }
                    b
                }
            };
            accepted += check(&bytes) as usize;
        }
        eprintln!("random bytes: {accepted} of 200000 accepted");
    }

    #[test]
    fn fuzz_mutated_files_never_panic() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut accepted, mut rejected) = (0, 0);
        for _ in 0..20_000 {
            let valid = random_file(&mut rng);
            assert!(check(&valid), "a valid file was rejected: {:?}", read(&valid));
            for _ in 0..10 {
                let m = mutate(&valid, &mut rng);
                if check(&m) {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
            }
        }
        eprintln!("mutated files: {accepted} accepted, {rejected} rejected");
        assert!(accepted > 1000 && rejected > 100_000, "accepted {accepted}, rejected {rejected}");
    }
}
