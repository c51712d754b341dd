"""The dense-kernel bench's models (bench/dense.mjs): PyTorch modules exported to ONNX for the
onnxruntime peers, with their weights as safetensors for reckit and the torch peer.

    /usr/bin/python3 python/export_bench_models.py [dense|models]     (default: both)

Needs torch (written against Debian's python3-torch 1.13.1, run with /usr/bin/python3); not the
`onnx` package (torch.onnx.export serialises the graph itself). The outputs are small and
committed, so the bench itself needs no torch. Seeded: a rerun gives the same weights.

Writes, under bench/models/:

- mha.onnx: nn.MultiheadAttention(64, 4, batch_first=True) as self-attention,
  x [B, T, 64] -> y [B, T, 64] (need_weights=False), B and T dynamic.
- mha.safetensors: its state dict: in_proj_weight [192, 64], in_proj_bias [192],
  out_proj.weight [64, 64], out_proj.bias [64].
- gru.onnx: nn.GRU(64, 64, batch_first=True), x [B, T, 64] -> output [B, T, 64], h_n [1, B, 64],
  B and T dynamic (no h0 input: zeros).
- gru.safetensors: weight_ih_l0 [192, 64], weight_hh_l0 [192, 64], bias_ih_l0 [192],
  bias_hh_l0 [192].
- matmul.onnx: a [M, K] @ b [K, N] -> c [M, N] (one MatMul node), M, K, N dynamic.

For bench/models.mjs (python/reckit_models.py's modules, random weights with non-trivial
BatchNorm statistics, written by its `export()` so the config is in the file's metadata):

- din-e18.safetensors, dien-e18.safetensors: the DIEN paper's sizes: sparse columns user, item,
  cate (vocabularies 1000, 2000, 200), embeddings of 18, behaviour fields item and cate (36 wide,
  the GRU hidden size), attention MLP [80, 40] Dice, MLP [200, 80] Dice with BatchNorm; DIN
  without softmax (DeepCTR-Torch's default), DIEN with softmax, AUGRU (paper form) and an
  auxiliary net [100, 50].
- din-e32.safetensors, dien-e32.safetensors: the same with embeddings of 32 (64 wide).
- din-e18.onnx, din-e32.onnx: DIN as (sparse [B, 3], history [B, T, 2], lengths [B], int64) ->
  probabilities [B], B and T dynamic; export-report.json: what torch.onnx.export did with each
  model (DIEN's packed GRUs and its per-step AUGRU loop included).

ONNX opset 17 (onnxruntime 1.14 and later run it).
"""
import sys
import json
import struct
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).resolve().parent.parent / "bench" / "models"
OPSET = 17
E, HEADS = 64, 4


def write_safetensors(path, tensors):
    """safetensors by hand: u64 LE header length, JSON header (space-padded to 8 bytes), then
    each tensor's little-endian F32 data, contiguous, in header order."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(E, HEADS, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class MatMul(nn.Module):
    def forward(self, a, b):
        return torch.matmul(a, b)


def export(module, args, path, inputs, outputs, dynamic):
    torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)


class Scorer(nn.Module):
    """A batch-dict model as positional int64 inputs -> probabilities (what ONNX needs)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, sparse, history, lengths):
        return self.model({"sparse": sparse, "history": history, "lengths": lengths})["probabilities"]


def ctr_models():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reckit_models import DIEN, DIN, export as export_model

    report = {}
    for dim in (18, 32):
        config = {
            "tables": {"user": [1000, dim], "item": [2000, dim], "cate": [200, dim]},
            "sparse": ["user", "item", "cate"],
            "history": ["item", "cate"],
            "attention": {"hidden": [80, 40], "activation": "dice", "batchnorm": False, "softmax": False, "scale": False},
            "mlp": {"hidden": [200, 80], "activation": "dice", "batchnorm": True},
        }
        dien = {**config, "attention": {**config["attention"], "softmax": True}, "gru": "AUGRU",
                "auxiliary": {"hidden": [100, 50], "activation": "sigmoid"}}
        for name, cls, cfg in (("din", DIN, config), ("dien", DIEN, dien)):
            torch.manual_seed(20261129 + dim)
            model = cls(cfg)
            with torch.no_grad():
                for m in model.modules():
                    if isinstance(m, nn.BatchNorm1d):
                        m.running_mean.uniform_(-0.2, 0.2)
                        m.running_var.uniform_(0.5, 1.5)
            model.eval()
            stem = f"{name}-e{dim}"
            export_model(model, str(OUT / f"{stem}.safetensors"))
            (OUT / f"{stem}.json").unlink(missing_ok=True)  # the config is in the file's metadata
            B, T = 4, 6
            sparse = torch.randint(1, 200, (B, 3))
            lengths = torch.tensor([6, 1, 3, 5])
            history = torch.randint(1, 200, (B, T, 2)) * (torch.arange(T)[None, :, None] < lengths[:, None, None])
            try:
                with torch.no_grad():
                    export(Scorer(model), (sparse, history, lengths), OUT / f"{stem}.onnx",
                           ["sparse", "history", "lengths"], ["probabilities"],
                           {"sparse": {0: "B"}, "history": {0: "B", 1: "T"}, "lengths": {0: "B"}, "probabilities": {0: "B"}})
                report[stem] = "exported"
            except Exception as e:  # noqa: BLE001 (the report records why)
                (OUT / f"{stem}.onnx").unlink(missing_ok=True)
                report[stem] = f"torch.onnx.export failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}"
    (OUT / "export-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "models"):
        ctr_models()
    if which in ("all", "dense"):
        dense_models()
    for f in sorted(OUT.iterdir()):
        print(f"{f.relative_to(OUT.parent.parent)}: {f.stat().st_size} bytes")


def dense_models():
    bt = {0: "B", 1: "T"}

    torch.manual_seed(20261123)
    mha = SelfAttention().eval()
    with torch.no_grad():  # torch initialises both biases to 0: make them count in the checks
        mha.attn.in_proj_bias.uniform_(-0.1, 0.1)
        mha.attn.out_proj.bias.uniform_(-0.1, 0.1)
    x = torch.rand(2, 5, E) * 2 - 1
    # Not under no_grad: there (eval, no grad) torch takes its fused fast path,
    # aten::_native_multi_head_attention, which has no ONNX export.
    export(mha, (x,), OUT / "mha.onnx", ["x"], ["y"], {"x": bt, "y": bt})
    write_safetensors(OUT / "mha.safetensors", mha.attn.state_dict())

    torch.manual_seed(20261124)
    gru = nn.GRU(E, E, batch_first=True).eval()
    with torch.no_grad():
        export(gru, (x,), OUT / "gru.onnx", ["x"], ["output", "h_n"],
               {"x": bt, "output": bt, "h_n": {1: "B"}})
    write_safetensors(OUT / "gru.safetensors", gru.state_dict())

    a, b = torch.rand(3, 4), torch.rand(4, 5)
    with torch.no_grad():
        export(MatMul(), (a, b), OUT / "matmul.onnx", ["a", "b"], ["c"],
               {"a": {0: "M", 1: "K"}, "b": {0: "K", 1: "N"}, "c": {0: "M", 1: "N"}})


if __name__ == "__main__":
    main()
