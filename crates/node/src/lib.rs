//! napi-rs bindings of reckit-core: the kernel table (crates/core/src/kernels/table.rs)
//! expanded into N-API exports. This crate converts arguments, results and errors; nothing else.
//!
//! Sync exports borrow the caller's typed arrays for the call. `…Async` exports copy their
//! arguments on the JavaScript thread, so the caller may change or transfer its arrays while
//! the kernel runs, and run the kernel on rayon's pool (the core's own threads, not libuv's);
//! the promise settles from there through a napi deferred.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core::kernels::Owned;
use reckit_core::ErrorKind;

mod vocabulary;
use vocabulary::*;

/// A core error as a JavaScript error whose `code` is its kind's N-API status
/// (`ErrorKind::code`); the facade turns the code into the error class.
fn js_error(e: reckit_core::Error) -> Error {
    let status = match e.kind {
        ErrorKind::Range => Status::InvalidArg,
        ErrorKind::Type => Status::ObjectExpected,
        ErrorKind::Internal => Status::GenericFailure,
    };
    debug_assert_eq!(status.as_ref(), e.kind.code());
    Error::new(status, e.to_string())
}

/// Runs a kernel on this thread, a panic becoming an internal error.
fn call<J: Js>(f: impl FnOnce() -> reckit_core::Result<J::Core>) -> Result<Returned<J>> {
    reckit_core::Error::catch(f).map(Returned).map_err(js_error)
}

/// Runs a kernel on rayon's pool; the promise settles on the JavaScript thread.
fn spawn<'env, J: Js + 'static>(
    env: &'env Env,
    f: impl FnOnce() -> reckit_core::Result<J::Core> + Send + 'static,
) -> Result<PromiseRaw<'env, Returned<J>>> {
    let (deferred, promise) = env.create_deferred::<Returned<J>, Box<dyn FnOnce(Env) -> Result<Returned<J>> + Send>>()?;
    rayon::spawn(move || match reckit_core::Error::catch(f) {
        Ok(v) => deferred.resolve(Box::new(move |_| Ok(Returned(v)))),
        Err(e) => deferred.reject(js_error(e)),
    });
    Ok(PromiseRaw::new(env.raw(), promise.raw()))
}

/// Turns each table line into `name` (sync) and, in the `async` block, `nameAsync`.
macro_rules! napi_kernels {
    (
        async { $($a:ident / $a_async:ident $a_js:literal ($($aa:ident : $at:ident),*) -> $ar:ident = $($ap:ident)::+;)* }
        sync { $($s:ident $s_js:literal ($($sa:ident : $st:ident),*) -> $sr:ident = $($sp:ident)::+;)* }
    ) => {
        $(
            #[napi(js_name = $a_js)]
            pub fn $a($($aa: $at),*) -> Result<Returned<$ar>> {
                call(|| reckit_core::$($ap)::+($(Input::view(&$aa)),*))
            }

            #[napi]
            pub fn $a_async<'env>(env: &'env Env, $($aa: $at),*) -> Result<PromiseRaw<'env, Returned<$ar>>> {
                let owned = ($(Input::own(&$aa),)*);
                spawn(env, move || {
                    let ($($aa,)*) = owned;
                    reckit_core::$($ap)::+($(Owned::view(&$aa)),*)
                })
            }
        )*
        $(
            #[napi(js_name = $s_js)]
            pub fn $s($($sa: $st),*) -> Result<Returned<$sr>> {
                call(|| reckit_core::$($sp)::+($(Input::view(&$sa)),*))
            }
        )*
    };
}

reckit_core::kernel_table!(napi_kernels);
