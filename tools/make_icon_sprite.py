"""Build the icon sprite (src/keyaccount/static/keyaccount/vendor/icons-lucide-<version>.svg).

Only the icons the pages use go in, as ``<symbol id="name">``, with Lucide's licence kept as a comment.
To add an icon: unpack the package (``cd /tmp && npm pack lucide-static && tar xzf lucide-static-*.tgz``),
add its name to ICONS, run ``.venv/bin/python tools/make_icon_sprite.py /tmp/package`` and commit the
sprite; ``{% icon "name" %}`` (core/templatetags/icons.py) then draws it.
"""

import json
import re
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "src" / "keyaccount" / "static" / "keyaccount" / "vendor"

ICONS = [
    "activity", "arrow-left", "arrow-right", "award", "bell", "building-2", "cake", "calendar", "check",
    "chevron-down", "chevron-up", "circle-check", "clipboard-list", "file-text", "flag", "handshake", "inbox",
    "info", "life-buoy", "mail", "menu", "message-square-warning", "package", "phone", "plus", "printer",
    "search", "shopping-cart", "star", "swords", "triangle-alert", "upload", "users", "x",
]


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    licence = (package / "LICENSE").read_text().replace("--", "—")
    symbols = []
    for name in ICONS:
        svg = (package / "icons" / f"{name}.svg").read_text()
        body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
        body = " ".join(line.strip() for line in body.strip().splitlines())
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
                       f'stroke-linecap="round" stroke-linejoin="round">{body}</symbol>')
    for old in STATIC.glob("icons-lucide-*.svg"):
        old.unlink()
    out = STATIC / f"icons-lucide-{version}.svg"
    out.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">\n<!-- Lucide icons v{version} (lucide-static), '
                   f"https://lucide.dev\n\n{licence.strip()}\n-->\n" + "\n".join(symbols) + "\n</svg>\n")
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
