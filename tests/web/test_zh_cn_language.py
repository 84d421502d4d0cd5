"""Every zh-CN page speaks Chinese: no English words outside code, no space after full-width punctuation.

Code is anything a learner would type: the text of <code>, <pre>, <kbd>, <samp> and the code
editor, tokens with code punctuation (model.weight, zero_grad(), p = …, 3×3), and identifiers
that the course's own code uses (lessons/**/*.py, the labs, Python's keywords and builtins), so `backward` or
`BatchNorm` may stand in a Chinese sentence. Words a page must translate even though code uses
them too (min, max, mean, output...) are never taken for identifiers.
"""

import ast
import builtins
import keyword
import re

import pytest
from bs4 import BeautifulSoup, Doctype

from app.labs import LABS
from app.labs.zoo import MODELS
from app.settings import REPO_ROOT
from tests.browser.pages import every_page

CODE_TAGS = ["code", "pre", "kbd", "samp", "script", "style", "textarea", "template", "title"]
CODE_TOKEN = re.compile(r"\S+\s*=\s*\S+|\S*[_.,()\[\]=:/\\0-9<>`'\"{}@#+*×…-]\S*")
WORD = re.compile(r"[A-Za-z]{2,}")
# Names of things that stay in English in Chinese teaching text: the product, libraries, methods,
# model families, acronyms and keys on a keyboard.
ALLOWED = {
    *"PyTorch Python Parameter Lab Module Tensor autograd LSTM SGD Adam AdamW RMSprop GPU CPU CUDA MSE".split(),
    *"ViT SGE BatchNorm Kaiming Xavier English Ctrl Cmd Enter Mac NaN pickle".split(),
    *"Jupyter VS Code Colab".split(),  # the tools a downloaded notebook opens in
}
MUST_TRANSLATE = {"min", "max", "mean", "std", "input", "output", "value", "values", "name", "shape", "type", "rows"}
FULL_WIDTH_THEN_SPACE = re.compile(r"[，。：；！？、）](?=[ \t]+\S)")


def course_identifiers() -> set[str]:
    """Collect every name the course's code uses (variables, attributes, arguments, classes, builtins)."""
    names = {*dir(builtins), *keyword.kwlist, *(lab.id for lab in LABS), *MODELS}
    files = [*(REPO_ROOT / "lessons").rglob("*.py"), *(REPO_ROOT / "app" / "labs").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for attribute in ("id", "attr", "arg", "name"):
                value = getattr(node, attribute, None)
                if isinstance(value, str):
                    names.add(value)
    return {name for name in names if name not in MUST_TRANSLATE}


IDENTIFIERS = course_identifiers()


def learner_text(html: str) -> list[str]:
    """Return the page's text pieces a learner reads as prose, with code taken out."""
    page = BeautifulSoup(html, "html.parser")
    for tag in page.find_all(CODE_TAGS):
        tag.decompose()
    pieces = [str(node) for node in page.find_all(string=True) if not isinstance(node, Doctype)]
    for element in page.find_all(True):
        pieces += [element[name] for name in ("aria-label", "placeholder", "alt") if element.get(name)]
    return [piece for piece in pieces if piece.strip()]


def english_words(text: str) -> list[str]:
    """List the English words in a piece of Chinese text that are neither code nor allowed names."""
    prose = CODE_TOKEN.sub(" ", text)
    return [word for word in WORD.findall(prose) if word not in ALLOWED and word not in IDENTIFIERS]


def test_the_checker_finds_english_and_passes_code():
    assert english_words("最小值 min 是 0") == ["min"]
    assert english_words("点 Run 之后") == ["Run"]
    assert english_words("backward 之后 model.weight.grad 与 p = torch.zeros(3)") == []


@pytest.mark.parametrize("path", every_page())
def test_zh_cn_page_shows_no_english_outside_code(client, path):
    response = client.get(path, params={"lang": "zh-CN"})
    assert response.status_code == 200
    found = {}
    for piece in learner_text(response.text):
        words = english_words(piece)
        if words:
            found[piece.strip()[:80]] = words
        spaced = FULL_WIDTH_THEN_SPACE.search(piece)
        if spaced:
            found[piece.strip()[:80]] = ["a space after full-width punctuation"]
    assert not found, "\n".join(f"{text!r}: {words}" for text, words in found.items())
