"""Inter-coder agreement of a project: per code, per coder pair, per transcript, overall.

Each code is a binary variable (applied or not) over the units (segments). Each summary
carries Krippendorff's alpha (with its bootstrap interval and band), percent agreement,
Fleiss', Gwet's AC1, Brennan-Prediger's kappa and Holsti's coefficient (what each counts:
:mod:`coding.multilabel`); each coder pair, Cohen's kappa, percent agreement, AC1,
Brennan-Prediger and Holsti; :class:`CoderMatrix` lays the pairs out coder x coder. *Overall*
pools every (unit, code) item over the codes applied in scope into one binary variable
(see :mod:`coding.multilabel`); codebook codes nobody applied are listed apart, so they
neither dilute nor inflate it. The bootstrap interval of alpha resamples units (with all
their codes), so it respects that one line's codes are not independent.

``consensus=True`` adds the state *after reconciliation*: each coder's agreement with the
consensus coding (:mod:`coding.consensus`), over the units whose consensus is settled.
Reliability proper is the *before* figure: reconciling does not make independent codings
agree more; it decides the coding the analysis uses. Agreement with that decision
(Krippendorff's "accuracy" against a standard) shows how far each coder was from it.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy.orm import Session

from coding.consensus import with_consensus
from coding.matrix import CodingData, Scope, load_coding
from coding.models import User
from coding.multilabel import MultiLabelAgreement, VariableAgreement, multilabel_agreement
from coding.bands import band
from coding.stats import Stat
from fgi.models import Project

NOT_COMPUTED = "not computed"
_NOT_COMPUTED = Stat.undefined(NOT_COMPUTED)


@dataclass(frozen=True)
class Summary:
    """Agreement on one code, one transcript, or overall (all codes pooled)."""

    name: str  # code path, transcript name, or "overall"
    key: str  # code path, transcript id, or "overall"
    alpha: Stat
    alpha_ci: tuple[float, float]
    band: str
    percent: Stat
    fleiss_kappa: Stat
    n_units: int  # units coded by two or more coders
    applied: int  # applications on those units
    gwet_ac1: Stat = _NOT_COMPUTED
    brennan_prediger: Stat = _NOT_COMPUTED
    holsti: Stat = _NOT_COMPUTED  # mean over coder pairs


@dataclass(frozen=True)
class PairAgreement:
    """Two coders over all codes pooled."""

    coder_a: str
    coder_b: str
    kappa: Stat
    percent: Stat
    n_units: int  # units both coded
    gwet_ac1: Stat = _NOT_COMPUTED
    brennan_prediger: Stat = _NOT_COMPUTED
    holsti: Stat = _NOT_COMPUTED


@dataclass(frozen=True)
class CoderMatrix:
    """Every coder against every other, all codes pooled: square tables in ``coders`` order,
    symmetric, NaN on the diagonal and where a pair's value is undefined."""

    coders: list[str]
    kappa: list[list[float]]
    percent: list[list[float]]
    gwet_ac1: list[list[float]]
    brennan_prediger: list[list[float]]
    holsti: list[list[float]]
    n_units: list[list[int]]  # units both coded


def coder_matrix(coders: list[str], pairs: Sequence[PairAgreement]) -> CoderMatrix:
    index = {name: i for i, name in enumerate(coders)}
    size = len(coders)

    def square(value) -> list[list]:
        table = [[math.nan] * size for _ in range(size)]
        for p in pairs:
            i, j = index[p.coder_a], index[p.coder_b]
            table[i][j] = table[j][i] = value(p)
        return table

    units = [[0] * size for _ in range(size)]
    for p in pairs:
        i, j = index[p.coder_a], index[p.coder_b]
        units[i][j] = units[j][i] = p.n_units
    return CoderMatrix(
        list(coders), square(lambda p: p.kappa.value), square(lambda p: p.percent.value),
        square(lambda p: p.gwet_ac1.value), square(lambda p: p.brennan_prediger.value),
        square(lambda p: p.holsti.value), units,
    )


@dataclass(frozen=True)
class ConsensusAgreement:
    """One coder against the consensus coding, all codes pooled."""

    coder: str
    alpha: Stat
    alpha_ci: tuple[float, float]
    band: str
    kappa: Stat
    percent: Stat
    n_units: int


@dataclass(frozen=True)
class AgreementReport:
    project: str
    transcript_id: str | None
    coders: list[str]
    n_units: int  # units in scope
    n_boot: int
    seed: int
    overall: Summary
    codes: list[Summary]
    pairs: list[PairAgreement]
    transcripts: list[Summary]
    unused_codes: list[str]
    consensus: list[ConsensusAgreement] | None = None
    settled_units: int | None = None  # units whose consensus is settled (after reconciliation)
    coder_matrix: CoderMatrix | None = None  # every pair, laid out coder x coder


def agreement_report(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
    include_backchannels: bool = False, include_moderator: bool = False, only_coded_units: bool = False,
    coders: Sequence[str] | None = None, consensus: bool = False, n_boot: int = 1000, seed: int = 0,
) -> AgreementReport:
    """Agreement of the coders in scope (``viewer`` must be allowed to see all their codings)."""
    scope = Scope(transcript_id, include_backchannels, include_moderator, only_coded_units,
                  tuple(coders) if coders is not None else None)
    data = load_coding(session, project, viewer, scope)
    result = multilabel_agreement(data.applied, data.coded, n_boot=n_boot, seed=seed)
    pair_rows = pairs(data.coders, result)
    report = AgreementReport(
        project=project.name,
        transcript_id=data.transcripts[0][0] if transcript_id is not None and data.transcripts else None,
        coders=data.coders, n_units=len(data.unit_ids), n_boot=n_boot, seed=seed,
        overall=summary("overall", "overall", result.pooled),
        codes=[summary(path, path, v) for path, v in zip(data.code_paths, result.codes)],
        pairs=pair_rows,
        transcripts=per_transcript(data, n_boot, seed),
        unused_codes=data.unused_codes,
        coder_matrix=coder_matrix(data.coders, pair_rows),
    )
    if not consensus:
        return report
    combined, settled = with_consensus(session, data)
    return replace(report, consensus=against_consensus(combined, n_boot, seed), settled_units=int(settled.sum()))


@dataclass(frozen=True)
class CodePairAlpha:
    """Alpha per code (rows) and coder pair (columns), each pair on its own; NaN where undefined."""

    codes: list[str]
    pairs: list[tuple[str, str]]
    values: list[list[float]]


def alpha_by_code_and_pair(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
    include_backchannels: bool = False, include_moderator: bool = False, only_coded_units: bool = False,
    coders: Sequence[str] | None = None,
) -> CodePairAlpha:
    """Each coder pair's alpha on each code, from one read of the codings (no bootstrap)."""
    scope = Scope(transcript_id, include_backchannels, include_moderator, only_coded_units,
                  tuple(coders) if coders is not None else None)
    data = load_coding(session, project, viewer, scope)
    pairs_, columns = [], []
    for i in range(len(data.coders)):
        for j in range(i + 1, len(data.coders)):
            result = multilabel_agreement(data.applied[:, [i, j]], data.coded[:, [i, j]], n_boot=0)
            pairs_.append((data.coders[i], data.coders[j]))
            columns.append([v.alpha.value for v in result.codes])
    values = [[column[k] for column in columns] for k in range(len(data.code_paths))]
    return CodePairAlpha(list(data.code_paths), pairs_, values)


def summary(name: str, key: str, v: VariableAgreement) -> Summary:
    return Summary(name, key, v.alpha, v.alpha_ci, band(v.alpha.value), v.percent, v.fleiss_kappa,
                   v.n_units, v.applied, v.gwet_ac1, v.brennan_prediger, v.holsti)


def pairs(names: list[str], result: MultiLabelAgreement) -> list[PairAgreement]:
    pooled = result.pooled
    return [
        PairAgreement(names[i], names[j], kappa, pooled.pair_percent[(i, j)], kappa.n_units,
                      pooled.pair_ac1[(i, j)], pooled.pair_brennan_prediger[(i, j)], pooled.pair_holsti[(i, j)])
        for (i, j), kappa in pooled.cohen.items()
    ]


def per_transcript(data: CodingData, n_boot: int, seed: int) -> list[Summary]:
    """Each transcript on its own: its units, the coders who coded it, the codes used in it."""
    rows = []
    for index, (tid, name) in enumerate(data.transcripts):
        part = data.subset(data.unit_transcript == index)
        coders = part.coded.any(axis=0)
        result = multilabel_agreement(part.applied[:, coders], part.coded[:, coders], n_boot=n_boot, seed=seed)
        rows.append(summary(name, tid, result.pooled))
    return rows


def against_consensus(combined: CodingData, n_boot: int, seed: int) -> list[ConsensusAgreement]:
    """Each coder (all but the last rater) against the consensus (the last), codes pooled."""
    rows = []
    for i, coder in enumerate(combined.coders[:-1]):
        raters = [i, len(combined.coders) - 1]
        pooled = multilabel_agreement(combined.applied[:, raters], combined.coded[:, raters],
                                      n_boot=n_boot, seed=seed).pooled
        rows.append(ConsensusAgreement(coder, pooled.alpha, pooled.alpha_ci, band(pooled.alpha.value),
                                       pooled.cohen[(0, 1)], pooled.percent, pooled.n_units))
    return rows


def as_json(report: AgreementReport) -> dict:
    """Plain JSON: NaN becomes null, and every undefined statistic gets its reason."""

    def stat(name: str, s: Stat, out: dict, reasons: dict) -> None:
        out[name] = s.value if s.defined else None
        if not s.defined:
            reasons[name] = s.reason  # the constant: stored in snapshots, read back by the app

    def entry(head: dict, stats: dict[str, Stat], extra: dict) -> dict:
        out, reasons = dict(head), {}
        for name, s in stats.items():
            stat(name, s, out, reasons)
        out.update(extra)
        out["reason"] = reasons.get("alpha") or reasons.get("kappa")
        out["reasons"] = reasons
        return out

    def interval(ci: tuple[float, float]) -> list[float | None]:
        return [None if np.isnan(x) else float(x) for x in ci]

    def block(s: Summary, head: dict) -> dict:
        return entry(head, {"alpha": s.alpha, "percent": s.percent, "fleiss_kappa": s.fleiss_kappa,
                            "gwet_ac1": s.gwet_ac1, "brennan_prediger": s.brennan_prediger, "holsti": s.holsti},
                     {"alpha_ci": interval(s.alpha_ci), "band": s.band, "n_units": s.n_units,
                      "applied": s.applied})

    def square(table: list[list[float]]) -> list[list[float | None]]:
        return [[None if isinstance(x, float) and math.isnan(x) else x for x in row] for row in table]

    data = {
        "project": report.project, "transcript": report.transcript_id, "coders": report.coders,
        "units": report.n_units, "bootstrap": {"resamples": report.n_boot, "seed": report.seed},
        "overall": block(report.overall, {}),
        "codes": [block(s, {"code": s.key}) for s in report.codes],
        "pairs": [entry({"coder_a": p.coder_a, "coder_b": p.coder_b},
                        {"kappa": p.kappa, "percent": p.percent, "gwet_ac1": p.gwet_ac1,
                         "brennan_prediger": p.brennan_prediger, "holsti": p.holsti},
                        {"n_units": p.n_units}) for p in report.pairs],
        "transcripts": [block(s, {"transcript": s.key, "name": s.name}) for s in report.transcripts],
        "unused_codes": report.unused_codes,
    }
    if report.coder_matrix is not None:
        m = report.coder_matrix
        data["coder_matrix"] = {
            "coders": m.coders, "kappa": square(m.kappa), "percent": square(m.percent),
            "gwet_ac1": square(m.gwet_ac1), "brennan_prediger": square(m.brennan_prediger),
            "holsti": square(m.holsti), "n_units": m.n_units,
        }
    if report.consensus is not None:
        data["after_reconciliation"] = {
            "settled_units": report.settled_units,
            "coders": [entry({"coder": c.coder}, {"alpha": c.alpha, "kappa": c.kappa, "percent": c.percent},
                             {"alpha_ci": interval(c.alpha_ci), "band": c.band, "n_units": c.n_units})
                       for c in report.consensus],
        }
    return data
