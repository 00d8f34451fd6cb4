"""E-mail leaves through the task queue, so a mail server that is down delays it, not the request."""

from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import db_task

DELIVERY_RETRIES = 6
RETRY_DELAY_SECONDS = 120


@db_task(retries=DELIVERY_RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_email(payload: dict) -> int:
    """Send one rendered message (see ``mail.build_payload``); Huey retries when sending fails."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        alternatives=[tuple(alternative) for alternative in payload["alternatives"]],
    )
    message.content_subtype = payload["content_subtype"]
    return message.send()
