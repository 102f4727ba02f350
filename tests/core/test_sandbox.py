"""User-written templates: the check names what a template may not do, the sandbox refuses it even
when the check is skipped, and only plain data goes in."""

from decimal import Decimal

import jinja2
import pytest
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from keyaccount.core import sandbox

FIELDS = {"seller": ["name"], "buyer": ["name", "inn"], "lines": ["n", "name", "amount"], "total": []}
CONTEXT = {"seller": {"name": "Our Company"}, "buyer": {"name": "Client & Co <Ltd>", "inn": "7707083893"},
           "lines": [{"n": 1, "name": "Pump", "amount": "10.00"}, {"n": 2, "name": "Service", "amount": "5.00"}],
           "total": "15.00"}


def problems(source: str) -> str:
    return " ".join(sandbox.check(sandbox.parse([source]), fields=FIELDS, lists={"lines"}))


def render(source: str, context=CONTEXT) -> str:
    return sandbox.environment().from_string(source).render(sandbox.plain(context))


# Each well-known way out of a Jinja template, with what the check says about it.
ESCAPES = [
    ("{{ self.__init__.__globals__ }}", "may not use `self`, `__init__`, `__globals__`"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "may not use `__class__`, `__mro__`, `__subclasses__`"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "Calls are not allowed"),
    ("{{ joiner.__init__.__globals__ }}", "may not use `joiner`, `__init__`, `__globals__`"),
    ("{{ namespace.__init__.__globals__ }}", "may not use `namespace`"),
    ("{{ lipsum.__globals__ }}", "may not use `lipsum`, `__globals__`"),
    ("{{ config }}", "not available: `config`"),
    ("{{ request }}", "not available: `request`"),
    ("{{ seller.__class__ }}", "may not use `__class__`"),
    ("{{ lines|attr('__class__') }}", "filters are not allowed: `attr`"),
    ("{{ '{0.__class__}'.format(seller) }}", "Calls are not allowed: `'{0.__class__}'.format(…)`"),
    ("{{ '%s' % seller }}", "not allowed: `%`"),
    ("{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}", "may not use `__class__`"),
    ("{{ seller['__globals__'] }}", "may not use `__globals__`"),
    ("{{ lines|attr('__cla' ~ 'ss__') }}", "filters are not allowed: `attr`"),
    ("{{ 'x' * 100000000 }}", "not allowed: `*`"),
    ("{% for i in range(10**9) %}{% endfor %}", "may not use `range`"),
    ("{{ dict(a=1) }}", "may not use `dict`"),
    ("{% for line in lines %}{{ loop.cycle('a') }}{% endfor %}", "Calls are not allowed: `loop.cycle(…)`"),
    ("{{ buyer.name|format(1) }}", "filters are not allowed: `format`"),
    ("{{ seller[buyer.name] }}", "expressions are not allowed: `seller[…]`"),
    ("{% include 'base.html' %}", "`{% include %}`"),
    ("{% extends 'base.html' %}", "`{% extends %}`"),
    ("{% import 'os' as os %}", "`{% import %}`"),
]
# Tags a document does not need: harmless in the sandbox, refused by the check so that a template
# stays something a reader can follow (and autoescape off would let a client's name break the XML).
TAGS = [
    ("{% set secret = 1 %}", "tags are not allowed: `{% set %}`"),
    ("{% macro m() %}{% endmacro %}", "`{% macro %}`"),
    ("{% call seller() %}{% endcall %}", "`{% call %}`"),
    ("{% autoescape false %}{{ buyer.name }}{% endautoescape %}", "`{% autoescape %}`"),
    ("{% filter upper %}x{% endfilter %}", "`{% filter %}`"),
    ("{% with x = 1 %}{% endwith %}", "`{% with %}`"),
]


@pytest.mark.parametrize("source,said", ESCAPES + TAGS, ids=[source for source, _said in ESCAPES + TAGS])
def test_a_way_out_of_the_template_is_named_by_the_check(source, said):
    assert said in problems(source)


@pytest.mark.parametrize("source,said", ESCAPES, ids=[source for source, _said in ESCAPES])
def test_the_sandbox_alone_stops_each_way_out_even_unchecked(source, said):
    """The second fence: rendered without the check, each payload fails and prints nothing."""
    with pytest.raises(jinja2.TemplateError):
        render(source)


def test_the_fields_their_parts_if_for_comparisons_and_text_filters_pass_and_render():
    source = ("{{ seller.name|upper }} → {{ buyer.name }}{% if buyer.inn and buyer.inn != '' %}, {{ buyer.inn }}"
              "{% endif %}:{% for line in lines if line.n > 0 %} {{ loop.index }}. {{ line['name']|lower }} "
              "{{ line.amount }}{% else %} nothing{% endfor %} = {{ total|default('—') }} "
              "{{ 'many' if lines|length > 1 else 'one' }} {{ lines[0].name }}")
    assert problems(source) == ""
    assert render(source) == ("OUR COMPANY → Client &amp; Co &lt;Ltd&gt;, 7707083893: 1. pump 10.00 2. service 5.00"
                              " = 15.00 many Pump")


def test_an_unknown_field_or_part_is_named():
    assert problems("{{ discount_table }} {{ buyer.bank }} {{ lines[0].colour }}") == (
        "The template uses fields that are not available: `discount_table`, `buyer.bank`, `lines[0].colour`.")


def test_a_loop_goes_over_a_list_field_only_and_only_one_deep():
    assert "one loop deep: `for ch in buyer.name`" in problems("{% for ch in buyer.name %}{% endfor %}")
    assert "`for other in lines`" in problems("{% for line in lines %}{% for other in lines %}{% endfor %}"
                                              "{% endfor %}")
    assert "`for line in lines`" in problems("{% for line in lines recursive %}{% endfor %}")


def test_a_template_with_too_many_tags_is_refused_before_it_is_walked(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_NODES", 50)
    assert "too long" in problems("{{ total }}" * 60)
    assert problems("{{ total }}" * 10) == ""


@pytest.mark.parametrize("source", ["{{ " + "(" * 3000 + "total" + ")" * 3000 + " }}",
                                    "{% if total %}" * 3000 + "{% endif %}" * 3000,
                                    "{{ total" + ".part" * 3000 + " }}", "{{ " + "not " * 3000 + "total }}"],
                         ids=["brackets", "ifs", "dots", "nots"])
def test_a_template_nested_thousands_deep_is_refused_not_a_crash(source):
    assert problems(source) == "The template nests brackets or tags too deeply."


def test_the_sandbox_has_no_globals_and_only_text_filters():
    env = sandbox.environment()
    assert env.globals == {}
    assert set(env.filters) == set(sandbox.FILTERS)
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    assert env.undefined is jinja2.StrictUndefined


def test_dotted_names_reach_keys_and_positions_never_python_attributes():
    with pytest.raises(jinja2.UndefinedError):
        render("{{ seller.items }}")
    with pytest.raises(jinja2.UndefinedError):
        render("{{ buyer.name.upper }}")
    assert render("{{ seller['name'] }} {{ lines[1].name }}") == "Our Company Service"


def test_arithmetic_on_text_is_refused_and_numbers_stay_small():
    assert render("{{ lines[0].n + 1 }}") == "2"
    with pytest.raises(jinja2.sandbox.SecurityError):
        render("{{ buyer.name * 3 }}")
    with pytest.raises(jinja2.sandbox.SecurityError):
        render("{{ 10 ** 100 }}")
    with pytest.raises(jinja2.sandbox.SecurityError):
        render("{{ 1000000000 * 1000000000 * 1000000000 }}")


def test_a_rendering_that_grows_past_the_limit_stops(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 1000)
    many = {**CONTEXT, "lines": [{"n": n, "name": "x" * 50, "amount": "1"} for n in range(100)]}
    with pytest.raises(jinja2.sandbox.SecurityError):
        render("{% for line in lines %}{{ line.name }}{% endfor %}", many)


def test_values_are_printed_never_run_and_the_secret_stays_out():
    context = {**CONTEXT, "buyer": {"name": "{{ config.SECRET_KEY }}{% print 1 %}", "inn": ""}}
    out = render("{{ buyer.name }}", context)
    assert out == "{{ config.SECRET_KEY }}{% print 1 %}"
    assert settings.SECRET_KEY not in out


@pytest.mark.parametrize("value,where", [
    ({"proposal": object()}, "context.proposal is a builtins.object"),
    ({"lines": [{"name": gettext_lazy("Pump")}]}, "context.lines[0].name is a django.utils.functional"),
    ({"buyer": {"name": mark_safe("<b>")}}, "context.buyer.name is a django.utils.safestring.SafeString"),
    ({"total": len}, "context.total is a builtins.builtin_function_or_method"),
    ({1: "one"}, "has a key 1 that is not a string"),
])
def test_anything_but_plain_data_in_a_context_fails_loudly(value, where):
    with pytest.raises(TypeError, match="not"):
        sandbox.plain(value)
    with pytest.raises(TypeError) as error:
        sandbox.plain(value)
    assert where in str(error.value)


def test_plain_data_passes_as_it_is():
    value = {"a": [1, 2.5, Decimal("3.10"), True, None, ("x", "y")], "b": {"c": "d"}}
    assert sandbox.plain(value) is value


def test_a_model_instance_in_a_context_fails_loudly(people):
    with pytest.raises(TypeError, match=r"context.manager is a keyaccount.core.models.User"):
        sandbox.plain({"manager": people["anna"]})
