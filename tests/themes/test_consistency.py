"""The coding-consistency check: lines far from their code's other lines, ranked, with
the code they fit better; a lead's check (it reads every coder's codings)."""

from __future__ import annotations

import pytest
from collections import Counter

from coding.applications import apply_code
from coding.codebook import code_index
from coding.errors import PermissionDenied
from coding.users import get_user
from fgi.errors import FgiError
from tests.themes.study import A, B, LEAD, study  # noqa: F401 (fixture)
from themes.consistency import coding_consistency
from themes.consistency_score import consistency_scores

JOBS = [["취업", "면접", "이력서"], ["취업", "면접"], ["면접", "이력서", "회사"], ["취업", "회사"]]
FOOD = [["김치", "반찬"], ["김치", "밥"], ["반찬", "밥", "김치"], ["밥", "국"]]


def test_a_line_coded_against_its_content_ranks_first_with_the_code_it_fits():
    tokens = JOBS + FOOD + [["면접", "이력서", "취업"]]
    pairs = [(i, "취업") for i in range(4)] + [(i, "음식") for i in range(4, 8)] + [(8, "음식")]
    scores = consistency_scores(tokens, pairs)
    first = scores[0]
    assert (first.line, first.code, first.better) == (8, "음식", "취업")
    assert first.doubt > 0 > scores[-1].doubt and first.fit < first.better_fit
    assert scores == consistency_scores(tokens, list(reversed(pairs)))  # order of input does not matter


def test_a_code_with_too_few_lines_is_not_judged_and_its_own_codes_are_not_offered():
    tokens = JOBS + [["김치"], ["김치", "밥"], ["김치", "면접"]]
    pairs = ([(i, "취업") for i in range(4)] + [(0, "면접"), (1, "면접"), (2, "면접"), (4, "음식"), (5, "음식"),
                                                  (6, "반찬")])
    scores = consistency_scores(tokens, pairs)
    assert {s.code for s in scores} == {"취업", "면접"}  # 음식 has one other line per line, 반찬 none
    for s in scores:  # the codes a line carries are not offered, nor a code with one line
        assert s.better not in ({"취업", "면접"} if s.line < 3 else {"취업"}) and s.better != "반찬"


def _wrong_pair(session, project, study):
    """A line coder A coded with the commonest code, and a code with several lines of its own
    that does not fit it: coder B codes the line with that."""
    counts = Counter(path for _, path in study.a_codings)
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # ties by name: the same pair every run
    path = common[0][0]
    wrong = common[3][0]
    line = sorted(s for s, p in study.a_codings if p == path and (s, wrong) not in study.a_codings)[0]
    return line, wrong, code_index(session, project)[wrong].id


def test_the_lead_sees_a_planted_miscoding_near_the_top_and_a_coder_is_refused(study):  # noqa: F811
    with study.db.transaction() as session:
        project = study.project(session)
        line, wrong, wrong_id = _wrong_pair(session, project, study)
        apply_code(session, get_user(session, B), line, wrong_id)
    with study.db.transaction() as session:
        project = study.project(session)
        found = coding_consistency(session, project, actor=get_user(session, LEAD), limit=10)
        again = coding_consistency(session, project, actor=get_user(session, LEAD), limit=10)
        assert found == again and len(found) == 10
        assert [d.doubt for d in found] == sorted((d.doubt for d in found), reverse=True)
        planted = next(d for d in found if (d.segment_id, d.code_path) == (line, wrong))
        assert planted.coders == (B,) and planted.better_path not in (None, wrong)
        assert planted.better_fit > planted.fit and planted.text
        only = coding_consistency(session, project, actor=get_user(session, LEAD), code_path=wrong)
        assert only and {d.code_path for d in only} == {wrong}
        with pytest.raises(PermissionDenied):
            coding_consistency(session, project, actor=get_user(session, A))
        with pytest.raises(FgiError, match="no code"):
            coding_consistency(session, project, actor=get_user(session, LEAD), code_path="없는 코드")
