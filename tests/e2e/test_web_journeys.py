"""Every role's main journey, start to end, in Debian's Chromium through a running server.

JavaScript is off in the browser: the pages must work without it. Screenshots of the key pages
go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

from casework.db import Database
from casework.services import dagdelen, notities, trajecten, werkvoorraad
from tests.fixtures_trajecten import ACTOR
from tests.fixtures_web import WACHTWOORD, WebWereld, screenshot


def login(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    assert page.locator(".melding").first.inner_text().startswith("Welkom")


def test_medewerker_journey(db: Database, web_wereld: WebWereld, pagina: Any) -> None:
    page = pagina
    page.goto("/werkvoorraad")
    assert "/login" in page.url  # not logged in: sent to the login page first
    login(page, web_wereld.emails["medewerker"])
    assert page.url.endswith("/werkvoorraad")
    assert page.locator("#aantal").inner_text().startswith("2 trajecten")
    screenshot(page, "werkvoorraad")
    # filter on the programme, then open the traject
    page.get_by_label("Programma", exact=True).select_option("lv")
    page.get_by_role("button", name="Toon").click()
    assert page.locator("#aantal").inner_text().startswith("1 traject ")
    page.locator(f'tr[data-traject="{web_wereld.traject_id}"] a').click()
    assert page.locator("h1").inner_text().startswith("LV-")
    # aanmelding -> intake -> matching, by the step buttons
    page.get_by_role("button", name="Intake").click()
    assert page.locator("#fase").inner_text() == "Intake"
    page.get_by_role("button", name="Matching").click()
    assert page.locator("#fase").inner_text() == "Matching"
    # the adviseur has not accepted yet: kennismaking is blocked and says why
    blocked = page.locator('button[data-stap="kennismaking"]')
    assert blocked.is_disabled()
    assert "nog niet geaccepteerd" in page.locator(".geblokkeerd").first.inner_text()
    screenshot(page, "traject-geblokkeerde-stap")
    # a note, with the keyboard only
    page.get_by_label("Nieuwe notitie").focus()
    page.keyboard.type("Intake gesprek gepland met de directeur.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Notitie opslaan"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Intake gesprek gepland" in page.locator(".notities").inner_text()
    tijdlijn = page.locator(".tijdlijn").inner_text()
    assert "start_intake" in tijdlijn and "naar_matching" in tijdlijn
    screenshot(page, "traject")
    # the diagram, drawn on the server with the current phase highlighted
    page.get_by_role("link", name="Bekijk het fasediagram").click()
    assert page.locator("svg.diagram .huidig").count() == 1
    screenshot(page, "diagram")
    assert trajecten.show(db, traject_id=web_wereld.traject_id).fase == "matching"
    assert (
        notities.list_notities(db, traject_id=web_wereld.traject_id)[0].actor
        == (web_wereld.emails["medewerker"])
    )
    page.get_by_role("button", name="Uitloggen").click()
    assert "/login" in page.url


def test_public_aanmelding(db: Database, web_wereld: WebWereld, pagina: Any) -> None:
    page = pagina
    page.goto("/aanmelden")
    page.get_by_role("radio", name="Leren verbeteren").check()
    page.get_by_label("Naam contactpersoon *").fill("Piet <b>Puk</b>")
    page.get_by_label("E-mailadres contactpersoon *").fill("geen-adres")
    page.get_by_role("button", name="Aanmelding versturen").click()
    fout = page.locator("#aanmeld-fout").inner_text()
    assert "BRIN" in fout
    # what was typed is kept, shown as text
    assert page.get_by_label("Naam contactpersoon *").input_value() == "Piet <b>Puk</b>"
    screenshot(page, "aanmelden-fout")
    page.get_by_label("BRIN-nummer van de school").fill(web_wereld.org.school_po)
    page.get_by_label("E-mailadres contactpersoon *").fill("piet@school.nl")
    page.get_by_label("Naam contactpersoon *").fill("Piet Puk")
    page.get_by_label("Uw ondersteuningsvraag").fill("Hulp bij het verbeterplan.")
    page.get_by_role("button", name="Aanmelding versturen").click()
    assert page.url.endswith("/aanmelden/bedankt")
    assert "kenmerk LV-" in page.locator(".melding").inner_text()
    screenshot(page, "aanmelden-bedankt")
    assert werkvoorraad.count_trajecten(db) == 3


def test_adviseur_journey(db: Database, web_wereld: WebWereld, pagina: Any) -> None:
    page = pagina
    login(page, web_wereld.emails["adviseur"])
    assert page.url.endswith("/mijn-trajecten")
    rows = page.locator("tr[data-traject]")
    assert rows.count() == 1
    screenshot(page, "mijn-trajecten")
    page.get_by_role("link", name="Accepteren of afwijzen").click()
    assert "/toewijzing/" in page.url
    page.get_by_role("button", name="Accepteren").click()
    assert "geaccepteerd" in page.locator("#status-toewijzing").inner_text()
    assert trajecten.show(db, traject_id=web_wereld.traject_id).adviseur_geaccepteerd
    # the office moves it on to kennismaking; then the adviseur registers a dagdeel
    for fase in ("intake", "matching", "kennismaking"):
        trajecten.advance(db, traject_id=web_wereld.traject_id, fase=fase, actor=ACTOR)
    page.goto("/mijn-trajecten")
    page.locator(f'tr[data-traject="{web_wereld.traject_id}"] a').first.click()
    page.get_by_label("Datum").fill("2026-11-20")
    page.get_by_label("Dagdeel", exact=True).select_option("ochtend")
    page.get_by_label("Activiteit").fill("kennismaking")
    page.get_by_role("button", name="Dagdeel registreren").click()
    assert "bewaard" in page.locator(".melding").first.inner_text()
    assert "kennismaking" in page.locator("table.dagdelen").inner_text()
    page.get_by_role("button", name="Dagdeel registreren").click()  # empty form: refused
    screenshot(page, "traject-adviseur-dagdelen")
    assert len(dagdelen.list_dagdelen(db, traject_id=web_wereld.traject_id)) == 1
    # the adviseur may not open someone else's traject
    answer = page.goto(f"/traject/{web_wereld.ander_traject_id}")
    assert answer.status == 403
    assert "niet aan u toegewezen" in page.locator(".melding").inner_text()


def test_finance_and_management_read_only(
    web_wereld: WebWereld, browser: Any, live_server: Any
) -> None:
    for rol in ("finance", "management"):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
        page = context.new_page()
        login(page, web_wereld.emails[rol])
        assert page.url.endswith("/werkvoorraad")
        page.goto(f"/traject/{web_wereld.traject_id}")
        assert page.locator("button[data-stap]").count() == 0
        assert page.get_by_label("Nieuwe notitie").count() == 0
        assert page.get_by_role("button", name="Koppelen").count() == 0
        screenshot(page, f"traject-{rol}")
        context.close()


def test_beheerder_journey(db: Database, web_wereld: WebWereld, pagina: Any) -> None:
    page = pagina
    login(page, web_wereld.emails["beheerder"])
    page.get_by_role("link", name="Gebruikers").click()
    page.get_by_label("E-mailadres").fill("nieuw@casework.test")
    page.get_by_label("Rol").select_option("finance")
    page.get_by_label("Wachtwoord (minstens 10 tekens)").fill("kort")
    page.get_by_role("button", name="Account aanmaken").click()
    assert "te kort" in page.locator(".melding.fout").inner_text()
    page.get_by_label("Wachtwoord (minstens 10 tekens)").fill("lang-genoeg-wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    assert "nieuw@casework.test (finance) is aangemaakt" in page.locator(".melding").inner_text()
    screenshot(page, "beheer-gebruikers")
    page.get_by_role("link", name="Mail").click()
    assert page.locator("h1").inner_text().startswith("Verstuurde mail")
