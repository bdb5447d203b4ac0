"""Audit of the 2024 Sora compute article: each stated number against what its own inputs imply.

Run: ``python examples/sora_audit.py`` (add ``--json`` for machine-readable rows).
"""

from __future__ import annotations

import json
import sys

from flopcast.catalog.sora import audit


def main(argv: list[str] | None = None) -> None:
    """Print the audit table (or its rows as JSON with ``--json``)."""
    args = sys.argv[1:] if argv is None else argv
    result = audit()
    if "--json" in args:
        print(json.dumps(result.to_rows(), indent=2))
        return
    print("Audit of the Sora compute article (R = reproduction of a stated number; 1-6 = the reference's list)\n")
    print(result)


if __name__ == "__main__":
    main()
