"""Sentence encoders served with ONNX Runtime or numpy: no torch at run time."""

from narrascope.encode.base import (
    Encoder,
    FullOutput,
    TokenEncoder,
    TokenOutput,
    get_encoder,
    get_token_encoder,
    register_encoder,
)
from narrascope.encode.manifest import ModelFileError

__all__ = [
    "Encoder",
    "FullOutput",
    "ModelFileError",
    "TokenEncoder",
    "TokenOutput",
    "get_encoder",
    "get_token_encoder",
    "register_encoder",
]
