"""The built-in feature spaces, registered through the same hook as a plugin's."""

from __future__ import annotations

from narrascope.encode.base import Encoder, register_encoder


def _minilm() -> Encoder:
    from narrascope.encode.minilm import MiniLMEncoder

    return MiniLMEncoder()


def _multi() -> Encoder:
    from narrascope.encode.multi import MultiEncoder

    return MultiEncoder()


register_encoder("minilm", _minilm)
register_encoder("multi", _multi)
