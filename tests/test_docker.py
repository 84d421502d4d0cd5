"""The Docker files agree: the README's run line, the compose file and the smoke test harden alike.

scripts/docker-smoke proves the image works under these flags; these tests keep the documented
line and the compose file from drifting away from what the smoke test runs.
"""

import re

import pytest
import yaml

from app.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SMOKE = (REPO_ROOT / "scripts" / "docker-smoke").read_text(encoding="utf-8")
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["parameter-lab"]

# Each hardening flag of the documented `docker run` line, and the compose key that says the same.
HARDENING = {
    "--init": ("init", True),
    "--pids-limit 256": ("pids_limit", 256),
    "--memory 2g": ("mem_limit", "2g"),
    "--read-only": ("read_only", True),
    "--tmpfs /tmp:rw,noexec,nosuid,size=64m": ("tmpfs", ["/tmp:rw,noexec,nosuid,size=64m"]),
    "--cap-drop ALL": ("cap_drop", ["ALL"]),
    "--security-opt no-new-privileges": ("security_opt", ["no-new-privileges:true"]),
    "--user 10001:10001": ("user", "10001:10001"),
}


def documented_run_line() -> str:
    """Return the README's hardened `docker run` command, its continuation lines joined."""
    match = re.search(r"^docker run (?:.*\\\n)*.*$", README, flags=re.MULTILINE)
    assert match, "README has no `docker run` line"
    return re.sub(r"\s*\\\n\s*", " ", match.group(0))


@pytest.mark.parametrize("flag", HARDENING)
def test_readme_run_line_has_each_hardening_flag(flag):
    assert f" {flag} " in documented_run_line() + " "


@pytest.mark.parametrize("flag", HARDENING)
def test_smoke_test_runs_the_container_with_each_flag(flag):
    assert re.search(rf"{re.escape(flag)}(\s|\\|$)", SMOKE), f"scripts/docker-smoke does not pass {flag}"


@pytest.mark.parametrize("flag", HARDENING)
def test_compose_file_sets_what_each_flag_sets(flag):
    key, value = HARDENING[flag]
    assert COMPOSE.get(key) == value


def test_compose_keeps_the_seccomp_default_and_restarts():
    assert not any("seccomp" in opt or "apparmor" in opt for opt in COMPOSE["security_opt"])
    assert "privileged" not in COMPOSE and "cap_add" not in COMPOSE
    assert COMPOSE["restart"] == "unless-stopped"


def test_compose_environment_names_only_real_settings():
    settings = {f"PLAB_{name.upper()}" for name in Settings.model_fields}
    assert set(COMPOSE["environment"]) <= settings


def test_image_user_is_the_one_the_run_line_names_and_not_root():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert users[-1] == "10001:10001"
    assert re.search(r"^HEALTHCHECK .*app\.serving\.healthcheck", DOCKERFILE, flags=re.MULTILINE)
