# Shared by the scripts: named steps that fail loudly, and the tool cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RECKIT_CACHE="${RECKIT_CACHE:-$HOME/.cache/reckit}"
export PATH="$RECKIT_CACHE/tools/bin:$HOME/.cargo/bin:$PATH"

# step NAME COMMAND...: runs COMMAND; on failure names the step and exits non-zero.
# The command runs in a subshell with errexit on: under `if !` or `||`, bash would ignore a
# failure inside a function and go on.
step() {
  local name=$1 rc; shift
  echo "== $name"
  set +e
  ( set -e; "$@" )
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "!! step failed: $name (exit $rc)" >&2
    exit "$rc"
  fi
}

# Installs the apt packages named in the array `apt_packages` that are missing (sudo when not root).
apt_install() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && { echo "apt packages present: ${apt_packages[*]}"; return; }
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}
