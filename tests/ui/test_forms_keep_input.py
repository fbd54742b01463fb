"""A refused form keeps what was typed; a change that went through empties the form.
One AppTest per kind of form: login, new project, import, codebook add and edit, new user,
new theme node."""

from __future__ import annotations

from fgi.demo import DEMO_PROJECT as DEMO
from tests.conftest import REPO
from tests.ui.conftest import PASSWORD, add_admin, run_as


def _button(app, label):
    return next(b for b in app.button if b.label == label)


def _text(app, key):
    return app.text_input(key=key)


def _errors(app) -> list[str]:
    return [e.value for e in app.error]


def test_a_refused_login_keeps_the_name(demo_url):
    app = run_as(None)
    app.text_input(key="login.name").input("코더2")
    app.text_input(key="login.password").input("틀린비밀번호")
    _button(app, "로그인").click()
    app.run()
    assert any("맞지 않습니다" in e for e in _errors(app))
    assert app.text_input(key="login.name").value == "코더2"
    app.text_input(key="login.password").input(PASSWORD)
    _button(app, "로그인").click()
    app.run()
    assert not app.exception and app.header[0].value == "프로젝트 / 가져오기"


def test_a_refused_project_keeps_its_name_and_a_made_one_empties_the_form(demo_url):
    app = run_as(add_admin(demo_url))
    _text(app, "create-project.0.name").input(DEMO)  # exists already
    app.checkbox(key="create-project.0.blind").uncheck()
    _button(app, "만들기").click()
    app.run()
    assert _errors(app), "a second project of the same name is refused"
    assert _text(app, "create-project.0.name").value == DEMO
    assert app.checkbox(key="create-project.0.blind").value is False
    _text(app, "create-project.0.name").input("새 연구")
    _button(app, "만들기").click()
    app.run()
    assert not _errors(app) and app.sidebar.selectbox[0].value == "새 연구"
    assert _text(app, "create-project.1.name").value == ""
    assert app.checkbox(key="create-project.1.blind").value is True


def test_a_refused_import_keeps_the_files_and_the_group(demo_url):
    app = run_as("팀장")
    sample = (REPO / "transcripts" / "주민_FGI_1차.txt").read_bytes()  # the demo has it already
    app.file_uploader(key="import.0.files").set_value([("주민_FGI_1차.txt", sample, "text/plain")])
    _text(app, "import.0.group").input("참여주민")
    app.radio(key="import.0.unit").set_value("sentence")
    _button(app, "가져오기").click()
    app.run()
    assert _errors(app), "the same transcript again is refused"
    assert [f.name for f in app.file_uploader(key="import.0.files").value] == ["주민_FGI_1차.txt"]
    assert _text(app, "import.0.group").value == "참여주민"
    assert app.radio(key="import.0.unit").value == "sentence"


def test_a_refused_code_keeps_every_field(demo_url):
    app = run_as("팀장", "codebook")
    existing = app.dataframe[0].value.iloc[0, 0].strip()  # a top-level code's name
    _text(app, "codebook.add.0.name").input(existing)
    app.text_area(key="codebook.add.0.definition").input("새 정의")
    _text(app, "codebook.add.0.keywords").input("낙인, 편견")
    _button(app, "코드 추가").click()
    app.run()
    assert _errors(app), "a sibling of the same name is refused"
    assert _text(app, "codebook.add.0.name").value == existing
    assert app.text_area(key="codebook.add.0.definition").value == "새 정의"
    assert _text(app, "codebook.add.0.keywords").value == "낙인, 편견"
    _text(app, "codebook.add.0.name").input("새 코드")
    _button(app, "코드 추가").click()
    app.run()
    assert not _errors(app)
    assert _text(app, "codebook.add.1.name").value == ""
    assert app.text_area(key="codebook.add.1.definition").value == ""


def test_a_refused_code_edit_keeps_what_was_typed(demo_url):
    app = run_as("팀장", "codebook")
    names = [n.strip() for n in app.dataframe[0].value.iloc[:, 0] if not n.strip().startswith("└")]
    first, second = names[0], names[1]  # two top-level codes
    app.selectbox(key="codebook.edit.path").set_value(first)
    app.run()
    name = next(w for w in app.text_input if w.key and w.key.startswith("codebook.edit.") and w.key.endswith(".name"))
    key = name.key
    definition_key = key.replace(".name", ".definition")
    name.input(second)  # the other code's name: refused
    app.text_area(key=definition_key).input("바꾼 정의")
    _button(app, "저장").click()
    app.run()
    assert _errors(app)
    assert _text(app, key).value == second
    assert app.text_area(key=definition_key).value == "바꾼 정의"


def test_a_refused_user_keeps_the_name_and_role(demo_url):
    app = run_as(add_admin(demo_url), "team")
    _text(app, "team.add_user.0.name").input("코더3")
    _text(app, "team.add_user.0.password").input("짧음")  # too short
    app.selectbox(key="team.add_user.0.role").set_value("lead")
    app.checkbox(key="team.add_user.0.join").uncheck()
    _button(app, "사용자 만들기").click()
    app.run()
    assert _errors(app)
    assert _text(app, "team.add_user.0.name").value == "코더3"
    assert app.selectbox(key="team.add_user.0.role").value == "lead"
    assert app.checkbox(key="team.add_user.0.join").value is False
    _text(app, "team.add_user.0.password").input("충분히긴비밀번호")
    _button(app, "사용자 만들기").click()
    app.run()
    assert not _errors(app)
    assert _text(app, "team.add_user.1.name").value == ""


def test_a_refused_theme_node_keeps_its_name(demo_url):
    app = run_as("팀장", "themes")
    _text(app, "themes.new.0.name").input("영역 하나")
    _button(app, "새 노드").click()
    app.run()
    assert not _errors(app) and _text(app, "themes.new.1.name").value == ""
    _text(app, "themes.new.1.name").input("영역 하나")  # the same name at the same place
    _button(app, "새 노드").click()
    app.run()
    assert _errors(app)
    assert _text(app, "themes.new.1.name").value == "영역 하나"


# ---- on the source: what AppTest cannot see (clear_on_submit acts in the browser) ----------

WIDGETS = {"text_input", "text_area", "number_input", "selectbox", "multiselect", "radio", "checkbox", "toggle",
           "color_picker", "file_uploader", "slider", "select_slider", "date_input", "time_input", "pills",
           "segmented_control"}


def _forms(tree):
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "form":
                    yield call, node


def _form_problems(source: str) -> list[str]:
    import ast

    problems = []
    for call, block in _forms(ast.parse(source)):
        if any(k.arg == "clear_on_submit" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
               for k in call.keywords):
            problems.append(f"{call.lineno}: clear_on_submit drops what was typed when a change is refused")
        for node in ast.walk(ast.Module(body=block.body, type_ignores=[])):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WIDGETS \
                    and not any(k.arg == "key" for k in node.keywords):
                problems.append(f"{node.lineno}: {node.func.attr} in a form without a key")
    return problems


def test_every_form_keeps_its_input_and_keys_its_widgets():
    sources = sorted([REPO / "app.py", *(REPO / "ui").rglob("*.py")])
    forms = sum(1 for path in sources for _ in _forms(__import__("ast").parse(path.read_text(encoding="utf-8"))))
    problems = [f"{path.relative_to(REPO)}:{p}" for path in sources
                for p in _form_problems(path.read_text(encoding="utf-8"))]
    assert forms >= 15
    assert problems == []


def test_the_form_check_finds_clearing_and_unkeyed_forms():
    assert _form_problems('with st.form("f", clear_on_submit=True):\n    st.text_input("x", key="k")')
    assert _form_problems('with left, st.form("f"):\n    a.selectbox("x", [1])')
    assert not _form_problems('with st.form("f"):\n    a.selectbox("x", [1], key="k")')
