"""PyTorch reference modules of the models reckit serves (the contract is docs/models.md).

Needs torch (written against Debian's python3-torch 1.13.1) and numpy (only to turn tensors into
bytes in export / load). Train one of these modules as usual, then hand it to reckit:

    import torch
    from reckit_models import DIN, export, load

    config = {
        "tables": {"user": [2001, 8], "item": [5001, 8]},
        "sparse": ["user", "item"],
        "history": ["item"],
        "attention": {"hidden": [16, 8], "activation": "dice", "batchnorm": False,
                      "softmax": True, "scale": False},
        "mlp": {"hidden": [32, 16], "activation": "prelu", "batchnorm": True},
    }
    model = DIN(config)
    ...  # train: out = model({"sparse": ids, "history": hist, "lengths": lens})["logits"]
    model.eval()
    export(model, "din.safetensors")   # writes din.safetensors and din.json
    same = load("din.safetensors")      # rebuilds the module from the two files

Every module takes the JSON config dict reckit takes (camelCase keys) and its `forward(batch)`
takes a dict of tensors named like reckit's batch fields:

    sparse     LongTensor [B, F]      one id column per config["sparse"] entry
    history    LongTensor [B, T, H]   behaviour ids, right-padded with 0 (H = len(history))
    lengths    LongTensor [B]         optional; default: steps before the first 0 in field 0
    negHistory LongTensor [B, T, H]   DIEN's sampled negatives (auxiliary loss only)
    dense      FloatTensor [B, D]     when config["dense"] > 0
    items      LongTensor [N, Fi]     YouTubeDNN's candidate items
    x          FloatTensor [B, F, E]  the standalone SENet layer's input

and returns a dict of outputs: logits, probabilities (all CTR models), auxLoss (DIEN with
`auxiliary` and negHistory), gates (MMoE), userVectors / itemVectors / scores (YouTubeDNN),
output / weights (SENet). Integer inputs may be int32 (they are cast to int64).

Dropout is not part of the models (reckit serves at inference, model.eval()). The MLP, Dice,
attention unit and the attention GRU cells are the classes of the DIEN tutorial (chapter 7-8 of
lyhue1991/eat_pytorch_in_20_days, after GitHub-HongweiZhang/prediction-flow; see
docs/conventions.md#test-oracles), so the state-dict keys are the ones docs/models.md lists:
`<module>.mlp.dense{i}.weight`, ...

History lengths: torch's pack_padded_sequence rejects rows of length 0, so DIEN runs its packed
GRUs only on the rows with length >= 1 and leaves zeros elsewhere (interests 0, final interest 0).
reckit accepts length-0 rows everywhere with these semantics (DIN: attention scores 0 and pooled
vector 0; YouTubeDNN: mean of an empty history = 0).
"""
import copy
import json
import struct
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["FM", "DIN", "DIEN", "MMoE", "FiBiNET", "SENet", "YouTubeDNN", "export", "load", "MODELS"]


# ---------------------------------------------------------------- the DIEN tutorial's building blocks


class Dice(nn.Module):
    """The DIEN tutorial's Dice (Zhou et al. 2018): p = sigmoid(BN(x)); out = alpha * (1 - p) * x + p * x
    (BN eps 1e-8)."""

    def __init__(self, emb_size, dim=2, epsilon=1e-8):
        super(Dice, self).__init__()
        assert dim == 2 or dim == 3
        self.bn = nn.BatchNorm1d(emb_size, eps=epsilon)
        self.sigmoid = nn.Sigmoid()
        self.dim = dim
        self.alpha = nn.Parameter(torch.zeros((emb_size,))) if self.dim == 2 else nn.Parameter(
            torch.zeros((emb_size, 1)))

    def forward(self, x):
        assert x.dim() == self.dim
        if self.dim == 2:
            x_p = self.sigmoid(self.bn(x))
            out = self.alpha * (1 - x_p) * x + x_p * x
        else:
            x = torch.transpose(x, 1, 2)
            x_p = self.sigmoid(self.bn(x))
            out = self.alpha * (1 - x_p) * x + x_p * x
            out = torch.transpose(out, 1, 2)
        return out


class Identity(nn.Module):
    def forward(self, x):
        return x


def get_activation_layer(name, hidden_size=None, dice_dim=2):
    """The DIEN tutorial's activation factory ('linear' = Identity, 'dice' = Dice, else nn.<Name>())."""
    name = name.lower()
    name_dict = {x.lower(): x for x in dir(nn) if '__' not in x and 'Z' >= x[0] >= 'A'}
    if name == "linear":
        return Identity()
    elif name == "dice":
        assert dice_dim
        return Dice(hidden_size, dice_dim)
    else:
        assert name in name_dict, f'activation type {name} not supported!'
        return getattr(nn, name_dict[name])()


class MLP(nn.Module):
    """The DIEN tutorial's MLP: Linear -> [BatchNorm1d] -> activation per hidden layer (keys mlp.dense{i}, ...)."""

    def __init__(self, input_size, hidden_layers, dropout=0.0, batchnorm=True, activation='relu'):
        super(MLP, self).__init__()
        modules = OrderedDict()
        previous_size = input_size
        for index, hidden_layer in enumerate(hidden_layers):
            modules[f"dense{index}"] = nn.Linear(previous_size, hidden_layer)
            if batchnorm:
                modules[f"batchnorm{index}"] = nn.BatchNorm1d(hidden_layer)
            if activation:
                modules[f"activation{index}"] = get_activation_layer(activation, hidden_layer, 2)
            if dropout:
                modules[f"dropout{index}"] = nn.Dropout(dropout)
            previous_size = hidden_layer
        self.mlp = nn.Sequential(modules)

    def forward(self, x):
        return self.mlp(x)


class AttentionGRUCell(nn.Module):
    """The DIEN tutorial's AGRU cell (AttentionGRUCell): weights [2H, .] rows (r, n); h' = (1 - a) * h + a * n."""

    GATES = 2  # rows of H in the weights (the tutorial: `2 * hidden_size`)

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = nn.Parameter(torch.Tensor(self.GATES * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.Tensor(self.GATES * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.Tensor(self.GATES * hidden_size))
            self.bias_hh = nn.Parameter(torch.Tensor(self.GATES * hidden_size))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / (self.hidden_size) ** 0.5
        for weight in self.parameters():
            nn.init.uniform_(weight, -stdv, stdv)

    def forward(self, x, hx, att_score):
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(hx, self.weight_hh, self.bias_hh)
        i_r, i_n = gi.chunk(2, 1)
        h_r, h_n = gh.chunk(2, 1)
        resetgate = torch.sigmoid(i_r + h_r)
        newgate = torch.tanh(i_n + resetgate * h_n)
        att_score = att_score.view(-1, 1)
        hy = (1. - att_score) * hx + att_score * newgate
        return hy


class AUGRUCell(AttentionGRUCell):
    """AUGRU cell, weights [3H, .] in `gate_order` ("rzn": PyTorch's r, z, n as the DIEN tutorial's
    introductory cell and DeepCTR-Torch; "zrn": u, r, n as the AttentionUpdateGateGRUCell of the
    tutorial's DIEN model and FuxiCTR).

    form "paper" (DIEN paper, the DIEN tutorial, DeepCTR-Torch): u = a * z, h' = (1 - u) * h + u * n,
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
    form "xdl" (DIEN's official TensorFlow code, Alibaba XDL / OpenVINO AUGRUCell): u' = (1 - a) * z,
    h' = u' * h + (1 - u') * n, n = tanh(W_in x + b_in + W_hn (r * h) + b_hn).
    """

    GATES = 3

    def __init__(self, input_size, hidden_size, bias=True, gate_order="rzn", form="paper"):
        assert gate_order in ("rzn", "zrn"), gate_order
        assert form in ("paper", "xdl"), form
        super().__init__(input_size, hidden_size, bias)
        self.gate_order = gate_order
        self.form = form

    def forward(self, x, hx, att_score):
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(hx, self.weight_hh, self.bias_hh)
        if self.gate_order == "rzn":
            i_r, i_u, i_n = gi.chunk(3, 1)
            h_r, h_u, h_n = gh.chunk(3, 1)
        else:
            i_u, i_r, i_n = gi.chunk(3, 1)
            h_u, h_r, h_n = gh.chunk(3, 1)
        resetgate = torch.sigmoid(i_r + h_r)
        updategate = torch.sigmoid(i_u + h_u)
        att_score = att_score.view(-1, 1)
        if self.form == "paper":
            newgate = torch.tanh(i_n + resetgate * h_n)
            updategate = att_score * updategate
            return (1 - updategate) * hx + updategate * newgate
        H = self.hidden_size
        b_hn = None if self.bias_hh is None else self.bias_hh[2 * H:]
        newgate = torch.tanh(i_n + F.linear(resetgate * hx, self.weight_hh[2 * H:], b_hn))
        updategate = (1 - att_score) * updategate
        return updategate * hx + (1 - updategate) * newgate


class DynamicGRU(nn.Module):
    """The DIEN tutorial's DynamicGRU loop over packed sequences (the cell is the `rnn` attribute)."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell
        self.hidden_size = cell.hidden_size

    def forward(self, x, att_scores, hx=None):
        x, batch_sizes, sorted_indices, unsorted_indices = x
        att_scores, _, _, _ = att_scores
        max_batch_size = int(batch_sizes[0])
        if hx is None:
            hx = torch.zeros(max_batch_size, self.hidden_size, dtype=x.dtype, device=x.device)
        outputs = torch.zeros(x.size(0), self.hidden_size, dtype=x.dtype, device=x.device)
        begin = 0
        for batch in batch_sizes:
            new_hx = self.rnn(x[begin: begin + batch], hx[0:batch], att_scores[begin: begin + batch])
            outputs[begin: begin + batch] = new_hx
            hx = new_hx
            begin += batch
        return nn.utils.rnn.PackedSequence(outputs, batch_sizes, sorted_indices, unsorted_indices)


class AuxiliaryNet(nn.Module):
    """The DIEN tutorial's AuxiliaryNet: Linear -> activation per hidden layer, final_layer, sigmoid."""

    def __init__(self, input_size, hidden_layers, activation='sigmoid'):
        super().__init__()
        modules = OrderedDict()
        previous_size = input_size
        for index, hidden_layer in enumerate(hidden_layers):
            modules[f"dense{index}"] = nn.Linear(previous_size, hidden_layer)
            if activation:
                modules[f"activation{index}"] = get_activation_layer(activation)
            previous_size = hidden_layer
        modules["final_layer"] = nn.Linear(previous_size, 1)
        self.mlp = nn.Sequential(modules)

    def forward(self, x):
        return torch.sigmoid(self.mlp(x))


# ---------------------------------------------------------------- config helpers


ACTIVATIONS = {"relu": "relu", "prelu": "prelu", "dice": "dice", "sigmoid": "sigmoid", "tanh": "tanh",
               "none": "linear"}


def build_mlp(input_size, cfg):
    """The DIEN tutorial's MLP from an MLP config {hidden, activation, batchnorm (default false), diceEps?}."""
    activation = cfg.get("activation", "relu")
    assert activation in ACTIVATIONS, f"unknown activation {activation!r}"
    mlp = MLP(input_size, list(cfg["hidden"]), batchnorm=bool(cfg.get("batchnorm", False)),
              activation=ACTIVATIONS[activation])
    if cfg.get("diceEps") is not None:
        for mod in mlp.modules():
            if isinstance(mod, Dice):
                mod.bn.eps = float(cfg["diceEps"])
    return mlp


def mlp_out_size(input_size, cfg):
    return cfg["hidden"][-1] if cfg["hidden"] else input_size


def default_lengths(history):
    """Per row, the number of steps before the first id 0 in field 0."""
    return (history[:, :, 0] != 0).long().cumprod(dim=1).sum(dim=1)


def valid_steps(lengths, T):
    return torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]


def run_gru(gru, x, lengths):
    """nn.GRU (batch_first) over the rows with length >= 1, packed (torch cannot pack an empty
    row). Returns outputs [B, T, H] (0 at padded steps and on empty rows) and the state after each
    row's last valid step [B, H] (0 for empty rows)."""
    B, T, _ = x.shape
    out = x.new_zeros(B, T, gru.hidden_size)
    last = x.new_zeros(B, gru.hidden_size)
    rows = (lengths > 0).nonzero().view(-1)
    if rows.numel():
        packed = pack_padded_sequence(x[rows], lengths[rows].cpu(), batch_first=True, enforce_sorted=False)
        o, h = gru(packed)
        o, _ = pad_packed_sequence(o, batch_first=True, total_length=T)
        out = out.index_copy(0, rows, o)
        last = last.index_copy(0, rows, h[-1])
    return out, last


class _Embedded(nn.Module):
    """Shared pieces: `embeddings` (one nn.Embedding per table), sparse columns, dense, history."""

    def __init__(self, config):
        super().__init__()
        self.config = copy.deepcopy(config)
        tables = config["tables"]
        for name in tables:
            assert "." not in name, f"table name {name!r} must not contain '.'"
        self.embeddings = nn.ModuleDict(OrderedDict(
            (name, nn.Embedding(int(v), int(d))) for name, (v, d) in tables.items()))

    def dim(self, table):
        return self.embeddings[table].embedding_dim

    def sparse_embeddings(self, sparse, names):
        sparse = sparse.long()
        assert sparse.dim() == 2 and sparse.shape[1] == len(names), (tuple(sparse.shape), names)
        return [self.embeddings[t](sparse[:, i]) for i, t in enumerate(names)]

    @staticmethod
    def dense_of(batch, D):
        if D == 0:
            return []
        dense = batch["dense"]
        assert dense.dim() == 2 and dense.shape[1] == D, (tuple(dense.shape), D)
        return [dense]


def history_fields(history, sparse):
    """[(target column index or None, table)] for a `history` config list."""
    fields = []
    for h in history:
        if isinstance(h, str):
            target, table = h, h
        else:
            target, table = h.get("target"), h["table"]
        fields.append((None if target is None or target not in sparse else sparse.index(target), table))
    return fields


# ---------------------------------------------------------------- FM


class FM(_Embedded):
    """Factorization Machine (Rendle 2010, "Factorization Machines", ICDM).

    logit = bias + sum_f linear_f[id_f] + w . dense + 1/2 sum_k [(sum_i v_ik x_i)^2 - sum_i v_ik^2 x_i^2]
    over the one-hot sparse fields (x = 1, v = embedding row) and the dense features
    (x = dense[d], v = dense_factors[d]).
    """

    def __init__(self, config):
        super().__init__(config)
        dims = {int(d) for _, d in config["tables"].values()}
        assert len(dims) == 1, "FM: every table must have the same dim"
        k = dims.pop()
        self.sparse = list(config["sparse"])
        self.D = int(config.get("dense", 0))
        self.bias = nn.Parameter(torch.zeros(1))
        self.linear = nn.ModuleDict(OrderedDict(
            (name, nn.Embedding(int(v), 1)) for name, (v, _) in config["tables"].items()))
        if self.D > 0:
            self.dense_linear = nn.Linear(self.D, 1, bias=False)
            self.dense_factors = nn.Parameter(torch.randn(self.D, k) * 0.01)

    def forward(self, batch):
        ids = batch["sparse"].long()
        logit = self.bias.expand(ids.shape[0])
        factors = []
        for i, t in enumerate(self.sparse):
            logit = logit + self.linear[t](ids[:, i]).squeeze(-1)
            factors.append(self.embeddings[t](ids[:, i]))
        V = torch.stack(factors, dim=1)  # [B, F, k]
        if self.D > 0:
            dense = self.dense_of(batch, self.D)[0]
            logit = logit + self.dense_linear(dense).squeeze(-1)
            V = torch.cat([V, dense[:, :, None] * self.dense_factors[None]], dim=1)
        logit = logit + 0.5 * (V.sum(dim=1).pow(2) - V.pow(2).sum(dim=1)).sum(dim=1)
        return {"logits": logit, "probabilities": torch.sigmoid(logit)}


# ---------------------------------------------------------------- DIN


class AttentionUnit(nn.Module):
    """DIN's local activation unit (the DIEN tutorial's `Attention`, same keys mlp.mlp.dense{i}..., fc) with
    two switches: softmax (masked softmax over valid steps; a row without valid steps gets all-zero
    scores) or raw scores with padded scores 0 (DeepCTR-Torch); scale (divide raw scores by sqrt(E))."""

    def __init__(self, input_size, cfg):
        super().__init__()
        assert cfg["hidden"], "attention.hidden must not be empty"
        self.softmax = bool(cfg.get("softmax", True))
        self.scale = bool(cfg.get("scale", False))
        self.mlp = build_mlp(4 * input_size, cfg)
        self.fc = nn.Linear(cfg["hidden"][-1], 1)

    def forward(self, query, keys, lengths):
        """query [B, E], keys [B, T, E], lengths [B] -> scores [B, T]."""
        B, T, E = keys.shape
        q = query.unsqueeze(1).expand(-1, T, -1)
        z = torch.cat([q, keys, q - keys, q * keys], dim=-1).reshape(B * T, 4 * E)
        s = self.fc(self.mlp(z)).view(B, T)
        if self.scale:
            s = s / (E ** 0.5)
        valid = valid_steps(lengths, T)
        if not self.softmax:
            return s.masked_fill(~valid, 0.0)
        empty = ~valid.any(dim=1, keepdim=True)
        s = s.masked_fill(~valid, float("-inf")).masked_fill(empty, 0.0)
        return torch.softmax(s, dim=1).masked_fill(empty, 0.0)


class _Behaviour(_Embedded):
    """DIN / DIEN inputs: query, keys (and negative keys), lengths, the sparse embeddings, dense."""

    def __init__(self, config):
        super().__init__(config)
        self.sparse = list(config["sparse"])
        self.D = int(config.get("dense", 0))
        self.fields = history_fields(config["history"], self.sparse)
        for h, (target, table) in zip(config["history"], self.fields):
            assert target is not None, f"history entry {h!r}: its target is not a sparse entry"
            assert self.dim(self.sparse[target]) == self.dim(table), f"history entry {h!r}: dims differ"
        self.Eb = sum(self.dim(table) for _, table in self.fields)
        self.mlp_input = self.D + sum(self.dim(t) for t in self.sparse) + self.Eb

    def keys_of(self, history):
        history = history.long()
        assert history.dim() == 3 and history.shape[2] == len(self.fields), tuple(history.shape)
        return torch.cat([self.embeddings[table](history[:, :, j]) for j, (_, table) in enumerate(self.fields)],
                         dim=-1)

    def inputs(self, batch):
        emb = self.sparse_embeddings(batch["sparse"], self.sparse)
        query = torch.cat([emb[target] for target, _ in self.fields], dim=-1)
        keys = self.keys_of(batch["history"])
        lengths = batch.get("lengths")
        lengths = default_lengths(batch["history"].long()) if lengths is None else lengths.long()
        assert lengths.shape == (keys.shape[0],) and int(lengths.min()) >= 0 and int(lengths.max()) <= keys.shape[1]
        return self.dense_of(batch, self.D) + emb, query, keys, lengths

    def head(self, parts):
        logit = self.final_layer(self.mlp(torch.cat(parts, dim=-1))).squeeze(-1)
        return {"logits": logit, "probabilities": torch.sigmoid(logit)}


class DIN(_Behaviour):
    """Deep Interest Network (Zhou et al. 2018, "Deep Interest Network for Click-Through Rate
    Prediction"): attention-pooled behaviours (the DIEN tutorial's attention unit, module `attention`)
    concatenated with dense and sparse embeddings -> `mlp` -> `final_layer`."""

    def __init__(self, config):
        super().__init__(config)
        self.attention = AttentionUnit(self.Eb, config["attention"])
        self.mlp = build_mlp(self.mlp_input, config["mlp"])
        self.final_layer = nn.Linear(mlp_out_size(self.mlp_input, config["mlp"]), 1)

    def forward(self, batch):
        parts, query, keys, lengths = self.inputs(batch)
        scores = self.attention(query, keys, lengths)
        pooled = (scores.unsqueeze(-1) * keys).sum(dim=1)
        return self.head(parts + [pooled])


# ---------------------------------------------------------------- DIEN


class Interest(nn.Module):
    """The DIEN tutorial's Interest: GRU interest extractor, attention, interest evolution
    (AUGRU / AGRU via DynamicGRU, AIGRU via nn.GRU over a * interests), auxiliary net."""

    def __init__(self, input_size, config):
        super().__init__()
        self.gru_type = config.get("gru", "AUGRU")
        assert self.gru_type in ("AUGRU", "AGRU", "AIGRU"), self.gru_type
        self.interest_extractor = nn.GRU(input_size=input_size, hidden_size=input_size, batch_first=True)
        self.attention = AttentionUnit(input_size, config["attention"])
        if self.gru_type == "AIGRU":
            self.interest_evolution = nn.GRU(input_size=input_size, hidden_size=input_size, batch_first=True)
        elif self.gru_type == "AGRU":
            self.interest_evolution = DynamicGRU(AttentionGRUCell(input_size, input_size))
        else:
            self.interest_evolution = DynamicGRU(AUGRUCell(input_size, input_size,
                                                           gate_order=config.get("gateOrder", "rzn"),
                                                           form=config.get("augruForm", "paper")))
        aux = config.get("auxiliary")
        if aux is not None:
            act = aux.get("activation", "sigmoid")
            assert act in ("sigmoid", "relu", "tanh", "none"), \
                f"auxiliary.activation {act!r}: only parameter-free activations"
            self.auxiliary_net = AuxiliaryNet(2 * input_size, list(aux.get("hidden", [100, 50])), ACTIVATIONS[act])
        else:
            self.auxiliary_net = None

    def auxiliary_loss(self, interests, keys, neg_keys, lengths):
        """BCE of aux([interests[t], keys[t+1]]) -> 1 and aux([interests[t], neg_keys[t+1]]) -> 0
        over the pairs t < lengths - 1 (mean over all of them; NaN when there is none)."""
        B, T, E = interests.shape
        valid = valid_steps(lengths - 1, T - 1)
        states = interests[:, :-1][valid]
        p_pos = self.auxiliary_net(torch.cat([states, keys[:, 1:][valid]], dim=-1)).view(-1)
        p_neg = self.auxiliary_net(torch.cat([states, neg_keys[:, 1:][valid]], dim=-1)).view(-1)
        return F.binary_cross_entropy(torch.cat([p_pos, p_neg]),
                                      torch.cat([torch.ones_like(p_pos), torch.zeros_like(p_neg)]))

    def forward(self, query, keys, lengths, neg_keys=None):
        """-> final interest [B, E] (0 for length 0), auxiliary loss or None, attention scores [B, T]."""
        B, T, E = keys.shape
        interests, _ = run_gru(self.interest_extractor, keys, lengths)
        aux = None
        if self.auxiliary_net is not None and neg_keys is not None:
            aux = self.auxiliary_loss(interests, keys, neg_keys, lengths)
        scores = self.attention(query, interests, lengths)
        if self.gru_type == "AIGRU":
            _, final = run_gru(self.interest_evolution, interests * scores.unsqueeze(-1), lengths)
            return final, aux, scores
        final = interests.new_zeros(B, E)
        rows = (lengths > 0).nonzero().view(-1)
        if rows.numel():
            lens = lengths[rows]
            px = pack_padded_sequence(interests[rows], lens.cpu(), batch_first=True, enforce_sorted=False)
            pa = pack_padded_sequence(scores[rows], lens.cpu(), batch_first=True, enforce_sorted=False)
            out, _ = pad_packed_sequence(self.interest_evolution(px, pa), batch_first=True, total_length=T)
            final = final.index_copy(0, rows, out[torch.arange(rows.numel()), lens - 1])
        return final, aux, scores


class DIEN(_Behaviour):
    """Deep Interest Evolution Network (Zhou et al. 2019, "Deep Interest Evolution Network for
    Click-Through Rate Prediction", AAAI): GRU interest extractor, DIN attention, AUGRU / AGRU /
    AIGRU interest evolution (module `interest`), optional auxiliary loss; the final interest joins
    dense and sparse embeddings -> `mlp` -> `final_layer`."""

    def __init__(self, config):
        super().__init__(config)
        self.interest = Interest(self.Eb, config)
        self.mlp = build_mlp(self.mlp_input, config["mlp"])
        self.final_layer = nn.Linear(mlp_out_size(self.mlp_input, config["mlp"]), 1)

    def forward(self, batch):
        parts, query, keys, lengths = self.inputs(batch)
        neg = batch.get("negHistory")
        neg_keys = None if neg is None else self.keys_of(neg)
        final, aux, _ = self.interest(query, keys, lengths, neg_keys)
        out = self.head(parts + [final])
        if aux is not None:
            out["auxLoss"] = aux
        return out


# ---------------------------------------------------------------- MMoE


class MMoE(_Embedded):
    """Multi-gate Mixture-of-Experts (Ma et al. 2018, "Modeling Task Relationships in Multi-task
    Learning with Multi-gate Mixture-of-Experts", KDD): ReLU(Linear) experts, per-task softmax
    gates, optional per-task tower MLP, per-task Linear head."""

    def __init__(self, config):
        super().__init__(config)
        self.sparse = list(config["sparse"])
        self.D = int(config.get("dense", 0))
        In = self.D + sum(self.dim(t) for t in self.sparse)
        n_exp, hid, tasks = int(config["experts"]), int(config["expertHidden"]), int(config["tasks"])
        tower = config.get("tower", {"hidden": []})
        self.experts = nn.ModuleList([nn.Linear(In, hid) for _ in range(n_exp)])
        self.gates = nn.ModuleList([nn.Linear(In, n_exp) for _ in range(tasks)])
        if tower["hidden"]:
            self.towers = nn.ModuleList([build_mlp(hid, tower) for _ in range(tasks)])
        else:
            self.towers = None
        self.heads = nn.ModuleList([nn.Linear(mlp_out_size(hid, tower), 1) for _ in range(tasks)])

    def forward(self, batch):
        x = torch.cat(self.dense_of(batch, self.D) + self.sparse_embeddings(batch["sparse"], self.sparse), dim=-1)
        experts = torch.stack([torch.relu(e(x)) for e in self.experts], dim=1)  # [B, E, h]
        gates = torch.stack([torch.softmax(g(x), dim=-1) for g in self.gates], dim=1)  # [B, T, E]
        task_in = gates @ experts  # [B, T, h]
        logits = []
        for t, head in enumerate(self.heads):
            h = task_in[:, t]
            if self.towers is not None:
                h = self.towers[t](h)
            logits.append(head(h).squeeze(-1))
        logits = torch.stack(logits, dim=1)
        return {"logits": logits, "probabilities": torch.sigmoid(logits), "gates": gates}


# ---------------------------------------------------------------- FiBiNET


class SENet(nn.Module):
    """Squeeze-and-Excitation over fields (Hu et al. 2018, "Squeeze-and-Excitation Networks"; as
    FiBiNET uses it): z = mean over E; a = scale * act(fc2(ReLU(fc1(z)))); output = a * x per field.
    Config {fields, reduction, excitation: "relu" (DeepCTR-Torch) | "sigmoid" (the 2 * sigmoid variant),
    scale (DeepCTR-Torch 1, the 2 * sigmoid variant 2), bias (default true: fc1.bias / fc2.bias present), prefix?}.
    forward({"x": [B, F, E]}) -> {"output": [B, F, E], "weights": a [B, F]}."""

    def __init__(self, config):
        super().__init__()
        self.config = copy.deepcopy(config)
        fields, reduction = int(config["fields"]), int(config["reduction"])
        bias = bool(config.get("bias", True))
        self.excitation = config.get("excitation", "relu")
        assert self.excitation in ("relu", "sigmoid"), self.excitation
        self.scale = float(config.get("scale", 1.0))
        self.fc1 = nn.Linear(fields, reduction, bias=bias)
        self.fc2 = nn.Linear(reduction, fields, bias=bias)

    def excite(self, x):
        a = self.fc2(torch.relu(self.fc1(x.mean(dim=-1))))
        a = torch.relu(a) if self.excitation == "relu" else torch.sigmoid(a)
        a = self.scale * a
        return x * a.unsqueeze(-1), a

    def forward(self, batch):
        x = batch["x"] if isinstance(batch, dict) else batch
        out, a = self.excite(x)
        return {"output": out, "weights": a}


class FiBiNET(_Embedded):
    """FiBiNET (Huang et al. 2019, "FiBiNET: Combining Feature Importance and Bilinear feature
    Interaction for CTR Prediction"): SENet field re-weighting (module `senet`), bilinear pair
    interactions (module `bilinear`, "all" | "each" | "interaction") on the raw and the re-weighted
    embeddings, concatenated with dense -> `mlp` -> `final_layer`."""

    def __init__(self, config):
        super().__init__(config)
        self.sparse = list(config["sparse"])
        self.D = int(config.get("dense", 0))
        dims = {self.dim(t) for t in self.sparse}
        assert len(dims) == 1, "FiBiNET: every sparse table must have the same dim"
        E = dims.pop()
        Fn = len(self.sparse)
        self.pairs = [(i, j) for i in range(Fn) for j in range(i + 1, Fn)]
        s = config["senet"]
        self.senet = SENet({"fields": Fn, "reduction": s["reduction"], "excitation": s.get("excitation", "relu"),
                            "scale": s.get("scale", 1.0), "bias": s.get("bias", True)})
        self.bilinear_type = config.get("bilinear", "interaction")
        if self.bilinear_type == "all":
            self.bilinear = nn.Linear(E, E, bias=False)
        elif self.bilinear_type == "each":
            self.bilinear = nn.ModuleList([nn.Linear(E, E, bias=False) for _ in range(Fn - 1)])
        elif self.bilinear_type == "interaction":
            self.bilinear = nn.ModuleList([nn.Linear(E, E, bias=False) for _ in self.pairs])
        else:
            raise ValueError(f"bilinear {self.bilinear_type!r}")
        In = self.D + 2 * len(self.pairs) * E
        self.mlp = build_mlp(In, config["mlp"])
        self.final_layer = nn.Linear(mlp_out_size(In, config["mlp"]), 1)

    def bilinear_pairs(self, e):
        """e [B, F, E] -> [B, P * E], pair-major (p_ij = W(v_i) * v_j for i < j)."""
        out = []
        for p, (i, j) in enumerate(self.pairs):
            if self.bilinear_type == "all":
                W = self.bilinear
            elif self.bilinear_type == "each":
                W = self.bilinear[i]
            else:
                W = self.bilinear[p]
            out.append(W(e[:, i]) * e[:, j])
        return torch.cat(out, dim=-1)

    def forward(self, batch):
        e0 = torch.stack(self.sparse_embeddings(batch["sparse"], self.sparse), dim=1)
        e1, _ = self.senet.excite(e0)
        x = torch.cat(self.dense_of(batch, self.D) + [self.bilinear_pairs(e0), self.bilinear_pairs(e1)], dim=-1)
        logit = self.final_layer(self.mlp(x)).squeeze(-1)
        return {"logits": logit, "probabilities": torch.sigmoid(logit)}


# ---------------------------------------------------------------- YouTubeDNN


class YouTubeDNN(_Embedded):
    """YouTubeDNN two-tower retrieval (Covington et al. 2016, "Deep Neural Networks for YouTube
    Recommendations"; sampled-softmax two-tower scoring as in Yi et al. 2019): user tower over
    [dense, user sparse embeddings, mean-pooled history], item tower over item sparse embeddings,
    scores = u . v / temperature (u, v L2-normalised when `normalize`; userVectors / itemVectors
    are then the normalised vectors).

    There is no query here, so a `user.history` entry names only a table: a string is a table name
    (need not be in user.sparse, e.g. "item"), {"target"?, "table"} uses its table."""

    def __init__(self, config):
        super().__init__(config)
        user, item = config["user"], config["item"]
        self.user_sparse = list(user.get("sparse", []))
        self.item_sparse = list(item["sparse"])
        self.D = int(user.get("dense", 0))
        # a history entry is a table name (string) or {"target"?, "table"}: no query in YouTubeDNN
        self.history = [h if isinstance(h, str) else h["table"] for h in user.get("history", [])]
        self.temperature = float(config.get("temperature", 1.0))
        self.normalize = bool(config.get("normalize", True))
        u_in = self.D + sum(self.dim(t) for t in self.user_sparse) + sum(self.dim(t) for t in self.history)
        i_in = sum(self.dim(t) for t in self.item_sparse)
        self.user_tower = build_mlp(u_in, user.get("tower", {"hidden": []}))
        self.item_tower = build_mlp(i_in, item.get("tower", {"hidden": []}))
        du, di = mlp_out_size(u_in, user.get("tower", {"hidden": []})), mlp_out_size(i_in, item.get("tower", {"hidden": []}))
        assert du == di, f"user vectors ({du}) and item vectors ({di}) differ in size"

    def forward(self, batch):
        parts = self.dense_of(batch, self.D)
        if self.user_sparse:
            parts += self.sparse_embeddings(batch["sparse"], self.user_sparse)
        if self.history:
            hist = batch["history"].long()
            assert hist.dim() == 3 and hist.shape[2] == len(self.history), tuple(hist.shape)
            lengths = batch.get("lengths")
            lengths = default_lengths(hist) if lengths is None else lengths.long()
            valid = valid_steps(lengths, hist.shape[1]).unsqueeze(-1)
            count = lengths.clamp(min=1).unsqueeze(-1)
            for j, table in enumerate(self.history):
                e = self.embeddings[table](hist[:, :, j])
                parts.append((e * valid).sum(dim=1) / count)
        u = self.user_tower(torch.cat(parts, dim=-1))
        v = self.item_tower(torch.cat(self.sparse_embeddings(batch["items"], self.item_sparse), dim=-1))
        if self.normalize:
            u = F.normalize(u, dim=-1, eps=1e-12)
            v = F.normalize(v, dim=-1, eps=1e-12)
        return {"userVectors": u, "itemVectors": v, "scores": u @ v.t() / self.temperature}


MODELS = OrderedDict((cls.__name__, cls) for cls in (FM, DIN, DIEN, MMoE, FiBiNET, SENet, YouTubeDNN))


# ---------------------------------------------------------------- safetensors


_DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8"), torch.int32: ("I32", "<i4"),
           torch.bool: ("BOOL", "|b1")}
_NP = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "BOOL": "|b1"}


def safetensors_bytes(tensors, metadata=None):
    """8-byte LE header length, JSON header (sorted keys, space-padded to a multiple of 8), then the
    tensors' bytes back to back in sorted-name order (the layout of python/make_layer_fixtures.py)."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        dtype, np_dtype = _DTYPES[t.dtype]
        data = np.ascontiguousarray(t.numpy().astype(np_dtype, copy=False)).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def read_safetensors(path):
    """-> (OrderedDict name -> tensor, metadata dict)."""
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8: 8 + n])
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + n
    tensors = OrderedDict()
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[base + b: base + e], dtype=_NP[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, metadata


def state_tensors(model):
    """The state dict as exported: floats as F32, num_batches_tracked (and other ints) as I64, with
    the config's `prefix` (standalone SENet) prepended to every key."""
    prefix = model.config.get("prefix", "") if isinstance(getattr(model, "config", None), dict) else ""
    out = OrderedDict()
    for k, v in model.state_dict().items():
        v = v.detach().cpu()
        v = v.float() if v.is_floating_point() else v.long()
        out[prefix + k] = v.clone()
    return out


def export_metadata(model):
    return {"format": "pt", "reckit.model": type(model).__name__,
            "reckit.config": json.dumps(model.config, separators=(",", ":"))}


def export(model, path):
    """Write `path` (safetensors of model.state_dict(): F32 floats, I64 num_batches_tracked,
    __metadata__ {"format": "pt", "reckit.model": <class>, "reckit.config": <config JSON>}) and the
    sibling `<stem>.json` = {"model": <class>, "config": <config>}. Returns the two paths."""
    path = Path(path)
    name = type(model).__name__
    assert name in MODELS, f"not a reckit model: {name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(safetensors_bytes(state_tensors(model), export_metadata(model)))
    side = path.with_suffix(".json")
    side.write_text(json.dumps({"model": name, "config": model.config}, indent=1) + "\n")
    return path, side


def load(path):
    """Rebuild an exported module (eval mode) from `path` and its metadata (or the sibling .json)."""
    path = Path(path)
    tensors, metadata = read_safetensors(path)
    if "reckit.model" in metadata:
        name, config = metadata["reckit.model"], json.loads(metadata["reckit.config"])
    else:
        side = json.loads(path.with_suffix(".json").read_text())
        name, config = side["model"], side["config"]
    model = MODELS[name](config)
    prefix = config.get("prefix", "")
    state = OrderedDict((k[len(prefix):], v) for k, v in tensors.items())
    model.load_state_dict(state, strict=True)
    return model.eval()
