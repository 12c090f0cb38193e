"""Sentence encoders served with ONNX Runtime or numpy: no torch at run time."""

from narrascope.encode.base import Encoder, get_encoder, register_encoder

__all__ = ["Encoder", "get_encoder", "register_encoder"]
