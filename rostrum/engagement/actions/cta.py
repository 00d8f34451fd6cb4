"""Calls to action: a button with a link that the organisers show for a while; clicks are counted.

One is shown at a time: showing a new one hides the current one. It hides itself at ``hides_at``
without a live event (each browser hides it by its own clock), so "shown now" is always read
against the clock.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.constants import CTA_MAX_SECONDS
from rostrum.engagement.models import CallToAction, CallToActionClick
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.models import Session
from rostrum.rooms.session_actions import require_moderator

CTA_MIN_SECONDS = 10
CTA_TEXT_MAX_LENGTH = 120
CTA_URL_MAX_LENGTH = 500
_http_url = URLValidator(schemes=["http", "https"])


def is_http_url(url: str) -> bool:
    """An absolute http or https address: never ``javascript:``, ``data:`` or a relative path."""
    if len(url) > CTA_URL_MAX_LENGTH:
        return False
    try:
        _http_url(url)
    except ValidationError:
        return False
    return True


def cta_data(cta: CallToAction) -> dict:
    return {"id": cta.pk, "text": cta.text, "url": cta.url, "hides_at": cta.hides_at.isoformat()}


def shown_now(session):
    """The calls to action on screen now: not hidden by an organiser, not past their time."""
    return CallToAction.objects.filter(session=session, hidden_at=None, hides_at__gt=timezone.now())


def current_cta(session, *, with_clicks: bool = False) -> CallToAction | None:
    shown = shown_now(session)
    if with_clicks:
        shown = shown.annotate(click_count=Count("clicks"))
    return shown.order_by("-id").first()


def _check_cta_input(text: str, url: str, seconds: int) -> None:
    if not 1 <= len(text) <= CTA_TEXT_MAX_LENGTH:
        raise LiveError("invalid", _("The button text has 1 to %(count)d characters.") % {"count": CTA_TEXT_MAX_LENGTH})
    if not is_http_url(url):
        raise LiveError("invalid", _("The link must be a full http:// or https:// address."))
    if not CTA_MIN_SECONDS <= seconds <= CTA_MAX_SECONDS:
        raise LiveError(
            "invalid",
            _("A call to action is shown for %(min)d to %(max)d seconds.")
            % {"min": CTA_MIN_SECONDS, "max": CTA_MAX_SECONDS},
        )


def check_show_cta(context, text: str, url: str, seconds: int) -> CallToAction:
    """Show a button to everyone admitted, in place of the one shown now."""
    require_moderator(context)
    text = text.strip()
    url = url.strip()
    _check_cta_input(text, url, seconds)
    # The session's row lock orders concurrent shows, so the last one published is the one shown.
    session = Session.objects.select_for_update().get(pk=context.session.pk)
    if session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))
    now = timezone.now()
    shown_now(session).update(hidden_at=now)
    cta = CallToAction.objects.create(session=session, text=text, url=url, hides_at=now + timedelta(seconds=seconds))
    publish_on_commit(session, "cta.shown", {"cta": cta_data(cta)}, audiences.everyone())
    return cta


def check_hide_cta(context) -> None:
    """Hide the button shown now; with none shown there is nothing to do."""
    require_moderator(context)
    session = Session.objects.select_for_update().get(pk=context.session.pk)
    cta = current_cta(session)
    if cta is None:
        return
    shown_now(session).update(hidden_at=timezone.now())
    publish_on_commit(session, "cta.hidden", {"id": cta.pk}, audiences.everyone())


def check_click_cta(context, cta_id: int) -> bool:
    """Count a participant's click once; a second click is fine and changes nothing.

    Returns whether this click was counted.
    """
    participant = context.participant
    if not participant.is_admitted:
        raise LiveError("not_admitted", _("You can use this once you are let in."))
    # The row lock makes each published count at least the one before it.
    cta = shown_now(context.session).select_for_update().filter(pk=cta_id).first()
    if cta is None:
        raise LiveError("not_found", _("This call to action is no longer shown."))
    _click, created = CallToActionClick.objects.get_or_create(call_to_action=cta, participant=participant)
    if not created:
        return False
    clicks = CallToActionClick.objects.filter(call_to_action=cta).count()
    publish_on_commit(context.session, "cta.clicks", {"id": cta.pk, "clicks": clicks}, audiences.moderators())
    return True
