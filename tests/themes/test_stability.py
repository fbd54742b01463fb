"""Bootstrap stability of candidates: computed, reproducible, stored and shown."""

import numpy as np

from tests.themes.study import study  # noqa: F401 (fixture)
from themes.proposer import ThemeProposer
from themes.stability import bootstrap_stability


def test_a_grouping_that_holds_reappears_and_a_random_one_does_not():
    labels = np.array([0] * 10 + [1] * 10)

    def faithful(rows, seed):
        return labels[rows]

    def random_split(rows, seed):
        return np.random.default_rng(seed).integers(0, 2, len(rows))

    solid = bootstrap_stability(labels, faithful, n_boot=8, random_state=1)
    shaky = bootstrap_stability(labels, random_split, n_boot=8, random_state=1)
    assert all(s.share == 1.0 and s.resamples == 8 and s.mean_jaccard == 1.0 for s in solid.values())
    assert all(s.share < 0.5 for s in shaky.values())


def test_stability_is_reproducible_and_depends_on_the_seed():
    labels = np.array([0] * 6 + [1] * 6 + [2] * 6)

    def noisy(rows, seed):
        out = labels[rows].copy()
        flip = np.random.default_rng(seed).random(len(rows)) < 0.3
        out[flip] = (out[flip] + 1) % 3
        return out

    a = bootstrap_stability(labels, noisy, random_state=4)
    b = bootstrap_stability(labels, noisy, random_state=4)
    assert a == b
    assert {c: s.mean_jaccard for c, s in a.items()} != {
        c: s.mean_jaccard for c, s in bootstrap_stability(labels, noisy, random_state=5).items()}


def test_each_candidate_carries_its_stability(topic_texts):
    texts, _ = topic_texts
    first = ThemeProposer(k="auto", random_state=0).fit(texts).candidates_
    again = ThemeProposer(k="auto", random_state=0).fit(texts).candidates_
    assert [(c.members, c.label, c.stability) for c in first] == [(c.members, c.label, c.stability) for c in again]
    assert all(c.resamples == 10 and 0.0 <= c.stability <= 1.0 for c in first)
    assert min(c.stability for c in first) >= 0.8  # three clear topics reappear every time
    none = ThemeProposer(k="auto", random_state=0, n_boot=0).fit(texts).candidates_
    assert all(c.stability is None and c.resamples == 0 for c in none)


def test_a_stored_run_keeps_each_candidates_stability(study):  # noqa: F811 (fixture)
    from coding.users import get_user
    from tests.themes.study import LEAD
    from themes.proposals import ProposalSettings, propose
    from themes.runs import get_run

    seen = []
    for _ in range(2):
        with study.db.transaction() as session:
            project = study.project(session)
            lead = get_user(session, LEAD)
            run = get_run(session, project, propose(session, project, ProposalSettings(seed=2), viewer=lead),
                          viewer=lead)
            seen.append([(c.label, c.stability, c.resamples) for c in run.candidates])
            assert run.details["stability"] == [c.stability for c in run.candidates]
    assert seen[0] == seen[1]  # same input and seed: same candidates, same stabilities
    assert all(r == 10 and 0.0 <= s <= 1.0 for _, s, r in seen[0])
