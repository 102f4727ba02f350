"""One calm design: the tokens at the top of app.css (and their contrast), icons from the vendored sprite
instead of emoji, empty lists that say what to do next, and the print rules of the meeting brief."""

import html
import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from keyaccount.core.templatetags.icons import SPRITE, sprite_icons
from tests.factories import AccountFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "keyaccount"
APP_CSS = SRC / "static" / "keyaccount" / "app.css"
# base.html is the navigation's, rebuilt separately: its bell is replaced there.
NOT_OURS = {SRC / "templates" / "base.html"}

# Characters that draw as emoji or pictographs, boxes in some fonts: geometric shapes (■ ▲ ◎),
# miscellaneous symbols and dingbats (★ ✓ ✔ ✉ ☐ ⚑ ⚠), misc technical, the emoji planes and the emoji
# variation selector. Arrows (→ ←) and the box-drawing └ of the org chart are typography and stay.
PICTOGRAPH = re.compile("[\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def _templates():
    return sorted(path for path in SRC.rglob("templates/**/*.html") if path not in NOT_OURS)


def _pictographs(text: str) -> list[str]:
    decoded = ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return PICTOGRAPH.findall(decoded)


def test_no_template_draws_an_emoji_as_an_icon():
    found = {str(path.relative_to(SRC)): chars for path in _templates() if (chars := _pictographs(path.read_text()))}
    assert found == {}


def test_the_emoji_check_catches_characters_and_entities():
    assert _pictographs("<a>&#128276;</a> ★ ✓ ■") == ["🔔", "★", "✓", "■"]
    assert _pictographs("→ ← └ «ёлочки» 18 000,00 ₽ ABC × XYZ") == []


def test_the_icon_tag_draws_a_symbol_of_the_sprite_with_a_label_for_screen_readers():
    out = Template('{% load icons %}{% icon "phone" "Call them" %}').render(Context())
    assert f'<use href="/static/{SPRITE}#phone"></use>' in out
    assert '<svg class="icon icon-phone" aria-hidden="true" focusable="false">' in out
    assert '<span class="visually-hidden">Call them</span>' in out
    assert "style=" not in out  # the Content-Security-Policy refuses style attributes
    bare = Template('{% load icons %}{% icon "bell" %}').render(Context())
    assert "visually-hidden" not in bare and "#bell" in bare


def test_a_label_is_escaped_and_an_unknown_icon_is_refused():
    out = Template('{% load icons %}{% icon "x" label %}').render(Context({"label": "<b>Remove</b>"}))
    assert "&lt;b&gt;Remove&lt;/b&gt;" in out
    with pytest.raises(TemplateSyntaxError, match="No icon 'no-such-icon'"):
        Template('{% load icons %}{% icon "no-such-icon" %}').render(Context())


def test_every_icon_a_template_names_is_in_the_sprite_and_the_sprite_keeps_its_licence():
    used = {name for path in _templates() for name in re.findall(r'{% icon "([^"]+)"', path.read_text())}
    assert used and used <= sprite_icons()
    sprite = (SRC / "static" / SPRITE).read_text()
    assert "ISC License" in sprite and "Lucide" in sprite and "1.62.0" in SPRITE


def test_the_sort_mark_is_an_icon_that_says_the_direction():
    template = Template("{% load kam %}{% sort_mark 'name' %}")
    up = template.render(Context({"sort": "name"}))
    down = template.render(Context({"sort": "-name"}))
    assert "#chevron-up" in up and "sorted ascending" in up
    assert "#chevron-down" in down and "sorted descending" in down
    assert template.render(Context({"sort": "inn"})) == ""
    assert not _pictographs(up + down)


# --- Tokens and their contrast -------------------------------------------------------------------------

def _css() -> str:
    return APP_CSS.read_text()


def _tokens() -> dict[str, str]:
    """The custom properties of the first ``:root`` block (the tokens), by name without ``--ka-``."""
    block = re.search(r"^:root \{(.*?)\}", _css(), re.S | re.M).group(1)
    return dict(re.findall(r"--ka-([\w-]+):\s*([^;]+);", block))


def _luminance(colour: str) -> float:
    hex_ = colour.strip().lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    channels = [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _stated_ratios() -> list[tuple[str, str, float]]:
    comment = re.search(r"Contrast \(WCAG.*?\*/", _css(), re.S).group(0)
    return [(fg, bg, float(ratio)) for fg, bg, ratio in re.findall(r"([a-z-]+)/([a-z-]+) (\d+\.\d\d)", comment)]


def test_the_ratios_stated_in_app_css_are_the_computed_ones_and_reach_aa():
    tokens = _tokens()
    stated = _stated_ratios()
    for fg, bg, ratio in stated:
        actual = contrast(tokens[fg], tokens[bg])
        assert actual == pytest.approx(ratio, abs=0.01), f"{fg}/{bg} is {actual:.2f}, the comment says {ratio}"
        # Text needs 4.5:1; a control's border (not text) 3:1.
        assert actual >= (3.0 if fg == "border-strong" else 4.5), f"{fg} on {bg}: {actual:.2f}"
    pairs = {(fg, bg) for fg, bg, _ in stated}
    must = {("text", "surface"), ("text-muted", "surface"), ("text-muted", "surface-sunken"), ("accent", "surface"),
            ("on-accent", "accent"), ("on-accent", "neutral-strong"), ("border-strong", "surface")}
    must |= {(state, "surface") for state in ("success", "warning", "danger", "info")}
    must |= {(state, f"{state}-bg") for state in ("accent", "success", "warning", "danger", "info")}
    assert must <= pairs


def test_every_rule_that_sets_a_token_colour_on_a_token_background_reaches_aa():
    tokens = _tokens()
    checked = 0
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", _css()):
        background = re.search(r"background(?:-color)?:\s*var\(--ka-([\w-]+)\)", body)
        colour = re.search(r"(?<![-\w])color:\s*var\(--ka-([\w-]+)\)", body)
        if background and colour:
            ratio = contrast(tokens[colour.group(1)], tokens[background.group(1)])
            assert ratio >= 4.5, f"{selector.strip()}: {colour.group(1)} on {background.group(1)} is {ratio:.2f}"
            checked += 1
    assert checked >= 10


def test_pico_follows_the_tokens():
    css = _css()
    theme = re.search(r"^:root:not\(\[data-theme=dark\]\), \[data-theme=light\] \{(.*?)\}", css, re.S | re.M).group(1)
    for pico, token in [("color", "text"), ("muted-color", "text-muted"), ("primary", "accent"),
                        ("primary-background", "accent"), ("background-color", "surface"),
                        ("muted-border-color", "border"), ("del-color", "danger"), ("ins-color", "success"),
                        ("form-element-border-color", "border-strong"), ("spacing", "space-3"),
                        ("border-radius", "radius"), ("font-size", "font-size")]:
        assert f"--pico-{pico}: var(--ka-{token});" in theme


def test_the_rules_between_the_tokens_and_the_later_sections_use_tokens_not_literal_colours():
    css = _css()
    start = css.index("h3 { --pico-font-size")
    end = css.index("@media print")
    literal = [line for line in css[start:end].splitlines()
               if re.search(r"#[0-9a-fA-F]{3,6}\b", line) and not line.startswith((".topbar", ".bell"))]
    assert literal == []


# --- Empty lists ---------------------------------------------------------------------------------------

def _empty_state(page: str) -> str:
    assert 'class="empty-state"' in page, "no empty state on the page"
    return page.split('class="empty-state"')[1].split("</div>\n</div>")[0]


@pytest.mark.django_db
def test_an_empty_account_list_says_what_accounts_are_and_offers_the_first_one(people, client_for):
    page = client_for(people["anna"]).get(reverse("accounts:account_list")).content.decode()
    block = _empty_state(page)
    assert "Accounts are the companies you sell to" in block
    assert f'href="{reverse("accounts:account_create")}"' in block and "New account" in block
    assert "<table" not in page.split('id="results"')[1]


@pytest.mark.django_db
def test_support_sees_the_empty_account_list_explained_but_no_add_button(people, client_for):
    page = client_for(people["support"]).get(reverse("accounts:account_list")).content.decode()
    block = _empty_state(page)
    assert "Accounts are the companies you sell to" in block
    assert reverse("accounts:account_create") not in page


@pytest.mark.django_db
def test_a_filter_that_matches_nothing_says_so_rather_than_explaining_the_list(people, client_for):
    AccountFactory(name="OOO Severstal Trade", owner=people["anna"])
    page = client_for(people["anna"]).get(reverse("accounts:account_list"), {"q": "zzz"}).content.decode()
    assert "No accounts match" in page and 'class="empty-state"' not in page
    # An empty filter submitted is no filter.
    page = client_for(people["anna"]).get(reverse("accounts:account_list"), {"q": ""}).content.decode()
    assert "Severstal" in page and "No accounts match" not in page


@pytest.mark.django_db
def test_the_list_fragment_htmx_asks_for_has_the_same_empty_state(people, client_for):
    response = client_for(people["anna"]).get(reverse("accounts:account_list"), HTTP_HX_REQUEST="true")
    assert "Accounts are the companies you sell to" in _empty_state(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "may_add"), [("anna", True), ("support", False)])
def test_an_empty_competitor_list_offers_to_add_one_to_those_who_may(people, client_for, user, may_add):
    page = client_for(people[user]).get(reverse("accounts:competitor_list")).content.decode()
    block = _empty_state(page)
    assert "Competitors you meet at your accounts" in block
    assert (reverse("accounts:competitor_create") in block) is may_add


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "may_add"), [("anna", True), ("analyst", False)])
def test_an_empty_order_list_offers_a_new_order_to_those_who_may(people, client_for, user, may_add):
    block = _empty_state(client_for(people[user]).get(reverse("orders:order_list")).content.decode())
    assert "Orders are what your accounts have bought" in block
    assert (reverse("orders:order_create") in block) is may_add


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "text", "link"), [
    ("accounts:contact_list", "People are the contacts at your accounts", "accounts:account_list"),
    ("deals:deal_list", "Deals are sales in progress", "accounts:account_list"),
    ("deals:proposal_list", "Commercial proposals are prepared from a deal", "deals:deal_list"),
    ("contracts:contract_list", "Contracts with your accounts", "accounts:account_list"),
    ("contracts:obligation_list", "Obligations are what a contract promises", "contracts:contract_list"),
    ("feedback:feedback_list", "Complaints and suggestions from your clients", "accounts:account_list"),
    ("feedback:ticket_list", "Support tickets", "accounts:account_list"),
    ("catalog:product_list", "The catalogue of what you sell", None),
    ("timeline:call_queue", "The queue is empty", "timeline:call_import"),
    ("planning:report_list", "A weekly report sums up a manager's week", None),
    ("planning:account_plan_list", "No account plans yet", "accounts:account_list"),
])
def test_every_empty_list_says_what_it_is_for_and_where_to_start(people, client_for, url, text, link):
    block = _empty_state(client_for(people["head"]).get(reverse(url)).content.decode())
    assert text in block
    if link:
        assert f'href="{reverse(link)}' in block


@pytest.mark.django_db
def test_the_empty_product_list_offers_a_product_only_to_who_keeps_the_catalogue(people, client_for):
    assert reverse("catalog:product_create") in _empty_state(
        client_for(people["head"]).get(reverse("catalog:product_list")).content.decode())
    assert reverse("catalog:product_create") not in _empty_state(
        client_for(people["anna"]).get(reverse("catalog:product_list")).content.decode())


@pytest.mark.django_db
def test_the_call_queue_offers_the_import_only_to_who_may_log_calls(people, client_for):
    assert reverse("timeline:call_import") in client_for(people["support"]).get(
        reverse("timeline:call_queue")).content.decode()
    assert reverse("timeline:call_import") not in client_for(people["analyst"]).get(
        reverse("timeline:call_queue")).content.decode()


@pytest.mark.django_db
def test_the_empty_state_speaks_russian(people, client_for):
    people["anna"].language = "ru"
    people["anna"].save()
    block = _empty_state(client_for(people["anna"]).get(reverse("accounts:account_list")).content.decode())
    assert "Клиенты — это компании, которым вы продаёте" in block and "Новый клиент" in block
    assert "Accounts are" not in block


# --- Printing the brief --------------------------------------------------------------------------------

def _print_rules() -> str:
    css = _css()
    start = css.index("@media print {")
    depth, end = 0, start
    for end in range(start, len(css)):
        depth += {"{": 1, "}": -1}.get(css[end], 0)
        if depth == 0 and css[end] == "}":
            break
    return css[start:end + 1]


def test_the_print_rules_leave_the_screen_furniture_off_paper():
    rules = _print_rules()
    hidden = re.search(r"([^{}]*)\{ display: none !important; \}", rules).group(1)
    for part in ("header.topbar", "body > footer", "nav", ".actions", "button", "[role=button]", "form",
                 ".pagination", ".htmx-indicator"):
        assert part in hidden
    assert "size: A4" in rules
    assert "break-inside: avoid" in rules and "break-after: avoid" in rules
    assert re.search(r"tr, \.person[^{]*\{ break-inside: avoid", rules)
    assert "a[href]::after { content: none" in rules
    assert "color: #000 !important" in rules and "background: #fff !important" in rules


@pytest.mark.django_db
def test_the_brief_page_links_the_stylesheet_with_the_print_rules(people, client_for, anna_account):
    page = client_for(people["anna"]).get(reverse("timeline:account_brief", args=[anna_account.pk])).content.decode()
    assert 'href="/static/keyaccount/app.css"' in page
    assert '<article class="brief">' in page and 'class="brief-block"' in page
    # The buttons sit in .actions, which the print rules hide.
    actions = page.split('<p class="actions">')[1].split("</p>")[0]
    assert "PDF for printing" in actions and "#printer" in actions


def test_an_empty_choice_is_a_dash_not_djangos_row_of_hyphens(people, client_for):
    """A model field's blank choice and a ModelChoiceField's empty label both render as the dash
    every other "none" here is (templates/django/forms/widgets/select_option.html)."""
    account = AccountFactory(owner=people["anna"])
    page = client_for(people["anna"]).get(reverse("accounts:account_edit", args=[account.pk])).content.decode()
    assert "<select" in page and "---------" not in page
    assert re.search(r'<option value=""[^>]*>—</option>', page)
