"""Rendering a message: a template name plus a context of plain values → an EmailMessage.

Templates live in `notifications/templates/`: for a template NAME there are `NAME.onderwerp.txt`
(the subject), `NAME.txt` (the plain-text part) and `NAME.html` (the HTML part); the parts
extend `layout.txt` and `layout.html`. Both environments are sandboxed; the HTML one escapes
every value, so a school called `<script>` shows as text. The template version is a hash of the
files that made a message, so a sent message can say exactly which text it was made from.

Context keys every template may use are those of `casework.services.outbox.traject_context`;
each is optional (a missing value renders as nothing or a neutral word). Extra keys:
- `accept_link`, `decline_link` (toewijzing): buttons to accept or decline the assignment.
- `werkdagen_in_fase`, `norm_werkdagen`, `moment_label` (herinnering).
- `kennismaking_op` (ISO 8601), `kennismaking_locatie` (kennismaking).
- `onderwerp`, `tekst`, `link` (generiek).
- `attachments` (any template): a list of `{"filename", "content_type", "content_base64"}`;
  the content travels inside the outbox row (base64), so a retry weeks later still has it and
  no file on some machine has to survive until then.
- `ics` (any template): a calendar invitation, see `notifications.ics`; attached as
  `uitnodiging.ics` (text/calendar; method=REQUEST).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import ChainableUndefined, FileSystemLoader, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from notifications.ics import build_ics, uitnodiging_from_context

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = (
    "aanmelding_ontvangen",
    "toewijzing",
    "adviseur_gekoppeld",
    "herinnering",
    "kennismaking",
    "generiek",
)
SUBJECT_MAX = 200
#: an address we are willing to put in a header and an envelope: printable ASCII, one @
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")
TIJDZONE = ZoneInfo("Europe/Amsterdam")
DAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


class RenderError(ValueError):
    """A message that cannot be made (unknown template, bad address, broken attachment)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Rendered:
    template: str
    version: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def _safe_url(value: Any) -> str:
    """Only http(s) and mailto links reach an href; anything else (javascript:) becomes '#'."""
    url = str(value or "").strip()
    if re.match(r"^(https?://|mailto:)", url, re.IGNORECASE) and not re.search(r"[\s<>\"]", url):
        return url
    return "#"


def _datumtijd(value: Any) -> str:
    """An ISO timestamp as Dutch words in Dutch time: 'dinsdag 1 december 2026, 10:00 uur'."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(TIJDZONE)
    return (
        f"{DAGEN[moment.weekday()]} {moment.day} {MAANDEN[moment.month - 1]} {moment.year}, "
        f"{moment:%H:%M} uur"
    )


def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # templates ship with the package: no stat() of every file on every render
        auto_reload=False,
    )
    env.filters["safe_url"] = _safe_url
    env.filters["datumtijd"] = _datumtijd
    return env


@cache
def _html_env() -> ImmutableSandboxedEnvironment:
    return _environment(autoescape=True)


@cache
def _text_env() -> ImmutableSandboxedEnvironment:
    return _environment(autoescape=False)


@cache
def template_version(name: str) -> str:
    """A short hash of the files a template is made of (its own three plus the layouts)."""
    digest = hashlib.sha256()
    for filename in (f"{name}.onderwerp.txt", f"{name}.txt", f"{name}.html", "layout.txt"):
        digest.update((TEMPLATE_DIR / filename).read_bytes())
    for shared in ("layout.html", "_knoppen.html"):
        digest.update((TEMPLATE_DIR / shared).read_bytes())
    return digest.hexdigest()[:12]


def _one_line(value: str, limit: int) -> str:
    """A header value: one line (no CR/LF to inject headers with), at most `limit` characters."""
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _attachments(context: dict[str, Any]) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for item in context.get("attachments") or []:
        try:
            filename = _one_line(str(item["filename"]), 120).replace("/", "_") or "bijlage"
            content_type = str(item.get("content_type") or "application/octet-stream")
            data = base64.b64decode(str(item["content_base64"]), validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise RenderError(f"attachment unreadable: {exc}") from None
        if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", content_type):
            raise RenderError(f"attachment content type invalid: {content_type!r}")
        found.append(Attachment(filename, content_type, data))
    if context.get("ics"):
        try:
            ics = build_ics(uitnodiging_from_context(dict(context["ics"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise RenderError(f"calendar invitation unreadable: {exc}") from None
        found.append(Attachment("uitnodiging.ics", "text/calendar", ics.encode("utf-8")))
    return tuple(found)


def render(template: str, context: dict[str, Any]) -> Rendered:
    """Render subject, text and HTML of a template; raises RenderError when it cannot."""
    if template not in TEMPLATES:
        raise RenderError(f"unknown template {template!r}")
    values = dict(context)
    values.setdefault("template", template)
    try:
        subject = _text_env().get_template(f"{template}.onderwerp.txt").render(values)
        text = _text_env().get_template(f"{template}.txt").render(values)
        html = _html_env().get_template(f"{template}.html").render(values)
    except TemplateNotFound as exc:
        raise RenderError(f"template file missing: {exc}") from None
    return Rendered(
        template=template,
        version=template_version(template),
        subject=_one_line(subject, SUBJECT_MAX),
        text=text.strip() + "\n",
        html=html,
        attachments=_attachments(values),
    )


def _header_text(value: str) -> str:
    """A header value: ASCII as is, anything else as RFC 2047 encoded words (base64)."""
    value = _one_line(value, 998)
    if value.isascii() and "=?" not in value:
        return value
    data = value.encode("utf-8")
    words: list[bytes] = []
    start = 0
    while start < len(data):
        # 45 bytes per word keeps each encoded word within 76 characters; a cut never falls
        # inside a UTF-8 sequence (continuation bytes are 0b10xxxxxx)
        end = min(start + 45, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        words.append(data[start:end])
        start = end
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _mailbox(name: str | None, address: str) -> str:
    address = address.strip()
    if not address.isascii() or not _ADDRESS.fullmatch(address):
        raise RenderError(f"address invalid: {address!r}")
    name = _one_line(name or "", 120)
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))
    # one encoded word (at most 120 characters of name): readers put a space between adjacent
    # encoded words of a display name, which would change the name
    return f"=?utf-8?b?{base64.b64encode(name.encode('utf-8')).decode('ascii')}?= <{address}>"


@cache
def _sender(sender: str) -> str:
    """The From header (the same for every message of a run: made once)."""
    name, address = parseaddr(sender)
    return _mailbox(name, address or sender)


def _qp(text: str) -> str:
    # binascii's quoted-printable is C code: the email package's own encoder is pure Python
    # and was most of the cost of a message
    return binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii")


def _attachment_part(item: Attachment, boundary: str) -> str:
    if item.filename.isascii() and '"' not in item.filename:
        disposition = f'attachment; filename="{item.filename}"'
    else:
        disposition = f"attachment; filename*=utf-8''{quote(item.filename, safe='')}"
    content_type = item.content_type
    if content_type == "text/calendar":
        content_type = 'text/calendar; charset="utf-8"; method=REQUEST'
    body = base64.encodebytes(item.data).decode("ascii")
    return (
        f"--{boundary}\nContent-Type: {content_type}\nContent-Disposition: {disposition}\n"
        f"Content-Transfer-Encoding: base64\n\n{body}"
    )


def build_bytes(
    rendered: Rendered,
    *,
    message_id: str,
    sender: str,
    to_address: str,
    to_name: str | None = None,
    date: datetime | None = None,
) -> bytes:
    """The MIME message as bytes: text and HTML alternatives, attachments, the stable Message-ID.

    Written out directly (multipart/alternative, inside multipart/mixed when there are
    attachments): the email package's object model costs several milliseconds per message,
    which would dominate a delivery run.
    """
    token = secrets.token_hex(16)
    alternative = f"alt-{token}"
    headers = [
        f"From: {_sender(sender)}",
        f"To: {_mailbox(to_name, to_address)}",
        f"Subject: {_header_text(rendered.subject)}",
        f"Date: {format_datetime(date or datetime.now(TIJDZONE))}",
        f"Message-ID: {_one_line(message_id, 250)}",
        "MIME-Version: 1.0",
        # an automatic message: out-of-office replies should not answer it
        "Auto-Submitted: auto-generated",
        f"X-Casework-Template: {rendered.template}/{rendered.version}",
    ]
    body = (
        f'--{alternative}\nContent-Type: text/plain; charset="utf-8"\n'
        f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(rendered.text)}\n"
        f'--{alternative}\nContent-Type: text/html; charset="utf-8"\n'
        f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(rendered.html)}\n"
        f"--{alternative}--\n"
    )
    if rendered.attachments:
        mixed = f"mix-{token}"
        headers.append(f'Content-Type: multipart/mixed; boundary="{mixed}"')
        parts = [
            f'--{mixed}\nContent-Type: multipart/alternative; boundary="{alternative}"\n\n{body}'
        ]
        parts += [_attachment_part(item, mixed) for item in rendered.attachments]
        body = "".join(parts) + f"--{mixed}--\n"
    else:
        headers.append(f'Content-Type: multipart/alternative; boundary="{alternative}"')
    return ("\n".join(headers) + "\n\n" + body).encode("ascii")


def build_message(
    rendered: Rendered,
    *,
    message_id: str,
    sender: str,
    to_address: str,
    to_name: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """The same message as an EmailMessage (for previews, .eml files and inspection)."""
    data = build_bytes(
        rendered,
        message_id=message_id,
        sender=sender,
        to_address=to_address,
        to_name=to_name,
        date=date,
    )
    return cast(EmailMessage, message_from_bytes(data, policy=policy.default))
