"""Decide the teacher sign-in token: PLAB_TEACHER_TOKEN, or one made at first start in the data folder."""

import hmac
import os
import secrets
from pathlib import Path

from app.settings import Settings

TOKEN_FILE = "teacher-token"


def teacher_token(settings: Settings) -> tuple[str, bool]:
    """Return (token, made_here); the file is readable only by the app's user (mode 0600).

    Several workers or replicas may start at once: the token is written to a private temporary
    file and linked into place, which fails for all but one of them; the others read the winner's.
    """
    if settings.teacher_token is not None:
        return settings.teacher_token.get_secret_value(), False
    folder = Path(settings.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / TOKEN_FILE
    if path.exists():
        return path.read_text().strip(), False
    token = secrets.token_urlsafe(24)
    scratch = folder / f".{TOKEN_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token + "\n")
    try:
        os.link(scratch, path)
        return token, True
    except FileExistsError:
        return path.read_text().strip(), False
    finally:
        scratch.unlink()


def token_matches(given: str, token: str) -> bool:
    """Compare in constant time, so the answer's timing says nothing about how much was right."""
    return hmac.compare_digest(given.encode(), token.encode())
