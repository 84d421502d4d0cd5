"""The README documents every setting and starts with the two commands."""

from app.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`PLAB_{name.upper()}`" in README, f"README lacks PLAB_{name.upper()}"


def test_the_two_commands_come_first():
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "./scripts/serve" in first_block and "./scripts/test" in first_block
