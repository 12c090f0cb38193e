"""Alias kept for old imports: ``narrascope.train.techniques`` is ``narrascope.analyze.techniques.train``, the
recipe moved into its detector's folder. Importing either name gives the same module object, so a name
imported or patched through one is the other's."""

import sys
from importlib import import_module

sys.modules[__name__] = import_module("narrascope.analyze.techniques.train")
