//! wasm-bindgen bindings of reckit-core: the kernel table (crates/core/src/kernels/table.rs)
//! expanded into wasm exports. This crate converts arguments, results and errors; nothing else.
//!
//! Arguments are copied into wasm memory (kernels can only read wasm memory), results copied
//! out. Built twice: single-threaded with simd128, and with the `threads` feature (rayon over
//! Web Workers via wasm-bindgen-rayon). Async calls run these same exports in a worker.

use reckit_core::kernels::Owned;
use wasm_bindgen::prelude::*;

mod vocabulary;
use vocabulary::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// A core error as a JavaScript `Error` whose `code` names its kind (`ErrorKind::code`, the
/// same codes the native addon's errors carry); the facade turns the code into the class.
fn js_error(e: reckit_core::Error) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &e.kind.code().into());
    error.into()
}

/// Turns each table line into an export; the `async` lines' twins are the worker calling it.
macro_rules! wasm_kernels {
    (
        async { $($a:ident / $a_async:ident $a_js:literal ($($aa:ident : $at:ident),*) -> $ar:ident = $($ap:ident)::+;)* }
        sync { $($s:ident $s_js:literal ($($sa:ident : $st:ident),*) -> $sr:ident = $($sp:ident)::+;)* }
    ) => {
        wasm_kernels!(@each $($a $a_js ($($aa : $at),*) -> $ar = $($ap)::+;)* $($s $s_js ($($sa : $st),*) -> $sr = $($sp)::+;)*);
    };
    (@each $($name:ident $js:literal ($($arg:ident : $ty:ident),*) -> $ret:ident = $($path:ident)::+;)*) => {$(
        #[wasm_bindgen(js_name = $js)]
        pub fn $name($($arg: $ty),*) -> Result<$ret, JsValue> {
            $(let $arg = Input::own($arg, stringify!($arg)).map_err(js_error)?;)*
            reckit_core::$($path)::+($(Owned::view(&$arg)),*).map(Output::js).map_err(js_error)
        }
    )*};
}

reckit_core::kernel_table!(wasm_kernels);

/// Lets the kernels use rayon's pool (threaded build); off on a browser's main thread.
#[wasm_bindgen(js_name = setParallel)]
pub fn set_parallel(enabled: bool) {
    reckit_core::util::set_parallel(enabled)
}
