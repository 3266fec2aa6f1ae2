"""Outgoing mail: SMTP settings from one URL, composing a message, handing it over."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

# Seconds for each step of the exchange. Mail is sent by the delivery loop
# (outbox.py), never while a visitor waits, so a slow server is given time.
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """``smtp://user:pass@host:587?starttls=1&timeout=5`` or ``smtps://host:465``."""
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("IUC_SMTP_URL must look like smtp://user:password@host:587?starttls=1")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        implicit_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", "0").lower() in {"1", "true", "yes"},
            implicit_tls=implicit_tls,
            timeout=float(query.get("timeout", DEFAULT_TIMEOUT)),
        )


def compose(
    *,
    subject: str,
    sender: str,
    to: str,
    text: str,
    html: str,
    language: str,
    reply_to: str | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A multipart text + HTML message in one language.

    A ``message_id`` derived from what the mail is about lets the receiving
    side drop a copy, should a crash between sending and recording it send it twice.
    """
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2].rstrip(">") or None
    message["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the body: setting content clears every Content-* header.
    message["Content-Language"] = language
    return message


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server.

    Raises ``OSError`` or ``smtplib.SMTPException`` (an ``OSError`` too);
    ``TimeoutError`` when the server does not answer a step in time.
    """
    context = ssl.create_default_context()
    client = (
        smtplib.SMTP_SSL(context=context, timeout=settings.timeout)
        if settings.implicit_tls
        else smtplib.SMTP(timeout=settings.timeout)
    )
    try:
        client.connect(settings.host, settings.port)
        if settings.starttls:
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)
        # Handed over: a slow or failed goodbye must not turn a delivered
        # message into one to send again.
        with contextlib.suppress(OSError):
            client.quit()
    finally:
        client.close()
