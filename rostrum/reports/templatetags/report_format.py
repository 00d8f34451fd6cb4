from django import template

from rostrum.reports.formatting import format_duration

register = template.Library()


@register.filter
def duration(value) -> str:
    """A timedelta as ``1:05:09``; empty for None."""
    return format_duration(value)
