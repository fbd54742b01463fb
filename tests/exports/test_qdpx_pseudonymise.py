"""A ``.qdpx`` import is pseudonymised like any import, and its selections still land on
the lines they coded, also when the text they cover was masked."""

from __future__ import annotations

from sqlalchemy import select

from coding.models import CodeApplication
from coding.refi import import_qdpx
from fgi.models import Participant, PseudonymKey, Segment, Transcript
from fgi.study import get_project
from tests.exports.test_qdpx_import import G, _archive

TEXT = ("김도현: 안녕하세요, 저는 김도현입니다.\n"
        "이민지: 제 번호는 +82 10-1234-5678이고 메일은 minji(at)example.com 이에요.\n"
        "김도현: 민지 씨 말이 맞아요. 주민번호 900101–2345678 같은 건 빼고요.\n"
        "이민지: 도현이가 정리해 줄 거예요.\n")


def _selection(guid: int, start: int, end: int) -> str:
    return (f'<PlainTextSelection guid="{G(guid)}" startPosition="{start}" endPosition="{end}" creatingUser="{G(1)}">'
            f'<Coding guid="{G(guid + 1)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(11)}"/></Coding>'
            '</PlainTextSelection>')


def test_qdpx_import_masks_names_and_keeps_selections_on_their_lines(db, kiwi, tmp_path):
    phone = TEXT.index("+82")
    selections = [
        (100, phone, phone + len("+82 10-1234-5678")),  # exactly the phone number (line 2)
        (110, TEXT.index("민지 씨"), TEXT.index("민지 씨") + 2),  # the given name (line 3)
        (120, TEXT.index("1234-5678") + 2, TEXT.index("이고")),  # starts inside the number (line 2)
        (130, TEXT.index("도현이가"), TEXT.index("도현이가") + 8),  # covers a masked name (line 4)
        (140, TEXT.index("저는"), TEXT.index("입니다")),  # the full name inside line 1
    ]
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="이름 있는 프로젝트" origin="OtherQDA">
  <Users><User guid="{G(1)}" name="Coder"/></Users>
  <CodeBook><Codes><Code guid="{G(11)}" name="연락처" isCodable="true"/></Codes></CodeBook>
  <Cases><Case guid="{G(50)}" name="김도현"><SourceRef targetGUID="{G(20)}"/></Case></Cases>
  <Sources>
    <TextSource guid="{G(20)}" name="김도현 이민지 면담" plainTextPath="internal://{G(20)}.txt">
      {''.join(_selection(*s) for s in selections)}
    </TextSource>
  </Sources>
</Project>
"""
    path = _archive(tmp_path / "names.qdpx", qde, {f"sources/{G(20)}.txt": TEXT.encode("utf-8")})
    with db.transaction() as session:
        result = import_qdpx(session, path, None, actor="연구자", analyzer=kiwi)
    with db.reading() as session:
        project = get_project(session, result.project)
        transcript = session.scalars(select(Transcript).where(Transcript.project_id == project.id)).one()
        segments = list(session.scalars(select(Segment).where(Segment.transcript_id == transcript.id)
                                        .order_by(Segment.line)))
        coded = sorted(session.execute(select(Segment.line).join(CodeApplication)
                                       .where(Segment.transcript_id == transcript.id)).scalars())
        pseudonyms = set(session.scalars(select(Participant.pseudonym).where(Participant.project_id == project.id)))
        keys = {(k.kind, k.original) for k in session.scalars(select(PseudonymKey))}
    stored = "\n".join([transcript.name, transcript.source_name, transcript.text, *(s.text for s in segments),
                        *(s.speaker or "" for s in segments), *pseudonyms])
    for secret in ("김도현", "이민지", "도현", "민지", "1234", "5678", "minji", "900101"):
        assert secret not in stored, secret
    assert transcript.name == "전사본 1"
    assert ("file", "김도현 이민지 면담.txt") in keys and ("speaker", "김도현") in keys
    for segment in segments:
        assert transcript.text[segment.start:segment.end] == segment.text
    assert [s.line for s in segments] == [1, 2, 3, 4]
    assert coded == [1, 2, 3, 4]  # every selection on its own line; two on line 2 make one coding
    assert pseudonyms == {"P01", "P02"}  # the case named 김도현 gave no name


def test_original_file_names_leave_only_when_a_lead_asks(db, kiwi, tmp_path):
    import pytest

    from coding import users
    from coding.refi.collect import collect_project
    from coding.refi.export import write_qdpx
    from fgi.errors import FgiError
    from tests.exports.test_privacy_and_cli import _all_text
    from tests.fgi.test_pseudonymise import _import_named_file

    _import_named_file(db, kiwi, tmp_path)
    with db.transaction() as session:
        project = get_project(session, "이름 시험")
        lead = users.create_user(session, "팀장", "비밀번호1234", role="lead", actor="setup")
        coder = users.create_user(session, "코더", "비밀번호1234", role="coder", actor="setup")
        for user in (lead, coder):
            users.add_member(session, project, user, actor="setup")
        plain = write_qdpx(collect_project(session, project, viewer=lead), tmp_path / "plain.qdpx")
        named = write_qdpx(collect_project(session, project, viewer=lead, original_names=True),
                           tmp_path / "named.qdpx")
        with pytest.raises(FgiError):
            collect_project(session, project, viewer=coder, original_names=True)
    plain_text, named_text = _all_text(plain), _all_text(named)
    for secret in ("김도현", "이민지", "정하늘"):
        assert secret not in plain_text
    assert "김도현_이민지_면담" in named_text and "작성자: 정하늘" in named_text
    assert "작성자 [이름]" in named_text  # the text itself stays pseudonymised
