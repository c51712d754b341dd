//! The kernel table's vocabulary as wasm-bindgen types (the TypeScript they generate is the
//! same as crates/node/kernels.d.ts declares), each argument's copy into wasm memory
//! ([`Input::own`], rejecting a value of the wrong type) and each result's JavaScript value.

use super::*;
use js_sys::{Array, Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array};
use reckit_core::kernels::{Array as CoreArray, ScoresBuf, Shape};
use reckit_core::{Error, Result};

reckit_core::plain_vocabulary!();

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Float32Array | Float64Array")]
    pub type Scores;
    #[wasm_bindgen(typescript_type = "(Float32Array | Float64Array)[]")]
    pub type ScoresList;
    #[wasm_bindgen(typescript_type = "Float32Array[]")]
    pub type F32List;
    #[wasm_bindgen(typescript_type = "(Uint32Array | null)[]")]
    pub type ShapeList;
    #[wasm_bindgen(typescript_type = "(Int32Array | null)[]")]
    pub type IntsList;
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type StrList;
    #[wasm_bindgen(typescript_type = "(Float64Array | Float32Array)[]")]
    pub type LossArrays;
    #[wasm_bindgen(typescript_type = "(Float32Array | Uint32Array)[]")]
    pub type Tensors;
    #[wasm_bindgen(typescript_type = "[string, Float32Array]")]
    pub type TensorFile;
    #[wasm_bindgen(typescript_type = "[Float64Array, Float64Array] | [Float64Array, Float64Array, Uint32Array]")]
    pub type LogColumns;
}

pub trait Input {
    type Owned: Owned;
    /// The argument copied into wasm memory; `arg` names it in errors.
    fn own(self, arg: &'static str) -> Result<Self::Owned>;
}

/// Room in wasm memory for `len` elements, checked before anything is copied: an allocation
/// that fails inside Rust aborts, which traps the instance.
fn room<T>(arg: &'static str, len: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        let bytes = len as u64 * std::mem::size_of::<T>() as u64;
        Error::new(arg, format!("needs {bytes} bytes of wasm memory, which is limited to 4 GB: use the native backend, or the accumulators over batches"))
    })?;
    Ok(v)
}

macro_rules! arrays {
    ($($js:ty => $t:ty),*) => {$(
        impl Input for $js {
            type Owned = Vec<$t>;
            fn own(self, arg: &'static str) -> Result<Vec<$t>> {
                let mut v = room(arg, self.length() as usize)?;
                v.resize(self.length() as usize, Default::default());
                self.copy_to(&mut v);
                Ok(v)
            }
        }
        impl Input for Option<$js> {
            type Owned = Option<Vec<$t>>;
            fn own(self, arg: &'static str) -> Result<Option<Vec<$t>>> {
                self.map(|a| a.own(arg)).transpose()
            }
        }
    )*};
}
arrays!(Uint8Array => u8, Uint32Array => u32, Int32Array => i32, Float32Array => f32, Float64Array => f64);

macro_rules! copies {
    ($($t:ty),*) => {$(
        impl Input for $t {
            type Owned = $t;
            fn own(self, _: &'static str) -> Result<$t> {
                Ok(self)
            }
        }
    )*};
}
copies!(f64, u32, bool, String);

fn scores(v: &JsValue, arg: &'static str) -> Result<ScoresBuf> {
    if let Some(a) = v.dyn_ref::<Float32Array>() {
        Ok(ScoresBuf::F32(a.clone().own(arg)?))
    } else if let Some(a) = v.dyn_ref::<Float64Array>() {
        Ok(ScoresBuf::F64(a.clone().own(arg)?))
    } else {
        Err(Error::type_error(arg, "must be a Float32Array or a Float64Array"))
    }
}

/// The elements of a JavaScript array argument.
fn items(v: &JsValue, arg: &'static str) -> Result<Array> {
    v.dyn_ref::<Array>().cloned().ok_or_else(|| Error::type_error(arg, "must be an array"))
}

/// Each element as `T`'s typed array, or None where null/undefined (when `nullable`).
fn typed<T: JsCast>(v: &JsValue, arg: &'static str, nullable: bool) -> Result<Vec<Option<T>>> {
    items(v, arg)?
        .iter()
        .map(|x| match x.dyn_into::<T>() {
            Ok(t) => Ok(Some(t)),
            Err(x) if nullable && x.is_null_or_undefined() => Ok(None),
            Err(_) => Err(Error::type_error(arg, "has an element of the wrong type")),
        })
        .collect()
}

impl Input for Scores {
    type Owned = ScoresBuf;
    fn own(self, arg: &'static str) -> Result<ScoresBuf> {
        scores(&self, arg)
    }
}

impl Input for ScoresList {
    type Owned = Vec<ScoresBuf>;
    fn own(self, arg: &'static str) -> Result<Vec<ScoresBuf>> {
        items(&self, arg)?.iter().map(|x| scores(&x, arg)).collect()
    }
}

impl Input for F32List {
    type Owned = Vec<Vec<f32>>;
    fn own(self, arg: &'static str) -> Result<Vec<Vec<f32>>> {
        typed::<Float32Array>(&self, arg, false)?.into_iter().flatten().map(|a| a.own(arg)).collect()
    }
}

impl Input for ShapeList {
    type Owned = Vec<Shape>;
    fn own(self, arg: &'static str) -> Result<Vec<Shape>> {
        let shapes = typed::<Uint32Array>(&self, arg, true)?;
        Ok(shapes.into_iter().map(|s| s.map(|s| s.to_vec().into_iter().map(|d| d as usize).collect())).collect())
    }
}

impl Input for IntsList {
    type Owned = Vec<Option<Vec<i32>>>;
    fn own(self, arg: &'static str) -> Result<Vec<Option<Vec<i32>>>> {
        typed::<Int32Array>(&self, arg, true)?.into_iter().map(|a| a.map(|a| a.own(arg)).transpose()).collect()
    }
}

impl Input for StrList {
    type Owned = Vec<String>;
    fn own(self, arg: &'static str) -> Result<Vec<String>> {
        items(&self, arg)?.iter().map(|x| x.as_string().ok_or_else(|| Error::type_error(arg, "must be strings"))).collect()
    }
}

/// A kernel's result as the JavaScript value its export returns (named by the table).
pub trait Output<Js> {
    fn js(self) -> Js;
}

impl<T> Output<T> for T {
    fn js(self) -> T {
        self
    }
}

impl Output<Float64Array> for Vec<f64> {
    fn js(self) -> Float64Array {
        Float64Array::from(&self[..])
    }
}

impl Output<Float32Array> for Vec<f32> {
    fn js(self) -> Float32Array {
        Float32Array::from(&self[..])
    }
}

fn array_list(arrays: Vec<CoreArray>) -> Array {
    arrays
        .into_iter()
        .map(|a| match a {
            CoreArray::F64(v) => JsValue::from(Float64Array::from(&v[..])),
            CoreArray::F32(v) => Float32Array::from(&v[..]).into(),
            CoreArray::U32(v) => Uint32Array::from(&v[..]).into(),
            CoreArray::Text(s) => s.into(),
        })
        .collect()
}

macro_rules! array_lists {
    ($($js:ty),*) => {$(
        impl Output<$js> for Vec<CoreArray> {
            fn js(self) -> $js {
                array_list(self).unchecked_into()
            }
        }
    )*};
}
array_lists!(LossArrays, Tensors, TensorFile, LogColumns);
