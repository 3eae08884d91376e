"""derive: derive and verify the mathematics of neural networks with SymPy.

In Python and Jupyter: `from derive import check, differentiate, backprop, audit, MLP`. Importing
the package is cheap: SymPy and NumPy load only when a command needs them.
"""

__version__ = "0.1.0"

_NOTEBOOK = ("check", "differentiate", "backprop")   # derive.notebook, loaded only when asked for


def __getattr__(name):
    if name == "MLP":  # `from derive import MLP`, loaded only when asked for
        from derive.numeric.mlp import MLP
        return MLP
    if name in _NOTEBOOK:
        import importlib
        return getattr(importlib.import_module("derive.notebook"), name)
    if name == "audit":  # the package derive.audit, which audits when called
        import importlib
        return importlib.import_module("derive.audit")
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
