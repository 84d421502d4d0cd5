"""The code-cell sandbox: a warm parent process forks locked-down, single-use workers.

The app talks to it through `client.SandboxClient` only. Everything the parent and its workers
import is stdlib or torch, so the sandbox process starts from a clean slate (see parent.py).
"""
