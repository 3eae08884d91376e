"""derive: derive and verify the mathematics of neural networks with SymPy.

Importing the package is cheap: SymPy and NumPy load only when a command needs them.
"""

__version__ = "0.1.0"
