"""Starter cells in the learner's language: lessons/cells/<locale>/<cell_id>.py.

A translated cell is the same program as the shared lessons/cells/<cell_id>.py with its comments
and the labels it prints in another language; anything else would make one locale's learners run
different torch code, so the loader refuses it.
"""

from pathlib import Path

from app.course.lessons import CELL_FILE_NAME, LessonError, read_cell
from app.course.same_program import same_program
from app.i18n import LOCALES


def load_cell_translations(folder: Path, cells: dict[str, str]) -> dict[str, dict[str, str]]:
    """Read lessons/cells/<locale>/<cell_id>.py; each must translate an existing cell and run the same.

    A translation may change comments and the strings passed to print(), nothing else, so every
    locale's learners run the same torch code and see the same values.
    """
    translations: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        locale_folder = folder / locale
        if not locale_folder.is_dir():
            continue
        translations[locale] = {}
        for path in sorted(locale_folder.iterdir()):
            if path.name == "__pycache__":
                continue
            name = CELL_FILE_NAME.match(path.name)
            if not name or name["id"] not in cells:
                raise LessonError(
                    f"{path}: a translated cell is named after a cell in {folder} (<cell_id>.py);"
                    f" existing cells: {', '.join(sorted(cells)) or 'none'}"
                )
            code = read_cell(path)
            if not same_program(cells[name["id"]], code):
                raise LessonError(
                    f"{path}: translate only comments and the text passed to print(); the code must stay"
                    f" the same program as {folder / path.name}"
                )
            translations[locale][name["id"]] = code
    return translations
