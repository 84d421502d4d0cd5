"""Compare two versions of starter code: a translation may change what a learner reads, not what runs."""

import ast


class _LearnerText(ast.NodeTransformer):
    """Blank docstrings and the string constants given to print(): the text a translation may change."""

    def _without_docstring(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                body[0] = ast.Expr(value=ast.Constant(value=""))
        return node

    visit_Module = visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _without_docstring

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            node.args = [self._blank(arg) for arg in node.args]
        return node

    @staticmethod
    def _blank(arg: ast.expr) -> ast.expr:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return ast.Constant(value="")
        if isinstance(arg, ast.JoinedStr):
            arg.values = [value for value in arg.values if not isinstance(value, ast.Constant)]
        return arg


def same_program(shared: str, translated: str) -> bool:
    """Tell whether two versions of starter code are one program: equal but for comments, docstrings
    and the labels print() shows (a translation may change those, and nothing else)."""
    try:
        trees = [ast.parse(code) for code in (shared, translated)]
    except SyntaxError:
        return False
    return ast.dump(_LearnerText().visit(trees[0])) == ast.dump(_LearnerText().visit(trees[1]))
