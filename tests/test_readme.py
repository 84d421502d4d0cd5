"""The README documents every setting and starts with the two commands."""

from app.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def settings_table() -> list[str]:
    """Return the rows of the one Markdown table under '## Settings' (a blank line would end it)."""
    section = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    lines = section.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("| Variable"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_every_setting_is_a_row_of_the_settings_table():
    documented = {row.split("|")[1].strip() for row in settings_table()}
    for name in Settings.model_fields:
        assert f"`PLAB_{name.upper()}`" in documented, f"README's settings table lacks PLAB_{name.upper()}"


def test_the_two_commands_come_first():
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "./scripts/serve" in first_block and "./scripts/test" in first_block
