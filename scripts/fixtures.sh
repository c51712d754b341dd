#!/usr/bin/env bash
# npm run fixtures [-- --all] [-- --update]: regenerates the committed fixtures with one pinned
# Python, then fails if any output differs from what git has (the index, i.e. HEAD unless you
# staged something).
#
#   (default)  the oracle generators python/make_*.py: ts/test/fixtures/ (sklearn, torch and
#              DeepCTR-Torch oracles) and data/sample.csv + sample.expected.json. They are
#              deterministic (fixed seeds, one thread, float64 references stored as F32 or as reprs),
#              so any change is a real one. About 40 s.
#   --all      also python/export_bench_models.py (bench/models/) and python/train_demo.py
#              (data/models/). They are opt-in: the bench models are inputs of `npm run bench` and
#              no test reads them, and train_demo.py trains for a minute. Two epochs of Adam
#              amplify last-bit differences in the matmuls, so its weights depend on the BLAS and
#              the CPU's kernels as well as on the seeds (see `pinned` below).
#   --update   accept new outputs: report them and exit 0 (they stay in the work tree; commit them).
#              RECKIT_FIXTURES_UPDATE=1 does the same.
#
# The Python: a virtualenv over Debian's /usr/bin/python3 in $RECKIT_CACHE/python/<hash>, keyed by
# python/requirements.txt and the pins below. It uses --system-site-packages for Debian's
# python3-torch (see python/requirements.txt for why not PyPI's torch). Made once, then reused.
source "$(dirname "$0")/lib.sh"

TORCH_DEB=1.13.1+dfsg-4            # Debian 12's python3-torch: every torch fixture was made with it
DEEPCTR=deepctr-torch==0.3.0       # pip --no-deps: its metadata asks for torch>=2.4
BASE_PYTHON=/usr/bin/python3
apt_packages=(python3-venv python3-torch libblas3 liblapack3)

all=0 update=${RECKIT_FIXTURES_UPDATE:-0}
for arg in "$@"; do
  case $arg in
    --all) all=1 ;;
    --update) update=1 ;;
    *) echo "usage: npm run fixtures [-- --all] [-- --update]" >&2; exit 2 ;;
  esac
done

outputs=(ts/test/fixtures data/sample.csv data/sample.parquet data/sample.expected.json)
[[ $all == 1 ]] && outputs+=(bench/models data/models)

apt_install() {
  local missing=() p
  for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
  local have; have=$(dpkg-query -W -f='${Version}' python3-torch)
  if [[ $have != "$TORCH_DEB" ]]; then
    echo "python3-torch is $have; the fixtures were made with $TORCH_DEB (Debian 12)" >&2
    return 1
  fi
  echo "apt packages present: ${apt_packages[*]} (python3-torch $have)"
}

key=$( { cat python/requirements.txt; echo "$DEEPCTR $TORCH_DEB"; "$BASE_PYTHON" --version; } | sha256sum | cut -c1-16)
VENV="$RECKIT_CACHE/python/$key"
PY="$VENV/bin/python"

venv() {
  if [[ -f $VENV/.reckit-complete ]]; then echo "venv $VENV cached"; return; fi
  rm -rf "$VENV"
  "$BASE_PYTHON" -m venv --system-site-packages "$VENV"
  local pip=("$PY" -m pip --disable-pip-version-check --no-input install -q)
  "${pip[@]}" -r python/requirements.txt
  "${pip[@]}" --no-deps "$DEEPCTR"
  touch "$VENV/.reckit-complete"
  # Venvs of older requirements (other keys) are no longer used.
  find "$RECKIT_CACHE/python" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
  "$PY" -m pip --disable-pip-version-check freeze --local
}

# The writers of python/make_parquet_fixtures.py, installed into the venv when missing or at another
# version. pyarrow 26 needs NumPy 2 and the venv keeps NumPy 1 (for Debian's torch): 25.0.1 is the
# newest pyarrow that imports there.
WRITERS=(pyarrow==25.0.1 polars==2.1.0)
writers() {
  if "$PY" - "${WRITERS[@]}" <<'PY' 2>/dev/null; then echo "present: ${WRITERS[*]}"; return; fi
import importlib.metadata as m, sys
sys.exit(any(m.version(p.split("==")[0]) != p.split("==")[1] for p in sys.argv[1:]))
PY
  "$PY" -m pip --disable-pip-version-check --no-input install -q "${WRITERS[@]}"
}

# pinned SCRIPT ARGS...: runs python/SCRIPT with the venv's Python, one thread, a fixed hash seed,
# torch's AVX2 kernels (an AVX-512 machine would otherwise pick others), and the reference BLAS for
# torch whichever libblas.so.3 Debian's alternatives point to (`npm run bench` installs OpenBLAS,
# whose kernels depend on the CPU). numpy and scipy bring their own OpenBLAS.
pinned() {
  local lib cap=()
  lib=/usr/lib/$(uname -m)-linux-gnu
  grep -qw avx2 /proc/cpuinfo && cap=(ATEN_CPU_CAPABILITY=avx2)
  env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 \
    PYTHONDONTWRITEBYTECODE=1 "${cap[@]}" \
    LD_LIBRARY_PATH="$lib/blas:$lib/lapack${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$PY" "python/$1" "${@:2}"
}

# What differs from the index under the output paths: modified, deleted and new files.
changes() {
  git diff --name-status -- "${outputs[@]}"
  git ls-files --others --exclude-standard -- "${outputs[@]}" | sed 's/^/??\t/'
}

start=$SECONDS
dirty=$(changes)
step "fixtures: apt packages" apt_install
step "fixtures: Python venv" venv

step "fixtures: Parquet writers" writers

# trec_eval for python/make_trec_fixtures.py: pytrec_eval-terrier builds trec_eval 9.0's C sources
# (usnistgov/trec_eval) into a Python module (a manylinux wheel for CPython 3.11). Installed into
# the venv when missing or at another version, like the writers above.
TREC_EVAL=pytrec_eval-terrier==0.5.11
trec_eval() {
  if "$PY" -c "import importlib.metadata as m, sys; sys.exit(m.version('pytrec_eval-terrier') != '${TREC_EVAL#*==}')" 2>/dev/null; then
    echo "present: $TREC_EVAL"; return
  fi
  "$PY" -m pip --disable-pip-version-check --no-input install -q "$TREC_EVAL"
}
step "fixtures: trec_eval (pytrec_eval)" trec_eval

# RecBole's and recmetrics' metric code for python/make_beyond_fixtures.py, installed with
# --no-deps: their metadata pins what the metrics never use (RecBole old colorlog/colorama,
# recmetrics pandas < 2, jupyter, plotly, seaborn). What their imports do need is the closure
# below, pinned: RecBole's package imports texttable, colorlog, colorama and
# torch.utils.tensorboard (tensorboard); recmetrics/metrics.py imports matplotlib.
BEYOND=(recbole==1.2.1 recmetrics==0.1.5 texttable==1.7.2 colorlog==6.12.0 colorama==0.4.6
  tensorboard==2.21.0 tensorboard-data-server==0.7.2 absl-py==2.5.1 grpcio==1.85.3 protobuf==7.36.2
  markdown==3.11.3 werkzeug==3.1.9 markupsafe==3.0.4 matplotlib==3.11.2 contourpy==1.3.3
  cycler==0.12.1 fonttools==4.68.0 kiwisolver==1.5.1)
beyond_oracles() {
  if "$PY" - "${BEYOND[@]}" <<'PY' 2>/dev/null; then echo "present: recbole, recmetrics"; return; fi
import importlib.metadata as m, sys
sys.exit(any(m.version(p.split("==")[0]) != p.split("==")[1] for p in sys.argv[1:]))
PY
  "$PY" -m pip --disable-pip-version-check --no-input install -q --no-deps "${BEYOND[@]}"
}
step "fixtures: RecBole and recmetrics" beyond_oracles

purelib=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for script in python/make_*.py; do
  script=${script#python/}
  case $script in
    # Point it at the venv's copy (its default is a `pip --target` directory).
    make_deepctr_fixtures.py) step "fixtures: $script" pinned "$script" --deepctr "$purelib" ;;
    *) step "fixtures: $script" pinned "$script" ;;
  esac
done
if [[ $all == 1 ]]; then
  step "fixtures: export_bench_models.py" pinned export_bench_models.py
  step "fixtures: train_demo.py" pinned train_demo.py   # reads data/sample.csv, made above
fi

changed=$(changes)
echo "== fixtures: $(( SECONDS - start )) s"
if [[ -z $changed ]]; then
  echo "every output is identical to the index: ${outputs[*]}"
  exit 0
fi
echo "changed outputs (against the index):"
echo "$changed" | sed 's/^/  /'
[[ -n $dirty ]] && printf 'note: these already differed before this run:\n%s\n' "$(echo "$dirty" | sed 's/^/  /')"
if [[ $update == 1 ]]; then
  echo "accepted (--update): the new outputs are in the work tree; commit them"
  exit 0
fi
echo "!! fixtures changed: a generator or its Python no longer reproduces the committed outputs." >&2
echo "   Inspect with 'git diff --stat -- ${outputs[*]}'; accept with 'npm run fixtures -- --update'" >&2
echo "   (then commit), or restore with 'git checkout -- ${outputs[*]}' (new files: git clean)." >&2
exit 1
