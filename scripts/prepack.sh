#!/usr/bin/env bash
# npm's `prepack` (runs before `npm pack` and `npm publish`): refuses to pack when dist/ is
# incomplete, so a checkout that was never built cannot ship an empty package.
# It checks and does not build: a cold `npm run build` (toolchain, native addon, two wasm
# builds, tsc) takes ~15 minutes, too long and too surprising to hide inside `npm pack`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
for f in dist/index.js dist/index.d.ts dist/cli/index.js dist/native/index.cjs \
         dist/wasm/simd/reckit_simd_bg.wasm dist/wasm/threads/reckit_threads_bg.wasm dist/backends/worker.js dist/browser.js; do
  [[ -f $f ]] || missing+=("$f")
done
compgen -G 'dist/native/*.node' >/dev/null || missing+=("dist/native/*.node (the native addon)")

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "!! prepack: dist/ is incomplete; refusing to pack. Missing:" >&2
  printf '   %s\n' "${missing[@]}" >&2
  echo "!! Run \`npm run build\` first (a cold build takes ~15 minutes), then pack again." >&2
  exit 1
fi
# To stderr: npm runs this with stdout shared, and `npm pack --json` must stay valid JSON.
echo "== prepack: dist/ is complete" >&2
