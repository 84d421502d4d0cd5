"""Ordinary cells work in the sandbox: torch training steps, printing, REPL values, tracebacks, the trace."""

import pytest

from tests.runner.conftest import run_many

SNIPPETS = {
    "linear_forward_backward": (
        "import torch\nfrom torch import nn\ntorch.manual_seed(0)\nlayer = nn.Linear(3, 2)\n"
        "loss = layer(torch.ones(4, 3)).pow(2).mean()\nloss.backward()\nprint(layer.weight.grad.shape)\n"
        "layer.bias.grad is not None"
    ),
    "print_and_value": "print('a', 1)\nprint('b')\nx = 20\nx + 22",
    "no_value_after_statement": "x = 1",
    "none_value_is_hidden": "print('only output')\nNone",
    "traceback_line": "import torch\n\nt = torch.ones(2)\nt.view(3)\n",
    "syntax_error_line": "x = 1\ny = (2 +\n",
    "set_num_threads_is_harmless": "import torch\ntorch.set_num_threads(8)\n(torch.ones(64, 64) @ torch.ones(64, 64)).sum().item()",
    "files_in_own_temp_dir": "open('notes.txt', 'w').write('hi')\nopen('notes.txt').read()",
    "imports_work": "import math, json, numpy\nmath.sqrt(16)",
    "registration_trace": (
        "import torch\nfrom torch import nn\n\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.w = nn.Parameter(torch.zeros(2, 3))\n"
        "        self.scale = torch.ones(3, requires_grad=True)\n        self.register_buffer('mean', torch.zeros(3))\n"
        "        self.head = nn.Linear(3, 1)\n        self.name = 'net'\n\nnet = Net()\nnet.w = torch.zeros(1)\n"
    ),
}


@pytest.fixture(scope="module")
def results(sandbox):
    return run_many(sandbox, SNIPPETS)


def test_a_tiny_training_step_runs(results):
    result = results["linear_forward_backward"]
    assert result["status"] == "ok", result
    assert result["stdout"] == "torch.Size([2, 3])\n" and result["value"] == "True"


def test_output_and_last_expression_like_a_repl(results):
    assert results["print_and_value"]["stdout"] == "a 1\nb\n" and results["print_and_value"]["value"] == "42"
    assert results["no_value_after_statement"]["value"] is None
    assert (
        results["none_value_is_hidden"]["value"] is None
        and results["none_value_is_hidden"]["stdout"] == "only output\n"
    )


def test_tracebacks_point_into_the_cell(results):
    result = results["traceback_line"]
    assert result["status"] == "error" and result["error_type"] == "RuntimeError"
    assert 'File "<cell>", line 4, in <module>' in result["traceback"] and "t.view(3)" in result["traceback"]
    assert "runner" not in result["traceback"]  # the sandbox's own frames are left out
    syntax = results["syntax_error_line"]
    assert syntax["error_type"] == "SyntaxError" and 'File "<cell>", line 2' in syntax["traceback"]


def test_everyday_code_is_not_broken_by_the_sandbox(results):
    assert results["set_num_threads_is_harmless"]["value"] == "262144.0"
    assert results["files_in_own_temp_dir"]["value"] == "'hi'"
    assert results["imports_work"]["value"] == "4.0"


def test_registration_trace_says_where_each_name_went(results):
    result = results["registration_trace"]
    assert result["status"] == "error"  # the last line assigns a plain tensor over a Parameter
    steps = [(s["function"], s["line"], s["attribute"], s["outcome"], s["value_type"]) for s in result["registration"]]
    assert steps == [
        ("__init__", 7, "w", "parameter", "Parameter"),
        ("__init__", 8, "scale", "attribute", "Tensor"),
        ("__init__", 9, "mean", "buffer", "Tensor"),
        ("__init__", 10, "head", "module", "Linear"),
        ("__init__", 11, "name", "attribute", "str"),
        ("<module>", 14, "w", "error", "Tensor"),
    ]
    assert result["registration"][0]["shape"] == [2, 3] and result["registration"][1]["requires_grad"] is True
    assert "cannot assign" in result["registration"][-1]["error"]
