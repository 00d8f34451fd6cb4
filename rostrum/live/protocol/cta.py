from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from rostrum.engagement.actions import cta
from rostrum.engagement.constants import CTA_MAX_SECONDS
from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.registry import handles


def http_url(value: str) -> str:
    if not cta.is_http_url(value):
        raise ValueError("a full http:// or https:// address")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=cta.CTA_TEXT_MAX_LENGTH)]
# The pattern travels in the exported schema; the validator is the whole check.
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=cta.CTA_URL_MAX_LENGTH, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://"),
    AfterValidator(http_url),
]


class Show(Frame):
    text: Text
    url: Url
    seconds: Annotated[int, Field(ge=cta.CTA_MIN_SECONDS, le=CTA_MAX_SECONDS)]


class Click(Frame):
    cta_id: int


@handles("cta.show", Show)
def show(context, message):
    return {"id": cta.check_show_cta(context, message.text, message.url, message.seconds).pk}


@handles("cta.hide", Empty)
def hide(context, message):
    cta.check_hide_cta(context)


@handles("cta.click", Click)
def click(context, message):
    cta.check_click_cta(context, message.cta_id)
