"""The classroom's rules: what names and codes look like, how secrets are kept, who may see what.

Who may see what:
- A teacher (any valid teacher session; all teachers of a server share its classes) may see and
  change every class and every record in it.
- A student is whoever holds a device cookie whose digest is in `student_devices`; they may see
  and delete their own records only. No student route takes a student or class id from the URL:
  the store is asked with the `Member` that the cookie resolved to, so there is nothing to guess.
- Everyone else sees nothing of a class. Ids in teacher URLs are random (128 bits), not counters.
"""

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import gettext as _

# No I, L, O, 0 or 1: letters a pupil could misread from a projector or a handwritten note.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes; at the rate limit a guess takes ~10**8 years per address
RECOVERY_CODE_LENGTH = 12
NAME_LIMIT = 40
CLASS_NAME_LIMIT = 80
# Bidirectional overrides can make a name display as another; zero-width joiners stay (scripts need them).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Refusal(Exception):
    """A request the rules turn down, with a message for people and an HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Member:
    """The student a device cookie belongs to, and their class."""

    student_id: str
    class_id: str
    display_name: str
    class_name: str
    ends_on: date


def new_id() -> str:
    """Make a random id for a URL or a cookie (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def new_secret() -> str:
    """Make a random secret for a cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def new_code(length: int = JOIN_CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def digest(secret: str) -> str:
    """Keep only a SHA-256 of a high-entropy secret: a leaked database reveals no usable cookie or code."""
    return hashlib.sha256(secret.encode()).hexdigest()


def show_code(code: str) -> str:
    """Write a code in groups of four, as people read it aloud: ABCD-EFGH."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def read_code(text: str, length: int = JOIN_CODE_LENGTH) -> str | None:
    """Read a typed code: case, spaces and dashes do not matter; None when it cannot be one."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    return code if len(code) == length and all(c in ALPHABET for c in code) else None


def read_display_name(text: str) -> tuple[str, str]:
    """Return (name as shown, key that is unique per class), or refuse with what is allowed."""
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not 1 <= len(name) <= NAME_LIMIT:
        raise Refusal(
            _("A name needs 1 to %(limit)s characters (any script, no email or real name needed).")
            % {"limit": NAME_LIMIT}
        )
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") or c in BIDI_CONTROLS for c in name):
        raise Refusal(_("A name cannot hold control or invisible formatting characters."))
    return name, unicodedata.normalize("NFKC", name).casefold()


def read_class_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not 1 <= len(name) <= CLASS_NAME_LIMIT or any(unicodedata.category(c) == "Cc" for c in name):
        raise Refusal(_("A class name needs 1 to %(limit)s characters.") % {"limit": CLASS_NAME_LIMIT})
    return name


def read_end_date(text: str, today: date) -> date:
    """Read an end date (YYYY-MM-DD) from today up to two years ahead."""
    try:
        ends_on = date.fromisoformat((text or "").strip())
    except ValueError:
        raise Refusal(
            _("Give the end date as YYYY-MM-DD, e.g. %(example)s.")
            % {"example": (today + timedelta(days=90)).isoformat()}
        ) from None
    if not today <= ends_on <= today + timedelta(days=731):
        raise Refusal(_("The end date must be between today and two years from now."))
    return ends_on


def delete_after(ends_on: date, retention_days: int) -> date:
    """The day a class and everything in it is deleted."""
    return ends_on + timedelta(days=retention_days + 1)
