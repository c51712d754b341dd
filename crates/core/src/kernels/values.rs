//! The Rust side of the binding vocabulary: what each argument kind of the kernel table is
//! viewed as by a kernel, the owned copies the bindings make when a call must not borrow
//! JavaScript memory (wasm, whose kernels read wasm memory; native async calls, which run
//! after the caller's arrays may have changed), and the values kernels return.

use crate::nn::layers::Out;
use crate::train::losses::Loss;

pub use crate::util::Scores;

/// An owned [`Scores`].
pub enum ScoresBuf {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// A layer input's shape (absent optional inputs have none).
pub type Shape = Option<Vec<usize>>;

/// An owned argument and how a kernel sees it.
pub trait Owned: Send + 'static {
    type View<'a>;
    fn view(&self) -> Self::View<'_>;
}

macro_rules! owned_arrays {
    ($($t:ty),*) => {$(
        impl Owned for Vec<$t> {
            type View<'a> = &'a [$t];
            fn view(&self) -> &[$t] {
                self
            }
        }
        impl Owned for Option<Vec<$t>> {
            type View<'a> = Option<&'a [$t]>;
            fn view(&self) -> Option<&[$t]> {
                self.as_deref()
            }
        }
    )*};
}
owned_arrays!(u8, u32, i32, f32, f64);

macro_rules! owned_copies {
    ($($t:ty),*) => {$(
        impl Owned for $t {
            type View<'a> = $t;
            fn view(&self) -> $t {
                self.clone()
            }
        }
    )*};
}
owned_copies!(f64, u32, bool, Vec<Shape>, Vec<String>);

impl Owned for String {
    type View<'a> = &'a str;
    fn view(&self) -> &str {
        self
    }
}

impl Owned for ScoresBuf {
    type View<'a> = Scores<'a>;
    fn view(&self) -> Scores<'_> {
        match self {
            ScoresBuf::F32(v) => Scores::F32(v),
            ScoresBuf::F64(v) => Scores::F64(v),
        }
    }
}

impl Owned for Vec<ScoresBuf> {
    type View<'a> = Vec<Scores<'a>>;
    fn view(&self) -> Vec<Scores<'_>> {
        self.iter().map(Owned::view).collect()
    }
}

impl Owned for Vec<Vec<f32>> {
    type View<'a> = Vec<&'a [f32]>;
    fn view(&self) -> Vec<&[f32]> {
        self.iter().map(|v| &v[..]).collect()
    }
}

impl Owned for Vec<Option<Vec<i32>>> {
    type View<'a> = Vec<Option<&'a [i32]>>;
    fn view(&self) -> Vec<Option<&[i32]>> {
        self.iter().map(|v| v.as_deref()).collect()
    }
}

/// One typed array of a kernel's array-list result.
pub enum Array {
    F64(Vec<f64>),
    F32(Vec<f32>),
    U32(Vec<u32>),
    /// The index JSON of a tensor file.
    Text(String),
}

impl Array {
    /// Tensors as `[data0, shape0, data1, shape1, …]`.
    pub fn tensors(outs: Vec<Out>) -> Vec<Array> {
        outs.into_iter().flat_map(|o| [Array::F32(o.data), Array::U32(o.shape.iter().map(|&d| d as u32).collect())]).collect()
    }

    /// A loss as `[value(s), ...gradients]`: the values in f64, gradients in the inputs' precision.
    pub fn loss_f32(l: Loss<f32>) -> Vec<Array> {
        std::iter::once(Array::F64(l.value)).chain(l.grads.into_iter().map(Array::F32)).collect()
    }

    pub fn loss_f64(l: Loss<f64>) -> Vec<Array> {
        std::iter::once(Array::F64(l.value)).chain(l.grads.into_iter().map(Array::F64)).collect()
    }
}
