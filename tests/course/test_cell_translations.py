"""Starter code in the learner's language: same program, same values, Chinese comments and labels."""

import ast
import builtins
import contextlib
import io
import re
import tokenize

import pytest

from app.course.cell_translations import load_cell_translations
from app.course.lessons import LessonError, load_cells
from app.course.loading import load_course
from app.course.same_program import same_program
from app.runner.execute import compile_cell
from app.settings import REPO_ROOT
from tests.helpers import soup
from tests.web.test_zh_cn_language import english_words

LESSONS = REPO_ROOT / "lessons"
CELLS = load_cells(LESSONS / "cells")
TRANSLATED = load_cell_translations(LESSONS / "cells", CELLS)["zh-CN"]
COURSE = load_course(LESSONS)


def run_here(code: str) -> tuple[list[str], str | None]:
    """Run a cell REPL-style with plain torch; return its printed lines and the last value's repr."""
    body, last = compile_cell(code)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(body, namespace)
        value = eval(last, namespace) if last is not None else None
    return output.getvalue().splitlines(), None if value is None else repr(value)


def learner_words(code: str) -> list[str]:
    """Return what a learner reads in some code: comments, docstrings and the text print() shows."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    texts = [token.string.lstrip("#") for token in tokens if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
            texts.append(ast.get_docstring(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            for arg in node.args:
                parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
                texts += [
                    part.value for part in parts if isinstance(part, ast.Constant) and isinstance(part.value, str)
                ]
    return texts


def numbers(line: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)


def test_cells_with_english_comments_or_labels_have_a_chinese_version():
    untranslated = [
        cell_id
        for cell_id, code in CELLS.items()
        if cell_id not in TRANSLATED and any(english_words(text) for text in learner_words(code))
    ]
    assert not untranslated, "write lessons/cells/zh-CN/<cell_id>.py for these cells"


@pytest.mark.parametrize("cell_id", sorted(TRANSLATED))
def test_translated_cell_computes_what_the_shared_cell_computes(cell_id):
    shared_lines, shared_value = run_here(CELLS[cell_id])
    lines, value = run_here(TRANSLATED[cell_id])
    assert value == shared_value
    assert len(lines) == len(shared_lines)
    # Each printed line keeps the numbers torch printed; only the words around them changed.
    assert [numbers(line) for line in lines] == [numbers(line) for line in shared_lines]


@pytest.mark.parametrize("cell_id", sorted(TRANSLATED))
def test_translated_cell_reads_in_chinese(cell_id):
    for text in learner_words(TRANSLATED[cell_id]):
        assert not english_words(text), f"{cell_id}: {text}"


@pytest.mark.parametrize("exercise_id", sorted(COURSE.exercises))
def test_exercise_starters_read_in_chinese_and_run_the_same(exercise_id):
    spec = COURSE.exercises[exercise_id]
    translated = spec.starter_in("zh-CN")
    assert same_program(spec.starter, translated)
    for text in learner_words(translated):
        assert not english_words(text), f"{exercise_id}: {text}"


def test_a_translation_may_change_comments_docstrings_and_print_labels_only():
    shared = 'def f(x):\n    """Double x."""\n    return x * 2  # twice\n\n\nprint("value:", f(2))\n'
    assert same_program(shared, 'def f(x):\n    """把 x 翻倍。"""\n    return x * 2  # 两倍\n\n\nprint("值：", f(2))\n')
    assert not same_program(shared, shared.replace("x * 2", "x * 3"))
    assert not same_program(shared, shared + 'd = {"weight": 1}\n')
    assert not same_program('d = {"weight": 1}\n', 'd = {"权重": 1}\n')


def test_the_loader_refuses_a_translation_that_changes_the_code(tmp_path):
    (tmp_path / "demo.py").write_text('print("sum:", 1 + 1)\n', encoding="utf-8")
    (tmp_path / "zh-CN").mkdir()
    (tmp_path / "zh-CN" / "demo.py").write_text('print("和：", 1 + 2)\n', encoding="utf-8")
    with pytest.raises(LessonError, match="same program"):
        load_cell_translations(tmp_path, load_cells(tmp_path))
    (tmp_path / "zh-CN" / "demo.py").write_text('print("和：", 1 + 1)\n', encoding="utf-8")
    assert load_cell_translations(tmp_path, load_cells(tmp_path)) == {"zh-CN": {"demo": 'print("和：", 1 + 1)\n'}}
    (tmp_path / "zh-CN" / "other.py").write_text("1\n", encoding="utf-8")
    with pytest.raises(LessonError, match="named after a cell"):
        load_cell_translations(tmp_path, load_cells(tmp_path))


def test_the_zh_cn_lesson_shows_the_chinese_cell_and_the_en_lesson_the_english_one(client):
    chinese = soup(client.get("/lessons/rebinding-pitfall", params={"lang": "zh-CN"}))
    english = soup(client.get("/lessons/rebinding-pitfall", params={"lang": "en"}))
    assert chinese.select_one("#cell-rebinding textarea").text.strip() == TRANSLATED["rebinding"].strip()
    assert english.select_one("#cell-rebinding textarea").text.strip() == CELLS["rebinding"].strip()
