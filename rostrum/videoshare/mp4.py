"""The duration of an MP4, read from its ``mvhd`` box: a few small reads, no ffprobe.

The library's conversion writes MP4s with ``+faststart`` (the ``moov`` box first), but this walks
the top-level boxes by their sizes, so it works wherever ``moov`` is.
"""

import struct

MAX_BOXES = 64  # a real MP4 has a handful of top-level boxes


def _boxes(stream, start: int, end: int | None):
    """``(type, payload offset, payload end)`` of each box from ``start`` to ``end``."""
    offset = start
    for _index in range(MAX_BOXES):
        if end is not None and offset + 8 > end:
            return
        stream.seek(offset)
        header = stream.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        payload = offset + 8
        if size == 1:  # 64-bit size follows
            large = stream.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            payload += 8
        elif size == 0:  # to the end of the file
            yield kind, payload, end
            return
        if size < payload - offset:
            return
        yield kind, payload, offset + size
        offset += size


def mp4_duration(stream) -> float | None:
    """Seconds, from ``moov/mvhd``; None when the file is not an MP4 with one."""
    for kind, payload, end in _boxes(stream, 0, None):
        if kind != b"moov":
            continue
        for child, child_payload, _child_end in _boxes(stream, payload, end):
            if child != b"mvhd":
                continue
            stream.seek(child_payload)
            version = stream.read(4)[:1]
            if version == b"\x01":
                data = stream.read(28)
                if len(data) < 28:
                    return None
                timescale, duration = struct.unpack(">IQ", data[16:28])
            else:
                data = stream.read(16)
                if len(data) < 16:
                    return None
                timescale, duration = struct.unpack(">II", data[8:16])
            return round(duration / timescale, 3) if timescale else None
        return None
    return None


def library_video_duration(library_file) -> float | None:
    """The converted MP4's duration, or None when it cannot be read."""
    if not library_file.converted:
        return None
    try:
        with library_file.converted.open("rb") as stream:
            return mp4_duration(stream)
    except (OSError, ValueError):
        return None
