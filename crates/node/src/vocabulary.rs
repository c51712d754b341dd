//! The kernel table's vocabulary as napi-rs types (their TypeScript names are declared in
//! crates/node/kernels.d.ts, prepended to the generated index.d.ts), how a kernel sees each
//! argument ([`Input::view`], borrowing) or a copy of it ([`Input::own`], for async calls), and
//! how each result becomes a JavaScript value ([`Js`], wrapped in [`Returned`]).

use super::*;
use reckit_core::kernels::{Array, Scores as ScoresView, ScoresBuf, Shape};
use napi::{check_status, sys};

reckit_core::plain_vocabulary!();
pub type Scores = Either<Float32Array, Float64Array>;
pub type ScoresList = Vec<Scores>;
pub type F32List = Vec<Float32Array>;
pub type ShapeList = Vec<Option<Uint32Array>>;
pub type IntsList = Vec<Option<Int32Array>>;
pub type StrList = Vec<String>;
/// A list of typed arrays (and, for a tensor file, its index JSON).
pub type ArrayList = Vec<Either4<Float64Array, Float32Array, Uint32Array, String>>;
pub type LossArrays = ArrayList;
pub type Tensors = ArrayList;
pub type LogColumns = ArrayList;
pub type TensorFile = ArrayList;

pub trait Input {
    type Owned: Owned;
    /// The argument as the kernel sees it, borrowing JavaScript memory for a sync call.
    fn view(&self) -> <Self::Owned as Owned>::View<'_>;
    /// A copy that no longer depends on JavaScript memory.
    fn own(&self) -> Self::Owned;
}

macro_rules! arrays {
    ($($js:ty => $t:ty),*) => {$(
        impl Input for $js {
            type Owned = Vec<$t>;
            fn view(&self) -> &[$t] {
                self
            }
            fn own(&self) -> Vec<$t> {
                self.to_vec()
            }
        }
        impl Input for Option<$js> {
            type Owned = Option<Vec<$t>>;
            fn view(&self) -> Option<&[$t]> {
                self.as_deref()
            }
            fn own(&self) -> Option<Vec<$t>> {
                self.as_ref().map(|a| a.to_vec())
            }
        }
    )*};
}
arrays!(Uint8Array => u8, Uint32Array => u32, Float32Array => f32, Float64Array => f64);

macro_rules! copies {
    ($($t:ty),*) => {$(
        impl Input for $t {
            type Owned = $t;
            fn view(&self) -> $t {
                self.clone()
            }
            fn own(&self) -> $t {
                self.clone()
            }
        }
    )*};
}
copies!(f64, u32, bool, Vec<String>);

impl Input for String {
    type Owned = String;
    fn view(&self) -> &str {
        self
    }
    fn own(&self) -> String {
        self.clone()
    }
}

impl Input for Scores {
    type Owned = ScoresBuf;
    fn view(&self) -> ScoresView<'_> {
        match self {
            Either::A(s) => ScoresView::F32(s),
            Either::B(s) => ScoresView::F64(s),
        }
    }
    fn own(&self) -> ScoresBuf {
        match self {
            Either::A(s) => ScoresBuf::F32(s.to_vec()),
            Either::B(s) => ScoresBuf::F64(s.to_vec()),
        }
    }
}

impl Input for ScoresList {
    type Owned = Vec<ScoresBuf>;
    fn view(&self) -> Vec<ScoresView<'_>> {
        self.iter().map(Input::view).collect()
    }
    fn own(&self) -> Vec<ScoresBuf> {
        self.iter().map(Input::own).collect()
    }
}

impl Input for F32List {
    type Owned = Vec<Vec<f32>>;
    fn view(&self) -> Vec<&[f32]> {
        self.iter().map(|a| &a[..]).collect()
    }
    fn own(&self) -> Vec<Vec<f32>> {
        self.iter().map(|a| a.to_vec()).collect()
    }
}

impl Input for ShapeList {
    type Owned = Vec<Shape>;
    fn view(&self) -> Vec<Shape> {
        self.iter().map(|s| s.as_ref().map(|s| s.iter().map(|&d| d as usize).collect())).collect()
    }
    fn own(&self) -> Vec<Shape> {
        self.view()
    }
}

impl Input for IntsList {
    type Owned = Vec<Option<Vec<i32>>>;
    fn view(&self) -> Vec<Option<&[i32]>> {
        self.iter().map(|a| a.as_deref()).collect()
    }
    fn own(&self) -> Vec<Option<Vec<i32>>> {
        self.iter().map(|a| a.as_ref().map(|a| a.to_vec())).collect()
    }
}

/// How a table's result kind becomes a JavaScript value: `Core` is what the kernel returns.
pub trait Js {
    type Core: Send + 'static;
    /// # Safety
    /// `env` is the current environment, on the JavaScript thread.
    unsafe fn write(env: sys::napi_env, v: Self::Core) -> Result<sys::napi_value>;
}

/// A kernel's result on its way to JavaScript (its TypeScript type is `J`'s).
pub struct Returned<J: Js>(pub J::Core);

impl<J: Js> ToNapiValue for Returned<J> {
    unsafe fn to_napi_value(env: sys::napi_env, v: Self) -> Result<sys::napi_value> {
        J::write(env, v.0)
    }
}

impl<J: Js> TypeName for Returned<J> {
    fn type_name() -> &'static str {
        "Returned"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Js for $t {
            type Core = $t;
            unsafe fn write(env: sys::napi_env, v: $t) -> Result<sys::napi_value> {
                ToNapiValue::to_napi_value(env, v)
            }
        }
    )*};
}
plain!(f64, u32, (), String);

/// A typed array whose memory V8 owns: `napi_create_arraybuffer`, then one copy. Why not
/// napi-rs's typed arrays made from a Vec: those are external buffers, freed by a finalizer that
/// Node runs only when the event loop turns, and invisible to the garbage collector, so a
/// synchronous loop (2e4 model loads and forwards) grew RSS by 4.5 GB. V8-owned memory is
/// counted by the collector and freed by it, loop or no loop.
unsafe fn typed_array<T: Copy>(env: sys::napi_env, kind: TypedArrayType, v: &[T]) -> Result<sys::napi_value> {
    let bytes = std::mem::size_of_val(v);
    let (mut data, mut buffer, mut array) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
    check_status!(sys::napi_create_arraybuffer(env, bytes, &mut data, &mut buffer), "cannot allocate {bytes} bytes for a result")?;
    if bytes > 0 {
        std::ptr::copy_nonoverlapping(v.as_ptr().cast::<u8>(), data.cast::<u8>(), bytes);
    }
    check_status!(sys::napi_create_typedarray(env, kind as i32, v.len(), buffer, 0, &mut array))?;
    Ok(array)
}

impl Js for Float64Array {
    type Core = Vec<f64>;
    unsafe fn write(env: sys::napi_env, v: Vec<f64>) -> Result<sys::napi_value> {
        typed_array(env, TypedArrayType::Float64, &v)
    }
}

impl Js for Float32Array {
    type Core = Vec<f32>;
    unsafe fn write(env: sys::napi_env, v: Vec<f32>) -> Result<sys::napi_value> {
        typed_array(env, TypedArrayType::Float32, &v)
    }
}

impl Js for ArrayList {
    type Core = Vec<Array>;
    unsafe fn write(env: sys::napi_env, v: Vec<Array>) -> Result<sys::napi_value> {
        let mut list = std::ptr::null_mut();
        check_status!(sys::napi_create_array_with_length(env, v.len(), &mut list))?;
        for (i, a) in v.into_iter().enumerate() {
            let value = match a {
                Array::F64(x) => typed_array(env, TypedArrayType::Float64, &x)?,
                Array::F32(x) => typed_array(env, TypedArrayType::Float32, &x)?,
                Array::U32(x) => typed_array(env, TypedArrayType::Uint32, &x)?,
                Array::Text(s) => ToNapiValue::to_napi_value(env, s)?,
            };
            check_status!(sys::napi_set_element(env, list, i as u32, value))?;
        }
        Ok(list)
    }
}
