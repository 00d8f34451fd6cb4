"""Library files are the account's content (like its rooms); what points at a person is who uploaded.

Export lists the files a person uploaded (names and metadata, not the bytes: the account owns
those). Erasing a person forgets them as the uploader; the files stay with the account, and go
with it, bytes included, when the account is erased (``library_files_of_accounts``).
"""

from rostrum.library.models import LibraryFile, LibraryPage
from rostrum.privacy.registry import declare_no_personal_data, register


def export_uploads(user) -> list[dict]:
    return [
        {
            "account": f.account.name,
            "name": f.name,
            "original_name": f.original_name,
            "size": f.size,
            "type": f.mime_type,
            "uploaded": f.created_at.isoformat(),
        }
        for f in LibraryFile.objects.filter(uploaded_by=user).select_related("account")
    ]


def erase_uploads(user) -> None:
    LibraryFile.objects.filter(uploaded_by=user).update(uploaded_by=None, original_name="")


register(
    LibraryFile,
    fields=("uploaded_by", "original_name", "file"),
    exporter=export_uploads,
    eraser=erase_uploads,
)
declare_no_personal_data(LibraryPage, "a page image of an account's file; goes with the file, bytes included")
