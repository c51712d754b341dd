#!/usr/bin/env bash
# Builds dist/: the native addon (napi-rs), both wasm flavours, and the TypeScript facade.
# Cargo and tsc are incremental, so an unchanged tree rebuilds in seconds.
source "$(dirname "$0")/lib.sh"

native() {
  npx napi build --platform --release --manifest-path crates/node/Cargo.toml \
    --package-json-path package.json --output-dir dist/native --js index.cjs --dts index.d.ts
  # No symbol table in the shipped binary (4.1 MB → 3.5 MB). napi's --strip passes `-C
  # link-arg=-s`, which left the symbols in here; binutils' strip does not. (This host's strip
  # reads x86 only: scripts/build-cross.sh strips the arm64 build with aarch64-linux-gnu-strip.)
  strip --strip-unneeded dist/native/reckit.linux-x64-gnu.node
}

step "build: native addon" native
step "build: wasm (simd, threads)" bash scripts/build-wasm.sh
step "build: TypeScript" npx tsc -p tsconfig.json
# The kernel table: the facade's declaration against both builds' generated .d.ts.
step "build: kernel table types" npx tsc -p ts/test/types
