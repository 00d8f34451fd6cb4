"""The open presentation in a snapshot, and how its events change it.

``presentation`` is ``null`` or the open one with the strokes of its current page (a page change
carries the strokes of the page it moves to). The pointer is not part of it: its frames are not
numbered and nothing here depends on them.
"""

from rostrum.engagement.actions.presentations import open_presentation, presentation_data
from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id


@snapshot_part
def presentation_part(context) -> dict:
    if not context.participant.is_admitted:
        return {"presentation": None}  # the lobby gets a fresh snapshot when let in
    presentation = open_presentation(context.session)
    return {"presentation": presentation_data(presentation) if presentation is not None else None}


def _shown(snapshot, presentation_id):
    presentation = snapshot.get("presentation")
    return presentation if presentation is not None and presentation["id"] == presentation_id else None


@reduces("presentation.opened")
def presentation_opened(snapshot, data, viewer):
    snapshot["presentation"] = data["presentation"]


@reduces("presentation.closed")
def presentation_closed(snapshot, data, viewer):
    if _shown(snapshot, data["id"]) is not None:
        snapshot["presentation"] = None


@reduces("presentation.page_changed")
def presentation_page_changed(snapshot, data, viewer):
    presentation = _shown(snapshot, data["id"])
    if presentation is not None:
        presentation["page"] = data["page"]
        presentation["strokes"] = data["strokes"]


@reduces("presentation.control_changed")
def presentation_control_changed(snapshot, data, viewer):
    presentation = _shown(snapshot, data["id"])
    if presentation is not None:
        presentation["controller"] = data["controller"]


@reduces("presentation.downloads_changed")
def presentation_downloads_changed(snapshot, data, viewer):
    presentation = _shown(snapshot, data["id"])
    if presentation is not None:
        presentation["downloads_allowed"] = data["downloads_allowed"]
        presentation["download_url"] = data["download_url"]


@reduces("presentation.stroke_added")
def presentation_stroke_added(snapshot, data, viewer):
    presentation = _shown(snapshot, data["id"])
    if presentation is not None and data["stroke"]["page"] == presentation["page"]:
        put_by_id(presentation["strokes"], data["stroke"])  # commit order may differ from ids'


@reduces("presentation.page_cleared")
def presentation_page_cleared(snapshot, data, viewer):
    presentation = _shown(snapshot, data["id"])
    if presentation is not None and data["page"] == presentation["page"]:
        presentation["strokes"] = []
