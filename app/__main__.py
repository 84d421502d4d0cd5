"""Start the server with the configured host, port, workers and log level: python -m app."""

import uvicorn

from app.serving import prefork
from app.settings import Settings


def server_config(settings: Settings) -> uvicorn.Config:
    """Describe the uvicorn server the settings ask for."""
    # asyncio's loop, not uvloop: under a saturating load uvloop answered some connections far later
    # than others (p99 ~1.3 s where asyncio's was ~110 ms at the same throughput; docs/benchmarks.md).
    return uvicorn.Config(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # A browser reuses an idle connection for up to a few minutes; with uvicorn's 5 s a request
        # sent just as the server closed the connection was reset (seen in the soak benchmark).
        timeout_keep_alive=settings.keep_alive_timeout,
        loop="asyncio",
        http="httptools",
    )


if __name__ == "__main__":
    settings = Settings()
    config = server_config(settings)
    if settings.workers > 1:
        prefork.serve(config, settings.workers)
    else:
        uvicorn.Server(config).run()
