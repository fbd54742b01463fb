"""``fgi agreement``, ``fgi reconcile`` and ``fgi reveal`` (owned by the agreement work).

coding/cli.py calls ``register_agreement(app)`` after registering its own commands.
"""

from __future__ import annotations

import typer


def register_agreement(app: typer.Typer) -> None:
    """Add the agreement and reconciliation commands to ``app`` (none yet)."""
