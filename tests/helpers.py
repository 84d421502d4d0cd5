"""Helpers the tests share: parse HTML, write a file, and plain-torch twins of the lessons' example modules.

The facts tests (tests/labs/test_<lab>_facts.py) compute every expected value with torch alone, using the
twins below and torch's errors written as lessons quote them. The twins are written from the lessons' code
listings (the same layers, names and seeding), never imported from app/, so the app and the tests check
each other.
"""

from collections.abc import Callable
from pathlib import Path

import torch
from bs4 import BeautifulSoup
from torch import nn


def soup(response) -> BeautifulSoup:
    """Parse an HTML response."""
    return BeautifulSoup(response.text, "html.parser")


def write(folder: Path, name: str, text: str) -> Path:
    """Write a UTF-8 text file into a folder and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(action: Callable[[], object], catch: type[Exception] = Exception) -> Exception:
    """Run an action that should fail and return the exception it raised (fail the test if it did not)."""
    try:
        action()
    except catch as exc:
        return exc
    raise AssertionError(f"{action} raised no {catch.__name__}")


def one_line(exc: Exception) -> str:
    """Write an exception as 'Type: message' with its whitespace unwrapped into single spaces."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def typed(exc: Exception) -> str:
    """Write an exception as 'Type: message', the message verbatim."""
    return f"{type(exc).__name__}: {exc}"


def names(pairs) -> str:
    """Join the names of (name, value) pairs with commas, as the facts print them."""
    return ", ".join(name for name, _value in pairs)


def shapes(module: nn.Module) -> str:
    """List a module's parameters as 'name (shape)', in registration order."""
    return ", ".join(f"{name} {tuple(p.shape)}" for name, p in module.named_parameters())


class LinearBias(nn.Module):
    """The gallery's Linear layer plus an extra learnable (1, out_features) bias."""

    def __init__(self, in_features: int = 10, out_features: int = 5):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.bias = nn.Parameter(torch.zeros(1, out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x) + self.bias


class RunningScaler(nn.Module):
    """Lesson 7's module: a Parameter, a buffer, a non-persistent buffer and a plain tensor attribute."""

    def __init__(self, features: int = 3):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(features))
        self.register_buffer("running_mean", torch.zeros(features))
        self.register_buffer("last_input", torch.zeros(features), persistent=False)
        self.calls = torch.zeros(())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            with torch.no_grad():
                self.running_mean.mul_(0.9).add_(0.1 * x.mean(0))
        self.last_input = x.detach().mean(0)
        self.calls += 1
        return x * self.weight


class Demo(nn.Module):
    """Lesson 9's module: a Parameter, a float buffer, an integer buffer and a plain tensor attribute."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 3))
        self.register_buffer("running_mean", torch.zeros(3))
        self.register_buffer("steps", torch.tensor(0))
        self.scale = torch.ones(3)


class SmallConvNet(nn.Module):
    """Lesson 6's network: conv, batch norm and ReLU in a Sequential, global pooling, a linear head."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(8, 10)


def init_weights(module: nn.Module) -> None:
    """Initialise one module by its type, as lesson 6's listing does."""
    if isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0, 0.01)
        nn.init.zeros_(module.bias)


def check_option_keys(client, slug: str, check: str, lang: str) -> list[str]:
    """Return the option keys a lesson page offers for one check."""
    page = soup(client.get(f"/lessons/{slug}", params={"lang": lang}))
    return [radio["value"] for radio in page.select(f"#check-{check} input[name=answer]")]


def assert_only_torchs_answer_is_right(client, slug: str, check: str, answer: str, lang: str) -> None:
    """Answer a check with every option: only torch's answer is right, and each wrong one names its misconception."""
    keys = check_option_keys(client, slug, check, lang)
    assert answer in keys and len(keys) >= 2
    for key in keys:
        response = client.get(
            f"/lessons/{slug}", params={"check": check, "answer": key, "lang": lang}, headers={"HX-Request": "true"}
        )
        block = soup(response).select_one(f"#check-{check}")
        assert response.status_code == 200
        assert block["data-check-result"] == ("correct" if key == answer else "wrong")
        if key != answer:
            assert block.select_one(".misconception").get_text(strip=True)


def checks_and_labs_in_order(client, slug: str, lang: str) -> list[str]:
    """Return "check" or "lab" for each check section and lab of a lesson page, in page order."""
    page = soup(client.get(f"/lessons/{slug}", params={"lang": lang}))
    elements = page.select("section.check, [id^=lab-]")
    return ["check" if "check" in (element.get("class") or []) else "lab" for element in elements]
