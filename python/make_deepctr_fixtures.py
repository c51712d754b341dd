"""Oracle fixtures for importing DeepCTR-Torch's DIN and DIEN checkpoints (ts/src/nn/deepctr.ts).

    /usr/bin/python3 -m pip install --no-deps --target /root/.cache/reckit/deepctr deepctr-torch==0.3.0
    /usr/bin/python3 python/make_deepctr_fixtures.py [--deepctr /root/.cache/reckit/deepctr]

DeepCTR-Torch's own classes (deepctr_torch.models.DIN / DIEN, 0.3.0) build small models on a
synthetic feature set; their own forward computes the expected outputs. Needs torch (Debian's
python3-torch 1.13.1), numpy, sklearn and packaging (DeepCTR-Torch's import-time dependencies);
not installed in the repository and not needed by CI (the outputs are committed).
Deterministic (fixed seeds, one thread; a rerun writes identical bytes), a few seconds.

Writes, under ts/test/fixtures/deepctr/:

- cases.json: {"deepctrTorch": version, "cases": [...]}, each case
    {"name", "spec", "weights", "weightsStoredOnce"?, "io", "note"}
  "spec" is the DeepCTRSpec that fromDeepCTR takes (ts/src/nn/deepctr.ts): the model's
  dnn_feature_columns as JSON (`feature_spec` below) plus its constructor arguments.
- <name>.state.safetensors: model.state_dict() as it comes out (float tensors F32, BatchNorm
  num_batches_tracked I64 scalars; AUGRU's shared bias under both bias_ih and bias_hh).
- <name>.once.safetensors (AUGRU): the same without `...rnn.bias_hh`, as a writer that de-duplicates
  shared tensors (safetensors' save_model) may store it.
- <name>.io.safetensors: the inputs under `input.<DeepCTR feature name>` (ids and seq_length I64
  [B] or [B, maxlen]; DenseFeat F32 [B, dimension]) and the expected outputs (F32):
  probabilities [B] (model(x)), logits [B] (the same forward with the PredictionLayer's sigmoid
  off: dnn logit + out.bias) and, for DIEN with use_negsampling, auxLoss [] (model.aux_loss).

The weights and inputs are float32 values; the expected outputs come from copy.deepcopy(model)
.double() run on them with torch's default dtype set to float64 (DeepCTR-Torch creates some zeros
with the default dtype), stored as F32. The float32 model's outputs are printed next to them as a
sanity check. Every parameter and BatchNorm/Dice statistic is randomised (DeepCTR initialises
most weights with std 1e-4 and biases with 0, which would make the comparison vacuous).
"""
import argparse
import copy
import json
import sys
import types
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_layer_fixtures as L  # noqa: E402  (its main only runs as a script)

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "deepctr"
F32, F64, I64 = torch.float32, torch.float64, torch.int64
B, T = 6, 5

parser = argparse.ArgumentParser()
parser.add_argument("--deepctr", default="/root/.cache/reckit/deepctr", help="where deepctr-torch is installed (pip --target)")
args = parser.parse_args()
sys.path.insert(0, args.deepctr)

# Stubs, only for importing DeepCTR-Torch (0.3.0) offline, with no effect on the models:
# - `requests`: deepctr_torch/__init__.py calls utils.check_version, which starts a thread that
#   asks pypi.python.org for the latest version; the stub answers "no data" without the network.
# - `tqdm`: imported by models/basemodel.py, used only by fit(); not installed for /usr/bin/python3.
_requests = types.ModuleType("requests")
_requests.get = lambda *a, **k: types.SimpleNamespace(status_code=None, text="")
_requests.codes = types.SimpleNamespace(ok=200)
sys.modules.setdefault("requests", _requests)
if "tqdm" not in sys.modules:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        _tqdm = types.ModuleType("tqdm")
        _tqdm.tqdm = lambda iterable=None, **k: iterable
        sys.modules["tqdm"] = _tqdm

import deepctr_torch  # noqa: E402
import deepctr_torch.models.dien as dien_module  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from deepctr_torch.inputs import DEFAULT_GROUP_NAME, DenseFeat, SparseFeat, VarLenSparseFeat  # noqa: E402
from deepctr_torch.models import DIEN, DIN  # noqa: E402


class _BceFloat64(types.ModuleType):
    """torch.nn.functional for deepctr_torch/models/dien.py, whose auxiliary loss builds its 0/1
    targets as float32 (dtype=torch.float): in the float64 reference run, F.binary_cross_entropy
    would reject float64 probabilities against them. The targets are cast to the input's dtype
    (0 and 1 are exact), nothing else changes."""

    def __getattr__(self, name):
        return getattr(F, name)

    @staticmethod
    def binary_cross_entropy(input, target, *a, **k):
        return F.binary_cross_entropy(input, target.to(input.dtype), *a, **k)


dien_module.F = _BceFloat64("torch.nn.functional")

cases = []
written = {}


def write(name, tensors):
    for k, t in tensors.items():
        assert t.dtype in (F32, I64), (name, k, t.dtype)
        if t.dtype == F32:
            assert torch.isfinite(t).all(), (name, k)
    data = L.safetensors_bytes(tensors, {"format": "pt"})
    assert name not in written, name
    (OUT / name).write_bytes(data)
    written[name] = data
    return name


# ---------------------------------------------------------------- the spec (DeepCTRSpec)


def feature_spec(fc):
    """One dnn_feature_columns entry as JSON (defaults left out)."""
    if isinstance(fc, DenseFeat):
        out = {"type": "DenseFeat", "name": fc.name}
        if fc.dimension != 1:
            out["dimension"] = fc.dimension
        return out
    sf = fc.sparsefeat if isinstance(fc, VarLenSparseFeat) else fc
    out = {"type": type(fc).__name__, "name": sf.name, "vocabularySize": sf.vocabulary_size, "embeddingDim": sf.embedding_dim}
    if sf.embedding_name != sf.name:
        out["embeddingName"] = sf.embedding_name
    if sf.group_name != DEFAULT_GROUP_NAME:
        out["groupName"] = sf.group_name
    if isinstance(fc, VarLenSparseFeat):
        out["maxlen"] = fc.maxlen
        if fc.length_name is not None:
            out["lengthName"] = fc.length_name
    return out


def spec(model, columns, history, **kwargs):
    """The DeepCTRSpec: feature columns + the constructor arguments (camelCase)."""
    names = {"dnn_hidden_units": "dnnHiddenUnits", "dnn_activation": "dnnActivation", "dnn_use_bn": "dnnUseBn",
             "use_bn": "dnnUseBn", "att_hidden_size": "attHiddenUnits", "att_hidden_units": "attHiddenUnits",
             "att_activation": "attActivation", "att_weight_normalization": "attWeightNormalization",
             "gru_type": "gruType", "use_negsampling": "useNegsampling"}
    out = {"model": model, "features": [feature_spec(fc) for fc in columns], "historyFeatureList": list(history)}
    for k, v in kwargs.items():
        out[names[k]] = list(v) if isinstance(v, tuple) else v
    return out


# ---------------------------------------------------------------- models


def randomize(model):
    """Every parameter and statistic random (float32 values), seeded by the caller."""
    with torch.no_grad():
        for name, p in model.named_parameters():  # a shared tensor (AUGRU's bias) comes once
            if name.startswith("embedding_dict."):
                p.copy_(L.randn(*p.shape, scale=0.7))
            elif name.endswith(".alpha"):  # Dice
                p.copy_(L.randn(*p.shape, scale=0.5))
            elif "activation_layers" in name and name.endswith(".weight") and p.dim() == 1 and p.numel() == 1:
                p.copy_(L.rand(1, lo=0.05, hi=0.4))  # PReLU
            elif ".bn." in name and name.endswith(".weight"):
                p.copy_(L.rand(*p.shape, lo=0.5, hi=1.5))
            elif p.dim() >= 2:
                p.copy_(L.randn(*p.shape, scale=1.2 / p.shape[-1] ** 0.5))
            else:
                p.copy_(L.randn(*p.shape, scale=0.3))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(L.randn(*b.shape, scale=0.3))
            elif name.endswith("running_var"):
                b.copy_(L.rand(*b.shape, lo=0.5, hi=1.8))
            elif name.endswith("num_batches_tracked"):
                b.fill_(7)
    model.eval()


def inputs(model, columns, lengths, seed):
    """One batch: {feature name: tensor} (ids I64, dense F32) and DeepCTR's X [B, total]."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(lengths, dtype=I64)
    assert len(lengths) == B
    valid = torch.arange(T).view(1, T) < lengths.view(B, 1)
    feats = {}
    for fc in columns:
        if isinstance(fc, SparseFeat):
            feats[fc.name] = torch.randint(0, fc.vocabulary_size, (B,), generator=g)
        elif isinstance(fc, DenseFeat):
            feats[fc.name] = torch.randn(B, fc.dimension, generator=g, dtype=F32)
        else:
            assert fc.maxlen == T
            ids = torch.randint(1, fc.vocabulary_size, (B, T), generator=g)
            feats[fc.name] = torch.where(valid, ids, torch.zeros_like(ids))  # right-padded with 0
            feats[fc.length_name] = lengths
    X = torch.zeros(B, max(end for _, end in model.feature_index.values()), dtype=F32)
    for name, (start, end) in model.feature_index.items():
        X[:, start:end] = feats[name].view(B, -1).to(F32)
    return feats, X


def outputs(model, X):
    """DeepCTR's forward in float64 (probabilities, logits, aux loss) and in float32."""
    ref = copy.deepcopy(model).double()
    with torch.no_grad():
        p32 = model(X).view(-1)
        default = torch.get_default_dtype()
        torch.set_default_dtype(F64)
        try:
            probabilities = ref(X.double()).view(-1)
            aux = ref.aux_loss.reshape(()) if getattr(ref, "use_negsampling", False) else None
            ref.out.task = "regression"  # PredictionLayer without its sigmoid: dnn logit + out.bias
            logits = ref(X.double()).view(-1)
        finally:
            torch.set_default_dtype(default)
    assert probabilities.dtype == F64 and logits.dtype == F64
    assert (torch.sigmoid(logits) - probabilities).abs().max() < 1e-15
    if aux is not None:
        assert aux.dtype == F64
    print(f"    float32 model vs float64 reference: max |diff| {(p32.double() - probabilities).abs().max().item():.2e}")
    return probabilities, logits, aux


def add_case(name, model, columns, spec_json, lengths, seed, note, once=False):
    randomize(model)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    feats, X = inputs(model, columns, lengths, seed)
    probabilities, logits, aux = outputs(model, X)
    io = {f"input.{k}": v for k, v in feats.items()}
    io["probabilities"] = probabilities.float()
    io["logits"] = logits.float()
    if aux is not None:
        io["auxLoss"] = aux.float()
    case = {"name": name, "spec": spec_json, "weights": write(f"{name}.state.safetensors", state)}
    if once:
        key = "interest_evolution.interest_evolution.rnn.bias_hh"
        assert torch.equal(state[key], state["interest_evolution.interest_evolution.rnn.bias_ih"])
        case["weightsStoredOnce"] = write(f"{name}.once.safetensors", {k: v for k, v in state.items() if k != key})
    case["io"] = write(f"{name}.io.safetensors", io)
    case["note"] = note
    cases.append(case)
    print(f"  {name}: {len(state)} tensors, probabilities {[round(p, 4) for p in probabilities.tolist()]}"
          + (f", auxLoss {aux.item():.6f}" if aux is not None else ""))


def columns(neg=False, groups=False):
    """user, gender (dim 2), price, item_id, cate_id (dim 3), ctx (dimension 2), the histories
    (sharing item_id's and cate_id's tables) and for DIEN the negative histories."""
    g = {"group_name": "profile"} if groups else {}
    cols = [
        SparseFeat("user", 20, 4),
        SparseFeat("gender", 3, 2, **g),
        DenseFeat("price", 1),
        SparseFeat("item_id", 30, 4),
        SparseFeat("cate_id", 8, 3),
        DenseFeat("ctx", 2),
        VarLenSparseFeat(SparseFeat("hist_item_id", 30, 4, embedding_name="item_id"), T, length_name="seq_length"),
        VarLenSparseFeat(SparseFeat("hist_cate_id", 8, 3, embedding_name="cate_id"), T, length_name="seq_length"),
    ]
    if neg:
        cols += [
            VarLenSparseFeat(SparseFeat("neg_hist_item_id", 30, 4, embedding_name="item_id"), T, length_name="seq_length"),
            VarLenSparseFeat(SparseFeat("neg_hist_cate_id", 8, 3, embedding_name="cate_id"), T, length_name="seq_length"),
        ]
    return cols


def din_cases():
    cols = columns()
    kw = dict(dnn_hidden_units=(16, 8), dnn_activation="prelu", dnn_use_bn=True, att_hidden_size=(8, 4),
              att_activation="Dice", att_weight_normalization=False)
    model = DIN(cols, ["item_id", "cate_id"], seed=11, **kw)
    add_case("din", model, cols, spec("DIN", cols, ["item_id", "cate_id"], **kw), [5, 1, 3, 0, 2, 4], 101,
             "DeepCTR's DIN defaults for the attention (Dice, no weight normalisation: padded scores 0); "
             "DNN with BatchNorm and PReLU; a row with no history (pooled interest 0)")

    cols = columns(groups=True)
    kw = dict(dnn_hidden_units=(8,), dnn_activation="sigmoid", att_hidden_size=(6,), att_activation="prelu",
              att_weight_normalization=True)
    model = DIN(cols, ["cate_id", "item_id"], seed=12, **kw)
    add_case("din_softmax_groups", model, cols, spec("DIN", cols, ["cate_id", "item_id"], **kw), [5, 1, 3, 2, 4, 1], 102,
             "att_weight_normalization=True (masked softmax); gender in its own group_name (DeepCTR "
             "concatenates embeddings group by group); history_feature_list in another order than the "
             "columns (DeepCTR orders query and keys by the columns); every row has history (an empty "
             "row would average all padded keys under DeepCTR's softmax)")


def dien_cases():
    cols = columns(neg=True)
    kw = dict(gru_type="AUGRU", use_negsampling=True, dnn_hidden_units=(16, 8), dnn_activation="relu", use_bn=True,
              att_hidden_units=(8, 4), att_activation="relu", att_weight_normalization=True)
    model = DIEN(cols, ["item_id", "cate_id"], seed=21, **kw)
    add_case("dien_augru", model, cols, spec("DIEN", cols, ["item_id", "cate_id"], **kw), [5, 1, 3, 0, 2, 4], 201,
             "AUGRU (bias_ih and bias_hh one tensor), negative sampling (auxiliary loss), softmax attention, "
             "DNN with BatchNorm; an empty row (interest 0) and a length-1 row (no auxiliary pair)", once=True)

    kw = dict(gru_type="AGRU", use_negsampling=True, dnn_hidden_units=(8,), dnn_activation="prelu",
              att_hidden_units=(6, 4), att_activation="Dice", att_weight_normalization=False)
    model = DIEN(cols, ["item_id", "cate_id"], seed=22, **kw)
    add_case("dien_agru", model, cols, spec("DIEN", cols, ["item_id", "cate_id"], **kw), [2, 5, 0, 4, 1, 3], 202,
             "AGRU (3H-row weights, z rows unused), Dice attention without weight normalisation, "
             "negative sampling")

    cols = columns()
    kw = dict(gru_type="AIGRU", use_negsampling=False, dnn_hidden_units=(8, 4), dnn_activation="linear",
              att_hidden_units=(6,), att_activation="sigmoid")
    model = DIEN(cols, ["item_id", "cate_id"], seed=23, **kw)
    add_case("dien_aigru", model, cols, spec("DIEN", cols, ["item_id", "cate_id"], **kw), [3, 5, 1, 2, 0, 4], 203,
             "AIGRU (nn.GRU over score-scaled interests), DeepCTR's default softmax attention, 'linear' "
             "(identity) DNN activation, no negative sampling")


if __name__ == "__main__":
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.safetensors"):
        old.unlink()
    print(f"deepctr-torch {deepctr_torch.__version__}")
    torch.manual_seed(0)
    din_cases()
    dien_cases()
    text = json.dumps({"deepctrTorch": deepctr_torch.__version__, "cases": cases}, indent=1, allow_nan=False)
    (OUT / "cases.json").write_text(text + "\n")
    total = len(text) + sum(len(b) for b in written.values())
    print(f"wrote {OUT}: {len(cases)} cases, {len(written)} safetensors files, {total / 1024:.0f} KiB")
    assert total < 200 * 1024, total
