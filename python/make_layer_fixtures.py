"""Oracle fixtures for the layers (issue 5): PyTorch computes, the safetensors files are committed.

    /usr/bin/python3 python/make_layer_fixtures.py

Needs torch (written against Debian's python3-torch 1.13.1) and numpy (only to turn tensors into
bytes). CI does not: the outputs are committed. Deterministic (torch.manual_seed per section,
one thread) and takes a few seconds.

Writes, under ts/test/fixtures/layers/:

- cases.json: {"cases": [...]}, each case
    {"name", "layer", "config", "options", "weights", "io", "note"}
  "layer": MultiHeadAttention | scaledDotProductAttention | GRU | AUGRU | AGRU | AIGRU |
  DinAttention | MLP | Embedding. "config" is the facade's fromWeights config (camelCase, the
  case's "prefix" included when the weights file uses one). "options" are the forward options that
  are not tensors (causal, needWeights, scale, pooling). "weights" is the file name of a
  safetensors file with the module's state dict (null for scaledDotProductAttention; several cases
  share one file). "io" is the file name of a safetensors file with the inputs and the expected
  outputs of the case.
- *.weights.safetensors: the torch module's state_dict, keys prefixed with the config's prefix,
  float tensors F32, BatchNorm's num_batches_tracked kept as an I64 scalar (shape []);
  "__metadata__": {"format": "pt"} like files written by the safetensors package.
- *.io.safetensors: inputs under the facade's argument names
    query, key, value (absent key/value = self-attention: pass only query), keyPaddingMask (BOOL,
    True = masked), attnMask (BOOL, True = masked, or F32 additive; [T,S] or [B*H,T,S]),
    x, attention, h0, lengths (I64), keys, ids (I64), q, k, v, mask (BOOL, True = masked, or F32
    additive; [B,H,T,S] or [T,S])
  and the expected outputs: output, hN, weights (MHA's head-averaged attention weights, only in
  needWeights cases), scores (DinAttention).

Every weight and input is a float32 value (generated in float32); the reference is computed in
float64 from those exact values (module.double() or the float64 code below) and stored as F32.
Where both exist, the hand-written float64 references are checked against torch's own modules
(nn.MultiheadAttention, nn.GRU with packed sequences, the Wq/Wk/Wv MultiHeadAttention and the DIEN
tutorial's modules and cells (docs/conventions.md#test-oracles),
F.embedding_bag, torch 1.13's private _scaled_dot_product_attention): the script prints the
max |diff| and fails above 1e-12.

Semantics encoded (see docs/conventions.md#pytorch-layouts and the notes of the cases):
- Attention rows whose keys are all masked give weights 0 (torch gives NaN), so their head
  outputs are 0 and the MHA output is out_proj.bias (0 without bias).
- causal: key j is masked for query i when j > i (torch.triu(ones(T, S), 1), top-left aligned).
- scaledDotProductAttention's boolean mask uses True = masked, like nn.MultiheadAttention's masks
  (torch 2's F.scaled_dot_product_attention uses the opposite: True = takes part).
- Recurrent layers: output is 0 at t >= lengths[b] (pad_packed_sequence), hN[b] is the state after
  step lengths[b] - 1, h0 (or zeros) for length 0. GRU with numLayers > 1: h0 and hN are [L,B,H].
- DinAttention: padded scores are -inf before the softmax (all padded -> 0) or 0 without softmax;
  scores are the post-softmax / post-mask values.
- Embedding pooling over t < lengths[b], else ids != paddingIdx, else all; 0 valid -> zeros.
"""
import copy
import json
import math
import struct
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from reckit_models import AttentionGRUCell as TutorialAttentionGRUCell  # noqa: F401 (the DIEN tutorial's, verbatim)
from reckit_models import DynamicGRU as TutorialDynamicGRU
from reckit_models import MLP, Dice, Identity, get_activation_layer  # noqa: F401

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "layers"
F32, F64 = torch.float32, torch.float64
TOL = 1e-12

cases = []
checks = []
written = {}


# ---------------------------------------------------------------- safetensors


DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8"), torch.bool: ("BOOL", "|b1")}


def safetensors_bytes(tensors, metadata=None):
    """8-byte LE header length, JSON header (sorted keys, space-padded to a multiple of 8), then
    the tensors' bytes back to back in sorted-name order."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        dtype, np_dtype = DTYPES[t.dtype]
        data = np.ascontiguousarray(t.numpy().astype(np_dtype, copy=False)).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_file(name, tensors, metadata=None):
    for k, t in tensors.items():
        assert t.dtype in DTYPES, (name, k, t.dtype)
        if t.dtype == F32:
            assert torch.isfinite(t).all(), (name, k)
    data = safetensors_bytes(tensors, metadata)
    if name in written:
        assert written[name] == data, f"{name} written twice with different contents"
        return name
    (OUT / name).write_bytes(data)
    written[name] = data
    return name


def slugify(text, limit=72):
    slug = "".join(c if c.isalnum() else "_" for c in text.lower())
    while "__" in slug:
        slug = slug.replace("__", "_")
    return slug.strip("_")[:limit].rstrip("_")


def save_weights(slug, state_dict, prefix=""):
    tensors = {}
    for k, v in state_dict.items():
        v = v.detach()
        if v.is_floating_point():
            assert v.dtype == F32, (slug, k, v.dtype)
        else:
            assert v.dtype == torch.int64, (slug, k, v.dtype)
        tensors[prefix + k] = v.clone()
    return write_file(f"{slug}.weights.safetensors", tensors, {"format": "pt"})


def add_case(name, layer, config, options, weights, io_inputs, io_outputs, note=""):
    slug = slugify(f"{layer}_{name}")
    tensors = {}
    for k, v in io_inputs.items():
        if v is None:
            continue
        if v.is_floating_point():
            assert v.dtype == F32, (name, k, v.dtype)
        tensors[k] = v
    for k, v in io_outputs.items():
        assert v.dtype == F64, (name, k)
        assert torch.isfinite(v).all(), (name, k)
        tensors[k] = v.float()
    assert not any(c["name"] == name and c["layer"] == layer for c in cases), name
    io = write_file(f"{slug}.io.safetensors", tensors)
    cases.append({"name": name, "layer": layer, "config": config, "options": options,
                  "weights": weights, "io": io, "note": note})


def check(label, a, b, rows=None):
    """max |a - b| over (optionally) the selected leading-dim rows; both float64."""
    a, b = a.detach(), b.detach()
    if rows is not None:
        a, b = a[rows], b[rows]
    assert a.shape == b.shape, (label, a.shape, b.shape)
    d = (a - b).abs().max().item() if a.numel() else 0.0
    checks.append((label, d))
    assert d < TOL, (label, d)


def d64(sd):
    return {k: v.detach().double() for k, v in sd.items()}


def randn(*shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, dtype=F32) * scale + shift


def rand(*shape, lo=0.0, hi=1.0):
    return torch.rand(*shape, dtype=F32) * (hi - lo) + lo


def lengths_t(values):
    return torch.tensor(values, dtype=torch.int64)


def valid_mask(lengths, T):
    return torch.arange(T)[None, :] < lengths[:, None]


def masked_softmax(s, masked):
    """softmax over the last dim with masked entries excluded; rows with every entry masked -> 0."""
    s = s.masked_fill(masked, float("-inf"))
    empty = masked.all(dim=-1, keepdim=True)
    s = s.masked_fill(empty, 0.0)
    p = torch.softmax(s, dim=-1)
    return p.masked_fill(empty, 0.0)


# ---------------------------------------------------------------- attention


def sdpa_ref(q, k, v, mask=None, causal=False, scale=None):
    """q [..., T, d], k, v [..., S, d]; bool mask True = masked, float mask added."""
    T, S, d = q.shape[-2], k.shape[-2], q.shape[-1]
    scale = 1 / math.sqrt(d) if scale is None else scale
    s = (q @ k.transpose(-1, -2)) * scale
    masked = torch.zeros(s.shape, dtype=torch.bool)
    if mask is not None:
        if mask.dtype == torch.bool:
            masked = masked | mask
        else:
            s = s + mask
    if causal:
        masked = masked | torch.ones(T, S, dtype=torch.bool).triu(1)
    p = masked_softmax(s, masked)
    return p @ v, p


def mha_ref(w, H, query, key=None, value=None, kpm=None, attn_mask=None, causal=False):
    """Float64 multi-head attention from a state dict (any of the three key layouts)."""
    key = query if key is None else key
    value = key if value is None else value
    B, T, E = query.shape
    S = key.shape[1]
    d = E // H
    if "in_proj_weight" in w:
        Wq, Wk, Wv = w["in_proj_weight"].chunk(3)
    elif "q_proj_weight" in w:
        Wq, Wk, Wv = w["q_proj_weight"], w["k_proj_weight"], w["v_proj_weight"]
    else:
        Wq, Wk, Wv = w["Wq.weight"], w["Wk.weight"], w["Wv.weight"]
    bq = bk = bv = None
    if "in_proj_bias" in w:
        bq, bk, bv = w["in_proj_bias"].chunk(3)
    q, k, v = F.linear(query, Wq, bq), F.linear(key, Wk, bk), F.linear(value, Wv, bv)
    q = q.view(B, T, H, d).transpose(1, 2)
    k = k.view(B, S, H, d).transpose(1, 2)
    v = v.view(B, S, H, d).transpose(1, 2)
    mask = torch.zeros(B, H, T, S, dtype=F64)
    bmask = torch.zeros(B, H, T, S, dtype=torch.bool)
    if attn_mask is not None:
        am = attn_mask if attn_mask.dim() == 2 else attn_mask.view(B, H, T, S)
        if am.dtype == torch.bool:
            bmask = bmask | am
        else:
            mask = mask + am
    if kpm is not None:
        bmask = bmask | kpm[:, None, None, :]
    if causal:
        bmask = bmask | torch.ones(T, S, dtype=torch.bool).triu(1)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(d) + mask
    p = masked_softmax(scores, bmask)
    o = (p @ v).transpose(1, 2).reshape(B, T, E)
    if "out_proj.weight" in w:
        o = F.linear(o, w["out_proj.weight"], w.get("out_proj.bias"))
    return o, p.mean(dim=1)


class WqkvMultiHeadAttention(nn.Module):
    """The from-scratch multi-head attention of the NumPy reference snippets, verbatim: bias-free
    Wq/Wk/Wv, no output projection, masked_fill(mask == 0, -1e9) (docs/conventions.md#test-oracles)."""

    def __init__(self, embed_dim, num_heads, dropout_rate=0.1):
        super(WqkvMultiHeadAttention, self).__init__()
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        assert self.embed_dim % self.num_heads == 0
        self.head_dim = self.embed_dim // self.num_heads
        self.Wq = nn.Linear(self.embed_dim, self.embed_dim, bias=False)
        self.Wk = nn.Linear(self.embed_dim, self.embed_dim, bias=False)
        self.Wv = nn.Linear(self.embed_dim, self.embed_dim, bias=False)
        self.dropout = nn.Dropout(dropout_rate)

    def forward(self, q, k, v, mask=None):
        bs, seq_len, dim = q.shape
        assert dim == self.embed_dim
        q = self.Wq(q).view(bs, -1, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.Wk(k).view(bs, -1, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.Wv(v).view(bs, -1, self.num_heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / (self.head_dim ** 0.5)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        attention_weights = F.softmax(scores, dim=-1)
        attention_weights = self.dropout(attention_weights)
        output = torch.matmul(attention_weights, v).transpose(1, 2).contiguous().view(bs, seq_len, self.embed_dim)
        return output


def new_mha(E, H, bias=True, kdim=None, vdim=None):
    m = nn.MultiheadAttention(E, H, bias=bias, kdim=kdim, vdim=vdim, batch_first=True)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if p.dim() == 2:
                p.copy_(randn(*p.shape, scale=1 / math.sqrt(p.shape[1])))
            else:  # torch initialises both biases to 0: make them non-trivial
                p.copy_(randn(*p.shape, scale=0.5))
    return m.eval()


def mha():
    torch.manual_seed(5001)
    B, T, S, E, H = 3, 5, 7, 16, 4
    m = new_mha(E, H)
    wfile = save_weights("mha_e16_h4", m.state_dict())
    w = d64(m.state_dict())
    m64 = copy.deepcopy(m).double()
    cfg = {"embedDim": E, "numHeads": H}

    def torch_mha(mod, query, key=None, value=None, **kw):
        key = query if key is None else key
        value = key if value is None else value
        out, wts = mod(query, key, value, need_weights=True, average_attn_weights=True, **kw)
        return out, wts

    def case(name, query, key=None, value=None, kpm=None, attn_mask=None, causal=False, need_weights=False,
             mod=m64, wd=w, cfg=cfg, wf=wfile, note="", torch_rows=None, H=H):
        d = lambda t: None if t is None or not t.is_floating_point() else t.double()  # noqa: E731
        out, wts = mha_ref(wd, H, d(query), d(key), d(value), kpm,
                           attn_mask if attn_mask is None or attn_mask.dtype == torch.bool else attn_mask.double(),
                           causal)
        # torch (slow path: the parameters require grad), causal as a boolean mask
        tm = attn_mask
        if causal:
            tri = torch.ones(query.shape[1], (key if key is not None else query).shape[1], dtype=torch.bool).triu(1)
            assert tm is None
            tm = tri
        tm = tm if tm is None or tm.dtype == torch.bool else tm.double()
        t_out, t_w = torch_mha(mod, d(query), d(key), d(value), key_padding_mask=kpm, attn_mask=tm)
        rows = torch_rows if torch_rows is not None else slice(None)
        check(f"MHA {name}: output vs nn.MultiheadAttention", out, t_out, rows)
        check(f"MHA {name}: weights vs nn.MultiheadAttention", wts, t_w, rows)
        options = {}
        if causal:
            options["causal"] = True
        if need_weights:
            options["needWeights"] = True
        outputs = {"output": out}
        if need_weights:
            outputs["weights"] = wts
        add_case(name, "MultiHeadAttention", cfg, options, wf,
                 {"query": query, "key": key, "value": value, "keyPaddingMask": kpm, "attnMask": attn_mask},
                 outputs, note)
        return out, wts

    x = randn(B, T, E)
    case("self-attention B=3 T=5 E=16 H=4", x,
         note="only query is given: key = value = query")
    case("self-attention, key and value passed explicitly, needWeights", x, x, x, need_weights=True)
    xq, xk, xv = randn(B, T, E), randn(B, S, E), randn(B, S, E)
    case("cross-attention T=5 S=7, needWeights", xq, xk, xv, need_weights=True)
    case("cross-attention, key given, value omitted", xq, xk, None,
         note="value is omitted: value = key")

    lens = lengths_t([7, 3, 0])
    kpm = ~valid_mask(lens, S)
    out, wts = case("keyPaddingMask ragged (7, 3, 0 valid keys), needWeights", xq, xk, xv, kpm=kpm, need_weights=True,
                    torch_rows=slice(0, 2),
                    note="batch row 2 has every key masked: its weights are 0 and its output is out_proj.bias "
                    "(torch returns NaN for that row)")
    assert (wts[2] == 0).all()
    check("MHA all-masked row: output == out_proj.bias", out[2], w["out_proj.bias"].expand(T, E))

    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    case("boolean causal attnMask [T,T]", x, attn_mask=causal, need_weights=True)
    case("causal option", x, causal=True, need_weights=True,
         note="expected = boolean attnMask triu(ones(T, T), 1) (True = masked)")
    kpm2 = torch.zeros(B, T, dtype=torch.bool)
    kpm2[1, 0] = True
    kpm2[2, 3:] = True
    out, wts = case("causal option with keyPaddingMask (query 0 of batch row 1 sees no key)", x, kpm=kpm2, causal=True,
                    need_weights=True, torch_rows=[0, 2],
                    note="batch row 1: key 0 is masked, so query 0 has every key masked (weights 0, output "
                    "out_proj.bias); its other queries are normal")
    check("MHA causal+kpm empty query row == out_proj.bias", out[1, 0], w["out_proj.bias"])
    fmask = randn(T, S, scale=2.0)
    fmask[0, 2] = -1e9
    case("float additive attnMask [T,S], needWeights", xq, xk, xv, attn_mask=fmask, need_weights=True)
    fmask3 = randn(B * H, T, S, scale=2.0)
    case("3-D float attnMask [B*H,T,S] with keyPaddingMask", xq, xk, xv, kpm=~valid_mask(lengths_t([7, 5, 2]), S),
         attn_mask=fmask3, need_weights=True, note="attnMask row b*H + h applies to batch b, head h")
    bmask3 = torch.rand(B * H, T, S) < 0.3
    bmask3[:, :, 0] = False
    case("3-D boolean attnMask [B*H,T,S]", xq, xk, xv, attn_mask=bmask3, need_weights=True,
         note="attnMask row b*H + h applies to batch b, head h")
    bmask2 = torch.rand(T, S) < 0.3
    bmask2[:, 1] = False
    case("boolean attnMask [T,S] with keyPaddingMask", xq, xk, xv, kpm=~valid_mask(lengths_t([7, 2, 4]), S),
         attn_mask=bmask2)
    case("batch 1", randn(1, T, E), need_weights=True)

    # bias=False (no in_proj_bias, no out_proj.bias), prefix
    torch.manual_seed(5002)
    mb = new_mha(E, H, bias=False)
    assert "in_proj_bias" not in mb.state_dict() and "out_proj.bias" not in mb.state_dict()
    wf = save_weights("mha_nobias", mb.state_dict(), "attn.")
    kpm3 = ~valid_mask(lengths_t([5, 0, 3]), T)
    out, _ = case("bias=False, prefix attn., keyPaddingMask with an all-masked row", randn(B, T, E), kpm=kpm3,
                  need_weights=True, mod=copy.deepcopy(mb).double(), wd=d64(mb.state_dict()),
                  cfg={**cfg, "prefix": "attn."}, wf=wf, torch_rows=[0, 2],
                  note="no biases and no out_proj.bias: batch row 1 (every key masked) gives output 0")
    assert (out[1] == 0).all()

    # kdim / vdim (separate q/k/v projection weights), prefix
    torch.manual_seed(5003)
    kd, vd = 10, 12
    mk = new_mha(E, H, kdim=kd, vdim=vd)
    assert "q_proj_weight" in mk.state_dict()
    pre = "encoder.cross_attn."
    wf = save_weights("mha_kdim10_vdim12", mk.state_dict(), pre)
    case("kdim=10 vdim=12 (q_proj_weight, k_proj_weight, v_proj_weight), prefix", randn(B, T, E), randn(B, S, kd),
         randn(B, S, vd), kpm=~valid_mask(lengths_t([7, 6, 1]), S), need_weights=True,
         mod=copy.deepcopy(mk).double(), wd=d64(mk.state_dict()),
         cfg={**cfg, "prefix": pre, "kdim": kd, "vdim": vd}, wf=wf)

    # the Wq/Wk/Wv MultiHeadAttention(100, 2) on torch.randn(100, 3, 100), q = k = v, eval mode
    torch.manual_seed(5004)
    sm = WqkvMultiHeadAttention(100, 2).eval()
    q = torch.randn(100, 3, 100)
    wf = save_weights("wqkv_mha_100_2", sm.state_dict())
    with torch.no_grad():
        ref = copy.deepcopy(sm).double()(q.double(), q.double(), q.double())
    out, _ = mha_ref(d64(sm.state_dict()), 2, q.double())
    check("MHA Wq/Wk/Wv: hand vs the module", out, ref)
    add_case("Wq/Wk/Wv MultiHeadAttention(100, 2) on randn(100, 3, 100)", "MultiHeadAttention",
             {"embedDim": 100, "numHeads": 2}, {}, wf, {"query": q}, {"output": out},
             "from-scratch module (Wq/Wk/Wv.weight, no biases, no out projection) in eval mode (dropout off); "
             "only query is given: key = value = query")


def sdpa():
    torch.manual_seed(5010)
    B, H, T, S, d = 2, 3, 4, 6, 8
    private = torch._C._nn._scaled_dot_product_attention

    def case(name, q, k, v, mask=None, causal=False, scale=None, note=""):
        m64 = mask if mask is None or mask.dtype == torch.bool else mask.double()
        out, p = sdpa_ref(q.double(), k.double(), v.double(), m64, causal, scale)
        if scale is None and (mask is None or mask.dtype == torch.bool):
            Tq, Sk = q.shape[-2], k.shape[-2]
            keep = None if mask is None else ~mask.expand(B, H, Tq, Sk)
            rows = torch.ones(B, H, Tq, dtype=torch.bool) if mask is None else keep.any(-1)
            t_out, t_p = private(q.double(), k.double(), v.double(), keep, 0.0, True, causal)
            check(f"SDPA {name}: output vs torch._scaled_dot_product_attention", out[rows], t_out[rows])
            check(f"SDPA {name}: weights vs torch._scaled_dot_product_attention", p[rows], t_p[rows])
        options = {}
        if causal:
            options["causal"] = True
        if scale is not None:
            options["scale"] = scale
        add_case(name, "scaledDotProductAttention", {}, options, None, {"q": q, "k": k, "v": v, "mask": mask},
                 {"output": out}, note)
        return out

    q, k, v = randn(B, H, T, d), randn(B, H, S, d), randn(B, H, S, d)
    case("no mask B=2 H=3 T=4 S=6 d=8", q, k, v, note="scale defaults to 1/sqrt(d)")
    m = torch.rand(B, H, T, S) < 0.4
    m[0, 1, 2, :] = True
    out = case("boolean mask [B,H,T,S] (True = masked) with a fully masked row", q, k, v, mask=m,
               note="mask True = masked (like nn.MultiheadAttention; torch 2's F.scaled_dot_product_attention uses "
               "True = takes part); the fully masked row [0,1,2] gives output 0")
    assert (out[0, 1, 2] == 0).all()
    case("float additive mask [B,H,T,S]", q, k, v, mask=randn(B, H, T, S, scale=2.0))
    case("float additive mask [T,S] broadcast over B and H", q, k, v, mask=randn(T, S, scale=2.0),
         note="a [T,S] mask applies to every batch and head")
    qc, kc, vc = randn(B, H, S, d), randn(B, H, S, d), randn(B, H, S, d)
    case("causal T=S=6", qc, kc, vc, causal=True, note="key j masked for query i when j > i")
    case("scale 0.5 with boolean mask and causal", qc, kc, vc, mask=torch.rand(B, H, S, S) < 0.3, causal=True,
         scale=0.5)


# ---------------------------------------------------------------- recurrent


def rnn_ref(kind, w, x, att=None, lengths=None, h0=None, form="paper", order="rzn"):
    """Float64 step loop. kind GRU | AUGRU | AGRU | AIGRU; w: weight_ih, weight_hh, bias_ih?, bias_hh?.
    Rows t >= lengths[b] keep their state and output 0."""
    B, T, _ = x.shape
    Wih, Whh = w["weight_ih"], w["weight_hh"]
    bih, bhh = w.get("bias_ih"), w.get("bias_hh")
    H = Whh.shape[1]
    h = torch.zeros(B, H, dtype=F64) if h0 is None else h0.clone()
    lengths = torch.full((B,), T, dtype=torch.int64) if lengths is None else lengths
    out = torch.zeros(B, T, H, dtype=F64)
    if kind == "AIGRU":
        x = x * att[:, :, None]
    for t in range(T):
        gi = F.linear(x[:, t], Wih, bih)
        gh = F.linear(h, Whh, bhh)
        if kind == "AGRU":
            if Wih.shape[0] == 2 * H:
                (ir, in_), (hr, hn) = gi.chunk(2, 1), gh.chunk(2, 1)
            else:  # 3H rows r, z, n: z unused (DeepCTR-Torch AGRUCell)
                (ir, _, in_), (hr, _, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
            r = torch.sigmoid(ir + hr)
            n = torch.tanh(in_ + r * hn)
            a = att[:, t, None]
            new = (1 - a) * h + a * n
        else:
            if order == "rzn":
                (ir, iz, in_), (hr, hz, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
            else:
                (iz, ir, in_), (hz, hr, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
            r = torch.sigmoid(ir + hr)
            z = torch.sigmoid(iz + hz)
            if kind == "AUGRU" and form == "xdl":
                nrow = 2 * H
                Whn = Whh[nrow:]
                bhn = None if bhh is None else bhh[nrow:]
                n = torch.tanh(in_ + F.linear(r * h, Whn, bhn))
                u = (1 - att[:, t, None]) * z
                new = u * h + (1 - u) * n
            else:
                n = torch.tanh(in_ + r * hn)
                if kind == "AUGRU":
                    u = att[:, t, None] * z
                    new = (1 - u) * h + u * n
                else:  # GRU, AIGRU
                    new = (1 - z) * n + z * h
        valid = (t < lengths)[:, None]
        h = torch.where(valid, new, h)
        out[:, t] = torch.where(valid, new, torch.zeros_like(new))
    return out, h


def gru_ref(sd, L, x, lengths=None, h0=None):
    """Stacked nn.GRU from its state dict (keys weight_ih_l{n}, ...)."""
    hs = []
    inp = x
    for layer in range(L):
        w = {k[: -len(f"_l{layer}")]: v for k, v in sd.items() if k.endswith(f"_l{layer}")}
        inp, h = rnn_ref("GRU", w, inp, lengths=lengths, h0=None if h0 is None else h0[layer])
        hs.append(h)
    return inp, torch.stack(hs)


def torch_gru(mod, x, lengths=None, h0=None):
    B, T, _ = x.shape
    if lengths is None:
        out, hn = mod(x, h0)
        return out, hn
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, hn = mod(packed, h0)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
    return out, hn


def gru():
    torch.manual_seed(5020)
    B, T, I, H = 4, 6, 5, 7

    def case(name, mod, x, lengths=None, h0=None, prefix="", slug=None, note="", hand_only=False):
        L = mod.num_layers
        wf = save_weights(slug, mod.state_dict(), prefix)
        sd = d64(mod.state_dict())
        h0_64 = None if h0 is None else (h0.double() if L > 1 else h0.double()[None])
        out, hn = gru_ref(sd, L, x.double(), lengths, h0_64)
        if not hand_only:
            t_out, t_hn = torch_gru(copy.deepcopy(mod).double(), x.double(), lengths, h0_64)
            check(f"GRU {name}: output vs nn.GRU", out, t_out)
            check(f"GRU {name}: hN vs nn.GRU", hn, t_hn)
        else:  # torch cannot pack a length-0 row: compare the other rows
            rows = lengths > 0
            sub_h0 = None if h0_64 is None else h0_64[:, rows]
            t_out, t_hn = torch_gru(copy.deepcopy(mod).double(), x.double()[rows], lengths[rows], sub_h0)
            check(f"GRU {name}: output vs nn.GRU (rows with length > 0)", out[rows], t_out)
            check(f"GRU {name}: hN vs nn.GRU (rows with length > 0)", hn[:, rows], t_hn)
            check(f"GRU {name}: hN of length-0 rows == h0", hn[:, ~rows], h0_64[:, ~rows])
        cfg = {"inputSize": I, "hiddenSize": H}
        if L > 1:
            cfg["numLayers"] = L
        if prefix:
            cfg["prefix"] = prefix
        add_case(name, "GRU", cfg, {}, wf, {"x": x, "h0": h0, "lengths": lengths},
                 {"output": out, "hN": hn if L > 1 else hn[0]}, note)

    g = nn.GRU(I, H, batch_first=True).eval()
    x = randn(B, T, I)
    h0 = randn(B, H, scale=0.5)
    lens = lengths_t([6, 1, 3, 6])
    case("I=5 H=7 B=4 T=6, no lengths", g, x, slug="gru_i5_h7")
    case("lengths [6,1,3,6]", g, x, lens, slug="gru_i5_h7",
         note="packed with enforce_sorted=False; output 0 at t >= length, hN at each row's last valid step")
    case("h0, no lengths", g, x, h0=h0, slug="gru_i5_h7")
    case("lengths [6,1,3,6] and h0", g, x, lens, h0, slug="gru_i5_h7")
    case("lengths with a 0 (6,0,2,5) and h0", g, x, lengths_t([6, 0, 2, 5]), h0, slug="gru_i5_h7", hand_only=True,
         note="row 1 has length 0: output 0 everywhere, hN = h0 (torch cannot pack it; the other rows match nn.GRU)")
    case("batch 1", g, randn(1, T, I), lengths_t([4]), randn(1, H), slug="gru_i5_h7")

    torch.manual_seed(5021)
    g2 = nn.GRU(I, H, num_layers=2, batch_first=True).eval()
    case("numLayers=2, lengths, prefix rnn.", g2, x, lens, prefix="rnn.", slug="gru_2layers",
         note="hN is [L,B,H]")
    case("numLayers=2, lengths and h0 [L,B,H], prefix rnn.", g2, x, lengths_t([2, 6, 1, 5]), randn(2, B, H, scale=0.5),
         prefix="rnn.", slug="gru_2layers", note="h0 and hN are [L,B,H]")

    torch.manual_seed(5022)
    gb = nn.GRU(I, H, bias=False, batch_first=True).eval()
    case("bias=False, lengths and h0, prefix gru.", gb, x, lens, h0, prefix="gru.", slug="gru_nobias")


# The DIEN tutorial's cells (eat_pytorch_in_20_days, chapter 7-8; docs/conventions.md#test-oracles),
# verbatim apart from the class names. Its AttentionGRUCell, DynamicGRU, Dice, MLP and activation
# factory are the verbatim copies python/reckit_models.py carries (imported at the top); the AUGRU
# cells stay here, as the tutorial's own code against reckit_models' general cell.


class TutorialAUGRUCellRZN(nn.Module):
    """The DIEN tutorial's introductory AttentionUpdateGateGRUCell (chunks r, u, n)."""

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = nn.Parameter(torch.Tensor(3 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.Tensor(3 * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.Tensor(3 * hidden_size))
            self.bias_hh = nn.Parameter(torch.Tensor(3 * hidden_size))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / (self.hidden_size)**0.5
        for weight in self.parameters():
            nn.init.uniform_(weight, -stdv, stdv)

    def forward(self, x, hx, att_score):
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(hx, self.weight_hh, self.bias_hh)
        i_r, i_u, i_n = gi.chunk(3, 1)
        h_r, h_u, h_n = gh.chunk(3, 1)
        resetgate = torch.sigmoid(i_r + h_r)
        updategate = torch.sigmoid(i_u + h_u)
        newgate = torch.tanh(i_n + resetgate * h_n)
        updategate = att_score.view(-1, 1) * updategate
        hy = (1-updategate)*hx + updategate*newgate
        return hy


class TutorialAUGRUCellZRN(TutorialAUGRUCellRZN):
    """The AttentionUpdateGateGRUCell of the DIEN tutorial's model (chunks u, r, n)."""

    def forward(self, x, hx, att_score):
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(hx, self.weight_hh, self.bias_hh)
        i_u, i_r, i_n = gi.chunk(3, 1)
        h_u, h_r, h_n = gh.chunk(3, 1)
        updategate = torch.sigmoid(i_u + h_u)
        resetgate = torch.sigmoid(i_r + h_r)
        newgate = torch.tanh(i_n + resetgate * h_n)
        updategate = att_score.view(-1, 1) * updategate
        hy = (1-updategate)*hx + updategate*newgate
        return hy


def tutorial_dynamic(cell, x, att, lengths, h0):
    """Run the tutorial's DynamicGRU (float64) and return padded output and hN in batch order."""
    B, T, _ = x.shape
    lengths = torch.full((B,), T, dtype=torch.int64) if lengths is None else lengths
    px = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    pa = pack_padded_sequence(att, lengths, batch_first=True, enforce_sorted=False)
    hx = None if h0 is None else h0[px.sorted_indices]
    with torch.no_grad():
        po = TutorialDynamicGRU(copy.deepcopy(cell).double())(px, pa, hx)
    out, _ = pad_packed_sequence(po, batch_first=True, total_length=T)
    hn = out[torch.arange(B), lengths - 1]
    return out, hn


def att_rnns():
    torch.manual_seed(5030)
    B, T, I, H = 4, 6, 5, 7
    x = randn(B, T, I)
    att = rand(B, T)
    h0 = randn(B, H, scale=0.5)
    lens = lengths_t([6, 1, 4, 3])

    def case(name, layer, cell, cfg_extra, x, att, lengths=None, h0=None, prefix="", slug=None, tutorial_cell=None,
             note="", hand_only=False, sd=None):
        sd = cell.state_dict() if sd is None else sd
        wf = save_weights(slug, sd, prefix)
        w = d64(sd)
        kind = layer
        out, hn = rnn_ref(kind, w, x.double(), att.double(), lengths, None if h0 is None else h0.double(),
                          form=cfg_extra.get("form", "paper"), order=cfg_extra.get("gateOrder", "rzn"))
        if tutorial_cell is not None:
            rows = torch.ones(x.shape[0], dtype=torch.bool) if lengths is None else lengths > 0
            s_out, s_hn = tutorial_dynamic(tutorial_cell, x.double()[rows], att.double()[rows],
                                           None if lengths is None else lengths[rows],
                                           None if h0 is None else h0.double()[rows])
            check(f"{layer} {name}: output vs the tutorial's DynamicGRU", out[rows], s_out)
            check(f"{layer} {name}: hN vs the tutorial's DynamicGRU", hn[rows], s_hn)
            if not rows.all():
                check(f"{layer} {name}: hN of length-0 rows == h0", hn[~rows], h0.double()[~rows])
        cfg = {"inputSize": I, "hiddenSize": H, **cfg_extra}
        if prefix:
            cfg["prefix"] = prefix
        add_case(name, layer, cfg, {}, wf, {"x": x, "attention": att, "h0": h0, "lengths": lengths},
                 {"output": out, "hN": hn}, note)
        return out, hn

    # AUGRU, paper form, gate order r,z,n (the tutorial's introductory cell; DeepCTR-Torch)
    c_rzn = TutorialAUGRUCellRZN(I, H).eval()
    case("paper form rzn, lengths [6,1,4,3] and h0", "AUGRU", c_rzn, {"form": "paper", "gateOrder": "rzn"}, x, att,
         lens, h0, slug="augru_rzn", tutorial_cell=c_rzn, note="u = a*z; h' = (1-u)*h + u*n")
    case("paper form rzn (defaults), no lengths, no h0", "AUGRU", c_rzn, {}, x, att, slug="augru_rzn",
         tutorial_cell=c_rzn, note="form and gateOrder omitted: defaults paper and rzn")
    case("paper form rzn, lengths with a 0 (3,0,6,1) and h0", "AUGRU", c_rzn, {"form": "paper", "gateOrder": "rzn"},
         x, att, lengths_t([3, 0, 6, 1]), h0, slug="augru_rzn", tutorial_cell=c_rzn,
         note="row 1 has length 0: output 0, hN = h0")
    c_nb = TutorialAUGRUCellRZN(I, H, bias=False).eval()
    case("paper form rzn, bias=False, lengths and h0", "AUGRU", c_nb, {"form": "paper", "gateOrder": "rzn"}, x, att,
         lens, h0, slug="augru_rzn_nobias", tutorial_cell=c_nb)

    # AUGRU, paper form, gate order u(z),r,n (the tutorial's DIEN AttentionUpdateGateGRUCell), in DynamicGRU:
    # prefix rnn.
    c_zrn = TutorialAUGRUCellZRN(I, H).eval()
    case("paper form zrn (tutorial DIEN cell), lengths and h0, prefix rnn.", "AUGRU", c_zrn,
         {"form": "paper", "gateOrder": "zrn"}, x, att, lens, h0, prefix="rnn.", slug="augru_zrn", tutorial_cell=c_zrn,
         note="weights as in the tutorial's DynamicGRU state dict (rnn.weight_ih, ...); rows u, r, n")

    # AUGRU, XDL form (no torch/tutorial reference: float64 formula only)
    case("xdl form rzn, lengths and h0", "AUGRU", c_rzn, {"form": "xdl", "gateOrder": "rzn"}, x, att, lens, h0,
         slug="augru_rzn", note="u' = (1-a)*z; n = tanh(W_in x + b_in + W_hn (r*h) + b_hn); h' = u'*h + (1-u')*n")
    case("xdl form zrn, no lengths, h0", "AUGRU", c_zrn, {"form": "xdl", "gateOrder": "zrn"}, x, att, None, h0,
         slug="augru_zrn_noprefix",
         note="u' = (1-a)*z; n = tanh(W_in x + b_in + W_hn (r*h) + b_hn); h' = u'*h + (1-u')*n")

    # AGRU: 2H rows (the tutorial's AttentionGRUCell) and 3H rows r, z, n with z unused (DeepCTR-Torch)
    c_ag = TutorialAttentionGRUCell(I, H).eval()
    case("2H weights (tutorial AttentionGRUCell), lengths and h0", "AGRU", c_ag, {}, x, att, lens, h0,
         slug="agru_2h", tutorial_cell=c_ag, note="h' = (1-a)*h + a*n")
    case("2H weights, no lengths, no h0", "AGRU", c_ag, {}, x, att, slug="agru_2h", tutorial_cell=c_ag)
    torch.manual_seed(5031)
    c3 = TutorialAUGRUCellRZN(I, H).eval()  # only its 3H-shaped parameters are used
    sd3 = c3.state_dict()
    c_ag3 = TutorialAttentionGRUCell(I, H).eval()  # the same r and n rows as a 2H cell, for the check
    with torch.no_grad():
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(c_ag3, k).copy_(torch.cat([sd3[k][:H], sd3[k][2 * H:]]))
    case("3H weights (z rows unused), lengths and h0", "AGRU", c3, {}, x, att, lens, h0, slug="agru_3h",
         tutorial_cell=c_ag3, sd=sd3, note="rows r, z, n (DeepCTR-Torch AGRUCell); the z rows are ignored")

    # AIGRU: GRU over a*x
    torch.manual_seed(5032)
    g = nn.GRU(I, H, batch_first=True).eval()
    sd = OrderedDict((k[:-3], v) for k, v in g.state_dict().items())  # weight_ih_l0 -> weight_ih
    out, hn = case("lengths and h0", "AIGRU", g, {}, x, att, lens, h0, slug="aigru", sd=sd,
                   note="nn.GRU (gates r, z, n) over attention-scaled inputs a*x")
    t_out, t_hn = torch_gru(copy.deepcopy(g).double(), x.double() * att.double()[:, :, None], lens, h0.double()[None])
    check("AIGRU lengths and h0: output vs nn.GRU over a*x", out, t_out)
    check("AIGRU lengths and h0: hN vs nn.GRU over a*x", hn, t_hn[0])
    out, hn = case("no lengths, no h0", "AIGRU", g, {}, x, att, slug="aigru", sd=sd)
    t_out, t_hn = torch_gru(copy.deepcopy(g).double(), x.double() * att.double()[:, :, None])
    check("AIGRU no lengths: output vs nn.GRU over a*x", out, t_out)
    check("AIGRU no lengths: hN vs nn.GRU over a*x", hn, t_hn[0])
    # the same GRU with rows reordered z, r, n
    perm = lambda t: torch.cat([t[H:2 * H], t[:H], t[2 * H:]])  # noqa: E731
    sdz = OrderedDict((k, perm(v)) for k, v in sd.items())
    out_z, hn_z = case("gateOrder zrn, lengths and h0", "AIGRU", g, {"gateOrder": "zrn"}, x, att, lens, h0,
                       slug="aigru_zrn", sd=sdz, note="the 'lengths and h0' GRU with its rows reordered z, r, n: "
                       "same output")
    check("AIGRU zrn == AIGRU rzn on reordered rows", out_z, rnn_ref("AIGRU", d64(sd), x.double(), att.double(), lens,
                                                                     h0.double())[0])


# ---------------------------------------------------------------- the DIEN tutorial's Attention
# (its MLP and Dice: reckit_models)


class Attention(nn.Module):
    def __init__(self, input_size, hidden_layers, dropout=0.0, batchnorm=True, activation='prelu',
                 return_scores=False):
        super().__init__()
        self.return_scores = return_scores
        self.mlp = MLP(input_size=input_size * 4, hidden_layers=hidden_layers, dropout=dropout,
                       batchnorm=batchnorm, activation=activation)
        self.fc = nn.Linear(hidden_layers[-1], 1)

    def forward(self, query, keys, keys_length):
        batch_size, max_length, dim = keys.size()
        query = query.unsqueeze(1).expand(-1, max_length, -1)
        din_all = torch.cat([query, keys, query - keys, query * keys], dim=-1)
        din_all = din_all.view(batch_size * max_length, -1)
        outputs = self.mlp(din_all)
        outputs = self.fc(outputs).view(batch_size, max_length)  # [B, T]
        outputs = outputs / (dim ** 0.5)
        mask = (torch.arange(max_length, device=keys_length.device).repeat(batch_size, 1) < keys_length.view(-1, 1))
        outputs[~mask] = -np.inf
        outputs = F.softmax(outputs, dim=1)
        if not self.return_scores:
            outputs = torch.matmul(outputs.unsqueeze(1), keys).squeeze()  # [B, H]
        return outputs


TUTORIAL_ACT = {"dice": "dice", "prelu": "prelu", "relu": "relu", "sigmoid": "sigmoid", "none": "linear"}


def randomize_mlp(mlp, dice_eps=None, per_channel_prelu=False):
    """Random non-trivial BatchNorm statistics and affine parameters, Dice alphas, PReLU weights."""
    seq = mlp.mlp
    for name, mod in list(seq.named_children()):
        if per_channel_prelu and isinstance(mod, nn.PReLU):
            idx = int(name[len("activation"):])
            mod = nn.PReLU(getattr(seq, f"dense{idx}").out_features)
            setattr(seq, name, mod)
    with torch.no_grad():
        for mod in mlp.modules():
            if isinstance(mod, nn.BatchNorm1d):
                C = mod.num_features
                mod.running_mean.copy_(randn(C, scale=0.5))
                mod.running_var.copy_(rand(C, lo=0.3, hi=2.0))
                mod.weight.copy_(randn(C, scale=0.3, shift=1.0))
                mod.bias.copy_(randn(C, scale=0.3))
                mod.num_batches_tracked.fill_(int(torch.randint(1, 10000, ())))
            elif isinstance(mod, Dice):
                mod.alpha.copy_(rand(*mod.alpha.shape, lo=-0.2, hi=0.6))
                if dice_eps is not None:
                    mod.bn.eps = dice_eps
            elif isinstance(mod, nn.PReLU):
                mod.weight.copy_(rand(*mod.weight.shape, lo=0.0, hi=0.5))
            elif isinstance(mod, nn.Linear):
                mod.bias.copy_(randn(*mod.bias.shape, scale=0.3))
    return mlp.eval()


def mlp_ref(w, pre, n_layers, x, activation, batchnorm, dice_eps=1e-8):
    """Float64 DIEN-tutorial MLP from its state dict (keys under pre, e.g. 'mlp.')."""
    for i in range(n_layers):
        p = f"{pre}dense{i}."
        x = F.linear(x, w[p + "weight"], w[p + "bias"])
        if batchnorm:
            b = f"{pre}batchnorm{i}."
            x = (x - w[b + "running_mean"]) / torch.sqrt(w[b + "running_var"] + 1e-5) * w[b + "weight"] + w[b + "bias"]
        a = f"{pre}activation{i}."
        if activation == "relu":
            x = torch.clamp(x, min=0)
        elif activation == "sigmoid":
            x = torch.sigmoid(x)
        elif activation == "prelu":
            x = torch.where(x >= 0, x, w[a + "weight"] * x)
        elif activation == "dice":
            bn = a + "bn."
            xn = (x - w[bn + "running_mean"]) / torch.sqrt(w[bn + "running_var"] + dice_eps) * w[bn + "weight"] \
                + w[bn + "bias"]
            p_ = torch.sigmoid(xn)
            x = w[a + "alpha"] * (1 - p_) * x + p_ * x
        else:
            assert activation == "none"
    return x


def mlps():
    torch.manual_seed(5040)
    N, I = 9, 10

    def case(name, hidden, activation, batchnorm, dice_eps=None, per_channel=False, prefix="", note=""):
        m = randomize_mlp(MLP(I, hidden, batchnorm=batchnorm, activation=TUTORIAL_ACT[activation]), dice_eps,
                          per_channel)
        wf = save_weights(slugify("mlp_" + name, 48), m.state_dict(), prefix)
        x = randn(N, I, scale=1.5)
        eps = 1e-8 if dice_eps is None else dice_eps
        out = mlp_ref(d64(m.state_dict()), "mlp.", len(hidden), x.double(), activation, batchnorm, eps)
        with torch.no_grad():
            ref = copy.deepcopy(m).double()(x.double())
        check(f"MLP {name}: hand vs the tutorial's MLP", out, ref)
        cfg = {"inputSize": I, "hidden": hidden, "activation": activation, "batchnorm": batchnorm}
        if dice_eps is not None:
            cfg["diceEps"] = dice_eps
        if prefix:
            cfg["prefix"] = prefix
        add_case(name, "MLP", cfg, {}, wf, {"x": x}, {"output": out}, note)

    case("dice, batchnorm", [12, 6], "dice", True)
    case("dice, no batchnorm, diceEps 1e-3", [12, 6], "dice", False, dice_eps=1e-3,
         note="Dice's BatchNorm built with eps 1e-3")
    case("prelu (one weight), batchnorm", [12, 6], "prelu", True)
    case("prelu per-channel weight, batchnorm, prefix tower.", [12, 6], "prelu", True, per_channel=True,
         prefix="tower.", note="mlp.activation{i} replaced by nn.PReLU(H_i): weight [H_i]")
    case("prelu (one weight), no batchnorm", [12, 6], "prelu", False)
    case("relu, batchnorm", [12, 6], "relu", True)
    case("relu, no batchnorm, three layers", [16, 8, 4], "relu", False)
    case("sigmoid, batchnorm", [12, 6], "sigmoid", True)
    case("sigmoid, no batchnorm", [12, 6], "sigmoid", False)
    case("none (tutorial 'linear' Identity), batchnorm", [12, 6], "none", True,
         note="tutorial activation 'linear' = Identity: no activation parameters")


def din_ref(w, pre, E, n_layers, activation, batchnorm, softmax, scale, q, keys, lengths, dice_eps=1e-8):
    B, T, _ = keys.shape
    qe = q[:, None, :].expand(B, T, E)
    z = torch.cat([qe, keys, qe - keys, qe * keys], dim=-1).reshape(B * T, 4 * E)
    h = mlp_ref(w, pre + "mlp.mlp.", n_layers, z, activation, batchnorm, dice_eps)
    s = F.linear(h, w[pre + "fc.weight"], w[pre + "fc.bias"]).view(B, T)
    if scale:
        s = s / math.sqrt(E)
    valid = valid_mask(lengths, T)
    if softmax:
        s = masked_softmax(s, ~valid)
    else:
        s = torch.where(valid, s, torch.zeros_like(s))
    return (s[:, :, None] * keys).sum(dim=1), s, h


def din():
    torch.manual_seed(5050)
    E, hidden, B, T = 8, [16, 8], 4, 6
    lens = lengths_t([6, 1, 3, 5])

    def case(name, activation, batchnorm, softmax, scale, lengths=lens, B=B, prefix="", cfg_omit=(), note=""):
        att = Attention(E, hidden, batchnorm=batchnorm, activation=TUTORIAL_ACT[activation])
        randomize_mlp(att.mlp)
        with torch.no_grad():
            att.fc.bias.copy_(randn(1, scale=0.3))
        att.eval()
        wf = save_weights(slugify("din_" + name, 48), att.state_dict(), prefix)
        w = {prefix + k: v for k, v in d64(att.state_dict()).items()}
        q, keys = randn(B, E), randn(B, T, E)
        out, scores, h = din_ref(w, prefix, E, len(hidden), activation, batchnorm, softmax, scale, q.double(),
                                 keys.double(), lengths)
        a64 = copy.deepcopy(att).double()
        qe = q.double()[:, None, :].expand(B, T, E)
        z = torch.cat([qe, keys.double(), qe - keys.double(), qe * keys.double()], dim=-1).view(B * T, -1)
        with torch.no_grad():
            check(f"DinAttention {name}: MLP hand vs the tutorial's MLP", h, a64.mlp(z))
            if softmax and scale and B > 1 and (lengths > 0).all():
                check(f"DinAttention {name}: output vs the tutorial's Attention", out,
                      a64(q.double(), keys.double(), lengths))
                a64.return_scores = True
                check(f"DinAttention {name}: scores vs the tutorial's Attention", scores,
                      a64(q.double(), keys.double(), lengths))
        if softmax:
            assert (scores[lengths == 0] == 0).all()
        cfg = {"embedDim": E, "hidden": hidden, "activation": activation, "batchnorm": batchnorm,
               "softmax": softmax, "scale": scale}
        for k in cfg_omit:
            del cfg[k]
        if prefix:
            cfg["prefix"] = prefix
        add_case(name, "DinAttention", cfg, {}, wf, {"query": q, "keys": keys, "lengths": lengths},
                 {"output": out, "scores": scores}, note)

    case("prelu, batchnorm, softmax, scale (the tutorial Attention module)", "prelu", True, True, True,
         note="exactly the tutorial's forward: score / sqrt(E), padded -inf, softmax")
    case("dice, batchnorm, softmax, no scale (defaults)", "dice", True, True, False, cfg_omit=("softmax", "scale"),
         note="softmax and scale omitted: defaults true and false")
    case("sigmoid, batchnorm, no softmax, no scale", "sigmoid", True, False, False,
         note="no softmax: padded scores set to 0 (DeepCTR-Torch)")
    case("prelu, no batchnorm, no softmax, scale", "prelu", False, False, True)
    case("dice, no batchnorm, softmax, scale, prefix din.", "dice", False, True, True, prefix="din.")
    case("sigmoid, no batchnorm, softmax, scale", "sigmoid", False, True, True)
    case("relu, batchnorm, softmax, no scale", "relu", True, True, False)
    case("batch 1, prelu, batchnorm, softmax, scale", "prelu", True, True, True, lengths=lengths_t([6]), B=1,
         note="output stays [1,E] (the tutorial's squeeze() would drop the batch dim)")
    case("lengths with a 0 (6,0,2,1), dice, batchnorm, softmax, scale", "dice", True, True, True,
         lengths=lengths_t([6, 0, 2, 1]), note="row 1 has no valid key: scores 0 and output 0")
    case("lengths with a 0 (0,4,6,1), prelu, batchnorm, no softmax", "prelu", True, False, False,
         lengths=lengths_t([0, 4, 6, 1]), note="row 0 has no valid key: scores 0 and output 0")


# ---------------------------------------------------------------- embedding


def embedding():
    torch.manual_seed(5060)
    V, E = 20, 6
    emb = nn.Embedding(V, E, padding_idx=0)
    assert (emb.weight[0] == 0).all()
    W = emb.weight.detach().double()
    wf = save_weights("embedding_v20_e6", emb.state_dict())
    wfp = save_weights("embedding_v20_e6_item", emb.state_dict(), "item_emb.")

    def pool(ids, valid, mode):
        e = W[ids]  # [B,T,E]
        vm = valid[:, :, None]
        cnt = valid.sum(1, keepdim=True).double()
        if mode == "sum":
            return (e * vm).sum(1)
        if mode == "mean":
            return torch.where(cnt > 0, (e * vm).sum(1) / cnt.clamp(min=1), torch.zeros(1, dtype=F64))
        out = e.masked_fill(~vm, float("-inf")).amax(1)
        return torch.where(cnt > 0, out, torch.zeros(1, dtype=F64))

    def case(name, ids, pooling, lengths=None, padding_idx=None, prefix="", note=""):
        cfg = {}
        if prefix:
            cfg["prefix"] = prefix
        if padding_idx is not None:
            cfg["paddingIdx"] = padding_idx
        if pooling == "none":
            out = W[ids]
            check(f"Embedding {name}: vs nn.Embedding", out, F.embedding(ids, W, padding_idx=0))
        else:
            B, T = ids.shape
            if lengths is not None:
                valid = valid_mask(lengths, T)
            elif padding_idx is not None:
                valid = ids != padding_idx
            else:
                valid = torch.ones(B, T, dtype=torch.bool)
            out = pool(ids, valid, pooling)
            flat = ids[valid]
            offsets = torch.cat([torch.zeros(1, dtype=torch.int64), valid.sum(1).cumsum(0)[:-1]])
            ref = F.embedding_bag(flat, W, offsets, mode=pooling)
            check(f"Embedding {name}: vs F.embedding_bag", out, ref)
            if padding_idx is not None and lengths is None:
                ref2 = F.embedding_bag(ids, W, mode=pooling, padding_idx=padding_idx)
                check(f"Embedding {name}: vs F.embedding_bag(padding_idx)", out, ref2)
        add_case(name, "Embedding", cfg, {"pooling": pooling}, wfp if prefix else wf,
                 {"ids": ids, "lengths": lengths}, {"output": out}, note)

    B, T = 5, 4
    ids1 = torch.randint(0, V, (7,))
    ids1[2] = 0
    ids1[5] = V - 1
    case("ids [B], pooling none", ids1, "none", note="output [B,E]; id 0 returns the stored padding row")
    ids = torch.randint(1, V, (B, T))
    case("ids [B,T], pooling none, prefix item_emb.", ids, "none", prefix="item_emb.", note="output [B,T,E]")
    lens = lengths_t([4, 0, 2, 1, 3])
    for mode in ("sum", "mean", "max"):
        case(f"{mode} with lengths (4,0,2,1,3)", ids, mode, lengths=lens,
             note="positions t >= lengths[b] ignored whatever their ids; row 1 has 0 items -> zeros")
    idsp = torch.randint(1, V, (B, T))
    idsp[0, 3] = 0
    idsp[1, :] = 0
    idsp[2, 1] = 0
    idsp[2, 3] = 0
    idsp[4, 2:] = 0
    for mode in ("sum", "mean", "max"):
        case(f"{mode} with paddingIdx 0", idsp, mode, padding_idx=0, prefix="item_emb." if mode == "mean" else "",
             note="ids equal to paddingIdx (also in the middle of a row) are skipped; row 1 is all padding -> zeros")
    case("mean, neither lengths nor paddingIdx (all positions)", idsp, "mean",
         note="no lengths and no paddingIdx: the 0 ids count (their row is the stored zeros)")
    case("max, neither lengths nor paddingIdx", ids, "max")


# ---------------------------------------------------------------- main


if __name__ == "__main__":
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.safetensors"):
        old.unlink()
    mha()
    sdpa()
    gru()
    att_rnns()
    mlps()
    din()
    embedding()
    text = json.dumps({"cases": cases}, indent=1, allow_nan=False)
    (OUT / "cases.json").write_text(text + "\n")
    worst = max(d for _, d in checks)
    for label, d in checks:
        print(f"  {d:.3e}  {label}")
    print(f"{len(checks)} reference checks, max |diff| {worst:.3e} (limit {TOL:g})")
    total = len(text) + sum(len(b) for b in written.values())
    counts = {}
    for c in cases:
        counts[c["layer"]] = counts.get(c["layer"], 0) + 1
    print(f"wrote {OUT}: {len(cases)} cases ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
          f"{len(written)} safetensors files, {total / 1024:.0f} KiB")
    assert total < 3 * 1024 * 1024, total
