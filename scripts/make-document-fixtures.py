"""
Writes the Word and PDF documents the project ships as fixtures, with real tools: python-docx for .docx and fpdf2
for text PDFs (embedded Helvetica, one text object per line, so readers see real lines and pages).

    bash scripts/make-document-fixtures.sh      # creates a venv with the pinned tools, then runs this file

Outputs (committed; run again only to change them):
    examples/seed-002/docs/spec.pdf              seed 002's specification (two pages)
    examples/seed-002/docs/requirements.docx     seed 002's requirements (headings, a list, a table)
    test/fixtures/documents/contract.pdf         a three-page services agreement, one clause per paragraph
    test/fixtures/documents/handbook.docx        headings, paragraphs, a list and a table

The text is written for this project (CC0). Dates inside the files are fixed so a rerun changes nothing it need not.
"""
import datetime
import os
import sys

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXED = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


def pdf(path, title, pages):
    """pages: a list of pages, each a list of (heading or None, paragraph) pairs."""
    doc = FPDF(format="A4")
    doc.set_creation_date(FIXED)
    doc.set_title(title)
    doc.set_author("Switchyard fixtures")
    doc.set_auto_page_break(auto=False)
    doc.set_margins(25, 25, 25)
    for number, page in enumerate(pages, start=1):
        doc.add_page()
        if number == 1:
            doc.set_font("Helvetica", style="B", size=16)
            doc.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
            doc.ln(4)
        for heading, paragraph in page:
            if heading:
                doc.set_font("Helvetica", style="B", size=12)
                doc.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
                doc.ln(1)
            doc.set_font("Helvetica", size=11)
            doc.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            doc.ln(5)
        doc.set_y(-20)
        doc.set_font("Helvetica", size=9)
        doc.cell(0, 6, f"Page {number} of {len(pages)}", align="C")
    doc.output(path)


def docx(path, title, blocks):
    """blocks: ("h1"|"h2", text) | ("p", text) | ("list", [items]) | ("table", [header, *rows])."""
    doc = Document()
    props = doc.core_properties
    props.author = "Switchyard fixtures"
    props.title = title
    props.created = FIXED
    props.modified = FIXED
    props.last_modified_by = "Switchyard fixtures"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(title, level=0)
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            doc.add_heading(value, level=1 if kind == "h1" else 2)
        elif kind == "p":
            doc.add_paragraph(value)
        elif kind == "list":
            for item in value:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            header, *rows = value
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = text
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
        else:
            raise ValueError(kind)
    doc.save(path)


SPEC_PAGES = [
    [
        ("1. Scope", "The invoice service issues, stores and lists invoices for the billing team. It exposes three operations: create_invoice, get_invoice and list_invoices."),
        ("2. Creating an invoice", "create_invoice validates the customer id and every line item, then stores the invoice and returns its number. A line item has a description, a quantity and a unit price."),
        ("3. Reading invoices", "get_invoice returns one invoice by its number. list_invoices returns the invoices of one customer, newest first."),
    ],
    [
        ("4. Amounts and currency", "Amounts are integers in cents, never floating point numbers. Every invoice carries one currency, an ISO 4217 code such as EUR or USD."),
        ("5. Errors", "A request with an unknown customer id or an empty list of line items is rejected with a validation error that names the field."),
    ],
]

REQUIREMENTS = [
    ("h1", "Invoices"),
    ("p", "Invoices must be immutable once issued. Corrections are made with credit notes that refer to the original invoice."),
    ("p", "An issued invoice is kept for ten years."),
    ("h1", "Listing"),
    ("p", "The list endpoint pages through results 50 at a time and returns a cursor for the next page."),
    ("h2", "Filters"),
    ("list", ["by customer id", "by issue date range", "by status: draft, issued or credited"]),
    ("h1", "Limits"),
    ("table", [["Limit", "Value"], ["Line items per invoice", "200"], ["Requests per minute per client", "600"]]),
]

CONTRACT_PAGES = [
    [
        ("1. Parties", 'This services agreement is made on 3 March 2025 between Northwind Logistics Ltd ("the Customer") and Harbour Analytics GmbH ("the Provider").'),
        ("2. Services", "The Provider delivers a weekly freight volume forecast for the Customer's ten busiest routes and a monthly report on the accuracy of the previous month's forecasts. Forecasts are delivered every Monday by 09:00 Central European Time."),
        ("3. Term", "The agreement starts on 1 April 2025 and runs for twenty-four months. It renews for further periods of twelve months unless either party gives notice under clause 7."),
    ],
    [
        ("4. Fees", "The Customer pays a fixed fee of EUR 4,800 per month for the services. Additional routes are charged at EUR 350 per route per month."),
        ("5. Invoicing and payment", "The Provider invoices at the start of each month. Invoices are payable within thirty days of receipt. Late payments carry interest of four percent above the base rate of the European Central Bank."),
        ("6. Service credits", "If a forecast is delivered more than one business day late, the Customer receives a credit of five percent of that month's fee, up to twenty percent of the fee in any month."),
    ],
    [
        ("7. Termination", "Either party may end the agreement with ninety days' written notice, given no earlier than twelve months after the start date. The Customer may end it at once if the Provider misses four forecasts in a row."),
        ("8. Liability", "Each party's total liability under this agreement is limited to the fees paid in the twelve months before the claim. Neither party is liable for lost profits or indirect losses."),
        ("9. Confidentiality", "Each party keeps the other party's data confidential during the agreement and for five years after it ends, and uses it only to perform this agreement."),
        ("10. Governing law", "This agreement is governed by the laws of Germany. The courts of Hamburg have exclusive jurisdiction over any dispute."),
    ],
]

HANDBOOK = [
    ("h1", "On call"),
    ("p", "A page must be acknowledged within fifteen minutes, day or night. The engineer on call carries the pager for one week, from Monday 10:00 to the next Monday 10:00."),
    ("h2", "Escalation"),
    ("list", ["after fifteen minutes without an acknowledgement: the secondary on call", "after thirty minutes: the engineering manager", "for a customer-facing outage: the incident commander at once"]),
    ("h1", "Leave"),
    ("p", "Holidays are requested in the team calendar at least two weeks ahead. Nobody takes leave during their on-call week; swap the week first."),
    ("h1", "Equipment"),
    ("table", [["Item", "Replaced every"], ["Laptop", "four years"], ["Phone", "three years"], ["Headset", "two years"]]),
]


def main():
    out = lambda *parts: os.path.join(ROOT, *parts)
    os.makedirs(out("test", "fixtures", "documents"), exist_ok=True)
    pdf(out("examples", "seed-002", "docs", "spec.pdf"), "Invoice service specification", SPEC_PAGES)
    docx(out("examples", "seed-002", "docs", "requirements.docx"), "Invoice requirements", REQUIREMENTS)
    pdf(out("test", "fixtures", "documents", "contract.pdf"), "Services agreement", CONTRACT_PAGES)
    docx(out("test", "fixtures", "documents", "handbook.docx"), "Team handbook", HANDBOOK)
    print("wrote spec.pdf, requirements.docx, contract.pdf and handbook.docx", file=sys.stderr)


if __name__ == "__main__":
    main()
