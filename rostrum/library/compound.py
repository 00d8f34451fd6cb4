"""Which Office 97-2003 application wrote an OLE2 compound file, from its top-level stream names.

libmagic names a .doc, .xls or .ppt from the file's summary information or its root CLSID; files
written by other tools (or whose summary sits past what was read) come back as a bare
``application/x-ole-storage``, ``application/CDFV2`` or ``application/vnd.ms-office``. The
directory says for sure: a Word file has a ``WordDocument`` stream at the top, Excel a ``Workbook``
(``Book`` before Excel 97), PowerPoint a ``PowerPoint Document``. Streams inside sub-storages
(embedded objects: a chart's workbook inside a deck) are not looked at.

Reads the 512-byte header, the FAT sectors the directory chain needs and the directory itself,
with caps on every loop, never the streams.
"""

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
AMBIGUOUS_TYPES = {"application/x-ole-storage", "application/CDFV2", "application/vnd.ms-office"}
STREAM_TYPES = (  # first match wins
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
)
MAX_SECTORS = 4096  # directory and DIFAT sectors followed; a real directory is a handful
LAST = 0xFFFFFFFA  # ids above this are markers (end of chain, free, FAT sector), never a sector
NO_ENTRY = 0xFFFFFFFF


class NotCompound(ValueError):
    pass


def compound_type(stream) -> str | None:
    """The Office type a compound file's top-level streams declare, or None (not one, or broken)."""
    try:
        names = top_level_names(stream)
    except (NotCompound, struct.error, OSError):
        return None
    return next((mime_type for name, mime_type in STREAM_TYPES if name in names), None)


def top_level_names(stream) -> set[str]:
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512 or not header.startswith(MAGIC):
        raise NotCompound
    sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise NotCompound
    first_directory, first_difat, difat_count = (
        struct.unpack_from("<I", header, 0x30)[0],
        *struct.unpack_from("<II", header, 0x44),
    )

    def sector(number: int) -> bytes:
        if number >= LAST:
            raise NotCompound
        stream.seek((number + 1) * sector_size)
        data = stream.read(sector_size)
        if len(data) < sector_size:
            raise NotCompound
        return data

    fat_sectors = _fat_sector_numbers(header, sector, first_difat, difat_count, sector_size)
    per_fat_sector = sector_size // 4
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(number: int) -> int:
        index, offset = divmod(number, per_fat_sector)
        if index >= len(fat_sectors):
            raise NotCompound
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{per_fat_sector}I", sector(fat_sectors[index]))
        return fat_cache[index][offset]

    directory = b""
    number, seen = first_directory, set()
    while number < LAST:
        if number in seen or len(seen) >= MAX_SECTORS:
            raise NotCompound
        seen.add(number)
        directory += sector(number)
        number = next_sector(number)
    return _children_of_root(directory)


def _fat_sector_numbers(header: bytes, sector, first_difat: int, difat_count: int, sector_size: int) -> list[int]:
    numbers = list(struct.unpack_from("<109I", header, 0x4C))
    number, count = first_difat, 0
    while number < LAST and count < min(difat_count, MAX_SECTORS):
        entries = struct.unpack(f"<{sector_size // 4}I", sector(number))
        numbers += entries[:-1]
        number, count = entries[-1], count + 1
    return [n for n in numbers if n < LAST]


def _children_of_root(directory: bytes) -> set[str]:
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries or entries[0][66] != 5:  # the first entry is the root storage
        raise NotCompound
    names: set[str] = set()
    pending, visited = [struct.unpack_from("<I", entries[0], 76)[0]], set()
    while pending:  # the root's children are a tree of siblings (left, right)
        index = pending.pop()
        if index == NO_ENTRY or index in visited or index >= len(entries):
            continue
        visited.add(index)
        entry = entries[index]
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        names.add(entry[: max(length - 2, 0)].decode("utf-16-le", "replace"))
        pending += struct.unpack_from("<II", entry, 68)
    return names
