"""Configuration: one typed Settings object, read from PLAB_* environment variables."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Holds every operator-facing setting; the README documents each field."""

    model_config = SettingsConfigDict(env_prefix="PLAB_", frozen=True, env_ignore_empty=True)  # "" = unset (compose)

    host: str = Field("127.0.0.1", description="Address the server binds to; 0.0.0.0 makes it reachable on a LAN.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port the server listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Number of worker processes; more than one are forked from a parent that loaded torch once.",
    )
    keep_alive_timeout: int = Field(
        75,
        ge=1,
        le=3600,
        description="Seconds an idle keep-alive connection stays open; longer than a browser's idle gap "
        "(uvicorn's 5 s reset requests).",
    )
    max_body_bytes: int = Field(
        1 << 20,
        ge=64 << 10,
        le=256 << 20,
        description="Largest request body on any route, in bytes (nginx's default, 1 MiB); larger gets a 413.",
    )
    max_header_bytes: int = Field(
        32 << 10,
        ge=4 << 10,
        le=1 << 20,
        description="Largest total size of a request's headers, in bytes (nginx allows 4 x 8 KiB); larger gets a 431.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies (comma-separated addresses, or *) whose X-Forwarded-For/-Proto are believed: "
        "the client's address and HTTPS (for Secure cookies).",
    )
    torch_threads: int = Field(
        1, ge=1, le=64, description="torch intra-op threads per process; 1 is fastest for the small labs under load."
    )
    default_locale: str = Field(
        "en",
        pattern="^(en|zh-CN)$",
        description="Language used when neither ?lang=, the cookie nor Accept-Language decide.",
    )
    lessons_dir: Path = Field(REPO_ROOT / "lessons", description="Folder holding lessons/<locale>/*.md.")
    static_dir: Path = Field(
        REPO_ROOT / "static", description="Folder served at /static (own CSS/JS plus installed vendor files)."
    )
    log_level: str = Field("info", pattern="^(critical|error|warning|info|debug)$", description="uvicorn log level.")
    access_log: bool = Field(
        False, description="Log every request; off by default because it costs CPU under classroom load."
    )
    gc_freeze: bool = Field(
        True,
        description="After warm-up, exempt torch's long-lived objects from garbage collection (ends ~200 ms pauses).",
    )
    keep_freed_memory: bool = Field(
        True,
        description="Let glibc keep freed memory (up to 32 MB per process) for the next request: "
        "~0.3 ms less per heavy lab request.",
    )
    gzip: bool = Field(
        True,
        description="Compress responses over 1 KB for browsers that accept gzip "
        "(classroom Wi-Fi is often the bottleneck).",
    )
    gzip_level: int = Field(
        1, ge=1, le=9, description="gzip level: 1 takes about half the CPU of 5 for responses about 20% larger."
    )
    cells_enabled: bool = Field(
        True, description="Run learners' code cells in the sandbox; false hides nothing but refuses every run."
    )
    run_time_limit: float = Field(
        5.0, ge=0.5, le=60, description="Wall-clock seconds one code run may take before it is stopped."
    )
    run_memory_mb: int = Field(
        256,
        ge=64,
        le=8192,
        description="Memory (MB of address space) a run may add on top of the warm sandbox process.",
    )
    run_output_limit: int = Field(
        20_000,
        ge=1_000,
        le=1_000_000,
        description="Characters of printed output kept per run; the rest is cut with a note.",
    )
    run_code_limit: int = Field(
        20_000, ge=1_000, le=200_000, description="Largest code a learner may send, in bytes of UTF-8."
    )
    run_pool_size: int = Field(
        2, ge=1, le=32, description="Locked-down workers kept ready ahead of time (each is a fork of the warm sandbox)."
    )
    run_max_concurrent: int = Field(
        0,
        ge=0,
        le=256,
        description="Code runs executing at once on the whole server (the workers share one sandbox); "
        "0 means one per CPU core. Further runs queue briefly.",
    )
    run_rate_limit: int = Field(
        30, ge=0, le=10_000, description="Runs per minute one client (IP address) may start; 0 means no limit."
    )
    run_uid: int = Field(
        65534, ge=1, le=2**31 - 1, description="Unprivileged user id a worker switches to when the app runs as root."
    )
    run_gid: int = Field(
        65534, ge=1, le=2**31 - 1, description="Unprivileged group id a worker switches to when the app runs as root."
    )
    run_allow_weak_sandbox: bool = Field(
        False,
        description="Run code even when a required sandbox layer (e.g. Landlock) cannot be applied; off by default.",
    )
    show_solutions: bool = Field(
        True,
        description="Offer an exercise's solution after a learner's attempt; false hides solutions (e.g. for a class).",
    )
    data_dir: Path = Field(
        REPO_ROOT / "data",
        description="Folder for the embedded SQLite database and the generated teacher token (keep it on a volume).",
    )
    database_url: str | None = Field(
        None,
        pattern=r"^(postgresql\+asyncpg|sqlite\+aiosqlite)://",
        description="Database for classes; unset means SQLite in the data folder, or a postgresql+asyncpg:// URL.",
    )
    teacher_token: SecretStr | None = Field(
        None,
        min_length=16,
        description="Sign-in token for teachers; unset means one is made at first start, kept in the data folder.",
    )
    class_retention_days: int = Field(
        30, ge=0, le=3650, description="Days after a class's end date before it is deleted with all its records."
    )
    join_rate_limit: int = Field(
        20, ge=1, le=10_000, description="Wrong class codes (and recovery codes) one address may send per minute."
    )
    sign_in_rate_limit: int = Field(
        10, ge=1, le=10_000, description="Wrong teacher tokens one address may send per minute."
    )
    teacher_session_hours: int = Field(
        12, ge=1, le=24 * 90, description="Hours a teacher's sign-in lasts before the token is asked for again."
    )
    class_poll_seconds: int = Field(
        3,
        ge=1,
        le=600,
        description="Seconds between the teacher's class page asking the server whether anything changed.",
    )
    stuck_failed_attempts: int = Field(
        3,
        ge=1,
        le=100,
        description="Failed attempts in a row at an exercise (or tries at a check still wrong) that mark a student as stuck.",
    )
    stuck_lesson_minutes: int = Field(
        15,
        ge=1,
        le=24 * 60,
        description="Minutes on one lesson without a right answer or a solved exercise that mark a student as stuck.",
    )
    stuck_recent_minutes: int = Field(
        30, ge=1, le=24 * 60, description="Only students active within this many minutes count as stuck now."
    )
