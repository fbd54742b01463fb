"""Writes irrcac_reference.json: seeded multi-label codings and the values the independent
``irrCAC`` package (Fergadis, a port of Gwet's R package) computes for them.

irrCAC pins scipy==1.12, pandas<3 and coverage<7, which the project's environment cannot
take, so it runs here in a separate virtual environment:

    python3 -m venv /tmp/irrvenv && /tmp/irrvenv/bin/pip install irrCAC==0.4.4
    /tmp/irrvenv/bin/python tests/coding/data/make_irrcac_reference.py

The datasets are drawn with numpy's seeded generator and written out whole, so the tests
read the same ratings whatever numpy they run with.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from irrCAC.raw import CAC

OUT = Path(__file__).with_name("irrcac_reference.json")


def dataset(name, seed, units, coders, prevalence, missing, block=None):
    """applied[u][c][k] as 0/1 or None where coder c did not code unit u."""
    rng = np.random.default_rng(seed)
    codes = len(prevalence)
    truth = rng.random((units, codes)) < np.array(prevalence)
    hit = rng.uniform(0.7, 0.95, coders)[None, :, None]
    noise = rng.uniform(0.0, 0.04, coders)[None, :, None]
    draw = rng.random((units, coders, codes))
    applied = np.where(truth[:, None, :], draw < hit, draw < noise)
    if block:  # whole transcripts a coder skipped
        skipped = rng.random((units // block + 1, coders)) < missing
        coded = ~skipped[np.arange(units) // block]
    else:  # single lines a coder left out
        coded = rng.random((units, coders)) >= missing
    ratings = [[[int(applied[u, c, k]) if coded[u, c] else None for k in range(codes)]
                for c in range(coders)] for u in range(units)]
    return {"name": name, "seed": seed, "ratings": ratings}


def irrcac(matrix: np.ndarray) -> dict:
    cac = CAC(pd.DataFrame(matrix), categories=[0, 1], digits=12)
    return {"gwet_ac1": float(cac.gwet()["est"]["coefficient_value"]),
            "fleiss_generalized": float(cac.fleiss()["est"]["coefficient_value"]),
            "krippendorff_alpha": float(cac.krippendorff()["est"]["coefficient_value"])}


def main() -> None:
    sets = [
        dataset("three coders, a rare code, transcripts skipped", 1, 240, 3, [0.02, 0.08, 0.3, 0.5], 0.2, block=40),
        dataset("five coders, lines left out", 2, 120, 5, [0.04, 0.15, 0.45], 0.2),
        dataset("two coders, complete, rare codes", 3, 300, 2, [0.01, 0.03, 0.2], 0.0),
        dataset("four coders, transcripts skipped", 4, 200, 4, [0.05, 0.1, 0.25, 0.6, 0.02], 0.25, block=25),
    ]
    for data in sets:
        ratings = np.array([[[np.nan if v is None else v for v in coder] for coder in unit]
                            for unit in data["ratings"]], dtype=float)  # units x coders x codes
        data["codes"] = [irrcac(ratings[:, :, k]) for k in range(ratings.shape[2])]
        items = np.vstack([ratings[:, :, k] for k in range(ratings.shape[2])])
        data["pooled"] = irrcac(items)
    OUT.write_text(json.dumps({"source": "irrCAC 0.4.4, CAC(ratings, categories=[0, 1])", "datasets": sets}))


if __name__ == "__main__":
    main()
