"""Turning an outbox row into a message for Django's e-mail backend, and reading SMTP errors."""

import enum
import logging
import re
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection

logger = logging.getLogger(__name__)

# RFC 3463 enhanced status codes that say the address itself is bad: 5.1.x (no such mailbox, user or
# domain) and 5.2.1 (mailbox disabled). Others (5.7.1 relaying denied, 5.2.2 mailbox full, 5.3.4 too
# big) are failures of this message, not reasons to stop writing to the address.
_ENHANCED_CODE = re.compile(rb"^\s*([245])\.(\d{1,3})\.(\d{1,3})")
_ADDRESS_CODES_WITHOUT_ENHANCED = {550, 551, 553}


class Outcome(enum.Enum):
    TEMPORARY = "temporary"  # try again later
    PERMANENT = "permanent"  # give up on this message
    HARD_BOUNCE = "hard_bounce"  # give up, and never write to this address again


def build_outgoing_message(email) -> EmailMultiAlternatives:
    headers = {**email.headers, "Message-ID": email.message_id}
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=email.from_email, to=[email.to_email], headers=headers
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def send_once(message: EmailMultiAlternatives) -> None:
    """Hand ``message`` to the configured backend; raises if it was not accepted.

    Closing the connection happens after the server accepted the message, so an error there (a
    timeout on QUIT) is logged, not raised: raising would make a delivered message look failed.
    """
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Closing the mail server connection failed", exc_info=True)


def _is_address_rejection(code: int, response: bytes | str) -> bool:
    if isinstance(response, str):
        response = response.encode()
    enhanced = _ENHANCED_CODE.match(response or b"")
    if enhanced:
        return enhanced.group(1) == b"5" and (enhanced.group(2) == b"1" or enhanced.group(2, 3) == (b"2", b"1"))
    return code in _ADDRESS_CODES_WITHOUT_ENHANCED


def _response_outcome(code: int, response) -> Outcome:
    if code < 500:
        return Outcome.TEMPORARY
    return Outcome.HARD_BOUNCE if _is_address_rejection(code, response) else Outcome.PERMANENT


def _text(response) -> str:
    return response.decode(errors="replace") if isinstance(response, bytes) else str(response)


def classify_error(error: Exception) -> tuple[Outcome, str]:
    """What to do after ``error`` from the backend, and a line for staff to read."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # One recipient per row, so one entry.
        code, response = next(iter(error.recipients.values()))
        return _response_outcome(code, response), f"Recipient refused: {code} {_text(response)}"
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        # Our own configuration (sender address, credentials): the operator can fix it within the day.
        return Outcome.TEMPORARY, f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        description = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
        return _response_outcome(error.smtp_code, error.smtp_error), description
    if isinstance(error, OSError):  # refused or lost connections, timeouts, TLS; smtplib's others
        return Outcome.TEMPORARY, f"{type(error).__name__}: {error}"
    # Anything else is a fault in the message itself; trying again would fail the same way.
    return Outcome.PERMANENT, f"{type(error).__name__}: {error}"
