"""Oracle fixtures for the models (docs/models.md): PyTorch computes, the safetensors files are
committed.

    /usr/bin/python3 python/make_model_fixtures.py

Needs torch (written against Debian's python3-torch 1.13.1) and numpy; imports
python/reckit_models.py (the modules) and python/make_layer_fixtures.py (its float64 hand-written
layer references and the DIEN tutorial's classes). CI does not: the outputs are committed. Deterministic
(torch.manual_seed per section, one thread; a rerun writes identical bytes), a few seconds.

Writes, under ts/test/fixtures/models/:

- cases.json: {"cases": [...]}, each case {"name", "model", "config", "weights", "io", "note"}.
  "model": FM | DIN | DIEN | MMoE | FiBiNET | SENet | YouTubeDNN; "config" is the JSON config the
  module was built from (the one reckit takes); "weights" the file name of the weights; "io" the
  file name of the inputs and expected outputs. Several cases share a weights file (same model,
  same config).
- <slug>.weights.safetensors: reckit_models.export's bytes (the module's state_dict; float tensors
  F32, BatchNorm num_batches_tracked I64 scalars; "__metadata__": {"format": "pt", "reckit.model",
  "reckit.config"}).
- <slug>.io.safetensors: inputs under the batch field names, I64 ids and lengths, F32 floats:
    sparse [B, F], history [B, T, H], lengths [B] (absent: the default rule), negHistory [B, T, H],
    dense [B, D], items [N, Fi]; SENet: x [B, F, E]
  and the expected outputs (F32): logits, probabilities, auxLoss (scalar, shape []), gates,
  userVectors, itemVectors, scores; SENet: output, weights.

Every weight and input is a float32 value; the expected outputs come from
copy.deepcopy(module).double() run on those exact values, stored as F32. Each case is also
computed by independent float64 code (the formulas of docs/models.md, with make_layer_fixtures'
hand-written MLP / DIN attention / GRU-cell references) and, where the flavours coincide, by the
DIEN tutorial's own Interest module (docs/conventions.md#test-oracles; DIEN: AUGRU with the
tutorial's u,r,n cell, AGRU, AIGRU; softmax + scale attention). The script prints every max |diff|
and fails above 1e-12. It also prints how far the float32 module is from the float64 reference (the
precision a float32 implementation can expect).
"""
import copy
import json
import math
import os
import sys
from collections import OrderedDict
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread (set before numpy / torch load their BLAS)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_layer_fixtures as L  # noqa: E402
import reckit_models as R  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "models"
F32, F64 = torch.float32, torch.float64
TOL = 1e-12

cases = []
checks = []
f32_diffs = []
written = {}


# ---------------------------------------------------------------- files


def write_file(name, tensors, metadata=None):
    for k, t in tensors.items():
        assert t.dtype in (F32, torch.int64), (name, k, t.dtype)
        if t.dtype == F32:
            assert torch.isfinite(t).all(), (name, k)
    data = R.safetensors_bytes(tensors, metadata)
    assert data == L.safetensors_bytes(tensors, metadata), name  # same layout as the layer fixtures
    if name in written:
        assert written[name] == data, f"{name} written twice with different contents"
        return name
    (OUT / name).write_bytes(data)
    written[name] = data
    return name


def save_weights(slug, model):
    tensors = R.state_tensors(model)
    for k, v in model.state_dict().items():
        assert v.dtype in (F32, torch.int64), (slug, k, v.dtype)
    return write_file(f"{slug}.weights.safetensors", tensors, R.export_metadata(model))


def check(label, a, b):
    a, b = a.detach(), b.detach()
    assert a.dtype == F64 and b.dtype == F64, (label, a.dtype, b.dtype)
    assert a.shape == b.shape, (label, a.shape, b.shape)
    d = (a - b).abs().max().item() if a.numel() else 0.0
    checks.append((label, d))
    assert d < TOL, (label, d)


def to64(batch):
    return {k: (v.double() if v.is_floating_point() else v) for k, v in batch.items()}


def add_case(name, model, batch, note="", wslug=None):
    """Run the module in float64 on the float32 values, write the weights and io files, return the
    float64 outputs."""
    model.eval()
    with torch.no_grad():
        out = copy.deepcopy(model).double()(to64(batch))
        out32 = model(batch)
    for k, v in out.items():
        assert torch.isfinite(v).all(), (name, k)
        d = (out32[k].double() - v).abs().max().item()
        f32_diffs.append((f"{type(model).__name__} {name}: {k}", d))
    mname = type(model).__name__
    wslug = L.slugify(f"{mname}_{name}", 48) if wslug is None else wslug
    weights = save_weights(wslug, model)
    tensors = OrderedDict()
    for k, v in batch.items():
        if v.is_floating_point():
            assert v.dtype == F32, (name, k)
        else:
            v = v.long()
        tensors[k] = v
    for k, v in out.items():
        assert k not in tensors, k
        tensors[k] = v.float()
    slug = L.slugify(f"{mname}_{name}")
    assert not any(c["name"] == name and c["model"] == mname for c in cases), name
    io = write_file(f"{slug}.io.safetensors", tensors)
    cases.append({"name": name, "model": mname, "config": model.config, "weights": weights, "io": io,
                  "note": note})
    return out


# ---------------------------------------------------------------- random weights and inputs


def randn(*shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, dtype=F32) * scale + shift


def rand(*shape, lo=0.0, hi=1.0):
    return torch.rand(*shape, dtype=F32) * (hi - lo) + lo


def randomize(model, emb_scale=0.7):
    """Non-trivial values everywhere: embeddings, every Linear (weights N(0, 1.5^2 / fan_in), so
    that the outputs vary from row to row, and biases), recurrent weights (torch's uniform init x 2),
    BatchNorm statistics and affine parameters (also Dice's), Dice alphas, PReLU weights, FM's bias
    and dense factors."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.GRU, R.AttentionGRUCell)):
                for p in mod.parameters():
                    p.mul_(2.0)
            if isinstance(mod, nn.Linear):
                mod.weight.copy_(randn(*mod.weight.shape, scale=1.5 / math.sqrt(mod.in_features)))
            if isinstance(mod, nn.Embedding):
                mod.weight.copy_(randn(*mod.weight.shape, scale=emb_scale))
            elif isinstance(mod, nn.BatchNorm1d):
                C = mod.num_features
                mod.running_mean.copy_(randn(C, scale=0.5))
                mod.running_var.copy_(rand(C, lo=0.3, hi=2.0))
                mod.weight.copy_(randn(C, scale=0.3, shift=1.0))
                mod.bias.copy_(randn(C, scale=0.3))
                mod.num_batches_tracked.fill_(int(torch.randint(1, 10000, ())))
            elif isinstance(mod, R.Dice):
                mod.alpha.copy_(rand(*mod.alpha.shape, lo=-0.2, hi=0.6))
            elif isinstance(mod, nn.PReLU):
                mod.weight.copy_(rand(*mod.weight.shape, lo=0.0, hi=0.5))
            elif isinstance(mod, nn.Linear) and mod.bias is not None:
                mod.bias.copy_(randn(*mod.bias.shape, scale=0.3))
        if isinstance(model, R.FM):
            model.bias.copy_(randn(1, scale=0.3))
            if model.D:
                model.dense_factors.copy_(randn(*model.dense_factors.shape, scale=0.5))
    return model.eval()


def ids(vocab, *shape, low=1):
    return torch.randint(low, vocab, shape, dtype=torch.int64)


def lengths_t(values):
    return torch.tensor(values, dtype=torch.int64)


def history_ids(vocabs, lengths, T, pad="random"):
    """[B, T, H] ids >= 1 at valid steps; after lengths[b]: random ids >= 1 ("random", to show they
    are ignored when lengths are given) or 0 ("zero", for the default lengths rule)."""
    B = len(lengths)
    h = torch.stack([ids(v, B, T) for v in vocabs], dim=-1)
    if pad == "zero":
        h = h.masked_fill(~L.valid_mask(lengths, T)[:, :, None], 0)
    return h


# ---------------------------------------------------------------- float64 hand references


def mlp_ref(w, pre, cfg, x):
    """The DIEN tutorial's MLP from its state dict (make_layer_fixtures.mlp_ref plus tanh)."""
    act = cfg["activation"]
    if act != "tanh":
        return L.mlp_ref(w, pre, len(cfg["hidden"]), x, act, cfg.get("batchnorm", False), cfg.get("diceEps", 1e-8))
    for i in range(len(cfg["hidden"])):
        x = F.linear(x, w[f"{pre}dense{i}.weight"], w[f"{pre}dense{i}.bias"])
        if cfg.get("batchnorm", False):
            b = f"{pre}batchnorm{i}."
            x = (x - w[b + "running_mean"]) / torch.sqrt(w[b + "running_var"] + 1e-5) * w[b + "weight"] + w[b + "bias"]
        x = torch.tanh(x)
    return x


def lookup(w, table, idx):
    return w[f"embeddings.{table}.weight"][idx]


def default_lengths_ref(history):
    out = []
    for row in history[:, :, 0].tolist():
        n = 0
        while n < len(row) and row[n] != 0:
            n += 1
        out.append(n)
    return torch.tensor(out, dtype=torch.int64)


def fm_ref(cfg, w, batch):
    ids_ = batch["sparse"]
    B = ids_.shape[0]
    out = torch.zeros(B, dtype=F64)
    for b in range(B):
        xs, vs = [], []
        s = w["bias"][0].clone()
        for i, t in enumerate(cfg["sparse"]):
            s = s + w[f"linear.{t}.weight"][ids_[b, i], 0]
            xs.append(torch.tensor(1.0, dtype=F64))
            vs.append(lookup(w, t, ids_[b, i]))
        for d in range(cfg.get("dense", 0)):
            x = batch["dense"][b, d].double()
            s = s + w["dense_linear.weight"][0, d] * x
            xs.append(x)
            vs.append(w["dense_factors"][d])
        for i in range(len(xs)):  # sum over pairs i < j of <v_i, v_j> x_i x_j
            for j in range(i + 1, len(xs)):
                s = s + (vs[i] * vs[j]).sum() * xs[i] * xs[j]
        out[b] = s
    return out


def behaviour_ref(cfg, w, batch):
    sparse = cfg["sparse"]
    ids_ = batch["sparse"]
    se = [lookup(w, t, ids_[:, i]) for i, t in enumerate(sparse)]
    fields = [(h, h) if isinstance(h, str) else (h["target"], h["table"]) for h in cfg["history"]]
    q = torch.cat([se[sparse.index(tg)] for tg, _ in fields], dim=-1)
    keys = torch.cat([lookup(w, tb, batch["history"][:, :, j]) for j, (_, tb) in enumerate(fields)], dim=-1)
    neg = None
    if "negHistory" in batch:
        neg = torch.cat([lookup(w, tb, batch["negHistory"][:, :, j]) for j, (_, tb) in enumerate(fields)], dim=-1)
    lengths = batch.get("lengths")
    lengths = default_lengths_ref(batch["history"]) if lengths is None else lengths
    dense = [batch["dense"].double()] if cfg.get("dense", 0) else []
    return dense + se, q, keys, neg, lengths


def head_ref(cfg, w, parts):
    h = mlp_ref(w, "mlp.mlp.", cfg["mlp"], torch.cat(parts, dim=-1))
    return F.linear(h, w["final_layer.weight"], w["final_layer.bias"])[:, 0]


def attention_ref(cfg, w, pre, q, keys, lengths):
    a = cfg["attention"]
    pooled, scores, _ = L.din_ref(w, pre, keys.shape[-1], len(a["hidden"]), a["activation"], a.get("batchnorm", False),
                                  a.get("softmax", True), a.get("scale", False), q, keys, lengths,
                                  a.get("diceEps", 1e-8))
    return pooled, scores


def din_ref(cfg, w, batch):
    parts, q, keys, _, lengths = behaviour_ref(cfg, w, batch)
    pooled, _ = attention_ref(cfg, w, "attention.", q, keys, lengths)
    return head_ref(cfg, w, parts + [pooled])


def aux_ref(cfg, w, interests, keys, neg, lengths):
    aux = cfg["auxiliary"]
    act = aux.get("activation", "sigmoid")
    pre = "interest.auxiliary_net.mlp."

    def net(x):
        for i in range(len(aux["hidden"])):
            x = F.linear(x, w[f"{pre}dense{i}.weight"], w[f"{pre}dense{i}.bias"])
            x = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "none": lambda v: v}[act](x)
        return torch.sigmoid(F.linear(x, w[pre + "final_layer.weight"], w[pre + "final_layer.bias"]))[0]

    terms = []
    for b in range(keys.shape[0]):
        for t in range(int(lengths[b]) - 1):
            p_pos = net(torch.cat([interests[b, t], keys[b, t + 1]]))
            p_neg = net(torch.cat([interests[b, t], neg[b, t + 1]]))
            terms.append(torch.clamp(torch.log(p_pos), min=-100))
            terms.append(torch.clamp(torch.log(1 - p_neg), min=-100))
    return -torch.stack(terms).mean()


def dien_ref(cfg, w, batch):
    """-> logits, auxLoss or None, final interest."""
    parts, q, keys, neg, lengths = behaviour_ref(cfg, w, batch)
    ext = {k: w[f"interest.interest_extractor.{k}_l0"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    interests, _ = L.rnn_ref("GRU", ext, keys, lengths=lengths)
    _, scores = attention_ref(cfg, w, "interest.attention.", q, interests, lengths)
    kind = cfg.get("gru", "AUGRU")
    if kind == "AIGRU":
        evo = {k: w[f"interest.interest_evolution.{k}_l0"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    else:
        evo = {k: w[f"interest.interest_evolution.rnn.{k}"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    _, final = L.rnn_ref(kind, evo, interests, scores, lengths, form=cfg.get("augruForm", "paper"),
                         order=cfg.get("gateOrder", "rzn"))
    aux = None
    if cfg.get("auxiliary") is not None and neg is not None:
        aux = aux_ref(cfg, w, interests, keys, neg, lengths)
    return head_ref(cfg, w, parts + [final]), aux, final


def mmoe_ref(cfg, w, batch):
    parts = ([batch["dense"].double()] if cfg.get("dense", 0) else []) + \
        [lookup(w, t, batch["sparse"][:, i]) for i, t in enumerate(cfg["sparse"])]
    x = torch.cat(parts, dim=-1)
    experts = [torch.clamp(F.linear(x, w[f"experts.{i}.weight"], w[f"experts.{i}.bias"]), min=0)
               for i in range(cfg["experts"])]
    logits, gates = [], []
    for t in range(cfg["tasks"]):
        g = F.linear(x, w[f"gates.{t}.weight"], w[f"gates.{t}.bias"])
        g = torch.exp(g - g.max(dim=1, keepdim=True).values)
        g = g / g.sum(dim=1, keepdim=True)
        h = sum(g[:, i:i + 1] * experts[i] for i in range(cfg["experts"]))
        if cfg["tower"]["hidden"]:
            h = mlp_ref(w, f"towers.{t}.mlp.", cfg["tower"], h)
        logits.append(F.linear(h, w[f"heads.{t}.weight"], w[f"heads.{t}.bias"])[:, 0])
        gates.append(g)
    return torch.stack(logits, dim=1), torch.stack(gates, dim=1)


def senet_ref(s, w, pre, x):
    z = x.mean(dim=-1)
    a = F.linear(z, w[pre + "fc1.weight"], w.get(pre + "fc1.bias"))
    a = torch.clamp(a, min=0)
    a = F.linear(a, w[pre + "fc2.weight"], w.get(pre + "fc2.bias"))
    a = torch.clamp(a, min=0) if s["excitation"] == "relu" else 1 / (1 + torch.exp(-a))
    a = s["scale"] * a
    return x * a[:, :, None], a


def fibinet_ref(cfg, w, batch):
    sparse = cfg["sparse"]
    e0 = torch.stack([lookup(w, t, batch["sparse"][:, i]) for i, t in enumerate(sparse)], dim=1)
    e1, _ = senet_ref(cfg["senet"], w, "senet.", e0)
    Fn = len(sparse)

    def pairs(e):
        out, p = [], 0
        for i in range(Fn):
            for j in range(i + 1, Fn):
                key = {"all": "bilinear.weight", "each": f"bilinear.{i}.weight",
                       "interaction": f"bilinear.{p}.weight"}[cfg["bilinear"]]
                out.append((e[:, i] @ w[key].t()) * e[:, j])
                p += 1
        return torch.cat(out, dim=-1)

    dense = [batch["dense"].double()] if cfg.get("dense", 0) else []
    return head_ref(cfg, w, dense + [pairs(e0), pairs(e1)])


def youtube_ref(cfg, w, batch):
    user, item = cfg["user"], cfg["item"]
    parts = [batch["dense"].double()] if user.get("dense", 0) else []
    parts += [lookup(w, t, batch["sparse"][:, i]) for i, t in enumerate(user.get("sparse", []))]
    hist = batch["history"]
    lengths = batch.get("lengths")
    lengths = default_lengths_ref(hist) if lengths is None else lengths
    B = hist.shape[0]
    for j, h in enumerate(user["history"]):
        table = h if isinstance(h, str) else h["table"]
        pooled = torch.zeros(B, w[f"embeddings.{table}.weight"].shape[1], dtype=F64)
        for b in range(B):
            n = int(lengths[b])
            for t in range(n):
                pooled[b] += lookup(w, table, hist[b, t, j])
            if n:
                pooled[b] /= n
        parts.append(pooled)
    u = mlp_ref(w, "user_tower.mlp.", user["tower"], torch.cat(parts, dim=-1))
    v = mlp_ref(w, "item_tower.mlp.", item["tower"],
                torch.cat([lookup(w, t, batch["items"][:, i]) for i, t in enumerate(item["sparse"])], dim=-1))
    if cfg.get("normalize", True):
        u = u / torch.clamp(torch.sqrt((u * u).sum(dim=1, keepdim=True)), min=1e-12)
        v = v / torch.clamp(torch.sqrt((v * v).sum(dim=1, keepdim=True)), min=1e-12)
    return u, v, (u @ v.t()) / cfg.get("temperature", 1.0)


def sig(x):
    return 1 / (1 + torch.exp(-x))


# ---------------------------------------------------------------- the DIEN tutorial's Interest (verbatim but names)


class TutorialDynamicGRU(nn.Module):
    """The DIEN tutorial's DynamicGRU (gru_type AGRU -> AttentionGRUCell, AUGRU -> its u,r,n cell)."""

    def __init__(self, input_size, hidden_size, bias=True, gru_type='AGRU'):
        super(TutorialDynamicGRU, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        if gru_type == 'AGRU':
            self.rnn = L.TutorialAttentionGRUCell(input_size, hidden_size, bias)
        elif gru_type == 'AUGRU':
            self.rnn = L.TutorialAUGRUCellZRN(input_size, hidden_size, bias)

    def forward(self, x, att_scores, hx=None):
        return L.TutorialDynamicGRU.forward(self, x, att_scores, hx)


class TutorialInterest(nn.Module):
    """The DIEN tutorial's Interest (AIGRU / AGRU / AUGRU paths), dropout arguments dropped."""

    def __init__(self, input_size, gru_type='AUGRU', att_hidden_layers=[80, 40], att_batchnorm=True,
                 att_activation='prelu', use_negsampling=False):
        super(TutorialInterest, self).__init__()
        self.gru_type = gru_type
        self.use_negsampling = use_negsampling
        self.interest_extractor = nn.GRU(input_size=input_size, hidden_size=input_size, batch_first=True,
                                         bidirectional=False)
        if self.use_negsampling:
            self.auxiliary_net = R.AuxiliaryNet(input_size * 2, hidden_layers=[100, 50])
        self.attention = L.Attention(input_size=input_size, hidden_layers=att_hidden_layers,
                                     batchnorm=att_batchnorm, activation=att_activation, return_scores=True)
        if gru_type == 'AIGRU':
            self.interest_evolution = nn.GRU(input_size=input_size, hidden_size=input_size, batch_first=True,
                                             bidirectional=False)
        else:
            self.interest_evolution = TutorialDynamicGRU(input_size=input_size, hidden_size=input_size,
                                                         gru_type=gru_type)

    @staticmethod
    def get_last_state(states, keys_length):
        batch_size, max_seq_length, hidden_size = states.size()
        mask = (torch.arange(max_seq_length, device=keys_length.device).repeat(
            batch_size, 1) == (keys_length.view(-1, 1) - 1))
        return states[mask]

    def cal_auxiliary_loss(self, states, click_seq, noclick_seq, keys_length):
        batch_size, max_seq_length, embedding_size = states.size()
        mask = (torch.arange(max_seq_length, device=states.device).repeat(
            batch_size, 1) < keys_length.view(-1, 1)).float()
        click_input = torch.cat([states, click_seq], dim=-1)
        noclick_input = torch.cat([states, noclick_seq], dim=-1)
        embedding_size = embedding_size * 2
        click_p = self.auxiliary_net(click_input.view(batch_size * max_seq_length, embedding_size)).view(
            batch_size, max_seq_length)[mask > 0].view(-1, 1)
        click_target = torch.ones(click_p.size(), dtype=click_p.dtype, device=click_p.device)
        noclick_p = self.auxiliary_net(noclick_input.view(batch_size * max_seq_length, embedding_size)).view(
            batch_size, max_seq_length)[mask > 0].view(-1, 1)
        noclick_target = torch.zeros(noclick_p.size(), dtype=noclick_p.dtype, device=noclick_p.device)
        loss = F.binary_cross_entropy(torch.cat([click_p, noclick_p], dim=0),
                                      torch.cat([click_target, noclick_target], dim=0))
        return loss

    def forward(self, query, keys, keys_length, neg_keys=None):
        batch_size, max_length, dim = keys.size()
        packed_keys = pack_padded_sequence(keys, lengths=keys_length.squeeze().cpu(), batch_first=True,
                                           enforce_sorted=False)
        packed_interests, _ = self.interest_extractor(packed_keys)
        aloss = None
        interests, _ = pad_packed_sequence(packed_interests, batch_first=True, padding_value=0.0,
                                           total_length=max_length)
        if self.use_negsampling:
            aloss = self.cal_auxiliary_loss(interests[:, :-1, :], keys[:, 1:, :], neg_keys[:, 1:, :],
                                            keys_length - 1)
        if self.gru_type == 'AIGRU':
            scores = self.attention(query, interests, keys_length)
            interests = interests * scores.unsqueeze(-1)
            packed_interests = pack_padded_sequence(interests, lengths=keys_length.squeeze().cpu(),
                                                    batch_first=True, enforce_sorted=False)
            _, outputs = self.interest_evolution(packed_interests)
            outputs = outputs.squeeze()
        else:
            scores = self.attention(query, interests, keys_length)
            packed_interests = pack_padded_sequence(interests, lengths=keys_length.squeeze().cpu(),
                                                    batch_first=True, enforce_sorted=False)
            packed_scores = pack_padded_sequence(scores, lengths=keys_length.squeeze().cpu(), batch_first=True,
                                                 enforce_sorted=False)
            outputs, _ = pad_packed_sequence(self.interest_evolution(packed_interests, packed_scores),
                                             batch_first=True)
            outputs = TutorialInterest.get_last_state(outputs, keys_length.squeeze())
        return outputs, aloss


def tutorial_interest_check(label, model, batch):
    """The DIEN tutorial's Interest, loaded with the DIEN's interest.* weights, on the rows with length >= 1."""
    cfg = model.config
    a = cfg["attention"]
    assert a["softmax"] and a["scale"] and a.get("diceEps") is None
    gru = cfg["gru"]
    assert gru in ("AGRU", "AIGRU") or cfg.get("gateOrder") == "zrn" and cfg.get("augruForm", "paper") == "paper"
    aux = cfg.get("auxiliary")
    ref = TutorialInterest(model.Eb, gru, a["hidden"], a["batchnorm"], L.TUTORIAL_ACT[a["activation"]],
                           use_negsampling=aux is not None)
    if aux is not None:
        ref.auxiliary_net = R.AuxiliaryNet(2 * model.Eb, aux["hidden"], L.TUTORIAL_ACT[aux["activation"]])
    state = OrderedDict((k[len("interest."):], v) for k, v in model.state_dict().items() if k.startswith("interest."))
    ref.load_state_dict(state, strict=True)
    ref = ref.double().eval()
    m64 = copy.deepcopy(model).double().eval()
    b64 = to64(batch)
    with torch.no_grad():
        _, q, keys, lengths = m64.inputs(b64)
        neg = m64.keys_of(b64["negHistory"]) if "negHistory" in b64 else None
        final, aux_loss, _ = m64.interest(q, keys, lengths, neg)
        rows = lengths > 0
        assert rows.sum() > 1
        s_final, s_aux = ref(q[rows], keys[rows], lengths[rows], None if neg is None else neg[rows])
    check(f"{label}: final interest vs the tutorial's Interest", final[rows], s_final)
    if aux is not None and neg is not None:
        check(f"{label}: auxLoss vs the tutorial's Interest", aux_loss, s_aux)


# ---------------------------------------------------------------- FM


def fm():
    torch.manual_seed(6000)
    tables = {"user": [40, 4], "item": [60, 4], "cat": [12, 4]}
    B = 6

    def run(name, model, batch, note=""):
        out = add_case(name, model, batch, note, wslug=L.slugify(f"fm_dense{model.D}"))
        ref = fm_ref(model.config, L.d64(model.state_dict()), batch)
        check(f"FM {name}: logits vs sum over pairs", out["logits"], ref)
        check(f"FM {name}: probabilities", out["probabilities"], sig(ref))

    m = randomize(R.FM({"tables": tables, "sparse": ["user", "item", "cat"], "dense": 3}))
    sparse = torch.stack([ids(40, B, low=0), ids(60, B), ids(12, B)], dim=1)
    sparse[2, 0] = 0
    run("3 sparse fields and 3 dense features", m, {"sparse": sparse, "dense": randn(B, 3)},
        "id 0 is an ordinary row (row 2's user); dense features take part in the linear term and the pairs")
    run("batch 1 with dense", m, {"sparse": sparse[:1].clone(), "dense": randn(1, 3)})
    m = randomize(R.FM({"tables": tables, "sparse": ["user", "item", "cat"]}))
    run("no dense (dense omitted)", m, {"sparse": sparse}, "config without `dense`: D = 0, no dense_* keys")


# ---------------------------------------------------------------- DIN


TABLES = {"user": [40, 4], "item": [60, 4], "cat": [12, 4], "hist_cat": [12, 4]}


def din():
    torch.manual_seed(6100)
    B, T = 6, 6

    def run(name, model, batch, note="", wslug=None):
        out = add_case(name, model, batch, note, wslug)
        ref = din_ref(model.config, L.d64(model.state_dict()), batch)
        check(f"DIN {name}: logits vs hand reference", out["logits"], ref)
        check(f"DIN {name}: probabilities", out["probabilities"], sig(ref))
        return out

    # DIEN tutorial style: softmax + scale, dice; two history fields, the category with its own table
    cfg = {"tables": TABLES, "sparse": ["user", "item", "cat"],
           "history": ["item", {"target": "cat", "table": "hist_cat"}],
           "attention": {"hidden": [8, 4], "activation": "dice", "batchnorm": True, "softmax": True, "scale": True},
           "mlp": {"hidden": [8, 6], "activation": "dice", "batchnorm": False}}
    m = randomize(R.DIN(cfg))
    ws = "din_softmax_scale_dice"
    sparse = torch.stack([ids(40, B), ids(60, B), ids(12, B)], dim=1)
    lens = lengths_t([6, 1, 4, 0, 2, 6])
    run("softmax, scale, dice; item + own-table category history; explicit ragged lengths", m,
        {"sparse": sparse, "history": history_ids([60, 12], lens, T), "lengths": lens},
        "query = [item emb, cat emb]; keys = [item table(history item), hist_cat table(history cat)]; "
        "steps after lengths hold nonzero ids and must be ignored; row 3 has length 0 (scores 0, pooled 0)", ws)
    lens = lengths_t([6, 1, 4, 0, 2, 5])
    hist = history_ids([60, 12], lens, T, pad="zero")
    hist[2, 1, 1] = 0  # a category id 0 inside the valid steps: only field 0 decides the length
    run("lengths omitted (default rule), zero-padded history", m, {"sparse": sparse, "history": hist},
        "lengths = steps before the first 0 in field 0: 6,1,4,0,2,5 (row 2 has a category id 0 at a valid "
        "step; it is an ordinary id)", ws)
    hist = history_ids([60, 12], lengths_t([6, 6, 6]), T)
    hist[0, 1, 0] = 0   # item ids 5,0,7,... -> length 1
    hist[1, 4:, 0] = 0  # -> 4
    hist[2, 0, 0] = 0   # -> 0
    run("lengths omitted, field-0 ids after the first 0 are not counted", m,
        {"sparse": sparse[:3].clone(), "history": hist},
        "the rule is 'steps before the first 0 in field 0' (1, 4, 0), not the count of nonzero ids (5, 4, 5)", ws)
    lens = lengths_t([6])
    run("batch 1, full length", m, {"sparse": sparse[:1].clone(), "history": history_ids([60, 12], lens, T),
                                    "lengths": lens}, "", ws)

    # DeepCTR-Torch style: no softmax, no scale, prelu; dense features; one history field
    cfg = {"tables": TABLES, "sparse": ["user", "item", "cat"], "dense": 2, "history": ["item"],
           "attention": {"hidden": [8, 4], "activation": "prelu", "batchnorm": False, "softmax": False,
                         "scale": False},
           "mlp": {"hidden": [8, 6], "activation": "prelu", "batchnorm": True}}
    m = randomize(R.DIN(cfg))
    lens = lengths_t([3, 6, 1, 0, 5, 2])
    run("no softmax, no scale, prelu (DeepCTR-Torch); dense D=2; explicit lengths", m,
        {"sparse": sparse, "history": history_ids([60], lens, T), "lengths": lens, "dense": randn(B, 2)},
        "raw attention scores, padded scores 0; MLP input [dense, user, item, cat, pooled]")

    # sigmoid attention with batchnorm, relu MLP with batchnorm, softmax without scale, diceEps unused
    cfg = {"tables": TABLES, "sparse": ["item", "user"], "history": ["item"],
           "attention": {"hidden": [6], "activation": "sigmoid", "batchnorm": True, "softmax": True,
                         "scale": False},
           "mlp": {"hidden": [8], "activation": "dice", "batchnorm": True, "diceEps": 1e-3}}
    m = randomize(R.DIN(cfg))
    lens = lengths_t([2, 6, 1, 5, 3, 6])
    run("softmax without scale, sigmoid attention, dice MLP with diceEps 1e-3", m,
        {"sparse": torch.stack([ids(60, B), ids(40, B)], dim=1), "history": history_ids([60], lens, T),
         "lengths": lens}, "sparse order item, user: the target is sparse column 0")


# ---------------------------------------------------------------- DIEN


def dien():
    torch.manual_seed(6200)
    B, T = 6, 6
    base = {"tables": TABLES, "sparse": ["user", "item", "cat"],
            "history": ["item", {"target": "cat", "table": "hist_cat"}],
            "attention": {"hidden": [8, 4], "activation": "dice", "batchnorm": True, "softmax": True, "scale": True},
            "mlp": {"hidden": [8, 6], "activation": "prelu", "batchnorm": True}}
    sparse = torch.stack([ids(40, B), ids(60, B), ids(12, B)], dim=1)
    lens = lengths_t([6, 1, 4, 2, 6, 3])
    hist = history_ids([60, 12], lens, T)
    neg = history_ids([60, 12], lengths_t([T] * B), T)

    def run(name, model, batch, note="", wslug=None, interest_check=False):
        out = add_case(name, model, batch, note, wslug)
        logits, aux, _ = dien_ref(model.config, L.d64(model.state_dict()), batch)
        check(f"DIEN {name}: logits vs hand reference", out["logits"], logits)
        check(f"DIEN {name}: probabilities", out["probabilities"], sig(logits))
        assert (aux is None) == ("auxLoss" not in out), name
        if aux is not None:
            check(f"DIEN {name}: auxLoss vs hand reference", out["auxLoss"], aux)
        if interest_check:
            tutorial_interest_check(f"DIEN {name}", model, batch)
        return out

    def make(**kw):
        return randomize(R.DIEN({**base, **kw}))

    aux = {"hidden": [8, 4], "activation": "sigmoid"}
    full = {"sparse": sparse, "history": hist, "lengths": lens, "negHistory": neg}

    m = make(gru="AUGRU", augruForm="paper", gateOrder="rzn", auxiliary=aux)
    ws = "dien_augru_paper_rzn"
    run("AUGRU paper rzn, auxiliary, lengths 6,1,4,2,6,3", m, full,
        "u = a*z, h' = (1-u)*h + u*n, weights r,z,n (DeepCTR-Torch); auxLoss over t < lengths-1 "
        "(row 1 has no pair); steps after lengths hold nonzero ids", ws)
    run("AUGRU paper rzn, auxiliary configured, negHistory omitted", m,
        {"sparse": sparse, "history": hist, "lengths": lens}, "no negHistory: no auxLoss output", ws)
    l0 = lengths_t([6, 0, 4, 2, 6, 3])
    h0 = history_ids([60, 12], l0, T, pad="zero")
    run("AUGRU paper rzn, lengths omitted with an empty row", m,
        {"sparse": sparse, "history": h0, "negHistory": neg},
        "default lengths 6,0,4,2,6,3; row 1 (length 0): final interest 0 (torch cannot pack it: the reference "
        "runs the GRUs on the other rows)", ws)
    l1 = lengths_t([5])
    run("AUGRU paper rzn, batch 1", m, {"sparse": sparse[:1].clone(), "history": history_ids([60, 12], l1, T),
                                        "lengths": l1, "negHistory": neg[:1].clone()}, "", ws)

    m = make(gru="AUGRU", augruForm="paper", gateOrder="zrn", auxiliary=aux)
    run("AUGRU paper zrn (tutorial cell), auxiliary", m, full,
        "weights u,r,n (the tutorial's AttentionUpdateGateGRUCell); checked against the tutorial's Interest",
        interest_check=True)

    m = make(gru="AUGRU", augruForm="xdl", gateOrder="rzn", auxiliary=aux, dense=2,
             attention={**base["attention"], "scale": False})
    run("AUGRU xdl rzn, auxiliary, dense D=2, softmax without scale", m, {**full, "dense": randn(B, 2)},
        "u' = (1-a)*z, h' = u'*h + (1-u')*n, n = tanh(W_in x + b_in + W_hn (r*h) + b_hn)")

    m = make(gru="AUGRU", augruForm="xdl", gateOrder="zrn", auxiliary={"hidden": [6], "activation": "relu"})
    run("AUGRU xdl zrn, auxiliary with relu", m, full)

    m = make(gru="AGRU", auxiliary=aux)
    run("AGRU (2H cell), auxiliary", m, full,
        "the tutorial's AttentionGRUCell: weights [2H, .] rows r, n; h' = (1-a)*h + a*n; checked against the "
        "tutorial's Interest", interest_check=True)

    m = make(gru="AIGRU", auxiliary=aux, attention={**base["attention"], "activation": "prelu"})
    run("AIGRU, auxiliary", m, full, "nn.GRU over a*interests (keys interest.interest_evolution.weight_ih_l0, ...); "
        "checked against the tutorial's Interest", interest_check=True)

    m = make(gru="AUGRU", attention={"hidden": [8], "activation": "sigmoid", "batchnorm": False,
                                     "softmax": False, "scale": False},
             history=["item"], mlp={"hidden": [6], "activation": "relu", "batchnorm": False})
    lens2 = lengths_t([6, 3, 1, 6, 0, 2])
    run("AUGRU defaults (paper, rzn), no auxiliary, no softmax, one history field", m,
        {"sparse": sparse, "history": history_ids([60], lens2, T), "lengths": lens2},
        "augruForm and gateOrder omitted; raw attention scores (padded 0) drive the update gate; row 4 has "
        "length 0 (final interest 0)")


# ---------------------------------------------------------------- MMoE


def mmoe():
    torch.manual_seed(6300)
    B = 6
    tables = {"user": [40, 4], "item": [60, 4], "cat": [12, 3]}
    sparse = torch.stack([ids(40, B), ids(60, B), ids(12, B)], dim=1)

    def run(name, cfg, note=""):
        m = randomize(R.MMoE(cfg))
        batch = {"sparse": sparse, "dense": randn(B, 2)}
        out = add_case(name, m, batch, note)
        logits, gates = mmoe_ref(cfg, L.d64(m.state_dict()), batch)
        check(f"MMoE {name}: logits vs hand reference", out["logits"], logits)
        check(f"MMoE {name}: probabilities", out["probabilities"], sig(logits))
        check(f"MMoE {name}: gates vs hand reference", out["gates"], gates)

    base = {"tables": tables, "sparse": ["user", "item", "cat"], "dense": 2, "experts": 3, "expertHidden": 6,
            "tasks": 2}
    run("3 experts, 2 tasks, tower relu batchnorm", {**base, "tower": {"hidden": [5], "activation": "relu",
                                                                      "batchnorm": True}},
        "x = [dense, user, item, cat] (In 13); towers.{t}.mlp.*")
    run("3 experts, 2 tasks, empty tower", {**base, "tower": {"hidden": [], "activation": "relu",
                                                             "batchnorm": False}},
        "tower.hidden empty: no towers.* keys, heads take the expert mixture [6]")


# ---------------------------------------------------------------- FiBiNET / SENet


def fibinet():
    torch.manual_seed(6400)
    B = 6
    tables = {"user": [40, 4], "item": [60, 4], "cat": [12, 4], "city": [9, 4]}
    sparse = torch.stack([ids(40, B), ids(60, B), ids(12, B), ids(9, B)], dim=1)

    def run(name, cfg, dense=False, note=""):
        m = randomize(R.FiBiNET(cfg))
        batch = {"sparse": sparse}
        if dense:
            batch["dense"] = randn(B, cfg["dense"])
        out = add_case(name, m, batch, note)
        ref = fibinet_ref(cfg, L.d64(m.state_dict()), batch)
        check(f"FiBiNET {name}: logits vs hand reference", out["logits"], ref)
        check(f"FiBiNET {name}: probabilities", out["probabilities"], sig(ref))

    base = {"tables": tables, "sparse": ["user", "item", "cat", "city"]}
    run("bilinear all, relu excitation scale 1, no senet biases",
        {**base, "senet": {"reduction": 2, "excitation": "relu", "scale": 1, "bias": False}, "bilinear": "all",
         "mlp": {"hidden": [8, 6], "activation": "relu", "batchnorm": True}},
        note="DeepCTR-Torch's SENETLayer (Linear bias=False, ReLU, ReLU); senet.bias false: no fc1.bias / fc2.bias")
    run("bilinear each, sigmoid excitation scale 2, senet biases, dense D=2",
        {**base, "dense": 2, "senet": {"reduction": 3, "excitation": "sigmoid", "scale": 2}, "bilinear": "each",
         "mlp": {"hidden": [8], "activation": "prelu", "batchnorm": False}}, dense=True,
        note="the sigmoid x 2 SENet variant (dense layers with biases, ReLU, sigmoid x 2); "
        "senet.bias omitted: default true; "
        "bilinear.{i} for the first field i of the pair")
    run("bilinear interaction, relu excitation scale 1, senet biases",
        {**base, "senet": {"reduction": 2, "excitation": "relu", "scale": 1, "bias": True},
         "bilinear": "interaction", "mlp": {"hidden": [8, 6], "activation": "dice", "batchnorm": True}},
        note="bilinear.{p} for pair p in the order (0,1), (0,2), (0,3), (1,2), (1,3), (2,3)")


def senet():
    torch.manual_seed(6450)
    cfg = {"fields": 5, "reduction": 3, "excitation": "sigmoid", "scale": 2}
    m = randomize(R.SENet(cfg))
    x = randn(4, 5, 3)
    out = add_case("5 fields, reduction 3, sigmoid, scale 2", m, {"x": x},
                   "keys fc1.weight [3,5], fc1.bias, fc2.weight [5,3], fc2.bias; weights = a [B,F]")
    ref, a = senet_ref(cfg, L.d64(m.state_dict()), "", x.double())
    check("SENet: output vs hand reference", out["output"], ref)
    check("SENet: weights vs hand reference", out["weights"], a)


# ---------------------------------------------------------------- YouTubeDNN


def youtube():
    torch.manual_seed(6500)
    tables = {"user": [40, 4], "item": [60, 4], "cat": [12, 3]}

    def run(name, cfg, batch, note=""):
        m = randomize(R.YouTubeDNN(cfg))
        out = add_case(name, m, batch, note)
        u, v, s = youtube_ref(cfg, L.d64(m.state_dict()), batch)
        check(f"YouTubeDNN {name}: userVectors vs hand reference", out["userVectors"], u)
        check(f"YouTubeDNN {name}: itemVectors vs hand reference", out["itemVectors"], v)
        check(f"YouTubeDNN {name}: scores vs hand reference", out["scores"], s)

    B, T, N = 5, 6, 7
    lens = lengths_t([6, 2, 1, 4, 3])
    cfg = {"tables": tables,
           "user": {"sparse": ["user"], "history": ["item", "cat"], "dense": 2,
                    "tower": {"hidden": [8, 6], "activation": "prelu", "batchnorm": True}},
           "item": {"sparse": ["item", "cat"], "tower": {"hidden": [6], "activation": "tanh", "batchnorm": False}},
           "temperature": 0.05, "normalize": True}
    run("normalize, temperature 0.05, N=7 items for B=5 users", cfg,
        {"sparse": ids(40, B, 1), "history": history_ids([60, 12], lens, T), "lengths": lens,
         "dense": randn(B, 2), "items": torch.stack([ids(60, N), ids(12, N)], dim=1)},
        "history entries are table names (item, cat): mean of the valid steps' embeddings; user input "
        "[dense, user, mean item, mean cat]; u, v L2-normalised (the output vectors are the normalised ones)")
    lens = lengths_t([3, 0, 6, 1, 2])
    cfg = {"tables": tables,
           "user": {"sparse": ["user"], "history": ["item"],
                    "tower": {"hidden": [10, 7], "activation": "relu", "batchnorm": True}},
           "item": {"sparse": ["item", "cat"], "tower": {"hidden": [], "activation": "none", "batchnorm": False}},
           "temperature": 1, "normalize": False}
    run("no normalize, temperature 1, empty history row, identity item tower", cfg,
        {"sparse": ids(40, B, 1), "history": history_ids([60], lens, T, pad="zero"),
         "items": torch.stack([ids(60, 4), ids(12, 4)], dim=1)},
        "lengths omitted (default rule: 3,0,6,1,2); row 1's history is empty: its mean is 0; item tower hidden [] "
        "= identity (v = [item emb, cat emb])")


# ---------------------------------------------------------------- main


if __name__ == "__main__":
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.safetensors"):
        old.unlink()
    fm()
    din()
    dien()
    mmoe()
    fibinet()
    senet()
    youtube()
    text = json.dumps({"cases": cases}, indent=1, allow_nan=False)
    (OUT / "cases.json").write_text(text + "\n")
    for label, d in checks:
        print(f"  {d:.3e}  {label}")
    worst = max(d for _, d in checks)
    print(f"{len(checks)} reference checks, max |diff| {worst:.3e} (limit {TOL:g})")
    worst32 = max(f32_diffs, key=lambda t: t[1])
    print(f"float32 module vs float64 reference: max |diff| {worst32[1]:.3e} ({worst32[0]})")
    total = len(text) + sum(len(b) for b in written.values())
    counts = OrderedDict()
    for c in cases:
        counts[c["model"]] = counts.get(c["model"], 0) + 1
    print(f"wrote {OUT}: {len(cases)} cases ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
          f"{len(written)} safetensors files, {total / 1024:.0f} KiB")
    assert total < 1.5 * 1024 * 1024, total
