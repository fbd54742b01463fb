"""The 주제 page shows each candidate's stability on its card."""

from __future__ import annotations

from coding.users import get_user
from tests.ui.conftest import read_demo, run_as
from themes.runs import get_run


def test_each_card_says_how_often_its_candidate_reappeared(demo_url):
    app = run_as("팀장", "themes")
    next(n for n in app.number_input if n.label.startswith("후보 수")).set_value(3)
    next(b for b in app.button if b.label.startswith("제안 실행")).click()
    app.run()
    assert not app.exception, app.exception
    run = read_demo(demo_url, lambda s, p: get_run(s, p, viewer=get_user(s, "팀장")))
    shown = [c.value for c in app.caption if c.value.startswith("안정도")]
    assert len(shown) == len(run.candidates) == 3
    for caption, candidate in zip(shown, run.candidates):
        times = round(candidate.stability * candidate.resamples)
        assert f"{candidate.resamples}번 중 {times}번" in caption
        assert any(level in caption for level in ("견고", "보통", "불안정"))
