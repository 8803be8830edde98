"""No .xlsx the app produces holds a formula: text people typed (a proposal's title, a compound
or owner's name) that starts like a formula is stored as quote-prefixed text, in every export."""
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from app.extensions import db
from tests.factories import make_unit
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url

# Each fits a name column (40 characters).
HOSTILE = ['=HYPERLINK("http://evil.example","看")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
XLSX_ENDPOINTS = {"proposals.export_xlsx", "compounds.roster_export",
                  "compounds.roster_template", "levels.community_report",
                  "levels.subdistrict_report", "funds.ledger_xlsx", "funds.statement_xlsx",
                  "trustbooks.account_xlsx"}
APP = Path(__file__).resolve().parents[2] / "app"


def _assert_no_formula_and_hostile_text_is_text(data: bytes, expected: list[str]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), name
    cells = {}
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells.setdefault(cell.value, cell)
    for text in expected:
        matches = [c for v, c in cells.items() if text in v]
        assert matches, text
        for cell in matches:
            assert cell.data_type == "s", (text, cell.data_type)
            assert cell.quotePrefix, text


def test_every_xlsx_route_is_written_by_the_one_writer(app):
    """The tests below cover each .xlsx route; a new one must be added there. No module but
    app.core.xlsx builds a workbook."""
    assert {r.endpoint for r in app.url_map.iter_rules() if r.rule.endswith(".xlsx")} == \
        XLSX_ENDPOINTS
    writers = [p.relative_to(APP).as_posix() for p in APP.rglob("*.py")
               if re.search(r"\bWorkbook\(", p.read_text(encoding="utf-8"))]
    assert writers == ["core/xlsx.py"]


def test_a_formula_in_a_proposal_title_is_text_in_the_result_export(client, login_as, app):
    world = World(n_owners=2)
    proposal = open_now(world, world.proposal())
    proposal.title = HOSTILE[0]
    world.compound.name = HOSTILE[1]
    db.session.commit()
    login_as(world.party)
    response = client.get(url(proposal, "export.xlsx"))
    assert response.status_code == 200
    _assert_no_formula_and_hostile_text_is_text(response.data, HOSTILE[:2])


def test_formulas_in_owner_names_are_text_in_the_roster_export(client, login_as, app):
    world = World(n_owners=1)
    for i, name in enumerate(HOSTILE):
        make_unit(world.compound, building="9", room=f"90{i}",
                  owners=[(name, f"1370000000{i}")])
    db.session.commit()
    login_as(world.staff)
    response = client.get(f"/c/{world.compound.id}/roster/export.xlsx")
    assert response.status_code == 200
    _assert_no_formula_and_hostile_text_is_text(response.data, [h.strip() for h in HOSTILE])


def test_the_roster_template_holds_no_formula(client, login_as, app):
    """It holds no typed text, only the header and a made-up example, but from the one writer."""
    world = World(n_owners=1)
    login_as(world.staff)
    response = client.get(f"/c/{world.compound.id}/roster/template.xlsx")
    assert response.status_code == 200
    _assert_no_formula_and_hostile_text_is_text(response.data, [])


def test_formulas_in_ticket_titles_and_names_are_text_in_the_monthly_reports(
        client, login_as, app):
    from tests.dispatch.test_desk import DeskWorld, cn

    world = DeskWorld()
    for i, text in enumerate(HOSTILE[:4]):
        world.ticket(f"H{i}", world.a, "reported", cn(11, 3 + i)).title = text
    world.reporter.display_name = HOSTILE[4].strip()
    db.session.commit()
    for who, path in ((world.staff, f"/community/{world.community.id}/report.xlsx"),
                      (world.sub_staff, f"/subdistrict/{world.subdistrict.id}/report.xlsx")):
        login_as(who)
        response = client.get(path + "?month=2026-11")
        assert response.status_code == 200
        _assert_no_formula_and_hostile_text_is_text(response.data, HOSTILE[:4])


def test_formulas_in_ledger_lines_are_text_in_the_ledger_and_statement_exports(client, login_as,
                                                                               app):
    from datetime import date

    from tests.funds.helpers import YEAR, FundWorld

    w = FundWorld()
    w.post(kind="income", amount_fen=50_000, day=date(YEAR, 1, 5), counterparty=HOSTILE[0])
    w.post(kind="expense", amount_fen=1_000, day=date(YEAR, 1, 6), counterparty=HOSTILE[1],
           description=HOSTILE[2])
    login_as(w.committee)
    assert client.post(f"/funds/{w.income_fund.id}/statements",
                       data={"month": f"{YEAR}-1"}).status_code == 302
    for path in (f"/funds/{w.income_fund.id}/ledger.xlsx",
                 f"/funds/{w.income_fund.id}/statements/{YEAR}/1.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_no_formula_and_hostile_text_is_text(response.data, HOSTILE[:3])
