"""Every label the app shows, in one place (Korean first; an English table can sit beside it)."""

from __future__ import annotations

KO = {
    "app.title": "FGI 질적분석",
    "nav.study": "연구",
    "page.projects": "프로젝트 / 가져오기",
    "page.transcripts": "전사본 보기",
    "projects.none": "아직 프로젝트가 없습니다. 아래에서 새 프로젝트를 만드세요.",
    "projects.create": "새 프로젝트",
    "projects.name": "프로젝트 이름",
    "projects.create.button": "만들기",
    "projects.created": "프로젝트를 만들었습니다: {name}",
    "projects.col.name": "프로젝트",
    "projects.col.transcripts": "전사본",
    "projects.col.segments": "분석 단위",
    "import.title": "전사본 가져오기",
    "import.project": "프로젝트",
    "import.files": "전사본 파일 (CLOVA Note .txt, 화자: 형식 .txt, .docx, .srt, .vtt)",
    "import.group": "집단 (예: 실무자, 참여주민)",
    "import.unit": "분석 단위",
    "import.unit.line": "줄 (발화 한 줄)",
    "import.unit.sentence": "문장",
    "import.button": "가져오기",
    "import.progress": "{what}",
    "import.done": "{name}: {segments}개 단위 (맞장구 {backchannels}개), 화자 {speakers}",
    "transcripts.project": "프로젝트",
    "transcripts.transcript": "전사본",
    "transcripts.none": "이 프로젝트에는 아직 전사본이 없습니다.",
    "transcripts.summary": "{segments}개 단위 · 형식 {format} · 집단 {group}",
    "transcripts.hide_backchannels": "맞장구(네, 음…) 숨기기",
    "transcripts.participants": "참여자",
    "transcripts.participants.save": "참여자 정보 저장",
    "transcripts.participants.saved": "참여자 정보를 저장했습니다.",
    "col.line": "줄",
    "col.time": "시간",
    "col.speaker": "화자",
    "col.participant": "가명",
    "col.role": "역할",
    "col.text": "발화",
    "col.backchannel": "맞장구",
    "col.group": "집단",
    "role.moderator": "진행자",
    "role.participant": "참여자",
    "error": "오류: {message}",
}

EN = {
    "app.title": "FGI qualitative analysis",
    "nav.study": "Study",
    "page.projects": "Projects / import",
    "page.transcripts": "Transcripts",
}


def t(key: str, lang: str = "ko", **values: object) -> str:
    table = EN if lang == "en" else KO
    return (table.get(key) or KO[key]).format(**values)
