# Shared by the scripts: named steps that fail loudly, and the tool cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RECKIT_CACHE="${RECKIT_CACHE:-$HOME/.cache/reckit}"
export PATH="$RECKIT_CACHE/tools/bin:$HOME/.cargo/bin:$PATH"

# step NAME COMMAND...: runs COMMAND; on failure names the step and exits non-zero.
step() {
  local name=$1; shift
  echo "== $name"
  if ! "$@"; then
    echo "!! step failed: $name" >&2
    exit 1
  fi
}
