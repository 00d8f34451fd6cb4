"""The call to action shown now, in a snapshot; organisers also see how many clicked it.

A call to action past its ``hides_at`` is not in a snapshot. No event announces that: the browser
hides it by its own clock.
"""

from rostrum.engagement.actions.cta import cta_data, current_cta
from rostrum.live.registry import reduces, snapshot_part


@snapshot_part
def cta_part(context) -> dict:
    me = context.participant
    if not me.is_admitted:
        return {"cta": None}  # the lobby gets a fresh snapshot when let in
    cta = current_cta(context.session, with_clicks=me.is_organiser)
    if cta is None:
        return {"cta": None}
    data = cta_data(cta)
    if me.is_organiser:
        data["clicks"] = cta.click_count
    return {"cta": data}


@reduces("cta.shown")
def cta_shown(snapshot, data, viewer):
    snapshot["cta"] = dict(data["cta"])
    if viewer.is_moderator:
        snapshot["cta"]["clicks"] = 0  # a new one has no clicks yet


@reduces("cta.hidden")
def cta_hidden(snapshot, data, viewer):
    if snapshot["cta"] is not None and snapshot["cta"]["id"] == data["id"]:
        snapshot["cta"] = None


@reduces("cta.clicks")
def cta_clicks(snapshot, data, viewer):
    if snapshot["cta"] is not None and snapshot["cta"]["id"] == data["id"]:
        snapshot["cta"]["clicks"] = data["clicks"]
