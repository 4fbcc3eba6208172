"""Every template renders for every programme, also with hostile input, without raw markup."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from casework.services.programmas import programmes
from notifications.ics import Deelnemer, Uitnodiging, build_ics
from notifications.render import (
    SUBJECT_MAX,
    TEMPLATES,
    RenderError,
    _html_env,
    build_message,
    render,
    template_version,
)
from notifications.samples import sample_context

EVIL = "<script>alert('x')</script><b onmouseover=\"x\">Evil & Co</b>"
LONG = "Openbare Basisschool " + "Heel Lange Naam " * 600
PROGRAMMES = sorted(programmes())
ICS_START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def hostile_context(template: str, programma: str) -> dict[str, Any]:
    programme = programmes()[programma]
    context = sample_context(template)
    for key, value in list(context.items()):
        if isinstance(value, str) and key not in ("kennismaking_op",):
            context[key] = f"{EVIL} {value}"
    context.update(
        programma=programma,
        programma_naam=programme.naam,
        referentie=f"{programma.upper()}-2026-00042",
        organisatie=EVIL + LONG,
        ontvanger_naam=EVIL,
        oordelen=[EVIL, "zeer zwak"],
        link="javascript:alert(1)",
        accept_link='https://x.example/ok" onclick="alert(1)',
        decline_link=EVIL,
        moment_label=EVIL,
        werkdagen_in_fase=17,
        norm_werkdagen=15,
    )
    if template == "generiek":
        context["attachments"] = [
            {
                "filename": "<img src=x onerror=alert(1)>.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(b"%PDF-1.4 test").decode(),
            }
        ]
    return context


def minimal_context(programma: str) -> dict[str, Any]:
    """Only what every outbox row has; every optional field missing."""
    return {"referentie": f"{programma.upper()}-2026-00001", "programma": programma}


@pytest.mark.parametrize("programma", PROGRAMMES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_input_is_escaped(template: str, programma: str) -> None:
    rendered = render(template, hostile_context(template, programma))
    assert "<script" not in rendered.html
    assert "<b onmouseover" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "javascript:" not in rendered.html
    assert 'onclick="alert' not in rendered.html
    assert "<img" not in rendered.html
    # the text part is not markup: it shows what was typed, unchanged
    assert "<script>alert('x')</script>" in rendered.text
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert len(rendered.subject) <= SUBJECT_MAX
    assert rendered.subject.startswith(f"{programma.upper()}-2026-00042")


@pytest.mark.parametrize("programma", PROGRAMMES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_missing_optional_fields_render_without_none(template: str, programma: str) -> None:
    rendered = render(template, minimal_context(programma))
    assert f"{programma.upper()}-2026-00001" in rendered.subject
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "None" not in part and "Undefined" not in part
    assert rendered.text.startswith("Beste ")
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("template", TEMPLATES)
def test_sample_renders_in_dutch_with_reference(template: str) -> None:
    rendered = render(template, sample_context(template))
    assert rendered.subject.startswith("LV-2026-00042 · ")
    assert "Met vriendelijke groet" in rendered.text
    assert "Met vriendelijke groet" in rendered.html
    assert rendered.version == template_version(template)


def test_toewijzing_has_everything_an_adviseur_needs() -> None:
    rendered = render("toewijzing", sample_context("toewijzing"))
    for expected in (
        "Basisschool De Regenboog",
        "Leren verbeteren",
        "kwaliteitszorg",
        "onvoldoende",
        "Jan de Vries",
        "Wat vragen we van u?",
        "http://127.0.0.1:8000/trajecten/42",
    ):
        assert expected in rendered.text and expected in rendered.html
    assert 'href="http://127.0.0.1:8000/toewijzing/42/aannemen"' in rendered.html
    assert "Toewijzing aannemen" in rendered.html and "Afwijzen" in rendered.html


def test_toewijzing_without_accept_links_has_no_buttons() -> None:
    context = sample_context("toewijzing")
    del context["accept_link"], context["decline_link"]
    rendered = render("toewijzing", context)
    assert "Toewijzing aannemen" not in rendered.html
    assert "Aannemen:" not in rendered.text


def test_herinnering_for_a_yearly_moment() -> None:
    context = sample_context("herinnering") | {"moment_label": "voortgangsgesprek"}
    rendered = render("herinnering", context)
    assert "voortgangsgesprek" in rendered.subject and "voortgangsgesprek" in rendered.text
    plain = render("herinnering", sample_context("herinnering"))
    assert "17 werkdagen" in plain.subject and "norm 15 werkdagen" in plain.text


def test_header_injection_through_names_is_impossible() -> None:
    rendered = render("aanmelding_ontvangen", sample_context("aanmelding_ontvangen"))
    message = build_message(
        rendered,
        message_id="<abc@casework.local>",
        sender="Casework <noreply@casework.local>",
        to_address="jan@school.example",
        to_name="Jan\r\nBcc: spion@evil.example",
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Message-ID"] == "<abc@casework.local>"
    assert parsed["To"].addresses[0].addr_spec == "jan@school.example"


def test_bad_address_is_a_render_error() -> None:
    rendered = render("generiek", sample_context("generiek"))
    with pytest.raises(RenderError):
        build_message(rendered, message_id="<a@b>", sender="x@y", to_address="geen adres <>")


def test_generiek_carries_attachments() -> None:
    pdf = b"%PDF-1.4\n% factuur\n"
    context = sample_context("generiek") | {
        "attachments": [
            {
                "filename": "factuur.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(pdf).decode(),
            }
        ]
    }
    message = build_message(
        render("generiek", context), message_id="<f@x>", sender="a@b.nl", to_address="c@d.nl"
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    attachments = list(parsed.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["factuur.pdf"]
    assert attachments[0].get_content() == pdf
    assert parsed.get_body(preferencelist=("html",)) is not None
    broken = context | {"attachments": [{"filename": "x.pdf", "content_base64": "!!"}]}
    with pytest.raises(RenderError):
        render("generiek", broken)


def test_kennismaking_attaches_a_calendar_invitation() -> None:
    rendered = render("kennismaking", sample_context("kennismaking"))
    message = build_message(rendered, message_id="<k@x>", sender="a@b.nl", to_address="c@d.nl")
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    (invite,) = list(parsed.iter_attachments())
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    ics = invite.get_content()
    assert "BEGIN:VEVENT" in ics and "UID:kennismaking-42@casework.local" in ics
    assert "mailto:anne@adviseurs.example" in ics and "mailto:jan@regenboog.example" in ics
    assert "uur" in rendered.subject


def test_ics_escapes_and_folds() -> None:
    invite = Uitnodiging(
        uid="kennismaking-7@casework.local",
        start=ICS_START,
        end=ICS_START + timedelta(hours=2),
        summary="Kennismaking; school, bestuur\nen meer " + "lang " * 40,
        location="Lokaal 3, Utrecht",
        organizer=Deelnemer("noreply@casework.local", 'Programma"bureau'),
        attendees=(Deelnemer("anne@example.org", "Anne"),),
        sequence=2,
        stamp=ICS_START,
    )
    text = build_ics(invite)
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Kennismaking\\; school\\, bestuur\\nen meer" in unfolded
    assert "LOCATION:Lokaal 3\\, Utrecht" in unfolded
    assert "DTSTART:20261201T090000Z" in unfolded and "SEQUENCE:2" in unfolded
    assert 'CN="Programmabureau"' in unfolded
    with pytest.raises(ValueError):
        build_ics(Uitnodiging("u", datetime(2026, 1, 1), datetime(2026, 1, 2), "x"))


def test_environment_is_sandboxed() -> None:
    with pytest.raises(SecurityError):
        _html_env().from_string("{{ x.__class__.__mro__[1].__subclasses__() }}").render(x="")


def test_unknown_template_is_refused() -> None:
    with pytest.raises(RenderError):
        render("bestaat_niet", {})


@pytest.mark.parametrize("name", ["Åse Çelik-Jänsen", "日本語の学校" * 20, 'Jan "de" Vries, jr.'])
def test_non_ascii_subjects_and_names_survive_the_headers(name: str) -> None:
    context = sample_context("adviseur_gekoppeld") | {"organisatie": name, "programma_naam": name}
    rendered = render("adviseur_gekoppeld", context)
    message = build_message(
        rendered,
        message_id="<n@x>",
        sender="Programmabureau Zoë <noreply@x.nl>",
        to_address="c@d.nl",
        to_name=name,
    )
    assert message["Subject"] == rendered.subject and name[:20] in rendered.subject
    assert message["To"].addresses[0].display_name == " ".join(name.split())[:120].rstrip()
    assert message["From"].addresses[0].display_name == "Programmabureau Zoë"
    raw = message.as_bytes()
    assert all(len(line) <= 998 for line in raw.split(b"\n"))
