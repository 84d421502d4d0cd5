"""Configuration: one typed Settings object, read from PLAB_* environment variables."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Holds every operator-facing setting; the README documents each field."""

    model_config = SettingsConfigDict(env_prefix="PLAB_", frozen=True)

    host: str = Field("127.0.0.1", description="Address the server binds to; 0.0.0.0 makes it reachable on a LAN.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port the server listens on.")
    workers: int = Field(1, ge=1, le=64, description="Number of uvicorn worker processes.")
    torch_threads: int = Field(
        1, ge=1, le=64, description="torch intra-op threads per process; 1 is fastest for the small labs under load."
    )
    default_locale: str = Field(
        "en", pattern="^(en|zh-CN)$", description="Language used when neither ?lang=, the cookie nor Accept-Language decide."
    )
    lessons_dir: Path = Field(REPO_ROOT / "lessons", description="Folder holding lessons/<locale>/*.md.")
    static_dir: Path = Field(REPO_ROOT / "static", description="Folder served at /static (own CSS/JS plus installed vendor files).")
    log_level: str = Field("info", pattern="^(critical|error|warning|info|debug)$", description="uvicorn log level.")
    access_log: bool = Field(False, description="Log every request; off by default because it costs CPU under classroom load.")
    gzip: bool = Field(True, description="Compress responses over 1 KB for browsers that accept gzip (classroom Wi-Fi is often the bottleneck).")
