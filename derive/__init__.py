"""derive: derive and verify the mathematics of neural networks with SymPy.

Importing the package is cheap: SymPy and NumPy load only when a command needs them.
"""

__version__ = "0.1.0"


def __getattr__(name):
    if name == "MLP":  # `from derive import MLP`, loaded only when asked for
        from derive.numeric.mlp import MLP
        return MLP
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
