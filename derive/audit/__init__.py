"""Audits: the equations of a document, the tutorial's claims, and their reports.

The package is also the notebook's `audit` (`from derive import audit`): calling it audits a
document, see `derive.notebook.audit`. (`derive.audit` names this package as soon as any of its
modules is imported, so the function `from derive import audit` gives must be the package.)
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, path_or_text=None, **options):
        """`audit()`: the tutorial's claims; `audit("notes.md")`: a file; `audit(text)`: a
        document's text. A `Report` (see `derive.notebook.audit`)."""
        from derive.notebook import audit
        return audit(path_or_text, **options)


sys.modules[__name__].__class__ = _CallablePackage
