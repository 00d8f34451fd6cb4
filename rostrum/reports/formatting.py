"""How report values read in cells: formula-safe text, browser names, durations."""

import re
from datetime import timedelta

from django.utils.translation import gettext as _

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+).*Safari/")),
)
SYSTEMS = (
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux")),
)


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe keeps formulas from running."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def browser_of(user_agent: str) -> str:
    """A short, readable name for a browser ("Firefox 128 on Linux"); empty when unrecognised."""
    browser = next(
        (f"{name} {found.group(1)}" for name, pattern in BROWSERS if (found := pattern.search(user_agent))), ""
    )
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system


def format_duration(duration: timedelta | None) -> str:
    """Hours, minutes and seconds (``1:05:09``), or empty when unknown."""
    if duration is None:
        return ""
    minutes, seconds = divmod(max(int(duration.total_seconds()), 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"
