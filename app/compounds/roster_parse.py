"""Reading a unit roster (.xlsx or .csv) into clean rows, listing every problem by row and
column. Pure functions: nothing here touches the database."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from app.core.i18n import lazy_gettext as _l
from app.core.phones import normalize_mobile

MAX_ROWS = 20_000
MAX_CO_OWNERS = 10
MAX_AREA = Decimal("99999.99")
MAX_BLANK_RUN = 5_000
HEADER_SCAN_ROWS = 10  # a title line ("锦华苑业主名册") above the header is common

# Field -> the header we write on export; the first alias of each list.
HEADERS = {
    "building": "楼栋", "entrance": "单元", "room": "房号", "area": "面积",
    "area_source": "面积来源", "owner_name": "业主姓名", "owner_mobile": "业主手机",
    "developer": "开发商持有",
}
ALIASES = {
    "building": ("楼栋", "楼栋号", "楼号", "栋", "栋号", "building"),
    "entrance": ("单元", "单元号", "unit", "entrance"),
    "room": ("房号", "房间号", "门牌号", "室", "room"),
    "area": ("面积", "建筑面积", "专有面积", "专有部分面积", "area"),
    "area_source": ("面积来源", "来源", "areasource", "area_source", "source"),
    "owner_name": ("业主姓名", "业主", "姓名", "ownername", "owner_name", "owner", "name"),
    "owner_mobile": ("业主手机", "业主手机号", "手机", "手机号", "手机号码", "联系电话",
                     "ownermobile", "owner_mobile", "mobile", "phone"),
    "developer": ("开发商持有", "开发商", "developerheld", "developer_held", "developer"),
}
REQUIRED = ("building", "entrance", "room", "area", "area_source", "owner_name", "owner_mobile")
SOURCES = {"登记": "registered", "registered": "registered", "实测": "surveyed",
           "surveyed": "surveyed", "合同": "contract", "contract": "contract"}
SOURCE_LABELS = {"registered": "登记", "surveyed": "实测", "contract": "合同"}
YES = {"是", "yes", "y", "1", "true", "√", "✓"}
NO = {"否", "no", "n", "0", "false", ""}
SEPARATORS = re.compile(r"[、;；/,，]")
AREA_SUFFIX = re.compile(r"(㎡|m²|m2|平方米|平米)$", re.IGNORECASE)
LIMITS = {"building": 20, "entrance": 10, "room": 20}


@dataclass
class Problem:
    row: int | None  # as the spreadsheet numbers it; the header is row 1
    column: str | None  # the header, as we name it
    message: str
    letter: str | None = None  # the spreadsheet column letter, when known


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def cell_text(value) -> str:
    """A cell as the text a person sees. openpyxl hands numbers over as floats; repr() is the
    shortest text that reads back as the same float, i.e. the figure typed in the sheet, so
    areas are then parsed from that text as a Decimal and never computed in binary."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _header_key(text: str) -> str:
    text = re.sub(r"[(（][^)）]*[)）]", "", text)  # 面积（㎡） -> 面积
    return re.sub(r"[\s\-*:：]", "", text).lower()


_ALIAS_INDEX = {_header_key(alias): name for name, names in ALIASES.items() for alias in names}


def parse_area(text: str) -> Decimal:
    """A positive area in m² with at most two decimals, as an exact Decimal."""
    text = AREA_SUFFIX.sub("", text.strip()).strip()
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError("not a plain positive number")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if value.as_tuple().exponent < -2:
        raise ValueError("too many decimals")
    if value <= 0 or value > MAX_AREA:
        raise ValueError("out of range")
    return value.quantize(Decimal("0.01"))


def split_people(text: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


def read_table(filename: str, content: bytes) -> tuple[list[tuple[int, list]], list[Problem]]:
    """(row number, cells) for every line of the first sheet, or a problem with the file."""
    name = (filename or "").lower()
    if not content:
        return [], [Problem(None, None, _l("文件是空的。"))]
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")):
        return _read_csv(content)
    if name.endswith(".xls"):
        return [], [Problem(None, None, _l("这是旧版 Excel（.xls）文件。请在 Excel 中“另存为”"
                                           " .xlsx 格式，或另存为 CSV 后再上传。"))]
    return [], [Problem(None, None, _l("只能上传 Excel（.xlsx）或 CSV（.csv）文件。"))]


def _read_xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read what is there
        rows = _take_rows(enumerate(sheet.iter_rows(values_only=True), start=1))
        book.close()
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return [], [Problem(None, None, _l("无法读取这个 Excel 文件，它可能已损坏，"
                                           "或不是 .xlsx 格式。"))]
    return rows, []


def _read_csv(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030/GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [Problem(None, None, _l("无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV。"))]
    if "\x00" in text:
        return [], [Problem(None, None, _l("这不是 CSV 文本文件。"))]
    try:
        rows = _take_rows(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except csv.Error:
        return [], [Problem(None, None, _l("CSV 文件格式有误，无法读取。"))]
    return rows, []


def _take_rows(numbered) -> list[tuple[int, list]]:
    """Read lines until there are more filled ones than we would ever accept (so a huge file
    is refused without reading all of it). Blank lines count for numbering only; a long run
    of them (a sheet formatted down to row 1,048,576) ends the table."""
    rows, filled, blank_run = [], 0, 0
    for number, cells in numbered:
        cells = list(cells)
        if any(cell_text(c) for c in cells):
            rows.append((number, cells))
            filled, blank_run = filled + 1, 0
            if filled > MAX_ROWS + HEADER_SCAN_ROWS + 1:
                break
        else:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
    return rows


def _find_header(rows):
    """The first row (within the first few) whose cells name at least three of our columns."""
    for index, (number, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = [_ALIAS_INDEX.get(_header_key(cell_text(c))) for c in cells]
        if sum(1 for k in keys if k) >= 3:
            return index, number, keys
    return None, None, None


def parse_roster(filename: str, content: bytes) -> ParseResult:
    """Every row as a clean dict, or every problem found: never a partial answer."""
    table, problems = read_table(filename, content)
    result = ParseResult(problems=problems)
    if problems:
        return result
    if not any(any(cell_text(c) for c in cells) for _, cells in table):
        result.problems.append(Problem(None, None, _l("文件是空的。")))
        return result
    index, header_row, keys = _find_header(table)
    if index is None:
        result.problems.append(Problem(1, None, _l(
            "找不到表头。第一行应为列名：楼栋、单元、房号、面积、面积来源、业主姓名、业主手机、开发商持有。")))
        return result
    columns: dict[str, int] = {}
    for position, key in enumerate(keys):
        if key is None:
            continue
        if key in columns:
            result.problems.append(Problem(header_row, HEADERS[key], _l("“%(col)s”列出现了两次。",
                                   col=HEADERS[key]), get_column_letter(position + 1)))
        else:
            columns[key] = position
    for key in REQUIRED:
        if key not in columns:
            result.problems.append(Problem(header_row, HEADERS[key],
                                           _l("缺少必填列“%(col)s”。", col=HEADERS[key])))
    if result.problems:
        return result
    data = [(n, cells) for n, cells in table[index + 1:] if any(cell_text(c) for c in cells)]
    if not data:
        result.problems.append(Problem(None, None, _l("文件里只有表头，没有房屋数据。")))
        return result
    if len(data) > MAX_ROWS:
        result.problems.append(Problem(None, None, _l(
            "行数太多：一次最多导入 %(max)s 行，请分楼栋拆成几个文件。", max=MAX_ROWS)))
        return result
    _RowChecker(columns, result).check_all(data)
    return result


class _RowChecker:
    """Checks each data row and the rows against each other; collects clean rows."""

    def __init__(self, columns: dict[str, int], result: ParseResult):
        self.columns = columns
        self.result = result
        self.units: dict[tuple, int] = {}
        self.names_by_mobile: dict[str, tuple[str, int]] = {}
        self.owners_by_key: dict[str, tuple[list, int]] = {}

    def problem(self, row: int, key: str, message) -> None:
        letter = get_column_letter(self.columns[key] + 1) if key in self.columns else None
        self.result.problems.append(Problem(row, HEADERS[key], message, letter))

    def value(self, cells: list, key: str) -> str:
        position = self.columns.get(key)
        if position is None or position >= len(cells):
            return ""
        return cell_text(cells[position])

    def check_all(self, data) -> None:
        for number, cells in data:
            row = self.check(number, cells)
            if row is not None:
                self.result.rows.append(row)
        if self.result.problems:
            self.result.rows = []

    def check(self, number: int, cells: list) -> dict | None:
        before = len(self.result.problems)
        place = {}
        for key in ("building", "entrance", "room"):
            text = self.value(cells, key)
            if not text:
                self.problem(number, key, _l("“%(col)s”不能为空。", col=HEADERS[key]))
            elif len(text) > LIMITS[key]:
                self.problem(number, key, _l("“%(col)s”太长（最多 %(n)s 个字）。",
                                             col=HEADERS[key], n=LIMITS[key]))
            place[key] = text
        unit_key = (place["building"], place["entrance"], place["room"])
        if all(unit_key):
            if unit_key in self.units:
                self.problem(number, "room", _l("房屋 %(unit)s 与第 %(row)s 行重复。",
                                                unit="-".join(unit_key), row=self.units[unit_key]))
            else:
                self.units[unit_key] = number
        area = self.area(number, cells)
        source = self.source(number, cells)
        developer = self.developer(number, cells)
        owners = self.owners(number, cells, developer)
        if len(self.result.problems) > before:
            return None
        return {"row": number, "building": place["building"], "entrance": place["entrance"],
                "room": place["room"], "area": format(area, "f"), "area_source": source,
                "developer": developer, "owners": owners}

    def area(self, number: int, cells: list) -> Decimal | None:
        text = self.value(cells, "area")
        if not text:
            self.problem(number, "area", _l("面积不能为空。"))
            return None
        try:
            return parse_area(text)
        except ValueError:
            self.problem(number, "area", _l(
                "面积“%(value)s”不正确：应为大于 0 的数字，最多两位小数（如 89.52）。", value=text))
            return None

    def source(self, number: int, cells: list) -> str | None:
        text = self.value(cells, "area_source")
        source = SOURCES.get(text.lower())
        if source is None:
            self.problem(number, "area_source", _l(
                "面积来源“%(value)s”无法识别：应为 登记、实测 或 合同。", value=text))
        return source

    def developer(self, number: int, cells: list) -> bool:
        text = self.value(cells, "developer").lower()
        if text in YES:
            return True
        if text not in NO:
            self.problem(number, "developer", _l(
                "“开发商持有”应填 是 或 否（留空表示否），而不是“%(value)s”。", value=text))
        return False

    def owners(self, number: int, cells: list, developer: bool) -> list | None:
        names = split_people(self.value(cells, "owner_name"))
        raw_mobiles = split_people(self.value(cells, "owner_mobile"))
        if developer:
            if names or raw_mobiles:
                self.problem(number, "owner_name", _l(
                    "开发商持有的房屋不填写业主；如已售出，请把“开发商持有”改为 否。"))
            return []
        if not names and not raw_mobiles:
            self.problem(number, "owner_name", _l(
                "缺少业主：不是开发商持有的房屋必须填写业主姓名和手机。"))
            return None
        start = len(self.result.problems)
        if len(names) != len(raw_mobiles):
            self.problem(number, "owner_mobile", _l(
                "业主姓名有 %(names)s 个、手机有 %(mobiles)s 个，数量不一致（共有人请按相同顺序"
                "用“、”分隔）。", names=len(names), mobiles=len(raw_mobiles)))
        if len(names) > MAX_CO_OWNERS:
            self.problem(number, "owner_name", _l("共有人最多 %(n)s 位。", n=MAX_CO_OWNERS))
        for name in names:
            if len(name) > 40:
                self.problem(number, "owner_name", _l("姓名“%(name)s”太长。", name=name[:40]))
        mobiles = []
        for raw in raw_mobiles:
            mobile = normalize_mobile(raw)
            if mobile is None:
                self.problem(number, "owner_mobile", _l(
                    "手机号“%(value)s”不正确：应为 11 位手机号码。", value=raw))
            elif mobile in mobiles:
                self.problem(number, "owner_mobile", _l(
                    "手机号 %(mobile)s 在同一房屋里出现了两次。", mobile=mobile))
            mobiles.append(mobile)
        if len(self.result.problems) > start:
            return None
        owners = [[name, mobile] for name, mobile in zip(names, mobiles, strict=True)]
        self.consistent(number, owners)
        return owners

    def consistent(self, number: int, owners: list) -> None:
        """One person is one person: the same mobile keeps its name, and the same set of
        co-owners keeps its designated voter (the first listed) in every row."""
        for name, mobile in owners:
            seen = self.names_by_mobile.setdefault(mobile, (name, number))
            if seen[0] != name:
                self.problem(number, "owner_name", _l(
                    "手机号 %(mobile)s 在第 %(row)s 行登记的姓名是“%(name)s”，这里却是“%(here)s”。",
                    mobile=mobile, row=seen[1], name=seen[0], here=name))
        key = ",".join(sorted(m for _, m in owners))
        seen_owners, row = self.owners_by_key.setdefault(key, (owners, number))
        if seen_owners[0][1] != owners[0][1]:
            self.problem(number, "owner_name", _l(
                "同一组共有人在第 %(row)s 行把“%(first)s”排在第一位（指定投票人），这里却不同；"
                "请保持一致。", row=row, first=seen_owners[0][0]))
