"""Alias kept for old imports: ``narrascope.train.tagger_eval`` is
``narrascope.analyze.techniques.train_tagger_eval``, the recipe moved into its detector's folder. Importing
either name gives the same module object, so a name imported or patched through one is the other's."""

import sys
from importlib import import_module

if __name__ == "__main__":  # ``python -m narrascope.train.tagger_eval``: the moved module's command line
    raise SystemExit(import_module("narrascope.analyze.techniques.train_tagger_eval").main())
sys.modules[__name__] = import_module("narrascope.analyze.techniques.train_tagger_eval")
