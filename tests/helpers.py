"""Helpers the tests share: parse HTML, write a file into a temporary folder."""

from pathlib import Path

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    """Parse an HTML response."""
    return BeautifulSoup(response.text, "html.parser")


def write(folder: Path, name: str, text: str) -> Path:
    """Write a UTF-8 text file into a folder and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
