"""Reading organisers' CSV files: their encoding, delimiter and columns, row by row.

Pure functions on bytes and text; nothing here touches the database.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from rostrum.contacts.constants import DELIMITERS, HEADER_GUESSES, Column
from rostrum.contacts.errors import ContactsError

SAMPLE_BYTES = 64 * 1024
# One cell longer than this is a broken file (an unclosed quote), not a contact.
FIELD_SIZE_LIMIT = 10_000
EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes as such, else what charset-normalizer finds."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    if not sample.strip():
        raise ContactsError("empty_file", _("The file is empty."))
    if b"\x00" in sample:
        raise ContactsError("not_text", _("This is not a CSV text file. Save the spreadsheet as CSV and try again."))
    if _is_mostly_utf8(sample):
        return "utf-8"
    best = from_bytes(sample, cp_isolation=None).best()
    if best is None:
        raise ContactsError(
            "encoding", _("We could not tell how this file's text is encoded. Save it as CSV UTF-8 and try again.")
        )
    return best.encoding


def _is_mostly_utf8(sample: bytes) -> bool:
    """UTF-8, perhaps with a few broken bytes (those rows are reported): a single-byte encoding
    such as cp1250 almost never forms valid multi-byte UTF-8 sequences."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    broken = text.count("\ufffd")
    return broken == 0 or broken <= sum(1 for char in text if ord(char) > 127 and char != "\ufffd")


def detect_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=first_line.count) if any(d in first_line for d in DELIMITERS) else ","


def decoded_lines(stream, encoding: str) -> io.TextIOWrapper:
    """Undecodable bytes become U+FFFD, so one bad row is reported instead of stopping the file."""
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def iter_records(text_stream, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(row number from 1, cells or None, problem) for each non-blank row."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(text_stream, delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            number += 1
            yield number, None, _("The row could not be read (a cell is too long or a quote is not closed).")
            continue
        number += 1  # blank rows count too: numbers match the rows a spreadsheet shows
        if any(cell.strip() for cell in cells):
            yield number, cells, ""


def looks_like_header(cells: list[str]) -> bool:
    """A first row without any e-mail address in it names the columns."""
    return not any(EMAIL_LIKE.match(cell.strip()) for cell in cells)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.:]+", "", text.strip().lower())


def guess_mapping(header: list[str] | None, rows: list[list[str]]) -> list[str]:
    """A Column for each column, from its header word, else an e-mail column from the values."""
    width = max([len(header or [])] + [len(row) for row in rows] or [0])
    mapping = [Column.IGNORE.value] * width
    for index, title in enumerate(header or []):
        key = _header_key(title)
        for column, words in HEADER_GUESSES.items():
            if key in {_header_key(word) for word in words} and column.value not in mapping:
                mapping[index] = column.value
                break
    if Column.EMAIL.value not in mapping:
        for index in range(width):
            values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
            if values and sum(bool(EMAIL_LIKE.match(v)) for v in values) * 2 > len(values):
                mapping[index] = Column.EMAIL.value
                break
    return mapping
