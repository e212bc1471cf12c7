"""Defer a dependency's import of a module it only needs on a path the app never takes.

`cookiecutter.main` imports `requests` (with urllib3, ssl and certifi) at import time, only
to download zipped templates from a URL. The app refuses remote templates before rendering,
yet paid ~70 ms for that import on every `scaffolder new`: more than the app's whole margin
against running the bare tools. `importlib.util.LazyLoader` cannot help: an `import requests`
statement reads the module's `__spec__`, and any attribute read makes a lazy module load.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class DeferredModule(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then imports it for real
    and forwards every attribute read to it. Its `__spec__` is None, so an `import` statement
    takes it as it is, without loading anything. Introspection loads it too (PySide6's import
    hook reads `__file__`): correct, only not deferred."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


@contextmanager
def deferred_import(name: str) -> Iterator[None]:
    """While the block runs, `import <name>` binds a DeferredModule instead of importing.

    Afterwards `sys.modules` is as before: later imports of `name` anywhere are real ones,
    and the modules that imported it during the block still reach the real module on first use.
    """
    if name in sys.modules:
        yield
        return
    standin = DeferredModule(name)
    sys.modules[name] = standin
    try:
        yield
    finally:
        if sys.modules.get(name) is standin:
            del sys.modules[name]
