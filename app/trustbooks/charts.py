"""The small inline charts of the books (app.core.svg_chart): the share of each expense
category's budget used so far, and each month's expenses. The table beside them says the same
figures in words."""
from fractions import Fraction

from markupsafe import Markup

from app.core.i18n import lazy_gettext as _l
from app.core.svg_chart import bars
from app.funds.labels import category_label
from app.funds.money import format_fen
from app.trustbooks.compare import percent


def year_chart(books) -> Markup | None:
    """One bar per budgeted expense category: actual ÷ budget (100% and more when over)."""
    lines = [line for line in books.lines if line.direction == "expense" and line.budget]
    if not lines:
        return None
    shares = [line.share for line in lines]
    return bars(shares, [str(category_label("property_fee", line.category)) for line in lines],
                title=str(_l("各支出科目预算执行率")), say=percent,
                maximum=max([Fraction(1), *shares]))


def month_chart(books) -> Markup | None:
    months = books.months
    if not months:
        return None
    return bars([m.expense_fen for m in months],
                [str(_l("%(m)s月", m=m.month)) for m in months],
                title=str(_l("每月支出")), say=format_fen)
