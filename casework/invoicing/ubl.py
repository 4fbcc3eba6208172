"""The e-invoice: UBL 2.1 following SI-UBL 2.0 (NLCIUS), the Dutch profile of EN 16931.

Schools are public bodies, so NLCIUS applies: the CustomizationID names it, both parties carry a
legal registration (KvK scheme 0106 or OIN scheme 0190), the supplier states its IBAN, a credit
note refers to the invoice it credits. Elements follow the UBL schema's order exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from casework.errors import StepNotAllowed
from casework.services.factuur_read import FactuurDetail

NLCIUS = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SCHEME_KVK = "0106"
SCHEME_OIN = "0190"


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Builder:
    def __init__(self, root: etree._Element, currency: str = "EUR") -> None:
        self.root = root
        self.currency = currency

    def cbc(self, parent: etree._Element, name: str, text: Any, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CBC}}}{name}", **attrs)
        el.text = str(text)
        return el

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal) -> None:
        self.cbc(parent, name, _amount(value), currencyID=self.currency)

    def tax_category(self, parent: etree._Element, name: str, pct: Decimal) -> None:
        cat = self.cac(parent, name)
        self.cbc(cat, "ID", "S" if pct > 0 else "Z")
        self.cbc(cat, "Percent", _pct(pct))
        self.cbc(self.cac(cat, "TaxScheme"), "ID", "VAT")


def _registration(party: dict[str, Any], wie: str) -> tuple[str, str]:
    if party.get("oin"):
        return SCHEME_OIN, str(party["oin"])
    if party.get("kvk"):
        return SCHEME_KVK, str(party["kvk"])
    raise StepNotAllowed(
        f"Voor een e-factuur is het KvK-nummer of OIN van de {wie} nodig: vul het in met "
        "'casework factuur adres ... --kvk NUMMER' (of CASEWORK_LEVERANCIER_KVK)."
    )


def _party(b: _Builder, parent: etree._Element, party: dict[str, Any], wie: str) -> None:
    node = b.cac(parent, "Party")
    scheme, ident = _registration(party, wie)
    b.cbc(node, "EndpointID", ident, schemeID=scheme)
    b.cbc(b.cac(node, "PartyName"), "Name", party.get("naam"))
    address = b.cac(node, "PostalAddress")
    b.cbc(address, "StreetName", party.get("straat") or "")
    b.cbc(address, "CityName", party.get("plaats") or "")
    b.cbc(address, "PostalZone", party.get("postcode") or "")
    b.cbc(b.cac(address, "Country"), "IdentificationCode", party.get("land") or "NL")
    if party.get("btw_id"):
        tax = b.cac(node, "PartyTaxScheme")
        b.cbc(tax, "CompanyID", party["btw_id"])
        b.cbc(b.cac(tax, "TaxScheme"), "ID", "VAT")
    legal = b.cac(node, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.get("naam"))
    b.cbc(legal, "CompanyID", ident, schemeID=scheme)
    if party.get("email"):
        b.cbc(b.cac(node, "Contact"), "ElectronicMail", party["email"])


def render_ubl(factuur: FactuurDetail) -> bytes:
    """The UBL 2.1 XML of an approved invoice or credit note."""
    if factuur.nummer is None or factuur.factuurdatum is None:
        raise StepNotAllowed("Een concept heeft nog geen nummer: keur de factuur eerst goed.")
    credit = factuur.soort == "creditnota"
    doc = "CreditNote" if credit else "Invoice"
    root = etree.Element(f"{{{NS[doc]}}}{doc}", nsmap={None: NS[doc], "cac": CAC, "cbc": CBC})
    b = _Builder(root)
    b.cbc(root, "CustomizationID", NLCIUS)
    b.cbc(root, "ProfileID", PROFILE)
    b.cbc(root, "ID", factuur.nummer)
    b.cbc(root, "IssueDate", factuur.factuurdatum.isoformat())
    if not credit and factuur.vervaldatum:
        b.cbc(root, "DueDate", factuur.vervaldatum.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if factuur.reden:
        b.cbc(root, "Note", factuur.reden)
    b.cbc(root, "DocumentCurrencyCode", "EUR")
    b.cbc(root, "BuyerReference", factuur.klant.get("referentie") or factuur.brin)
    dates = sorted(regel.datum for regel in factuur.regel_lijst)
    if dates:
        period = b.cac(root, "InvoicePeriod")
        b.cbc(period, "StartDate", dates[0].isoformat())
        b.cbc(period, "EndDate", dates[-1].isoformat())
    if credit and factuur.credit_voor:
        ref = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(ref, "ID", factuur.credit_voor)
    _party(b, b.cac(root, "AccountingSupplierParty"), factuur.leverancier, "leverancier")
    _party(b, b.cac(root, "AccountingCustomerParty"), factuur.klant, "klant")
    if dates:
        b.cbc(b.cac(root, "Delivery"), "ActualDeliveryDate", dates[-1].isoformat())
    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", "30")
    b.cbc(means, "PaymentID", factuur.nummer)
    account = b.cac(means, "PayeeFinancialAccount")
    b.cbc(account, "ID", str(factuur.leverancier.get("iban", "")).replace(" ", ""))
    b.cbc(account, "Name", factuur.leverancier.get("naam"))
    if factuur.leverancier.get("bic"):
        b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", factuur.leverancier["bic"])
    if not credit and factuur.vervaldatum:
        b.cbc(
            b.cac(root, "PaymentTerms"),
            "Note",
            f"Betaling binnen de termijn, uiterlijk {factuur.vervaldatum:%d-%m-%Y}",
        )
    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", factuur.btw)
    for groep in factuur.btw_groepen:
        sub = b.cac(tax_total, "TaxSubtotal")
        b.money(sub, "TaxableAmount", groep.grondslag)
        b.money(sub, "TaxAmount", groep.btw)
        b.tax_category(sub, "TaxCategory", groep.percentage)
    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", factuur.bedrag_excl)
    b.money(totals, "TaxExclusiveAmount", factuur.bedrag_excl)
    b.money(totals, "TaxInclusiveAmount", factuur.bedrag_incl)
    b.money(totals, "PayableAmount", factuur.bedrag_incl)
    for number, regel in enumerate(factuur.regel_lijst, start=1):
        line = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(line, "ID", number)
        b.cbc(
            line,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            f"{abs(regel.aantal).normalize():f}",
            unitCode="C62",
        )
        b.money(line, "LineExtensionAmount", regel.bedrag)
        period = b.cac(line, "InvoicePeriod")
        b.cbc(period, "StartDate", regel.datum.isoformat())
        b.cbc(period, "EndDate", regel.datum.isoformat())
        item = b.cac(line, "Item")
        b.cbc(item, "Description", regel.omschrijving)
        b.cbc(item, "Name", "Dagdeel onderwijsadvies")
        b.tax_category(item, "ClassifiedTaxCategory", regel.btw_percentage)
        b.money(b.cac(line, "Price"), "PriceAmount", regel.prijs)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
