"""Conversions with the real tools (LibreOffice, poppler, ffmpeg) in the real sandbox, through the
upload page and the task queue: what comes out, what hostile files do, and what a dead worker leaves."""

import json
import os
import socket
import stat
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from rostrum.core import events
from rostrum.library import conversion, converters, sandbox
from rostrum.library.constants import FileStatus
from rostrum.library.models import LibraryFile, LibraryPage
from rostrum.library.quota import storage_used
from rostrum.library.tests import documents, factories
from rostrum.library.tests.factories import make_library_file, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def conversion_settings(settings, tmp_path):
    settings.LIBRARY_CONVERSION_TMP_DIR = str(tmp_path / "work")
    settings.LIBRARY_CONVERSION_TOOLS = dict(settings.LIBRARY_CONVERSION_TOOLS)
    return settings


@pytest.fixture
def progress_seen(monkeypatch):
    """Every progress value a conversion reports, in order."""
    seen: list[int] = []
    original = conversion.Run.__init__

    def recording_init(self, workdir, seconds, progress):
        def report(percent):
            seen.append(percent)
            progress(percent)

        original(self, workdir, seconds, report)

    monkeypatch.setattr(conversion.Run, "__init__", recording_init)
    return seen


@pytest.fixture
def emitted(monkeypatch):
    names: list[tuple[str, dict]] = []

    def receiver(sender, account, name, payload, **kwargs):
        names.append((name, payload))

    events.domain_event.connect(receiver, weak=False)
    yield names
    events.domain_event.disconnect(receiver)


def upload_and_convert(client, committed, content: bytes, name: str) -> LibraryFile:
    with committed():
        assert upload(client, content, name).status_code == 302
    return LibraryFile.objects.get(name=name)


def work_left(settings) -> list:
    folder = settings.LIBRARY_CONVERSION_TMP_DIR
    return os.listdir(folder) if os.path.isdir(folder) else []


def ffprobe(path) -> dict:
    command = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, check=True, timeout=30).stdout)  # noqa: S603


def test_a_pptx_becomes_a_pdf_and_one_image_per_slide_1600_wide(
    owner, client_for, django_capture_on_commit_callbacks, run_tasks, settings, progress_seen, emitted
):
    with django_capture_on_commit_callbacks(execute=True):  # the upload commits: the task is queued
        assert upload(client_for(owner.user), documents.pptx_bytes(5), "deck.pptx").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # the conversion commits: the event goes out
        assert run_tasks() == 1
    library_file = LibraryFile.objects.get()
    assert library_file.document_type == "presentation_pptx"
    assert (library_file.status, library_file.conversion_progress, library_file.status_message) == (
        "converted",
        100,
        "",
    )
    assert library_file.page_count == 5 and library_file.converted.name.endswith(".pdf")
    pages = list(library_file.pages.all())
    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
    for page in pages:
        with page.image.open("rb") as stream, Image.open(stream) as image:
            assert image.format == "JPEG" and image.size == (page.width, page.height)
        assert page.width == 1600 and abs(page.height - 900) <= 1  # 16:9, poppler rounds up
    assert progress_seen == sorted(progress_seen) and progress_seen[-1] == 100
    assert len(set(progress_seen)) >= 6  # LibreOffice's share, then page by page
    outputs = library_file.converted_size
    assert outputs == library_file.converted.size + sum(page.size for page in pages)
    assert storage_used(owner.account) == library_file.size + outputs  # outputs count towards the quota
    assert [name for name, _payload in emitted] == ["file.converted"]
    assert emitted[0][1]["file"] == {
        "id": library_file.pk,
        "name": "deck.pptx",
        "document_type": "presentation_pptx",
        "status": "converted",
        "page_count": 5,
        "room": None,
    }
    assert work_left(settings) == []


def test_a_pdf_goes_straight_to_pages_and_a_portrait_page_keeps_its_shape(owner, client_for, committed):
    content = documents.pdf_with_page_sizes([(595, 842), (842, 595)])
    library_file = upload_and_convert(client_for(owner.user), committed, content, "a4.pdf")
    assert library_file.status == "converted" and not library_file.converted
    assert [(p.width, p.height) for p in library_file.pages.all()] == [(1600, 2264), (1600, 1131)] or [
        (p.width, p.height) for p in library_file.pages.all()
    ] == [(1600, 2265), (1600, 1131)]


def test_a_video_becomes_h264_aac_mp4_of_the_same_length(owner, client_for, committed, tmp_path, progress_seen):
    source = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2"]
    source += ["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "mpeg4", "-c:a", "libmp3lame"]
    content = factories.ffmpeg_bytes(tmp_path, "clip.mkv", *source)
    library_file = upload_and_convert(client_for(owner.user), committed, content, "clip.mkv")
    assert (library_file.status, library_file.conversion_progress) == ("converted", 100)
    assert library_file.converted.name.endswith(".mp4") and library_file.page_count == 0
    probe = ffprobe(library_file.converted.path)
    codecs = {stream["codec_type"]: stream["codec_name"] for stream in probe["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert abs(float(probe["format"]["duration"]) - 2.0) < 0.2
    assert progress_seen == sorted(progress_seen) and progress_seen[-1] == 99  # 100 comes with "converted"


class Canary:
    """A TCP listener on 127.0.0.1 that remembers every connection made to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections: list = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(address)
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def canary():
    listener = Canary()
    probe = socket.create_connection(("127.0.0.1", listener.port), timeout=5)  # the listener works
    probe.close()
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(listener.connections) == 1
    listener.connections.clear()
    yield listener
    listener.close()


def test_a_document_with_external_references_converts_without_any_connection(
    owner, client_for, committed, canary, settings
):
    content = documents.hostile_odt_bytes(canary.port)
    library_file = upload_and_convert(client_for(owner.user), committed, content, "hostile.odt")
    assert library_file.status in ("converted", "failed")
    time.sleep(0.5)
    assert canary.connections == []  # no network inside the sandbox, not even loopback
    if library_file.status == "converted":
        command = ["pdftotext", library_file.converted.path, "-"]
        text = subprocess.run(command, capture_output=True, check=True, timeout=30).stdout  # noqa: S603
        assert b"root:" not in text  # the linked /etc/passwd section was not pulled in
    assert work_left(settings) == []


@pytest.mark.parametrize("profile", ["hardened", "bare"])
def test_control_without_the_network_namespace_only_the_profile_stands_between(
    owner, client_for, committed, canary, monkeypatch, profile
):
    # Two layers: the namespace (above) and LibreOffice's profile (BlockUntrustedRefererLinks …).
    # Without both, LibreOffice fetches the links: the corpus really is hostile.
    monkeypatch.setattr(sandbox, "network_isolation_prefix", lambda: ())
    if profile == "bare":
        monkeypatch.setattr(
            converters,
            "LIBREOFFICE_PROFILE",
            '<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/2001/registry"/>',
        )
    upload_and_convert(client_for(owner.user), committed, documents.hostile_odt_bytes(canary.port), "hostile.odt")
    time.sleep(0.5)
    assert bool(canary.connections) == (profile == "bare")


def test_the_sandbox_has_no_network_at_all(canary, tmp_path):
    script = f"import socket; socket.create_connection(('127.0.0.1', {canary.port}), timeout=2)"
    limits = sandbox.Limits(seconds=20, memory_bytes=1024**3, output_bytes=1024**2)
    for name in ("home", "tmp"):
        (tmp_path / name).mkdir()
    result = sandbox.run_tool(
        ["python3", "-c", script], workdir=tmp_path, limits=limits, deadline=time.monotonic() + 20
    )
    assert result.returncode != 0 and "Network is unreachable" in result.output
    assert canary.connections == []


def test_a_zip_bomb_is_refused_before_libreoffice_runs(owner, client_for, committed, settings):
    settings.LIBRARY_CONVERSION_TOOLS["soffice"] = "/bin/false"  # would fail differently if it ran
    content = documents.zip_bomb_pptx_bytes()
    assert len(content) < 1024 * 1024
    started = time.monotonic()
    library_file = upload_and_convert(client_for(owner.user), committed, content, "bomb.pptx")
    assert time.monotonic() - started < 5
    assert library_file.status == "failed"
    assert (
        library_file.status_message
        == "“bomb.pptx” could not be converted: it is compressed suspiciously much (it looks like a “zip bomb”)."
    )
    assert not LibraryPage.objects.exists() and not library_file.converted


def test_a_container_unpacking_beyond_the_limit_is_refused(owner, client_for, committed, settings):
    settings.LIBRARY_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    library_file = upload_and_convert(
        client_for(owner.user), committed, documents.zip_bomb_pptx_bytes(2 * 1024 * 1024), "big.pptx"
    )
    assert library_file.status_message == "“big.pptx” could not be converted: it unpacks to more than 1.0\xa0MB."


def test_a_huge_page_is_scaled_down_and_an_absurdly_tall_one_refused(owner, client_for, committed):
    client = client_for(owner.user)
    huge = upload_and_convert(client, committed, documents.pdf_with_page_sizes([(14400, 14400)]), "huge.pdf")
    assert huge.status == "converted"
    assert [(p.width, p.height) for p in huge.pages.all()] == [(1600, 1600)]
    sliver = upload_and_convert(client, committed, documents.pdf_with_page_sizes([(10, 14400)]), "sliver.pdf")
    assert sliver.status == "failed" and sliver.status_message.endswith("its pages are too large to show.")


def test_more_pages_than_allowed_fails_with_the_limit_named(owner, client_for, committed, settings):
    settings.LIBRARY_CONVERSION_MAX_PAGES = 3
    content = documents.pdf_with_page_sizes([(800, 450)] * 4)
    library_file = upload_and_convert(client_for(owner.user), committed, content, "long.pdf")
    assert library_file.status_message == "“long.pdf” could not be converted: it has more than 3 pages."


def test_a_corrupt_or_password_protected_file_fails_with_a_message(owner, client_for, committed, tmp_path):
    client = client_for(owner.user)
    corrupt = upload_and_convert(client, committed, b"%PDF-1.4\n" + os.urandom(4000), "corrupt.pdf")
    assert corrupt.status_message.endswith("it is damaged or protected by a password.")
    options = (
        '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"s3cret"}}'
    )
    protected = documents.libreoffice_convert(
        "deck.fodp", documents.flat_presentation(2), f"pdf:impress_pdf_Export:{options}"
    )
    assert b"/Encrypt" in protected
    locked = upload_and_convert(client, committed, protected, "locked.pdf")
    assert locked.status == "failed" and locked.status_message.endswith("it is damaged or protected by a password.")
    broken = upload_and_convert(client, committed, factories.ooxml_bytes("docx"), "broken.docx")
    assert broken.status in ("failed", "converted")  # LibreOffice may render an empty page; it must not hang


def test_a_conversion_past_the_time_limit_is_killed_with_its_children(owner, client_for, committed, settings, tmp_path):
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "slow-soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nsleep 300\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    settings.LIBRARY_CONVERSION_TOOLS["soffice"] = str(script)
    settings.LIBRARY_CONVERSION_SECONDS = 2
    started = time.monotonic()
    library_file = upload_and_convert(client_for(owner.user), committed, documents.pptx_bytes(1), "slow.pptx")
    assert time.monotonic() - started < 10
    assert library_file.status == "failed"
    assert library_file.status_message == "“slow.pptx” could not be converted: it took longer than 2 seconds."
    child = int(pid_file.read_text())
    time.sleep(0.2)
    try:  # the background child went with the process group (a zombie until init reaps it)
        state = open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()[0]  # noqa: SIM115
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z")
    assert work_left(settings) == []


def test_without_network_isolation_nothing_is_converted(owner, client_for, committed, settings, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    sandbox.network_isolation_prefix.cache_clear()
    try:
        library_file = upload_and_convert(client_for(owner.user), committed, documents.pptx_bytes(1), "d.pptx")
    finally:
        sandbox.network_isolation_prefix.cache_clear()
    assert library_file.status == "failed"
    assert "cannot convert files safely" in library_file.status_message


def test_a_conversion_left_by_a_dead_worker_is_requeued_once_then_failed(owner, run_tasks, settings):
    library_file = make_library_file(owner, content=documents.pdf_with_page_sizes([(800, 450)]))
    long_ago = timezone.now() - timedelta(seconds=settings.LIBRARY_CONVERSION_SECONDS + 120)
    LibraryFile.objects.filter(pk=library_file.pk).update(
        status=FileStatus.CONVERTING, conversion_started_at=long_ago, conversion_attempts=1, conversion_progress=40
    )
    assert conversion.do_sweep_conversions(timezone.now()) == [library_file.pk]
    conversion.do_convert_file(library_file.pk)
    library_file.refresh_from_db()
    assert (library_file.status, library_file.page_count, library_file.conversion_attempts) == ("converted", 1, 2)

    LibraryFile.objects.filter(pk=library_file.pk).update(status=FileStatus.CONVERTING, conversion_started_at=long_ago)
    assert conversion.do_sweep_conversions(timezone.now()) == []
    library_file.refresh_from_db()
    assert library_file.status == "failed" and "interrupted twice" in library_file.status_message


def test_a_fresh_conversion_is_left_alone_by_the_sweep(owner):
    library_file = make_library_file(owner)
    LibraryFile.objects.filter(pk=library_file.pk).update(
        status=FileStatus.CONVERTING, conversion_started_at=timezone.now(), conversion_attempts=1
    )
    assert conversion.do_sweep_conversions(timezone.now()) == []
    library_file.refresh_from_db()
    assert library_file.status == "converting"


def test_a_file_deleted_while_converting_keeps_no_outputs(owner, settings, monkeypatch):
    library_file = make_library_file(owner, content=documents.pdf_with_page_sizes([(800, 450)] * 3))
    LibraryFile.objects.filter(pk=library_file.pk).update(status=FileStatus.WAITING_FOR_CONVERSION)
    original = conversion.store_and_commit

    def delete_first(row, outputs):
        LibraryFile.objects.filter(pk=row.pk).delete()
        original(row, outputs)

    monkeypatch.setattr(conversion, "store_and_commit", delete_first)
    upload_key = library_file.file.name
    assert conversion.do_convert_file(library_file.pk) is None
    stored = [str(p.relative_to(settings.PRIVATE_ROOT)) for p in settings.PRIVATE_ROOT.rglob("*") if p.is_file()]
    assert stored == [upload_key]  # the outputs went; the upload's bytes go with the delete action


def test_deleting_a_converted_file_removes_its_outputs(owner, client_for, committed, settings):
    client = client_for(owner.user)
    library_file = upload_and_convert(client, committed, documents.pdf_with_page_sizes([(800, 450)] * 2), "d.pdf")
    assert library_file.page_count == 2
    with committed():
        assert client.post(f"/library/{library_file.pk}/delete/").status_code == 302
    assert [p for p in settings.PRIVATE_ROOT.rglob("*") if p.is_file()] == []


def test_pages_status_and_images_are_for_the_accounts_members_only(owner, other_owner, client_for, committed):
    client = client_for(owner.user)
    library_file = upload_and_convert(client, committed, documents.pdf_with_page_sizes([(800, 450)] * 2), "d.pdf")
    status = client.get(f"/library/{library_file.pk}/status.json").json()
    assert status | {"status_label": ""} == {
        "id": library_file.pk,
        "status": "converted",
        "status_label": "",
        "percent": 100,
        "is_finished": True,
        "status_message": "",
        "page_count": 2,
    }
    listing = client.get("/library/").content.decode()
    assert f"/library/{library_file.pk}/pages/" in listing and "2 pages" in listing
    pages = client.get(f"/library/{library_file.pk}/pages/").content.decode()
    assert pages.count(f'src="/library/{library_file.pk}/pages/') == 2
    image = client.get(f"/library/{library_file.pk}/pages/1.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(f"/library/{library_file.pk}/pages/3.jpg").status_code == 404
    intruder = client_for(other_owner.user)
    for path in ("status.json", "pages/", "pages/1.jpg", "converted/"):
        assert intruder.get(f"/library/{library_file.pk}/{path}").status_code == 404


def test_the_list_polls_a_converting_file_with_a_labelled_progress_bar(owner, client_for):
    library_file = make_library_file(owner, name="deck.pdf")
    LibraryFile.objects.filter(pk=library_file.pk).update(status=FileStatus.CONVERTING, conversion_progress=42)
    page = client_for(owner.user).get("/library/").content.decode()
    assert f'data-status-url="/library/{library_file.pk}/status.json"' in page
    assert 'value="42"' in page and 'aria-label="Conversion of deck.pdf"' in page and 'aria-live="polite"' in page
    assert "library/conversion_status.js" in page


def test_a_failed_file_shows_why(owner, client_for):
    library_file = make_library_file(owner, name="deck.pdf")
    LibraryFile.objects.filter(pk=library_file.pk).update(
        status=FileStatus.FAILED, status_message="“deck.pdf” could not be converted: it has more than 300 pages."
    )
    page = client_for(owner.user).get("/library/").content.decode()
    assert "it has more than 300 pages." in page


def test_the_sandbox_caps_memory_and_the_size_of_written_files(tmp_path):
    for name in ("home", "tmp"):
        (tmp_path / name).mkdir()
    limits = sandbox.Limits(seconds=20, memory_bytes=256 * 1024**2, output_bytes=1024**2)
    hog = sandbox.run_tool(
        ["python3", "-c", "b = bytearray(1024**3)"], workdir=tmp_path, limits=limits, deadline=time.monotonic() + 20
    )
    assert hog.returncode != 0 and "MemoryError" in hog.output
    writer = sandbox.run_tool(
        ["python3", "-c", "open('big', 'wb').write(bytes(2 * 1024**2))"],
        workdir=tmp_path,
        limits=limits,
        deadline=time.monotonic() + 20,
    )
    assert writer.returncode != 0 and (tmp_path / "big").stat().st_size <= 1024**2


def test_the_sweep_removes_working_directories_a_killed_worker_left(settings, tmp_path):
    from rostrum.library.tasks import sweep_conversions

    base = tmp_path / "work"
    old, fresh = base / "rostrum-conversion-old", base / "rostrum-conversion-fresh"
    for folder in (old, fresh):
        (folder / "out").mkdir(parents=True)
    long_ago = time.time() - settings.LIBRARY_VIDEO_CONVERSION_SECONDS - 7200
    os.utime(old, (long_ago, long_ago))
    sweep_conversions.call_local()
    assert not old.exists() and fresh.exists()
