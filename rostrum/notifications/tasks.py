"""E-mail leaves through the task queue, so a mail server that is down delays it, not the request."""

from huey.contrib.djhuey import db_task

from rostrum.notifications.mail import build_message

DELIVERY_RETRIES = 6
RETRY_DELAY_SECONDS = 120


@db_task(retries=DELIVERY_RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_templated_email(template: str, to: str, context: dict, language: str | None = None) -> int:
    """Render in the recipient's language and send; Huey retries on failure (SMTP down, say)."""
    return build_message(template, to, context, language).send()
