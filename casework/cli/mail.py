"""`casework mail` (preview templates, read caught mail) and `casework mailcatcher`."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from casework.cli.common import console, db, print_json, table
from casework.errors import InvalidInput, NotFound
from casework.settings import get_settings
from notifications.catcher import MailStore, start_catcher

app = typer.Typer(
    help="E-mails: sjablonen bekijken en opgevangen berichten lezen.", no_args_is_help=True
)


def _store() -> MailStore:
    return MailStore(get_settings().data_dir / "mail")


@app.command("preview")
def preview(
    template: str = typer.Argument(..., help="Naam van het sjabloon, bv. toewijzing"),
    traject: int | None = typer.Option(None, "--traject", help="Vul het met dit traject"),
    output: Path | None = typer.Option(
        None,
        "--output",
        help="Schrijf naar een bestand: .html (HTML-deel), .eml (heel bericht), anders tekst",
    ),
    html: bool = typer.Option(False, "--html", help="Toon het HTML-deel in plaats van de tekst"),
) -> None:
    """Toon hoe een e-mail eruitziet, zonder iets te versturen."""
    from casework.services import delivery, mail_preview
    from notifications.render import TEMPLATES, RenderError, build_message
    from notifications.samples import sample_context

    if template not in TEMPLATES:
        raise InvalidInput(f"Sjabloon {template!r} bestaat niet: kies uit {', '.join(TEMPLATES)}.")
    if traject is None:
        context = sample_context(template)
    else:
        context = mail_preview.preview_context(db(), template=template, traject_id=traject)
    try:
        rendered = delivery.render_row(template, context, context.get("ontvanger_naam"))
    except RenderError as exc:
        raise InvalidInput(
            f"Het sjabloon kon niet worden opgemaakt ({exc}); controleer het bestand."
        ) from None
    if output is not None:
        if output.suffix.lower() == ".eml":
            settings = get_settings()
            message = build_message(
                rendered,
                message_id="<voorbeeld@casework.local>",
                sender=settings.mail_from,
                to_address="ontvanger@example.org",
                to_name=context.get("ontvanger_naam"),
            )
            output.write_bytes(message.as_bytes())
        elif output.suffix.lower() in (".html", ".htm"):
            output.write_text(rendered.html, encoding="utf-8")
        else:
            output.write_text(f"Onderwerp: {rendered.subject}\n\n{rendered.text}", encoding="utf-8")
        console.print(f"Voorbeeld van {template} geschreven naar {output}.")
        return
    print(f"Onderwerp: {rendered.subject}")
    print(f"Sjabloonversie: {rendered.version}")
    for item in rendered.attachments:
        print(f"Bijlage: {item.filename} ({item.content_type}, {len(item.data)} bytes)")
    print()
    print(rendered.html if html else rendered.text)


@app.command("list")
def list_(
    limit: int = typer.Option(50, "--limit", min=1, max=100000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon de e-mails die de mailcatcher heeft opgevangen, nieuwste eerst."""
    mails = _store().list()[:limit]
    if as_json:
        print_json([m.model_dump(mode="json", by_alias=True) for m in mails])
        return
    if not mails:
        console.print("Nog geen e-mails opgevangen. Start de catcher met 'casework mailcatcher'.")
        return
    table(
        "Opgevangen e-mails",
        ["id", "ontvangen", "aan", "onderwerp"],
        [
            (
                m.id,
                m.received_at.astimezone().strftime("%d-%m-%Y %H:%M"),
                ", ".join(m.to),
                m.subject,
            )
            for m in mails
        ],
    )


@app.command("show")
def show(
    mail_id: str = typer.Argument(..., metavar="ID"),
    html: bool = typer.Option(False, "--html", help="Toon het HTML-deel"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon één opgevangen e-mail."""
    mail = _store().get(mail_id.strip().lower())
    if mail is None:
        raise NotFound(
            f"E-mail {mail_id} is niet gevonden. Zoek het id op met 'casework mail list'."
        )
    if as_json:
        print_json(mail.model_dump(mode="json", by_alias=True))
        return
    for label, value in (
        ("Van", mail.from_),
        ("Aan", ", ".join(mail.to)),
        ("Onderwerp", mail.subject),
        ("Ontvangen", mail.received_at.astimezone().strftime("%d-%m-%Y %H:%M:%S")),
        ("Message-ID", mail.message_id or "—"),
        ("Bijlagen", ", ".join(mail.attachments) or "—"),
    ):
        console.print(f"[bold]{label + ':':<12}[/] {value}")
    print()
    print(mail.html if html and mail.html else mail.text)


def mailcatcher_command(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int | None = typer.Option(None, "--port", help="Standaard CASEWORK_SMTP_PORT (8025)"),
    directory: Path | None = typer.Option(None, "--map", help="Standaard <data_dir>/mail"),
) -> None:
    """Start een SMTP-server die elke e-mail opvangt en bewaart (stop met Ctrl-C)."""
    settings = get_settings()
    store = MailStore(directory or settings.data_dir / "mail")
    try:
        handle = start_catcher(host, port or settings.smtp_port, store)
    except (OSError, RuntimeError) as exc:
        raise InvalidInput(
            f"De mailcatcher kan niet luisteren op {host}:{port or settings.smtp_port} ({exc}); "
            "kies een andere poort met --port."
        ) from None
    console.print(
        f"Mailcatcher luistert op {handle.host}:{handle.port} en bewaart in {store.directory}. "
        "Stop met Ctrl-C.",
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
