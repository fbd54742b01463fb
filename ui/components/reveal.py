"""Reveal as a deliberate step (a second, explaining confirm control), the stored agreement
of the independent coding ("독립 코딩 일치도 (공개 시점)"), the post-reveal notices and the
list of post-reveal changes. Used by the 코딩, 일치도, 조정 and 코딩 라운드 pages."""

from __future__ import annotations

import streamlit as st

from coding.applications import is_revealed, reveal
from coding.models import POST_REVEAL_ALLOWED
from coding.reveal import ChangeAfterReveal, latest_snapshots, post_reveal_changes, post_reveal_policy
from coding.rounds import RoundClosed
from coding.users import get_user
from fgi.errors import FgiError
from fgi.models import Transcript
from fgi.study import get_project
from ui.resources import database, show_error
from ui.safe import literal, md
from ui.text import t


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ci(ci) -> str:
    return "—" if ci[0] is None or ci[1] is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _at(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def error_text(error: FgiError) -> str:
    """A domain error as the coding panel shows it: Korean for the reveal and round rules."""
    if isinstance(error, ChangeAfterReveal):
        return t("reveal.error.blocked")
    if isinstance(error, RoundClosed):
        return t("reveal.error.round_closed")
    return error.message


def reveal_control(project_name: str, transcript_id: str, user_name: str, *, key: str) -> None:
    """For a lead, on a blind project's unrevealed transcript: a reveal button that asks for a
    confirmation saying what will happen; nothing for anyone else."""
    with database().reading() as session:
        project, me = get_project(session, project_name), get_user(session, user_name)
        transcript = session.get(Transcript, transcript_id)
        if not (me.is_lead and project.blind_coding) or transcript is None or is_revealed(session, transcript_id):
            return
        name, policy = transcript.name, post_reveal_policy(session, project)
    asking = f"{key}.confirm"
    if st.session_state.get(asking) != transcript_id:
        if st.button(t("reveal.start"), icon=":material/visibility:", key=f"{key}.start"):
            st.session_state[asking] = transcript_id
            st.rerun()
        return
    with st.container(border=True, key=f"{key}-confirm"):
        st.warning(md("reveal.confirm.what", transcript=name, policy=t(f"reveal.policy.{policy}")),
                   icon=":material/warning:")
        yes, no = st.columns(2)
        if yes.button(t("reveal.confirm.yes"), type="primary", key=f"{key}.yes"):
            st.session_state.pop(asking, None)
            try:
                with database().transaction() as session:
                    reveal(session, get_user(session, user_name), transcript_id, reason=t("reveal.reason"))
                st.cache_data.clear()  # agreement reports cached for the blind state
                st.session_state[f"{key}.done"] = transcript_id
                st.rerun()
            except FgiError as error:
                show_error(error)
        if no.button(t("reveal.confirm.no"), key=f"{key}.no"):
            st.session_state.pop(asking, None)
            st.rerun()


def independent_figures(project_name: str, user_name: str, transcript_id: str | None = None, *,
                        live_note: bool = True) -> None:
    """The stored agreement at reveal of the transcript in scope (or of every revealed one),
    labelled as the independent coding's reliability, and the post-reveal changes apart."""
    with database().reading() as session:
        project, me = get_project(session, project_name), get_user(session, user_name)
        found = latest_snapshots(session, project, viewer=me, transcript_id=transcript_id)
        revealed = transcript_id is not None and is_revealed(session, transcript_id)
        changes = post_reveal_changes(session, project, viewer=me, transcript_id=transcript_id)
    if not found:
        if revealed:
            st.caption(t("reveal.snapshot.none"))
        return
    with st.container(border=True, key="reveal-snapshot"):
        st.subheader(t("reveal.snapshot"), help=t("reveal.snapshot.help"))
        if len(found) == 1:
            s = found[0]
            o = s.overall
            a, b, c = st.columns(3)
            a.metric(t("reveal.alpha"), literal(_n(o["alpha"])))
            b.metric(t("reveal.percent"), literal(_n(o["percent"])))
            c.metric(t("reveal.kappa"), literal(_n(o["fleiss_kappa"])))
            st.caption(md("reveal.snapshot.at", at=_at(s.revealed_at), by=s.revealed_by, codings=s.codings,
                         ci=_ci(o["alpha_ci"])))
        else:
            st.dataframe([{t("reveal.col.transcript"): s.transcript, t("reveal.col.round"): s.round_number,
                           t("reveal.col.at"): _at(s.revealed_at), t("agreement.alpha"): _n(s.overall["alpha"]),
                           t("reveal.col.ci"): _ci(s.overall["alpha_ci"]),
                           t("agreement.percent"): _n(s.overall["percent"]),
                           t("reveal.col.kappa"): _n(s.overall["fleiss_kappa"]),
                           t("reveal.col.codings"): s.codings} for s in found], hide_index=True, width="stretch")
        with st.expander(t("reveal.codes")):
            st.dataframe([{t("reveal.col.transcript"): s.transcript, t("agreement.col.code"): e["code"],
                           t("agreement.alpha"): _n(e["alpha"]), t("reveal.col.ci"): _ci(e["alpha_ci"]),
                           t("agreement.percent"): _n(e["percent"]), t("reveal.col.kappa"): _n(e["fleiss_kappa"]),
                           t("agreement.col.units"): e["n_units"]}
                          for s in found for e in s.report["codes"]], hide_index=True, width="stretch")
        if changes:
            with st.expander(t("reveal.changes", count=len(changes))):
                st.dataframe([{t("reveal.col.transcript"): c.transcript, t("col.line"): c.line,
                               t("reveal.col.change"): t(f"reveal.change.{c.kind}"),
                               t("agreement.col.code"): c.code, t("reveal.col.coder"): c.coder,
                               t("reveal.col.at"): _at(c.at)} for c in changes], hide_index=True, width="stretch")
        if live_note:
            st.caption(t("reveal.live"))


def change_notice(project_name: str, transcript_id: str) -> None:
    """On the coding page: what the post-reveal setting means for this revealed transcript."""
    with database().reading() as session:
        if not is_revealed(session, transcript_id):
            return
        policy = post_reveal_policy(session, get_project(session, project_name))
    if policy == POST_REVEAL_ALLOWED:
        st.info(t("reveal.allowed"), icon=":material/history:")
    else:
        st.warning(t("reveal.blocked"), icon=":material/lock:")


def agreement_page_panel(project_name: str, user_name: str, transcript_id: str | None) -> None:
    """The 일치도 page's reveal step and the independent coding's figures for its scope."""
    if transcript_id is not None:
        reveal_control(project_name, transcript_id, user_name, key="agreement.reveal")
    independent_figures(project_name, user_name, transcript_id)
