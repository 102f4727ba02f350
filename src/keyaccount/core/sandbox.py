"""Templates that users write (a company's proposal in Word; any later mail or invoice text) are
code from outside: Jinja expressions reach Python objects, and from them the operating system and
the secret key, unless they are fenced in. Two fences, so that a slip in one does not open the
server:

* ``check`` reads the parsed template when it is uploaded (and again before each rendering) and
  refuses, by name, everything beyond printing the fields it is given and their parts, ``if``,
  ``for`` over a list field, comparisons, constants and a few text filters.
* ``environment`` renders in Jinja's immutable sandbox with no globals, only those filters, no
  Python attributes at all (``a.b`` and ``a["b"]`` look up dictionary keys and list positions),
  numbers-only arithmetic, XML/HTML escaping, and a cap on the size of what one rendering writes.

``plain`` makes sure the data handed to a rendering is plain: dictionaries, lists, strings,
numbers, booleans and None. A model instance or a lazy translation slipped into a context would
carry methods and, through them, the rest of the program; ``plain`` fails loudly instead.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from jinja2 import DictLoader, StrictUndefined, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

# Text filters only: none of them reaches an attribute, calls back into the template or can make
# its output much larger than its input.
FILTERS = ("capitalize", "default", "length", "lower", "title", "trim", "truncate", "upper")
TESTS = ("!=", "<", "<=", "==", ">", ">=", "defined", "divisibleby", "eq", "even", "false", "ge", "gt", "in",
         "le", "lower", "lt", "ne", "none", "number", "odd", "string", "true", "undefined", "upper")
# What ``loop`` offers inside a ``for``; its methods (cycle, changed) are left out.
LOOP_PARTS = ("index", "index0", "revindex", "revindex0", "first", "last", "length")
# Jinja's own globals and the template's reference to itself: each is a door to Python.
REMOVED_NAMES = ("self", "range", "lipsum", "dict", "cycler", "joiner", "namespace")
# A proposal template has a few dozen fields; far more is an attempt to make rendering slow.
MAX_NODES = 5_000
# What one rendering may write (characters of XML): a proposal with thousands of lines is a few MB.
MAX_OUTPUT = 10_000_000

_STATEMENT_TAGS = {
    nodes.Assign: "set", nodes.AssignBlock: "set", nodes.Macro: "macro", nodes.CallBlock: "call",
    nodes.Import: "import", nodes.FromImport: "from … import", nodes.Include: "include", nodes.Extends: "extends",
    nodes.Block: "block", nodes.FilterBlock: "filter", nodes.With: "with", nodes.EvalContextModifier: "autoescape",
    nodes.Scope: "autoescape", nodes.ExprStmt: "do", nodes.Break: "break", nodes.Continue: "continue",
}
_OPERATORS = {nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//",
              nodes.Mod: "%", nodes.Pow: "**", nodes.Concat: "~"}


# Plain data

_SCALARS = (int, float, Decimal, bool, type(None))


def plain(value, path: str = "context"):
    """``value`` itself when it is plain data all the way down, else a TypeError naming where.

    Strings must be exactly ``str``: Django's SafeString is a subclass that Jinja would leave
    unescaped, and a lazy translation is an object with methods."""
    if type(value) is str or type(value) in _SCALARS:
        return value
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"{path} has a key {key!r} that is not a string")
            plain(item, f"{path}.{key}")
        return value
    if type(value) in (list, tuple):
        for index, item in enumerate(value):
            plain(item, f"{path}[{index}]")
        return value
    raise TypeError(f"{path} is a {type(value).__module__}.{type(value).__qualname__}, not plain data: "
                    "give templates dicts, lists, strings, numbers, booleans and None only")


# Rendering

class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))

    def call_binop(self, context, operator, left, right):
        # Arithmetic on strings or lists is formatting ("%") or repetition ("*"): refused. Powers
        # and products of large numbers make numbers nobody can print: refused too.
        numbers = all(type(side) in (int, float, Decimal) for side in (left, right))
        if operator == "**" or not numbers:
            raise SecurityError(f"the operator {operator} is not allowed here")
        result = super().call_binop(context, operator, left, right)
        if abs(result) > 10**15:
            raise SecurityError(f"the result of {operator} is too large")
        return result

    def getattr(self, obj, attribute):
        return self.getitem(obj, attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, LoopContext) and argument in LOOP_PARTS:
            return getattr(obj, argument)
        if (type(obj) is dict and type(argument) is str) or (type(obj) in (list, tuple) and type(argument) is int):
            try:
                return obj[argument]
            except LookupError:
                pass
        return self.undefined(obj=obj, name=argument)

    def concat(self, parts: Iterable[str]) -> str:
        written, size = [], 0
        for part in parts:
            size += len(part)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the rendering grew past {MAX_OUTPUT} characters")
            written.append(part)
        return "".join(written)


def environment() -> ImmutableSandboxedEnvironment:
    """A fresh sandbox for one rendering of a user's template."""
    # A loader that knows no template: include, import and extends find nothing.
    env = _Environment(undefined=StrictUndefined, autoescape=True, loader=DictLoader({}))
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {name: env.tests[name] for name in TESTS}
    return env


# The check

class _Problems:
    def __init__(self):
        self.by_kind: dict[str, dict[str, None]] = {}

    def add(self, kind: str, what: str) -> None:
        self.by_kind.setdefault(kind, {})[what] = None

    def count(self) -> int:
        return sum(len(names) for names in self.by_kind.values())

    def messages(self) -> list[str]:
        said = {
            "size": lambda names: _("The template is too long: it has more than %(limit)s fields and tags.") % {
                "limit": MAX_NODES},
            "depth": lambda names: _("The template nests brackets or tags too deeply."),
            "forbidden": lambda names: _("The template may not use %(names)s.") % {"names": names},
            "unknown": lambda names: _("The template uses fields that are not available: %(names)s.") % {
                "names": names},
            "call": lambda names: _("Calls are not allowed: %(names)s.") % {"names": names},
            "operator": lambda names: _("Arithmetic, string formatting and joining are not allowed: %(names)s.") % {
                "names": names},
            "filter": lambda names: _("These filters are not allowed: %(names)s.") % {"names": names},
            "test": lambda names: _("These tests are not allowed: %(names)s.") % {"names": names},
            "tag": lambda names: _("These tags are not allowed: %(names)s.") % {"names": names},
            "loop": lambda names: _("A loop may only go over a list field, one loop deep: %(names)s.") % {
                "names": names},
            "expression": lambda names: _("These expressions are not allowed: %(names)s.") % {"names": names},
        }
        return [say(", ".join(f"`{name}`" for name in names)) for kind, say in said.items()
                if (names := list(self.by_kind.get(kind, ())))]


class _Group:
    """What a name stands for while checking: a group of named parts, a list of such groups, one
    value, or ``loop``."""

    def __init__(self, path: str, parts: Collection[str] = (), *, is_list=False, is_loop=False):
        self.path, self.parts, self.is_list, self.is_loop = path, parts, is_list, is_loop


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        inner = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_describe(node.node)}[{inner}]"
    if isinstance(node, nodes.Call):
        return f"{_describe(node.node)}(…)" if node.args or node.kwargs else f"{_describe(node.node)}()"
    if isinstance(node, nodes.Filter):
        return f"{_describe(node.node)}|{node.name}" if node.node is not None else node.name
    return "…"


class _Checker:
    def __init__(self, fields: Mapping[str, Sequence[str]], lists: Collection[str]):
        self.fields, self.lists, self.problems = fields, lists, _Problems()

    def statements(self, body: Iterable[nodes.Node], scope: dict, loops: int) -> None:
        for node in body:
            self.statement(node, scope, loops)

    def statement(self, node: nodes.Node, scope: dict, loops: int) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expression(child, scope)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope, loops)
            self.statements(node.elif_, scope, loops)
            self.statements(node.else_, scope, loops)
        elif isinstance(node, nodes.For):
            self.loop(node, scope, loops)
        else:
            tag = next((tag for kind, tag in _STATEMENT_TAGS.items() if isinstance(node, kind)),
                       type(node).__name__.lower())
            self.problems.add("tag", f"{{% {tag} %}}")

    def loop(self, node: nodes.For, scope: dict, loops: int) -> None:
        over = self.reference(node.iter, scope) if self.is_reference(node.iter) else self.expression(node.iter, scope)
        well_formed = (isinstance(node.target, nodes.Name) and not node.recursive and loops == 0
                       and over is not None and over.is_list)
        if not well_formed:
            target = node.target.name if isinstance(node.target, nodes.Name) else "…"
            self.problems.add("loop", f"for {target} in {_describe(node.iter)}")
        inner = dict(scope)
        if isinstance(node.target, nodes.Name):
            inner[node.target.name] = _Group(node.target.name, over.parts if over is not None else ())
        inner["loop"] = _Group("loop", LOOP_PARTS, is_loop=True)
        if node.test is not None:
            self.expression(node.test, inner)
        self.statements(node.body, inner, loops + 1)
        self.statements(node.else_, scope, loops)

    @staticmethod
    def is_reference(node: nodes.Node) -> bool:
        return isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem))

    def expression(self, node: nodes.Node, scope: dict) -> None:
        if self.is_reference(node):
            self.reference(node, scope)
        elif isinstance(node, nodes.Const):
            if type(node.value) not in (str, int, float, bool, type(None)):
                self.problems.add("expression", repr(node.value))
        elif isinstance(node, (nodes.And, nodes.Or)):
            self.expression(node.left, scope)
            self.expression(node.right, scope)
        elif isinstance(node, (nodes.Not, nodes.Neg, nodes.Pos)):
            self.expression(node.node, scope)
        elif isinstance(node, nodes.Compare):
            self.expression(node.expr, scope)
            for operand in node.ops:
                self.expression(operand.expr, scope)
        elif isinstance(node, nodes.CondExpr):
            for part in (node.test, node.expr1, node.expr2):
                if part is not None:
                    self.expression(part, scope)
        elif isinstance(node, (nodes.Tuple, nodes.List)):
            for item in node.items:
                self.expression(item, scope)
        elif isinstance(node, (nodes.Filter, nodes.Test)):
            self.filter_or_test(node, scope)
        elif isinstance(node, nodes.Call):
            self.problems.add("call", _describe(node))
            self.forbidden_names(node.node)
            self.arguments(node, scope)
        elif type(node) in _OPERATORS:
            self.problems.add("operator", _OPERATORS[type(node)])
            for part in (node.nodes if isinstance(node, nodes.Concat) else (node.left, node.right)):
                self.expression(part, scope)
        else:
            self.problems.add("expression", _describe(node) if not isinstance(node, nodes.Dict) else "{…}")

    def filter_or_test(self, node: nodes.Filter | nodes.Test, scope: dict) -> None:
        allowed = FILTERS if isinstance(node, nodes.Filter) else TESTS
        if node.name not in allowed:
            self.problems.add("filter" if isinstance(node, nodes.Filter) else "test", node.name)
        if node.node is not None:
            self.expression(node.node, scope)
        self.arguments(node, scope)

    def forbidden_names(self, node: nodes.Node) -> None:
        """The private and removed names in what a call calls (its other mistakes are moot), in the
        order they are written (a chain's outermost node comes first in the tree)."""
        found = []
        for inner in (node, *node.find_all(nodes.Node)):
            if isinstance(inner, nodes.Name) and (inner.name in REMOVED_NAMES or inner.name.startswith("_")):
                found.append(inner.name)
            elif isinstance(inner, nodes.Getattr) and inner.attr.startswith("_"):
                found.append(inner.attr)
            elif (isinstance(inner, nodes.Getitem) and isinstance(inner.arg, nodes.Const)
                  and isinstance(inner.arg.value, str) and inner.arg.value.startswith("_")):
                found.append(inner.arg.value)
        for name in reversed(found):
            self.problems.add("forbidden", name)

    def arguments(self, node, scope: dict) -> None:
        for argument in node.args:
            self.expression(argument, scope)
        for keyword in node.kwargs:
            self.expression(keyword.value, scope)
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.problems.add("expression", "*args, **kwargs")

    def reference(self, node: nodes.Node, scope: dict) -> _Group | None:
        """What a name, ``a.b`` or ``a["b"]`` stands for, or None after saying what is wrong."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.fields:
                return _Group(node.name, self.fields[node.name], is_list=node.name in self.lists)
            if node.name in REMOVED_NAMES or node.name.startswith("_"):
                self.problems.add("forbidden", node.name)
            else:
                self.problems.add("unknown", node.name)
            return None
        if not self.is_reference(node):
            said = self.problems.count()
            self.expression(node, scope)
            if self.problems.count() == said:
                self.problems.add("expression", f"({_describe(node)}).…")
            return None
        if isinstance(node, nodes.Getattr):
            part = node.attr
        elif isinstance(node.arg, nodes.Const) and type(node.arg.value) in (str, int):
            part = node.arg.value
        else:
            self.expression(node.node, scope)
            if not isinstance(node.arg, nodes.Slice):
                self.expression(node.arg, scope)
            self.problems.add("expression", _describe(node))
            return None
        if isinstance(part, str) and part.startswith("_"):
            self.expression(node.node, scope)
            self.problems.add("forbidden", part)
            return None
        group = self.reference(node.node, scope)
        if group is None:
            return None
        if group.is_list and type(part) is int:
            return _Group(f"{group.path}[{part}]", group.parts)
        if not group.is_list and part in group.parts:
            return _Group(f"{group.path}.{part}")
        self.problems.add("forbidden" if group.is_loop else "unknown", f"{group.path}.{part}")
        return None


def check(templates: Iterable[nodes.Template], *, fields: Mapping[str, Sequence[str]],
          lists: Collection[str] = ()) -> list[str]:
    """What is wrong with parsed templates rendered with ``fields`` (each field's parts; the fields
    in ``lists`` are lists of such groups), one message per kind of mistake naming each; an empty
    list when the templates only do what a document needs."""
    checker = _Checker(fields, lists)
    try:
        templates = list(templates)
        if sum(1 for template in templates for _node in template.find_all(nodes.Node)) > MAX_NODES:
            checker.problems.add("size", "")
            return checker.problems.messages()
        for template in templates:
            checker.statements(template.body, {}, 0)
    except RecursionError:  # thousands of nested brackets or tags: Jinja's parser, and this walk, recurse
        checker.problems.add("depth", "")
    return checker.problems.messages()


def parse(sources: Iterable[str]) -> Iterator[nodes.Template]:
    """Each source parsed as the sandbox reads it; a TemplateSyntaxError for a broken one."""
    env = environment()
    for source in sources:
        yield env.parse(source)
