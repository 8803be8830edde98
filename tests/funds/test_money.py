"""The one formatter and the one parser of amounts: 分 inside, ¥1,234.50 outside."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ServiceError
from app.funds.money import MAX_FEN, format_fen, parse_yuan, plain_yuan


@pytest.mark.parametrize(("fen", "shown"), [
    (0, "¥0.00"), (5, "¥0.05"), (123450, "¥1,234.50"), (-123456, "-¥1,234.56"),
    (35_000_000, "¥350,000.00")])
def test_format(fen, shown):
    assert format_fen(fen) == shown


def test_format_refuses_floats():
    with pytest.raises(TypeError):
        format_fen(12.5)


@pytest.mark.parametrize(("typed", "fen"), [
    ("1234.5", 123450), ("1234.50", 123450), ("1234", 123400), ("0.01", 1),
    ("¥1,234.56", 123456), ("１２３．４", 12340), ("12.", 1200), (" 8 元", 800),
    ("0.29", 29), ("1.15", 115), ("4.35", 435)])  # 0.29, 1.15, 4.35 round wrong as floats
def test_parse(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize(("typed", "says"), [
    ("", "请填写金额"), ("1.234", "小数点后两位"), ("-5", "大于零"), ("0", "大于零"),
    ("0.00", "大于零"), ("1e3", "只能写数字"), ("abc", "只能写数字"), ("1.2.3", "只能写数字"),
    ("1000000000", "金额过大")])
def test_parse_refuses_with_a_reason(app, typed, says):
    with pytest.raises(ServiceError) as refused:
        parse_yuan(typed)
    assert says in str(refused.value.message)
    assert refused.value.field == "amount"


def test_parse_refuses_floats():
    with pytest.raises(TypeError):
        parse_yuan(0.1)


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_what_is_shown_parses_back(fen):
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(plain_yuan(fen)) == fen
