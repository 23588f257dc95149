"""DocFlow shared package: the code every Lambda function of DocFlow stands on.

Submodules are imported explicitly (``from docflow.config import get_settings``); this top
level imports nothing so that a function pays only for what it uses.
"""

__version__ = "0.1.0"
