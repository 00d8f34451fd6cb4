"""Real documents for the conversion tests (and benchmarks/conversions.py), made on this machine.

A presentation is written as flat OpenDocument XML and turned into a real PPTX by LibreOffice (no
python-pptx here); hostile files are written by hand so their traps are exactly what the test says.
"""

import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def flat_presentation(slides: int) -> str:
    pages = "".join(
        f'<draw:page draw:name="s{n}" draw:master-page-name="Default">'
        f'<draw:frame svg:x="2cm" svg:y="2cm" svg:width="24cm" svg:height="4cm"><draw:text-box>'
        f"<text:p>Slide {n}</text:p><text:p>Quarterly results, part {n}</text:p></draw:text-box></draw:frame>"
        f'<draw:rect svg:x="2cm" svg:y="8cm" svg:width="{2 + n % 20}cm" svg:height="5cm"/></draw:page>'
        for n in range(1, slides + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {NAMESPACES} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.presentation">'
        '<office:automatic-styles><style:page-layout style:name="PM1"><style:page-layout-properties '
        'fo:page-width="28cm" fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>'
        '</office:automatic-styles><office:master-styles><style:master-page style:name="Default" '
        'style:page-layout-name="PM1"/></office:master-styles>'
        f"<office:body><office:presentation>{pages}</office:presentation></office:body></office:document>"
    )


def libreoffice_convert(source_name: str, content: str | bytes, target: str) -> bytes:
    """Convert with LibreOffice (no network: unshare) in a throw-away profile; the result's bytes."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        source = base / source_name
        source.write_bytes(content.encode() if isinstance(content, str) else content)
        command = ["unshare", "--net", "--", "soffice", "--headless", "--norestore"]
        command += [f"-env:UserInstallation={(base / 'profile').as_uri()}", "--convert-to", target]
        command += ["--outdir", str(base / "out"), str(source)]
        subprocess.run(  # noqa: S603 — LibreOffice with arguments written here
            command, check=True, capture_output=True, timeout=120, env={"HOME": folder, "PATH": "/usr/bin:/bin"}
        )
        return next((base / "out").iterdir()).read_bytes()


def pptx_bytes(slides: int) -> bytes:
    return libreoffice_convert("deck.fodp", flat_presentation(slides), "pptx")


def pdf_with_page_sizes(sizes: list[tuple[int, int]], *, extra_page_keys: str = "") -> bytes:
    """A valid PDF (correct cross-reference table) with empty pages of the given sizes in points."""
    count = len(sizes)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(count))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>")
    for width, height in sizes:
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] {extra_page_keys}>>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def odt_bytes(body: str) -> bytes:
    """An OpenDocument text whose body is ``body`` (text:… elements), zipped as ODF requires."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {NAMESPACES} manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def hostile_odt_bytes(port: int) -> bytes:
    """Linked (not embedded) content: an image and a section from the canary, a section from
    /etc/passwd, a hyperlink, and an OLE-style object link — all things a converter might fetch."""
    canary = f"http://127.0.0.1:{port}"
    body = (
        "<text:p>Hostile document</text:p>"
        f'<text:p><draw:frame svg:width="5cm" svg:height="5cm"><draw:image xlink:href="{canary}/image.png" '
        'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
        f'<text:section text:name="remote"><text:section-source xlink:href="{canary}/section.html"/>'
        "<text:p>remote</text:p></text:section>"
        '<text:section text:name="local"><text:section-source xlink:href="file:///etc/passwd"/>'
        "<text:p>local</text:p></text:section>"
        f'<text:p><text:a xlink:type="simple" xlink:href="{canary}/link">a link</text:a></text:p>'
        f'<text:p><draw:frame svg:width="5cm" svg:height="5cm"><draw:object xlink:href="{canary}/object" '
        'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
    )
    return odt_bytes(body)


def zip_bomb_pptx_bytes(unpacked_bytes: int = 64 * 1024 * 1024) -> bytes:
    """A PPTX whose one slide inflates from a few hundred kilobytes to ``unpacked_bytes``."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'presentationml.presentation.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
        with archive.open("ppt/slides/slide1.xml", "w", force_zip64=True) as entry:
            block = b" " * (1024 * 1024)
            for _ in range(unpacked_bytes // len(block)):
                entry.write(block)
    return out.getvalue()
