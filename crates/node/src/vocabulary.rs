//! The kernel table's vocabulary as napi-rs types (their TypeScript names are declared in
//! crates/node/kernels.d.ts, prepended to the generated index.d.ts), how a kernel sees each
//! argument ([`Input::view`], borrowing) or a copy of it ([`Input::own`], for async calls), and
//! how each result becomes a JavaScript value ([`Output`]).

use super::*;
use reckit_core::kernels::{Scores as ScoresView, ScoresBuf, Shape};

pub type Bytes = Uint8Array;
pub type U32s = Uint32Array;
pub type F32s = Float32Array;
pub type F64s = Float64Array;
pub type OptU32s = Option<Uint32Array>;
pub type OptF32s = Option<Float32Array>;
pub type OptF64s = Option<Float64Array>;
pub type Scores = Either<Float32Array, Float64Array>;
pub type ScoresList = Vec<Scores>;
pub type F32List = Vec<Float32Array>;
pub type ShapeList = Vec<Option<Uint32Array>>;
pub type IntsList = Vec<Option<Int32Array>>;
pub type StrList = Vec<String>;
pub type Str = String;
pub type Num = f64;
pub type Int = u32;
pub type Bool = bool;
pub type Unit = ();
/// A list of typed arrays (and, for a tensor file, its index JSON).
pub type ArrayList = Vec<Either4<Float64Array, Float32Array, Uint32Array, String>>;
pub type LossArrays = ArrayList;
pub type Tensors = ArrayList;
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

/// A kernel's result as the JavaScript value it returns.
pub trait Output: Send + 'static {
    type Js: ToNapiValue + 'static;
    fn js(self) -> Self::Js;
}

macro_rules! same {
    ($($t:ty),*) => {$(
        impl Output for $t {
            type Js = $t;
            fn js(self) -> $t {
                self
            }
        }
    )*};
}
same!(f64, u32, (), String);

impl Output for Vec<f64> {
    type Js = Float64Array;
    fn js(self) -> Float64Array {
        Float64Array::new(self)
    }
}

impl Output for Vec<f32> {
    type Js = Float32Array;
    fn js(self) -> Float32Array {
        Float32Array::new(self)
    }
}

impl Output for Vec<Array> {
    type Js = ArrayList;
    fn js(self) -> ArrayList {
        self.into_iter()
            .map(|a| match a {
                Array::F64(v) => Either4::A(Float64Array::new(v)),
                Array::F32(v) => Either4::B(Float32Array::new(v)),
                Array::U32(v) => Either4::C(Uint32Array::new(v)),
                Array::Text(s) => Either4::D(s),
            })
            .collect()
    }
}
