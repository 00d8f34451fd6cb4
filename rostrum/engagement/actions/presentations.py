"""Presentations: an organiser shows a converted library file, page by page, in sync for everyone.

One presentation is open per session at a time: opening another closes the one shown. Whoever
has control (the opener, until an organiser hands it on) moves the pages, points and draws.
Strokes are kept per page (clearing a page deletes them; a running recording's timeline keeps them,
``slide.cleared``); the pointer is not kept at all (``publish_ephemeral_on_commit``).

The pages come from the library's conversion (``library.LibraryPage``: one image per page).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.constants import STROKE_COLOURS, STROKE_MAX_POINTS, STROKE_MAX_WIDTH, STROKE_MIN_WIDTH
from rostrum.engagement.models import Presentation, PresentationStroke
from rostrum.library.models import LibraryFile
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_ephemeral_on_commit, publish_on_commit
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import access_organiser_in_session, lock_running_session, require_moderator


def library_pages(library_file: LibraryFile):
    """The file's converted pages (``library.LibraryPage``), in order."""
    from rostrum.library.models import LibraryPage

    return LibraryPage.objects.filter(file=library_file).order_by("number")


def presentable_files(account):
    """The account's converted files that have pages, with ``pages_converted``: what "Present a file" lists."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from rostrum.library.constants import FileStatus
    from rostrum.library.models import LibraryPage

    counts = (
        LibraryPage.objects.filter(file=OuterRef("pk")).order_by().values("file").annotate(n=Count("pk")).values("n")
    )
    return (
        LibraryFile.objects.filter(account=account, status=FileStatus.CONVERTED)
        .annotate(pages_converted=Subquery(counts, output_field=IntegerField()))
        .filter(pages_converted__gt=0)
    )


def on_slide_changed(session, presentation: Presentation | None, page: int | None) -> None:
    """Note on the recording's timeline what the room shows now, inside the action's transaction:
    ``slide.shown {image, presentation_id, page}`` when a page is shown (opened, moved), and
    ``slide.hidden {presentation_id}`` when the presentation closes (``page`` is None)."""
    from rostrum.recordings.actions import do_add_timeline_entry

    if page is None:
        do_add_timeline_entry(session, "slide.hidden", {"presentation_id": presentation.pk})
        return
    image = library_pages(presentation.file).filter(number=page).values_list("image", flat=True).first()
    data = {"image": image or "", "presentation_id": presentation.pk, "page": page}
    do_add_timeline_entry(session, "slide.shown", data)


def recorded_stroke(stroke: PresentationStroke) -> dict:
    return {
        "points": stroke.points,
        "colour": stroke.colour,
        "width": stroke.width,
        "drawn_at": stroke.created_at.isoformat(),
    }


def on_strokes_cleared(session, presentation: Presentation, page: int, strokes: list[dict]) -> None:
    """``slide.cleared {presentation_id, page, strokes}`` on the recording's timeline: clearing
    deletes the strokes, so the entry keeps what was drawn (and when) for the composition, which
    shows them on the page until this moment."""
    from rostrum.recordings.actions import do_add_timeline_entry

    do_add_timeline_entry(
        session, "slide.cleared", {"presentation_id": presentation.pk, "page": page, "strokes": strokes}
    )


# -- what the browser is sent ---------------------------------------------------------------------


def participant_ref(participant: Participant | None) -> dict | None:
    if participant is None:
        return None
    return {"id": participant.pk, "name": participant.display_name}


def stroke_data(stroke: PresentationStroke) -> dict:
    return {
        "id": stroke.pk,
        "page": stroke.page,
        "points": stroke.points,
        "colour": stroke.colour,
        "width": stroke.width,
        "author_id": stroke.author_id,
    }


def page_strokes(presentation: Presentation, page: int) -> list[dict]:
    return [stroke_data(s) for s in PresentationStroke.objects.filter(presentation=presentation, page=page)]


def download_url(presentation: Presentation) -> str | None:
    if not presentation.downloads_allowed:
        return None
    return reverse("presentation_download", args=[presentation.pk])


def presentation_data(presentation: Presentation) -> dict:
    """The open presentation as everyone admitted sees it, with the strokes of its current page."""
    return {
        "id": presentation.pk,
        "file": {"id": presentation.file_id, "name": presentation.file.name},
        "page": presentation.page,
        "page_count": presentation.page_count,
        # The image of page N is at pages_url + "N/" (an access-checked view).
        "pages_url": reverse("presentation_page", args=[presentation.pk, 1]).removesuffix("1/"),
        "controller": participant_ref(presentation.controller),
        "downloads_allowed": presentation.downloads_allowed,
        "download_url": download_url(presentation),
        "strokes": page_strokes(presentation, presentation.page),
    }


def open_presentation(session) -> Presentation | None:
    return (
        Presentation.objects.select_related("file", "controller")
        .filter(session=session, closed_at=None)
        .order_by("-id")
        .first()
    )


# -- checks ------------------------------------------------------------------------------------


def _require_open(session) -> Presentation:
    presentation = open_presentation(session)
    if presentation is None:
        raise LiveError("not_found", _("No presentation is open."))
    return presentation


def _require_controller(context, presentation: Presentation) -> None:
    me = context.participant
    if not me.is_organiser or presentation.controller_id != me.pk:
        raise LiveError("not_allowed", _("Only the presenter who has control can do this."))


def _check_page(presentation: Presentation, page: int) -> None:
    if not 1 <= page <= presentation.page_count:
        raise LiveError(
            "invalid", _("This presentation has pages 1 to %(count)d.") % {"count": presentation.page_count}
        )


def check_stroke_input(points: list, colour: str, width: int) -> list[list[float]]:
    """Points as ``[[x, y], ...]`` (1 to 2000, each from 0 to 1), a palette colour, a width in range."""
    if not isinstance(points, list) or not 1 <= len(points) <= STROKE_MAX_POINTS:
        raise LiveError("invalid", _("A stroke has 1 to %(count)d points.") % {"count": STROKE_MAX_POINTS})
    clean = []
    for point in points:
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and 0 <= c <= 1 for c in point)
        ):
            raise LiveError("invalid", _("Each point is [x, y], both from 0 to 1."))
        clean.append([round(float(point[0]), 4), round(float(point[1]), 4)])
    if colour not in STROKE_COLOURS:
        raise LiveError("invalid", _("Choose one of the pen's colours."))
    if not STROKE_MIN_WIDTH <= width <= STROKE_MAX_WIDTH:
        raise LiveError(
            "invalid",
            _("A stroke is %(min)d to %(max)d wide.") % {"min": STROKE_MIN_WIDTH, "max": STROKE_MAX_WIDTH},
        )
    return clean


# -- actions -----------------------------------------------------------------------------------


def list_presentable_files(context) -> list[dict]:
    """For the organisers' "Present a file": the account's converted files with their page counts."""
    require_moderator(context)
    files = presentable_files(context.session.room.account).order_by("-created_at", "-id")[:200]
    return [{"id": f.pk, "name": f.name, "page_count": f.pages_converted} for f in files]


def check_open_presentation(context, file_id: int) -> Presentation:
    """Show a converted file of the room's account on page 1, in place of the one shown now."""
    require_moderator(context)
    session = lock_running_session(context)
    library_file = LibraryFile.objects.filter(account_id=session.room.account_id, pk=file_id).first()
    if library_file is None:
        raise LiveError("not_found", _("There is no such file in the library."))
    if not library_file.is_usable:
        raise LiveError("not_converted", _("This file is not ready to be shown: its conversion has not finished."))
    page_count = library_pages(library_file).count()
    if page_count == 0:
        raise LiveError("no_pages", _("This file has no pages to show."))
    current = open_presentation(session)
    if current is not None:
        _close(session, current)
    presentation = Presentation.objects.create(
        session=session,
        file=library_file,
        opened_by=context.participant,
        controller=context.participant,
        page=1,
        page_count=page_count,
    )
    presentation = Presentation.objects.select_related("file", "controller").get(pk=presentation.pk)
    publish_on_commit(
        session, "presentation.opened", {"presentation": presentation_data(presentation)}, audiences.everyone()
    )
    on_slide_changed(session, presentation, 1)
    return presentation


def check_move_to_page(context, page: int) -> None:
    """The controller shows ``page`` to everyone; the page it is on already changes nothing."""
    session = lock_running_session(context)
    presentation = _require_open(session)
    _require_controller(context, presentation)
    _check_page(presentation, page)
    if presentation.page == page:
        return
    presentation.page = page
    presentation.save(update_fields=["page"])
    data = {"id": presentation.pk, "page": page, "strokes": page_strokes(presentation, page)}
    publish_on_commit(session, "presentation.page_changed", data, audiences.everyone())
    on_slide_changed(session, presentation, page)


def _close(session, presentation: Presentation) -> None:
    presentation.closed_at = timezone.now()
    presentation.save(update_fields=["closed_at"])
    publish_on_commit(session, "presentation.closed", {"id": presentation.pk}, audiences.everyone())
    on_slide_changed(session, presentation, None)


def check_close_presentation(context) -> None:
    require_moderator(context)
    session = lock_running_session(context)
    presentation = open_presentation(session)
    if presentation is not None:
        _close(session, presentation)


def check_hand_control(context, participant_id: int) -> None:
    """Give control of the pages to another organiser (host or presenter) of this session."""
    require_moderator(context)
    session = lock_running_session(context)
    presentation = _require_open(session)
    target = access_organiser_in_session(
        context, participant_id, _("Only a host or a presenter can have control of the presentation.")
    )
    if presentation.controller_id == target.pk:
        return
    presentation.controller = target
    presentation.save(update_fields=["controller"])
    data = {"id": presentation.pk, "controller": participant_ref(target)}
    publish_on_commit(session, "presentation.control_changed", data, audiences.everyone())


def check_allow_downloads(context, allowed: bool) -> None:
    require_moderator(context)
    session = lock_running_session(context)
    presentation = _require_open(session)
    if presentation.downloads_allowed == allowed:
        return
    presentation.downloads_allowed = allowed
    presentation.save(update_fields=["downloads_allowed"])
    data = {"id": presentation.pk, "downloads_allowed": allowed, "download_url": download_url(presentation)}
    publish_on_commit(session, "presentation.downloads_changed", data, audiences.everyone())


def check_move_pointer(context, x: float, y: float) -> None:
    """The controller's pointer, to everyone admitted: not kept, not numbered (many a second)."""
    # No row lock: a pointer changes nothing, and the controller check is a plain read.
    presentation = _require_open(context.session)
    _require_controller(context, presentation)
    data = {"id": presentation.pk, "page": presentation.page, "x": round(x, 4), "y": round(y, 4)}
    publish_ephemeral_on_commit(context.session, "presentation.pointer", data, audiences.everyone())


def check_add_stroke(context, page: int, points: list, colour: str, width: int) -> PresentationStroke:
    session = lock_running_session(context)
    presentation = _require_open(session)
    _require_controller(context, presentation)
    _check_page(presentation, page)
    clean = check_stroke_input(points, colour, width)
    stroke = PresentationStroke.objects.create(
        presentation=presentation, page=page, points=clean, colour=colour, width=width, author=context.participant
    )
    data = {"id": presentation.pk, "stroke": stroke_data(stroke)}
    publish_on_commit(session, "presentation.stroke_added", data, audiences.everyone())
    return stroke


def check_clear_page(context, page: int) -> None:
    """Remove every stroke of a page: the controller or any organiser. A page with none: nothing."""
    require_moderator(context)
    session = lock_running_session(context)
    presentation = _require_open(session)
    _check_page(presentation, page)
    strokes = PresentationStroke.objects.filter(presentation=presentation, page=page)
    drawn = [recorded_stroke(stroke) for stroke in strokes]
    deleted, _details = strokes.delete()
    if deleted:
        publish_on_commit(
            session, "presentation.page_cleared", {"id": presentation.pk, "page": page}, audiences.everyone()
        )
        on_strokes_cleared(session, presentation, page, drawn)
