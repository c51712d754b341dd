#!/usr/bin/env bash
# Cross-builds the native addon (crates/node) for the Linux platforms besides linux-x64-gnu that
# this machine can build, into dist/native/reckit.<platform>.node (napi-rs names), stripped:
#   linux-x64-musl   x86_64-unknown-linux-musl   linker musl-gcc (apt musl-tools, musl-dev)
#   linux-arm64-gnu  aarch64-unknown-linux-gnu   linker aarch64-linux-gnu-gcc (apt gcc-aarch64-linux-gnu,
#                                                libc6-dev-arm64-cross)
# rustup has only the x86_64-gnu std here and cannot download others, so std is rebuilt from
# Debian's rust-web-src with -Zbuild-std (Debian's rustc-web, as scripts/build-wasm.sh does for
# wasm32). Each target has its own target dir (target/cross-<triple>, ~400 MB). A cold build,
# std included, took 8-9 min per target with CARGO_BUILD_JOBS=1 on this 2-core machine, 12-15 min
# while another cargo build ran. Run it after build.sh: build.sh's `strip dist/native/*.node`
# (binutils for x86 only) fails on the arm64 file.
# dist/native/index.cjs (from build.sh) already looks for these files next to itself, then for the
# per-platform packages reckit-linux-x64-musl / reckit-linux-arm64-gnu.
#
# Usage: scripts/build-cross.sh [linux-x64-musl] [linux-arm64-gnu]   (no argument: both)
#   OUT_DIR      where the .node files go (default dist/native)
#   CARGO_BUILD_JOBS, nice: as for any cargo build, e.g. CARGO_BUILD_JOBS=1 nice -n 19 bash scripts/build-cross.sh
source "$(dirname "$0")/lib.sh"
OUT_DIR="${OUT_DIR:-dist/native}"
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO=/usr/bin/cargo   # napi build spawns $CARGO

apt_packages=(rustc-web rust-web-src musl-tools musl-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross)

# build PLATFORM TRIPLE STRIP MACHINE LIBC: napi build into a staging dir under the target dir
# (napi also writes an index.d.ts there; dist/native's loader and types stay build.sh's), then
# strip a copy into $OUT_DIR and check it: ELF machine, the libc it needs, napi's entry point.
build() {
  local platform=$1 triple=$2 strip=$3 machine=$4 libc=$5
  local dir="target/cross-$triple" node="reckit.$platform.node"
  local start=$SECONDS
  rm -f "$dir/napi-out/$node"
  npx napi build --platform --release --target "$triple" --manifest-path crates/node/Cargo.toml \
    --package-json-path package.json --target-dir "$dir" --output-dir "$dir/napi-out" --no-js \
    -- -Zbuild-std=std,panic_unwind
  mkdir -p "$OUT_DIR"
  # binutils' strip, as build.sh does for linux-x64-gnu (napi's --strip, `-C link-arg=-s`, left
  # the symbol table in). The host's strip does not know aarch64: use the cross one.
  "$strip" --strip-unneeded -o "$OUT_DIR/$node" "$dir/napi-out/$node"
  local out="$OUT_DIR/$node"
  # (grep without -q: under pipefail, -q's early exit would fail readelf with SIGPIPE)
  readelf -h "$out" | grep "Machine:.*$machine" >/dev/null || { echo "$out: not an $machine ELF" >&2; return 1; }
  readelf -d "$out" | grep "NEEDED.*\[$libc\]" >/dev/null || { echo "$out: does not need $libc" >&2; return 1; }
  readelf --dyn-syms -W "$out" | grep ' napi_register_module_v1$' >/dev/null \
    || { echo "$out: does not export napi_register_module_v1" >&2; return 1; }
  echo "$out: $(stat -c %s "$dir/napi-out/$node") bytes, stripped $(stat -c %s "$out"); $((SECONDS - start)) s"
}

musl() {
  # Rust's musl target links statically by default; a .node must be a shared library that uses
  # the system's musl (napi build adds -C target-feature=-crt-static for *-musl; said here too).
  # std's unwinder then links -lgcc_s: gcc's libgcc_s.so script names libgcc_s.so.1, which is
  # outside musl-gcc's search path. Linking against the glibc one (only its GCC_3.0/3.3/4.2.0
  # symbol versions are recorded) gives NEEDED libgcc_s.so.1, which musl systems' libgcc
  # provides at run time (Alpine's nodejs depends on it). Never load the glibc one under musl.
  local link="target/cross-x86_64-unknown-linux-musl/musl-link"
  mkdir -p "$link"
  ln -sf "$(x86_64-linux-gnu-gcc -print-file-name=libgcc_s.so.1)" "$link/libgcc_s.so.1"
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
  RUSTFLAGS="-C target-feature=-crt-static -L native=$PWD/$link" \
    build linux-x64-musl x86_64-unknown-linux-musl strip X86-64 libc.so
}

arm64_gnu() {
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    build linux-arm64-gnu aarch64-unknown-linux-gnu aarch64-linux-gnu-strip AArch64 libc.so.6
}

platforms=("$@")
[[ ${#platforms[@]} -eq 0 ]] && platforms=(linux-x64-musl linux-arm64-gnu)
step "cross: apt packages" apt_install
for p in "${platforms[@]}"; do
  case $p in
    linux-x64-musl) step "cross: $p" musl ;;
    linux-arm64-gnu) step "cross: $p" arm64_gnu ;;
    *) echo "unknown platform: $p (known: linux-x64-musl linux-arm64-gnu)" >&2; exit 2 ;;
  esac
done
