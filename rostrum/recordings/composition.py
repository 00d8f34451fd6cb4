"""The ffmpeg command that composes a recording: what attendees saw, on a 1280x720@25 canvas.

Layers, bottom to top: black; the shared content (screen shares, then the timeline's stills and
video clips in the order given: slides, whiteboards, videos) in the content box; the cameras where ``layout`` puts
them. Audio: every voice and every shared video's sound, each delayed to its start, mixed.
A lone H.264 camera with nothing else to show is copied, not encoded (the remux path).
"""

from dataclasses import dataclass, field
from pathlib import Path

from rostrum.recordings.layout import CONTENT_BOX, FULL_BOX, HEIGHT, WIDTH, Box, Placement, Window, plan_cameras

FPS = 25


@dataclass(frozen=True)
class Overlay:
    """A still image (a slide, a whiteboard, a paused video's frame, a card) shown as the shared
    content from ``start`` to ``end`` seconds of the recording."""

    image: str
    start: float
    end: float


@dataclass(frozen=True)
class Slideshow:
    """Stills one after the other (a whiteboard, or a slide with its strokes, as it changed), shown
    from ``start`` to ``end``: ``playlist`` is an ffconcat file naming images beside it, each with
    its duration."""

    playlist: str
    start: float
    end: float


@dataclass(frozen=True)
class Clip:
    """A shared video playing: ``source`` from ``position`` seconds, shown from ``start`` to ``end``
    seconds of the recording, its sound mixed in when it has some."""

    source: str
    start: float
    end: float
    position: float
    has_audio: bool = True


@dataclass
class Graph:
    """ffmpeg inputs and a ``filter_complex`` under construction."""

    inputs: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    count: int = 0
    labels: int = 0

    def add_input(self, path: str, *options: str) -> int:
        self.inputs.extend([*options, "-i", path])
        self.count += 1
        return self.count - 1

    def label(self, prefix: str) -> str:
        self.labels += 1
        return f"{prefix}{self.labels}"

    def overlay(self, base: str, layer: str, options: str) -> str:
        result = self.label("base")
        self.filters.append(f"[{base}][{layer}]overlay={options}[{result}]")
        return result


def fit(box: Box) -> str:
    """Scale into ``box`` keeping the aspect ratio, black bars around."""
    return (
        f"scale={box.width}:{box.height}:force_original_aspect_ratio=decrease,"
        f"pad={box.width}:{box.height}:(ow-iw)/2:(oh-ih)/2,format=yuv420p"
    )


def shifted(start: float) -> str:
    return f"setpts=PTS-STARTPTS+{start:.3f}/TB"


def enabled_during(intervals: list[tuple[float, float]]) -> str:
    return "+".join(f"gte(t,{start:.3f})*lt(t,{end:.3f})" for start, end in intervals)


def content_windows(screens: list, overlays: list, origin: int) -> list[Window]:
    windows = [Window(t.offset(origin), t.offset(origin) + t.duration_seconds) for t in screens]
    return windows + [Window(item.start, item.end) for item in overlays]


def add_content(graph: Graph, base: str, screens: list, overlays: list, origin: int, box: Box) -> str:
    """Screen shares, then the timeline's stills and clips in the order given (each later one drawn
    over the ones before): each in ``box`` during its own window only."""
    position = f"x={box.x}:y={box.y}:eof_action=pass:repeatlast=0"
    for track in screens:
        index = graph.add_input(track.output)
        layer = graph.label("screen")
        graph.filters.append(f"[{index}:v]{shifted(track.offset(origin))},{fit(box)}[{layer}]")
        base = graph.overlay(base, layer, position)
    for item in overlays:
        length = f"{item.end - item.start:.3f}"
        frames = ""
        if isinstance(item, Clip):
            index = graph.add_input(item.source, "-ss", f"{item.position:.3f}", "-t", length)
        elif isinstance(item, Slideshow):  # one input however many changes: one frame each, repeated
            index, frames = graph.add_input(item.playlist, "-f", "concat"), f"fps={FPS},"
        else:
            index = graph.add_input(item.image, "-loop", "1", "-framerate", str(FPS), "-t", length)
        layer = graph.label("shared")
        graph.filters.append(f"[{index}:v]{shifted(item.start)},{frames}{fit(box)}[{layer}]")
        base = graph.overlay(base, layer, position)
    return base


def add_cameras(graph: Graph, base: str, cameras: list, placements: list[Placement], origin: int) -> str:
    """Each camera read once, split into one copy per box it holds, each shown only while it holds it."""
    for number, track in enumerate(cameras):
        own = [p for p in placements if p.camera == number]
        if not own:
            continue  # never among the first nine on at once
        index = graph.add_input(track.output)
        copies = [graph.label("camera") for _ in own]
        split = f"split={len(own)}" + "".join(f"[{c}]" for c in copies) if len(own) > 1 else f"null[{copies[0]}]"
        graph.filters.append(f"[{index}:v]{shifted(track.offset(origin))},{split}")
        for copy, placement in zip(copies, own, strict=True):
            layer = graph.label("placed")
            first, last = placement.intervals[0][0], placement.intervals[-1][1]
            # Frames outside the span are dropped before scaling: a copy costs only while it is used.
            graph.filters.append(f"[{copy}]trim=start={first:.3f}:end={last:.3f},{fit(placement.box)}[{layer}]")
            box, enable = placement.box, enabled_during(placement.intervals)
            base = graph.overlay(base, layer, f"x={box.x}:y={box.y}:eof_action=pass:repeatlast=0:enable='{enable}'")
    return base


def add_video(graph: Graph, tracks: list, overlays: list, origin: int, duration: float) -> str:
    cameras = sorted((t for t in tracks if t.kind == "video"), key=lambda t: (t.first_timestamp_us, t.feed_id))
    screens = [t for t in tracks if t.kind == "screen"]
    shared = content_windows(screens, overlays, origin)
    graph.filters.append(f"color=c=black:s={WIDTH}x{HEIGHT}:r={FPS}:d={duration:.3f}[black]")
    box = CONTENT_BOX if cameras else FULL_BOX
    base = add_content(graph, "black", screens, overlays, origin, box)
    windows = [Window(t.offset(origin), t.offset(origin) + t.duration_seconds) for t in cameras]
    return add_cameras(graph, base, cameras, plan_cameras(windows, shared, duration), origin)


def add_audio(graph: Graph, tracks: list, overlays: list, origin: int, duration: float) -> str | None:
    """Every voice and every playing clip's sound, each delayed to its start, mixed (not normalised:
    a lone speaker stays as loud as they were)."""
    sources = [(t.output, t.offset(origin), ()) for t in tracks if t.kind == "audio"]
    for clip in overlays:
        if isinstance(clip, Clip) and clip.has_audio:
            cut = ("-ss", f"{clip.position:.3f}", "-t", f"{clip.end - clip.start:.3f}")
            sources.append((clip.source, clip.start, cut))
    labels = []
    for path, start, options in sources:
        index = graph.add_input(path, *options)
        label = graph.label("voice")
        graph.filters.append(f"[{index}:a]aresample=48000,adelay={int(start * 1000)}:all=1[{label}]")
        labels.append(f"[{label}]")
    if not labels:
        return None
    if len(labels) == 1:
        graph.filters.append(f"{labels[0]}apad,atrim=0:{duration:.3f}[aout]")
    else:
        mix = f"amix=inputs={len(labels)}:duration=longest:normalize=0"
        graph.filters.append(f"{''.join(labels)}{mix},atrim=0:{duration:.3f}[aout]")
    return "[aout]"


def is_remux(tracks: list, overlays: list) -> bool:
    """Exactly one camera, H.264, and nothing else to show: its packets are copied as they are."""
    videos = [t for t in tracks if t.kind in ("video", "screen")]
    return len(videos) == 1 and videos[0].kind == "video" and videos[0].codec == "h264" and not overlays


def compose_command(tracks: list, output: Path, overlays: list = ()) -> list[str]:
    """The ffmpeg command making the MP4 from the extracted tracks and the timeline's content."""
    from rostrum.recordings.processing import ProcessingError, total_duration

    origin = min(t.first_timestamp_us for t in tracks)
    duration = total_duration(tracks, origin)
    graph = Graph()
    video_map = None
    remux = is_remux(tracks, overlays)
    if remux:
        video_map = f"{graph.add_input(next(t for t in tracks if t.kind == 'video').output)}:v"
    elif any(t.kind in ("video", "screen") for t in tracks) or overlays:
        video_map = f"[{add_video(graph, tracks, overlays, origin, duration)}]"
    audio_map = add_audio(graph, tracks, overlays, origin, duration)
    if video_map is None and audio_map is None:
        raise ProcessingError("nothing was recorded: no audio or video track")
    command = ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-nostdin", *graph.inputs]
    if graph.filters:
        command += ["-filter_complex", ";".join(graph.filters)]
    if video_map:
        command += ["-map", video_map]
        if remux:
            command += ["-c:v", "copy"]
        else:
            command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-r", str(FPS)]
    if audio_map:
        command += ["-map", audio_map, "-c:a", "aac", "-b:a", "128k"]
    return [*command, "-t", f"{duration:.3f}", "-movflags", "+faststart", "-f", "mp4", str(output)]
