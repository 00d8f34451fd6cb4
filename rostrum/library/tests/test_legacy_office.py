"""Office 97-2003 files (.ppt, .doc, .xls) made by LibreOffice here, uploaded on the page and
converted to pages by the real conversion: sniffing knows them from their bytes, even when libmagic
can only say "an OLE2 container"."""

import io
import subprocess

import pytest

from rostrum.library import compound
from rostrum.library.models import LibraryFile
from rostrum.library.sniffing import sniff_mime_type
from rostrum.library.tests import documents
from rostrum.library.tests.factories import upload

pytestmark = pytest.mark.django_db
TABLE = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'


def flat_spreadsheet(rows: int) -> str:
    cells = "".join(
        '<table:table-row><table:table-cell office:value-type="string">'
        f"<text:p>Region {n}</text:p></table:table-cell>"
        f'<table:table-cell office:value-type="float" office:value="{n * 100}"><text:p>{n * 100}</text:p>'
        "</table:table-cell></table:table-row>"
        for n in range(1, rows + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {documents.NAMESPACES} {TABLE} '
        'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
        f'<office:body><office:spreadsheet><table:table table:name="Sales">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document>"
    )


def legacy_bytes(extension: str) -> bytes:
    if extension == "ppt":
        return documents.libreoffice_convert("deck.fodp", documents.flat_presentation(3), "ppt")
    if extension == "doc":
        body = "<text:p>Minutes of the board</text:p><text:p>Hello from Word 97</text:p>"
        return documents.libreoffice_convert("minutes.odt", documents.odt_bytes(body), "doc")
    return documents.libreoffice_convert("sales.fods", flat_spreadsheet(5), "xls")


def without_application_name(content: bytes) -> bytes:
    """The same file as a tool that writes no summary and no class id leaves it: libmagic cannot name it."""
    out = bytearray(content)
    for name in ("\x05SummaryInformation", "\x05DocumentSummaryInformation", "\x01CompObj"):
        raw = name.encode("utf-16-le")
        while (at := out.find(raw)) != -1:
            out[at : at + 2] = "X".encode("utf-16-le")  # renamed: no longer the summary stream
    root = out.find("Root Entry".encode("utf-16-le"))
    out[root + 80 : root + 96] = bytes(16)  # the root storage's CLSID
    return bytes(out)


def pdf_text(library_file: LibraryFile) -> str:
    done = subprocess.run(  # noqa: S603 — poppler on our own stored PDF
        ["/usr/bin/pdftotext", library_file.converted.path, "-"], capture_output=True, check=True, text=True, timeout=60
    )
    return done.stdout


@pytest.mark.parametrize(
    ("extension", "document_type", "mime_type", "pages", "text"),
    [
        ("ppt", "presentation_ppt", "application/vnd.ms-powerpoint", 3, "Quarterly results, part 2"),
        ("doc", "document_doc", "application/msword", 1, "Hello from Word 97"),
        ("xls", "document_xls", "application/vnd.ms-excel", 1, "Region 3"),
    ],
)
def test_an_office_97_file_is_recognised_and_converted_to_pages(
    owner, client_for, committed, extension, document_type, mime_type, pages, text
):
    content = legacy_bytes(extension)
    with committed():
        assert upload(client_for(owner.user), content, f"legacy.{extension}").status_code == 302
    library_file = LibraryFile.objects.get()
    assert (library_file.mime_type, library_file.document_type) == (mime_type, document_type)
    assert library_file.status == "converted", library_file.status_message
    assert library_file.page_count == pages and library_file.pages.count() == pages
    assert text in pdf_text(library_file)
    assert all(page.width == 1600 and page.image for page in library_file.pages.all())


@pytest.mark.parametrize("spooled", [False, True], ids=["in-memory", "spooled-to-disk"])
def test_a_ppt_libmagic_cannot_name_is_told_by_its_streams_and_converted(
    owner, client_for, committed, settings, spooled
):
    if spooled:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    content = without_application_name(legacy_bytes("ppt"))
    import magic

    assert magic.from_buffer(content, mime=True) in compound.AMBIGUOUS_TYPES  # what libmagic alone says
    with committed():
        assert upload(client_for(owner.user), content, "deck.ppt").status_code == 302
    library_file = LibraryFile.objects.get()
    assert (library_file.document_type, library_file.status) == ("presentation_ppt", "converted")
    assert library_file.page_count == 3


def test_a_broken_or_foreign_compound_file_is_not_taken_for_office(owner, client_for):
    deck = legacy_bytes("ppt")
    broken = without_application_name(deck)[:4096]  # the header survives; the directory is gone
    assert compound.compound_type(io.BytesIO(broken)) is None
    response = upload(client_for(owner.user), broken, "deck.ppt")
    assert response.status_code == 400 and not LibraryFile.objects.exists()
    assert "not one of the accepted formats (it looks like application/x-ole-storage)" in response.content.decode()
    past_the_end = bytearray(deck)
    past_the_end[0x30:0x34] = (0x00FFFFFF).to_bytes(4, "little")  # a directory beyond the file's end
    assert compound.compound_type(io.BytesIO(bytes(past_the_end))) is None
    looping = bytearray(deck)  # the directory's first sector chained to itself in the FAT
    first_directory = int.from_bytes(deck[0x30:0x34], "little")
    fat_index, index_in_sector = divmod(first_directory, 128)  # 512-byte sectors: 128 FAT entries each
    fat_sector = int.from_bytes(deck[0x4C + 4 * fat_index : 0x50 + 4 * fat_index], "little")
    entry = (fat_sector + 1) * 512 + index_in_sector * 4
    looping[entry : entry + 4] = first_directory.to_bytes(4, "little")
    assert compound.compound_type(io.BytesIO(bytes(looping))) is None
    assert compound.compound_type(io.BytesIO(deck)) == "application/vnd.ms-powerpoint"  # the control
    assert sniff_mime_type(io.BytesIO(b"not an office file at all")) not in compound.AMBIGUOUS_TYPES
