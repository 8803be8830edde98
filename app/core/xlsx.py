"""The one writer of every .xlsx the app produces.

Cells hold what people typed: a proposal's title, a resident's name. openpyxl stores any text
starting with "=" as a formula, and a spreadsheet program runs formulas when the file is opened
(`=HYPERLINK(...)` becomes a live link, `=WEBSERVICE(...)` a request). So no exported cell is
ever a formula: `save()` turns every text cell into plain text, and one starting with
= + - @ or a tab/CR/LF (the leads a spreadsheet reads as the start of a formula, or skips to
reach one) is also marked "quote prefixed", which keeps it text even when someone edits the
cell later. The text itself is unchanged, so an exported roster imports back as it was."""
import io

from openpyxl import Workbook

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def new_workbook() -> Workbook:
    return Workbook()


def neutralise(cell) -> None:
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"  # never "f": openpyxl's guess for a leading "="
    if cell.value.startswith(FORMULA_LEADS):
        cell.quotePrefix = True


def save(book: Workbook) -> bytes:
    """The workbook's bytes, with every text cell stored as text (see above)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                neutralise(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
