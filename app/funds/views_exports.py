"""A fund's exports: the JSON from which anyone recomputes every balance, the ledger and each
statement as .xlsx, and printable A4 pages with a QR code back to the page on the web."""
import io
import json

from flask import abort, render_template, send_file, url_for
from flask_login import login_required

from app.core.errors import ServiceError
from app.funds import exports, statements
from app.funds.balances import balances
from app.funds.web import bp, load_fund
from app.proposals.exports import XLSX_MIME, qr_data_uri


def _download(data: bytes, name: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name)


@bp.get("/funds/<int:fund_id>/ledger.json")
@login_required
def ledger_json(fund_id: int):
    fund = load_fund(fund_id)
    data = json.dumps(exports.json_export(fund), ensure_ascii=False, indent=1,
                      sort_keys=True).encode("utf-8")
    return _download(data, f"fund-{fund.id}-ledger.json", "application/json")


@bp.get("/funds/<int:fund_id>/ledger.xlsx")
@login_required
def ledger_xlsx(fund_id: int):
    fund = load_fund(fund_id)
    return _download(exports.ledger_xlsx(fund), f"fund-{fund.id}-ledger.xlsx", XLSX_MIME)


def _statement(fund, year: int, month: int):
    try:
        return statements.get_statement(fund, year, month)
    except ServiceError:
        abort(404)


@bp.get("/funds/<int:fund_id>/statements/<int:year>/<int:month>.xlsx")
@login_required
def statement_xlsx(fund_id: int, year: int, month: int):
    fund = load_fund(fund_id)
    found = _statement(fund, year, month)
    return _download(exports.statement_xlsx(fund, found),
                     f"fund-{fund.id}-{year}-{month:02d}.xlsx", XLSX_MIME)


@bp.get("/funds/<int:fund_id>/statements/<int:year>/<int:month>/print")
@login_required
def statement_print(fund_id: int, year: int, month: int):
    fund = load_fund(fund_id)
    found = _statement(fund, year, month)
    url = url_for(".statement", fund_id=fund.id, year=year, month=month, _external=True)
    return render_template("funds/statement_print.html", fund=fund, statement=found,
                           frozen=found.figures, url=url, qr=qr_data_uri(url))


@bp.get("/funds/<int:fund_id>/print")
@login_required
def ledger_print(fund_id: int):
    fund = load_fund(fund_id)
    export = exports.json_export(fund)
    url = url_for(".fund", fund_id=fund.id, _external=True)
    return render_template("funds/ledger_print.html", fund=fund, export=export,
                           figures=balances(fund), url=url, qr=qr_data_uri(url))
