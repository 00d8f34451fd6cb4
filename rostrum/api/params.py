"""Request parameters as ClickMeeting's clients send them (spec §2.3 and §9 items 1 to 5).

Every endpoint reads ``request.cm_params``: one nested dict merged from the query string and the
body (urlencoded with or without a Content-Type, JSON, or multipart fields; uploaded files are in
``request.cm_files``). PHP-style keys are decoded the way PHP and Rack do:

    registration[template]=1        → {"registration": {"template": "1"}}
    attendees[0][email]=a           → {"attendees": [{"email": "a"}]}
    attendees[][email]=a&attendees[][email]=b → {"attendees": [{"email": "a"}, {"email": "b"}]}
    registration[1]=Ann             → {"registration": {"1": "Ann"}}   (indices not from 0 stay a dict)

Values stay strings (or JSON types): convert them with the ``as_*`` helpers below, which are
lenient in what they accept and raise ``ApiError`` (422, naming the parameter) for the rest.
"""

import json
import re
import zoneinfo
from datetime import datetime, tzinfo
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.parsers import BaseParser, DataAndFiles, MultiPartParser

from rostrum.api.errors import ApiError

MAX_KEY_DEPTH = 8
ABSENT = frozenset({"", "None", "none", "null", "NULL"})  # Python clients send None as "None"
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_INDEX = re.compile(r"^(?:0|[1-9]\d{0,8})$")
# The official clients append ".json" to a URL that may already hold a query string (spec §2.1).
_GLUED_SUFFIX = re.compile(r"\.json$")


# --- decoding ---------------------------------------------------------------------------------


def split_key(key: str) -> list[str]:
    """``"a[b][]"`` → ``["a", "b", ""]``; a key that is not well formed stays one literal name."""
    match = _KEY.match(key)
    if not match:
        return [key]
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    if len(parts) > MAX_KEY_DEPTH:
        return [key]
    return parts


def _indices(node: dict) -> list[int]:
    return [int(k) for k in node if _INDEX.match(k)]


def _holds(node: dict, parts: list[str]) -> bool:
    """Whether ``parts`` (up to the first ``[]``) is already set below ``node``."""
    for part in parts:
        if part == "":
            return False
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _assign(node: dict, parts: list[str], value) -> None:
    head, rest = parts[0], parts[1:]
    if head == "":
        indices = _indices(node)
        last = str(max(indices)) if indices else None
        # Rack's rule: a[][x]=1&a[][y]=2 fills one element until a key repeats.
        if rest and last is not None and isinstance(node[last], dict) and not _holds(node[last], rest):
            head = last
        else:
            head = str(max(indices) + 1 if indices else 0)
    if not rest:
        node[head] = value
        return
    child = node.get(head)
    if not isinstance(child, dict):
        child = node[head] = {}
    _assign(child, rest, value)


def _finish(value):
    """Dicts keyed exactly 0..n-1 become lists (PHP's json_encode rule); the rest stay dicts."""
    if not isinstance(value, dict):
        return value
    finished = {key: _finish(item) for key, item in value.items()}
    if finished and all(_INDEX.match(k) for k in finished) and sorted(map(int, finished)) == list(range(len(finished))):
        return [finished[str(i)] for i in range(len(finished))]
    return finished


def decode_pairs(pairs) -> dict:
    """``[("a[b]", "1"), ...]`` → nested dicts and lists, later pairs winning on the same key."""
    root: dict = {}
    for key, value in pairs:
        _assign(root, split_key(key), value)
    return _finish(root)


def decode_query(text: str) -> dict:
    """A urlencoded string (query or body): ``+`` and ``%20`` are spaces, bad UTF-8 is replaced."""
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            errors="replace",
        )
    except ValueError:
        raise ApiError(400, _("Too many parameters.")) from None
    return decode_pairs(pairs)


def decode_query_string(query_string: str) -> dict:
    """The URL's query, with a ``.json`` the client glued to the last value removed (``page=1.json``)."""
    return decode_query(_GLUED_SUFFIX.sub("", query_string))


def merge(base: dict, override: dict) -> dict:
    """Deep merge: dicts merge key by key, anything else in ``override`` wins."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _querydict_pairs(data: QueryDict):
    return [(key, value) for key, values in data.lists() for value in values]


class ClickMeetingParser(BaseParser):
    """The only parser of the API: whatever the Content-Type says (or does not say).

    JSON when declared as JSON (or when an undeclared body starts with ``{``), multipart when
    declared, urlencoded otherwise; a body of literally ``None`` (the Python client's GET/DELETE)
    is no body.
    """

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        declared = (media_type or "").split(";")[0].strip().lower()
        try:
            if declared == "multipart/form-data":
                parsed = MultiPartParser().parse(stream, media_type, parser_context)
                return DataAndFiles(decode_pairs(_querydict_pairs(parsed.data)), parsed.files)
            raw = stream.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) if stream is not None else b""
        except (RequestDataTooBig, TooManyFieldsSent):
            raise ApiError(413, _("The request is too large.")) from None
        if len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise ApiError(413, _("The request is too large."))
        text = raw.decode("utf-8", errors="replace")
        if text.strip() in {"", "None"}:
            return {}
        if declared.endswith("json") or (not declared and text.lstrip().startswith("{")):
            try:
                data = json.loads(text)
            except ValueError:
                raise ApiError(400, _("The request body is not valid JSON.")) from None
            if not isinstance(data, dict):
                raise ApiError(400, _("A JSON request body must be an object."))
            return data
        return decode_query(text)


def collect_params(request) -> tuple[dict, dict]:
    """Merged parameters and uploaded files of a DRF request (body wins over the query string)."""
    query = decode_query_string(request._request.META.get("QUERY_STRING", ""))
    _ = request.data  # parses the body (ClickMeetingParser)
    body = request._data  # request.data would mix the uploaded files in
    if isinstance(body, QueryDict):  # DRF's empty form body
        body = decode_pairs(_querydict_pairs(body))
    return merge(query, body if isinstance(body, dict) else {}), dict(request.FILES.items())


# --- lenient converters -------------------------------------------------------------------------


def is_absent(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ABSENT)


def _scalar(value, name: str):
    if isinstance(value, dict | list):
        raise ApiError.invalid(name, _("%(name)s must be a single value.") % {"name": name})
    return value.strip() if isinstance(value, str) else value


TRUE = frozenset({"1", "true", "on", "yes", "y"})
FALSE = frozenset({"0", "false", "off", "no", "n"})


def as_bool(value, name: str = "value", default: bool | None = None) -> bool | None:
    """``1/0``, ``true/false`` in any case, ``on/off``, ``yes/no``; absent → ``default``."""
    if is_absent(value):
        return default
    value = _scalar(value, name)
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ApiError.invalid(name, _("%(name)s must be 1 or 0 (true or false).") % {"name": name})


def as_int(
    value, name: str = "value", default: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """A whole number from ``"12"``, ``12``, ``"12.0"`` or ``"12.json"``; absent → ``default``."""
    if is_absent(value):
        return default
    value = _scalar(value, name)
    if isinstance(value, bool):
        raise ApiError.invalid(name, _("%(name)s must be a whole number.") % {"name": name})
    text = _GLUED_SUFFIX.sub("", str(value))
    match = re.fullmatch(r"([+-]?\d{1,18})(?:\.0*)?", text)
    if not match:
        raise ApiError.invalid(name, _("%(name)s must be a whole number.") % {"name": name})
    number = int(match.group(1))
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ApiError.invalid(name, _("%(name)s is out of range.") % {"name": name})
    return number


def as_str(value, name: str = "value", default: str | None = None, max_length: int | None = None) -> str | None:
    """A trimmed string; absent → ``default``."""
    if is_absent(value):
        return default
    text = str(_scalar(value, name))
    if max_length is not None and len(text) > max_length:
        raise ApiError.invalid(
            name, _("%(name)s is longer than %(max)d characters.") % {"name": name, "max": max_length}
        )
    return text


def as_duration(value, name: str = "duration", default: int | None = None) -> int | None:
    """Minutes from ``"H:MM"`` (``"1:30"`` → 90), ``"H:MM:SS"`` or bare hours (``"2"`` → 120, ``"1.5"`` → 90)."""
    if is_absent(value):
        return default
    value = _scalar(value, name)
    text = str(value)
    match = re.fullmatch(r"(\d{1,3}):([0-5]?\d)(?::([0-5]?\d))?", text)
    if match:
        minutes = int(match.group(1)) * 60 + int(match.group(2))
    elif re.fullmatch(r"\d{1,3}(?:\.\d+)?", text) and not isinstance(value, bool):
        minutes = round(float(text) * 60)
    else:
        raise ApiError.invalid(name, _("%(name)s must be H:MM (like 1:30) or a number of hours.") % {"name": name})
    return minutes


DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def as_timezone(value, name: str = "timezone", default: str | None = None) -> str | None:
    """An IANA time zone name (as listed by ``time_zone_list``); absent → ``default``."""
    if is_absent(value):
        return default
    text = str(_scalar(value, name))
    if text not in zoneinfo.available_timezones():
        raise ApiError.invalid(name, _("%(name)s must be a time zone from time_zone_list.") % {"name": name})
    return text


def as_datetime(value, timezone: str | tzinfo | None, name: str = "starts_at", default=None) -> datetime | None:
    """An aware datetime from ``Y-m-d H:i``, ``Y-m-d H:i:s`` or ISO 8601 (``T``, offset or ``Z``).

    Values without an offset are read in ``timezone`` (an IANA name or tzinfo; UTC when None).
    """
    if is_absent(value):
        return default
    text = str(_scalar(value, name))
    parsed = None
    for format in DATETIME_FORMATS:
        try:
            parsed = datetime.strptime(text, format)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ApiError.invalid(
                name, _("%(name)s must be a date and time like 2026-05-04 14:30 or ISO 8601.") % {"name": name}
            ) from None
    if parsed.tzinfo is None:
        zone = timezone if isinstance(timezone, tzinfo) else zoneinfo.ZoneInfo(timezone or "UTC")
        parsed = parsed.replace(tzinfo=zone)
    return parsed
