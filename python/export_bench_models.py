"""The dense-kernel bench's models (bench/dense.mjs): PyTorch modules exported to ONNX for the
onnxruntime peers, with their weights as safetensors for reckit and the torch peer.

    /usr/bin/python3 python/export_bench_models.py

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

ONNX opset 17 (onnxruntime 1.14 and later run it).
"""
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


def main():
    OUT.mkdir(parents=True, exist_ok=True)
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

    for f in sorted(OUT.iterdir()):
        print(f"{f.relative_to(OUT.parent.parent)}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
