#!/usr/bin/env bash
# Builds the two wasm32 flavours of crates/wasm with Debian's rustc-web (see README, Development):
#   wasm/simd     simd128, one thread
#   wasm/threads  simd128 + atomics, rayon over Web Workers (wasm-bindgen-rayon)
# cargo (std rebuilt with -Zbuild-std) → wasm-bindgen --target web → wasm-opt (npm's binaryen).
source "$(dirname "$0")/lib.sh"
TOOLS="$RECKIT_CACHE/tools/bin"
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc
CARGO=/usr/bin/cargo

build() { # name, target dir, rustflags, cargo features
  local name=$1 dir=$2 flags=$3 features=$4 out=dist/wasm/$1
  echo "== wasm: $name"
  RUSTFLAGS="$flags" $CARGO build --release -p reckit-wasm --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort --target-dir "target/$dir" $features
  rm -rf "$out" && mkdir -p "$out"
  # Distinct names per flavour (reckit_simd_bg.wasm, reckit_threads_bg.wasm): bundlers that put
  # every asset in one directory would otherwise write one index_bg.wasm over the other.
  "$TOOLS/wasm-bindgen" "target/$dir/wasm32-unknown-unknown/release/reckit_wasm.wasm" \
    --out-dir "$out" --out-name "reckit_$name" --target web
  # Appended to the glue, for the facade (ts/src/backends/wasm-kernels.ts): the compiled module,
  # to instantiate again in the async worker without a second fetch; the memory; and a fresh
  # instance of the same module, to replace one that trapped (initSync keeps its first instance).
  cat >> "$out/reckit_$name.js" <<'JS'
export function __reckit_module() { return wasmModule; }
export function __reckit_memory() { return wasm.memory; }
export function __reckit_reset() { wasm = undefined; return initSync({ module: wasmModule }); }
JS
  cat >> "$out/reckit_$name.d.ts" <<'TS'
export function __reckit_module(): WebAssembly.Module;
export function __reckit_memory(): WebAssembly.Memory;
export function __reckit_reset(): InitOutput;
TS
  # binaryen from npm (v132): Debian's binaryen 108 breaks wasm-bindgen's externref table.
  node_modules/.bin/wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue --enable-threads \
    "$out/reckit_${name}_bg.wasm" -o "$out/reckit_${name}_bg.wasm"
}

build simd wasm-simd "-C target-feature=+simd128" ""
# Threads need an imported, shared memory and exported TLS symbols; Debian's rustc does not add
# these linker arguments for +atomics by itself (the module came out with a private memory).
# 2 GiB maximum: room for 1e7-row inputs plus scratch.
SHARED="-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=2147483648"
SHARED="$SHARED -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size"
SHARED="$SHARED -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
build threads wasm-threads "-C target-feature=+simd128,+atomics,+bulk-memory,+mutable-globals $SHARED" "--features threads"

# wasm-bindgen-rayon's pool workers import the glue as `import('../../..')`: a directory, which
# bundlers resolve to an index.js (there is none: the glue is reckit_threads.js) and a browser
# fetches as is (a 404 on an unbundled page, and a pool that never starts). Name the file.
helpers=$(echo dist/wasm/threads/snippets/wasm-bindgen-rayon-*/src/workerHelpers.js)
grep -q "import('../../..')" "$helpers" || { echo "wasm-bindgen-rayon's workerHelpers.js changed: no import('../../..') in $helpers" >&2; exit 1; }
sed -i "s#import('../../..')#import('../../../reckit_threads.js')#" "$helpers"
