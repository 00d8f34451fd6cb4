"""Files in chat in real browsers: the host allows them, an attendee sends a PDF, the host downloads it.

Same server as test_browser_live_room (uvicorn in a subprocess, Debian's Chromium). The file goes
through the page's own file input and XMLHttpRequest upload, and comes back through its link.
"""

import io
import re

import pytest
from playwright.sync_api import expect

from rostrum.core.testing.servers import browser_pages, start_session
from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures used by name
    asgi_server,
    chat_line,
    migrated_sqlite,
    screenshots,
    server_var_dir,
    step,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number


def a_pdf() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 160, 60)).save(buffer, "PDF")
    return buffer.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_attendee_sends_a_pdf_once_allowed_and_the_host_downloads_it(asgi_server, tmp_path):  # noqa: F811
    base_url, room = asgi_server
    pdf = a_pdf()

    with browser_pages() as chromium:
        host, ann = chromium.open("host"), chromium.open("ann")

        with step("the host starts the session and Ann joins; files are not allowed yet"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.get_by_label("Attach a file")).to_be_hidden()
            expect(host.get_by_label("Attach a file")).to_be_visible()  # organisers always may
            expect(ann.get_by_role("switch", name="Participants may send files")).to_be_hidden()

        with step("the host allows files and Ann gets the file input"):
            host.get_by_role("switch", name="Participants may send files").check()
            expect(ann.get_by_label("Attach a file")).to_be_visible()

        with step("an HTML page named .pdf is refused with a clear message"):
            html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
            ann.get_by_label("Attach a file").set_input_files(
                {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": html}
            )
            expect(ann.locator("#live-chat-message")).to_contain_text("cannot be sent in chat")
            expect(ann.locator("#live-chat-message")).to_contain_text("text/html")
            expect(host.locator("#live-chat-log > li")).to_have_count(0)

        with step("a file over 10 MB is refused in the page at once: nothing is sent"):
            expect(ann.locator("#live-chat-file-help")).to_contain_text("Up to 10.0\xa0MB a file.")
            posts = []
            ann.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
            big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
            ann.get_by_label("Attach a file").set_input_files(
                {"name": "big.pdf", "mimeType": "application/pdf", "buffer": big}
            )
            expect(ann.locator("#live-chat-message")).to_have_text(
                "The file is larger than 10.0\xa0MB, the most a file in chat may be."
            )
            ann.wait_for_timeout(500)
            assert [url for url in posts if "chat-files" in url] == []

        with step("Ann sends a PDF; it shows in both chats with its name and size"):
            ann.get_by_label("Attach a file").set_input_files(
                {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": pdf}
            )
            expect(ann.locator("#live-chat-file-status")).to_have_text("notes.pdf was sent.")
            expect(ann.locator("#live-chat-message")).to_have_text("")  # the refusal above is cleared
            expect(ann.locator("#live-chat-file-progress")).to_be_hidden()
            link = host.get_by_role("link", name=re.compile(r"^Download notes\.pdf \(.+\)$"))
            expect(link).to_be_visible()
            expect(link).to_have_text("notes.pdf")
            expect(chat_line(host, "notes.pdf")).to_contain_text("Ann Attendee")
            expect(ann.get_by_role("link", name=re.compile(r"^Download notes\.pdf"))).to_be_visible()

        with step("the host downloads the same bytes, as an attachment"):
            href = link.get_attribute("href")
            assert re.fullmatch(r"/live/chat-files/\d+/", href), href
            with host.expect_download() as started:
                link.click()
            assert started.value.suggested_filename == "notes.pdf"
            with open(started.value.path(), "rb") as downloaded:
                assert downloaded.read() == pdf
            response = host.request.get(base_url + href)
            assert response.status == 200 and response.body() == pdf
            assert response.headers["content-type"] == "application/pdf"
            assert response.headers["content-disposition"].startswith("attachment")
            assert response.headers["x-content-type-options"] == "nosniff"
            # A browser that is not in the session gets nothing.
            stranger = chromium.browser.new_context()
            assert stranger.request.get(base_url + href).status == 404
            stranger.close()

        with step("the host turns files off again and Ann's input goes"):
            screenshots(ann, tmp_path, "chat-files-attendee")
            host.get_by_role("switch", name="Participants may send files").uncheck()
            expect(ann.get_by_label("Attach a file")).to_be_hidden()
