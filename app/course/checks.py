"""Predict-then-run checks: a question, options with misconception feedback, and a probe script
whose run by torch decides the right answer, so the lesson text and torch can never disagree.

In a lesson (each locale writes its own words; the option keys are shared):

    ::: check parameter_in_named_parameters
    Will `bias` appear in `named_parameters()`?
    - yes = Yes, it is listed
    - no = No :: A plain tensor attribute is not registered, even with requires_grad=True.
    :::

The probe lives in lessons/checks/<check_id>.py: it runs with `torch` and `nn` in scope, must set
`answer` to one option key, and may set `shown` to the value torch produced.
"""

import re
from pathlib import Path
from typing import Literal

import torch
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict
from torch import nn

from app.labs.seeding import seed_cpu

OPTION = re.compile(r"^- (?P<key>[A-Za-z0-9_.()\[\]-]+)(?:\s*=\s*(?P<text>.*?))?(?:\s*::\s*(?P<feedback>.+))?\s*$")
_markdown = MarkdownIt("commonmark", {"html": False})


class CheckOption(BaseModel):
    model_config = ConfigDict(frozen=True)
    key: str
    text_html: str
    feedback_html: str | None


class CheckPart(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["check"] = "check"
    check_id: str
    question_html: str
    options: tuple[CheckOption, ...]

    def option(self, key: str) -> CheckOption | None:
        return next((option for option in self.options if option.key == key), None)


class ProbeResult(BaseModel):
    """What torch answered when the probe ran just now."""

    answer: str
    shown: str | None
    code: str


def _inline(text: str) -> str:
    return _markdown.renderInline(text)


def parse_check(check_id: str, lines: list[str], where: str) -> CheckPart:
    """Parse a check block's lines (question, then '- key = text :: feedback' options)."""
    question: list[str] = []
    options: list[CheckOption] = []
    for line in lines:
        if line.startswith("- "):
            match = OPTION.match(line)
            if not match:
                raise ValueError(
                    f"{where}: write options as '- key = text :: feedback' (key: letters, digits, _ . ( ) [ ] -)"
                )
            text = match["text"] or f"`{match['key']}`"
            feedback = match["feedback"]
            options.append(
                CheckOption(
                    key=match["key"], text_html=_inline(text), feedback_html=_inline(feedback) if feedback else None
                )
            )
        elif options and line.strip():
            raise ValueError(f"{where}: put the question before the options; text after an option is not allowed")
        else:
            question.append(line)
    if not "\n".join(question).strip():
        raise ValueError(f"{where}: a check needs a question before its options")
    if len(options) < 2:
        raise ValueError(f"{where}: a check needs at least two options")
    if len({option.key for option in options}) != len(options):
        raise ValueError(f"{where}: two options share a key")
    return CheckPart(check_id=check_id, question_html=_inline(" ".join(question).strip()), options=tuple(options))


def load_probes(folder: Path) -> dict[str, str]:
    """Read every probe script's source, keyed by check id (the file's stem)."""
    return (
        {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.py"))} if folder.is_dir() else {}
    )


def run_probe(code: str) -> ProbeResult:
    """Run a probe with torch, seeded, in a fresh namespace, and read its answer."""
    seed_cpu(0)
    namespace: dict = {"torch": torch, "nn": nn}
    exec(compile(code, "<probe>", "exec"), namespace)  # trusted lesson content, not learner input
    shown = namespace.get("shown")
    return ProbeResult(answer=str(namespace["answer"]), shown=None if shown is None else str(shown), code=code)
