"""Start the server with the configured host, port, workers and log level: python -m app."""

import uvicorn

from app import prefork
from app.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    config = uvicorn.Config(
        "app.main:app", host=settings.host, port=settings.port, log_level=settings.log_level,
        access_log=settings.access_log, proxy_headers=True,
    )
    if settings.workers > 1:
        prefork.serve(config, settings.workers)
    else:
        uvicorn.Server(config).run()
