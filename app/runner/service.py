"""The app's code-runner: settings -> sandbox, rate limit, and typed, translated results.

Routes (the JSON API and the lesson cells) call `CodeRunner.run` and get a `RunResult`. Whatever
the sandbox answered is validated again here: it is untrusted data, even when it says "ok".
"""

import hashlib
import logging
import math
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.i18n import gettext as _
from app.runner.client import SandboxClient
from app.runner.config import STATUSES, RunnerConfig
from app.runner.ratelimit import RateLimiter
from app.settings import Settings

logger = logging.getLogger("uvicorn.error.sandbox")


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(description="Python source to run; the value of a final expression is returned, like a REPL.")


class RegistrationStep(BaseModel):
    """One assignment a cell made to an nn.Module, and where the Module filed it."""

    owner: str = Field(description="Class of the module assigned to.")
    function: str = Field(description="Function the assignment was made in, e.g. __init__.")
    line: int = Field(description="Line of the cell holding the statement.")
    source: str = Field(description="That line's text.")
    attribute: str
    outcome: Literal["parameter", "buffer", "module", "attribute", "error"] = Field(
        description="Where the name ended up: _parameters, _buffers, _modules, a plain attribute, or an error."
    )
    value_type: str
    is_module: bool = False
    shape: list[int] | None = None
    requires_grad: bool | None = None
    error: str | None = None


class RunResult(BaseModel):
    """What happened to one run; status says which fields matter."""

    status: Literal[STATUSES] = Field(description="ok, error, timeout, memory, crashed, refused or rate_limited.")
    message: str | None = Field(None, description="A sentence for people when the run did not end normally.")
    stdout: str = Field("", description="Printed output (stdout and stderr), cut at the output limit.")
    stdout_truncated: bool = False
    stdout_chars: int = Field(0, description="How many characters were printed in all.")
    value: str | None = Field(None, description="repr() of the last expression, when the cell ends with one.")
    error_type: str | None = None
    traceback: str | None = Field(None, description="Traceback with line numbers in the cell (<cell>).")
    registration: list[RegistrationStep] = Field(default_factory=list)
    duration_ms: float | None = None
    retry_after: int | None = Field(None, description="Seconds to wait before the next run (rate_limited).")

    def registration_groups(self) -> list[tuple[str, str, list[RegistrationStep]]]:
        """Group consecutive trace steps by (module class, function), e.g. ('Scale', '__init__')."""
        groups: list[tuple[str, str, list[RegistrationStep]]] = []
        for step in self.registration:
            if not groups or groups[-1][:2] != (step.owner, step.function):
                groups.append((step.owner, step.function, []))
            groups[-1][2].append(step)
        return groups


class Layer(BaseModel):
    active: bool
    detail: str


class SandboxStatus(BaseModel):
    enabled: bool
    state: str = Field(description="off, stopped, starting, ready, unsafe (a required layer is missing) or failed.")
    layers: dict[str, Layer]
    missing: list[str]
    detail: str
    limits: dict[str, float]


def runs_per_process(settings: Settings, sandboxes: int | None = None) -> int:
    """Share the server-wide bound on concurrent runs (by default the CPU cores) over the sandboxes.

    With several workers, the server has one shared sandbox (hub.py), which gets the whole bound;
    where each worker has a sandbox of its own, each gets an equal part (at least one run).
    """
    total = settings.run_max_concurrent or len(os.sched_getaffinity(0))
    return max(1, total // (settings.workers if sandboxes is None else sandboxes))


def runner_config(settings: Settings, sandboxes: int | None = None) -> RunnerConfig:
    """Translate the operator's settings into the sandbox's limits."""
    return RunnerConfig(
        time_limit=settings.run_time_limit,
        memory_mb=settings.run_memory_mb,
        output_limit=settings.run_output_limit,
        code_limit=settings.run_code_limit,
        pool_size=settings.run_pool_size,
        max_concurrent=runs_per_process(settings, sandboxes),
        uid=settings.run_uid,
        gid=settings.run_gid,
        allow_weak=settings.run_allow_weak_sandbox,
    )


def starter_hash(code: str) -> str:
    """Name a version of starter code, so saved edits of an older version are never loaded."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


class CodeRunner:
    """Runs learners' code for the routes; one per app (and so one sandbox per app process)."""

    def __init__(self, settings: Settings):
        self.enabled = settings.cells_enabled
        self.config = runner_config(settings)
        self.client = SandboxClient(self.config)
        self.limiter = RateLimiter(settings.run_rate_limit)

    def use_hub(self, path: str, settings: Settings) -> None:
        """Send every run to the server's one shared sandbox service (hub.py) instead of a sandbox of our own."""
        from app.runner.hub import HubClient

        self.config = runner_config(settings, sandboxes=1)
        self.client = HubClient(self.config, path)

    def start(self) -> None:
        """Start the sandbox in the background (the app does not wait for torch to load)."""
        if self.enabled:
            self.client.start()

    @staticmethod
    def code_size(code: str) -> int:
        """Return the code's size in bytes of UTF-8, the unit of the limit."""
        return len(code.encode("utf-8", errors="surrogatepass"))

    def code_too_long(self, code: str) -> str | None:
        """Return a message (for the field `code`) when the code exceeds the size limit, else None."""
        size = self.code_size(code)
        if size > self.config.code_limit:
            return _("is too long: %(size)s bytes; at most %(limit)s bytes are allowed") % {
                "size": size,
                "limit": self.config.code_limit,
            }
        return None

    async def run(self, code: str, client_key: str) -> RunResult:
        """Run code for one client; every outcome, including refusals, is a RunResult."""
        if not self.enabled:
            return RunResult(status="refused", message=_("Code cells are switched off on this server."))
        if self.code_too_long(code):
            return RunResult(
                status="refused",
                message=_("The code is too long: at most %(limit)s bytes.") % {"limit": self.config.code_limit},
            )
        if getattr(self.client, "shared", False):  # the shared service applies the server-wide rate limit
            raw = await self.client.run(code, client_key)
            wait = raw.get("wait") if raw.get("status") == "rate_limited" else None
        else:
            wait = self.limiter.acquire(client_key) or None
            raw = await self.client.run(code) if wait is None else {}
        if isinstance(wait, (int, float)) and wait > 0:
            seconds = math.ceil(min(float(wait), 3600.0))
            return RunResult(
                status="rate_limited",
                retry_after=seconds,
                message=_("Too many runs in a minute: try again in %(seconds)s s.") % {"seconds": seconds},
            )
        return self.to_result(raw)

    def to_result(self, raw: dict) -> RunResult:
        """Validate the sandbox's answer and add a message a learner can act on."""
        try:
            result = RunResult.model_validate(
                {key: raw.get(key) for key in RunResult.model_fields if raw.get(key) is not None}
            )
        except ValidationError:
            logger.warning("the sandbox sent a malformed answer; treating the run as crashed")
            result = RunResult(status="crashed")
        if result.status == "ok":
            return result
        result.message = self.message(result, raw.get("reason"), raw.get("detail"))
        return result

    def message(self, result: RunResult, reason: str | None, detail: str | None) -> str:
        limit = self.config.time_limit
        seconds = int(limit) if float(limit).is_integer() else limit
        if result.status == "timeout":
            return _("Stopped after %(seconds)s s: a run may take at most %(seconds)s seconds.") % {"seconds": seconds}
        if result.status == "memory":
            return _("Memory limit exceeded: a run may use at most %(mb)s MB of memory.") % {
                "mb": self.config.memory_mb
            }
        if result.status == "error":
            lines = [line for line in (result.traceback or "").splitlines() if line.strip()]
            return lines[-1] if lines else _("The code raised an error.")
        if result.status == "crashed":
            if reason == "signal" and detail:
                return _("The run crashed (the process got %(signal)s). Nothing else was affected.") % {
                    "signal": detail
                }
            if reason == "too_large":
                return _("The run crashed: its answer was larger than the sandbox accepts.")
            return _("The run crashed without an answer. Nothing else was affected.")
        if reason == "busy":
            return _("The server is busy running other learners' code; try again in a few seconds.")
        if reason == "too_large":
            return _("The code is too long: at most %(limit)s bytes.") % {"limit": self.config.code_limit}
        return _("Code cells are not available right now; the server's log says why.")

    def status(self) -> SandboxStatus:
        """Describe the sandbox and its limits for GET /api/run/status."""
        state = self.client.status()
        return SandboxStatus(
            enabled=self.enabled,
            state=state["state"] if self.enabled else "off",
            layers={name: Layer(active=on, detail=detail) for name, (on, detail) in state["layers"].items()},
            missing=state["missing"],
            detail=state["detail"],
            limits={
                "time_limit_s": self.config.time_limit,
                "memory_mb": self.config.memory_mb,
                "output_limit_chars": self.config.output_limit,
                "code_limit_bytes": self.config.code_limit,
                "pool_size": self.config.pool_size,
                "max_concurrent": self.config.max_concurrent,
                "rate_limit_per_minute": self.limiter.per_minute,
            },
        )
