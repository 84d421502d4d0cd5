"""Start the server with the configured host, port, workers and log level: python -m app."""

import uvicorn

from app.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run(
        "app.main:app", host=settings.host, port=settings.port, workers=settings.workers,
        log_level=settings.log_level, access_log=settings.access_log, proxy_headers=True,
    )
