"""Regenerate app/compounds/data/jinhua_roster.csv, the demo compound 锦华苑's roster.

Deterministic (fixed seed): 6 buildings x 2 entrances x 25 rooms = 300 units, areas in m² with
two decimals, mostly 登记 (some 实测/合同), a few co-owned units, one owner of three units, ten
developer-held units. Mobiles are in the 1990001xxxx range. Run: python bench/make_jinhua_roster.py
"""
import csv
import random
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app" / "compounds" / "data" / "jinhua_roster.csv"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
            "宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = ("建国 秀英 桂兰 志强 丽 敏 静 伟 芳 军 勇 磊 洋 艳 杰 娟 涛 明 "
         "超 霞 平 刚 玉兰 淑芬 国华 红梅 德明 小红 晓燕 文华 海燕 春梅 "
         "建华 永刚 光荣 素珍 凤英 建平 志华 秀兰 俊 婷 浩然 思远 雨欣 "
         "子涵 梓轩 一鸣 欣怡 宇航 佳怡 文博 丽华 建军 秀珍 国强 海涛 "
         "晓东 红霞 金凤 德华 立新").split()
HEADER = ["楼栋", "单元", "房号", "面积", "面积来源", "业主姓名", "业主手机",
          "开发商持有"]
# Layout per building: area of the x01 and x02 rooms.
LAYOUT = {"1": ("89.52", "118.36"), "2": ("76.38", "102.75"), "3": ("92.17", "127.64"),
          "4": ("63.85", "88.40"), "5": ("105.26", "136.92"), "6": ("81.73", "112.09")}
# Demo accounts (see app/compounds/demo.py) own these units.
FIXED = {
    ("1", "1", "1201"): [("陈志强", "19900010001")],
    ("3", "2", "502"): [("陈志强", "19900010001")],
    ("5", "1", "301"): [("陈志强", "19900010001")],
    ("2", "1", "601"): [("刘桂兰", "19900010002")],
    ("3", "1", "802"): [("王建国", "19900010003"), ("赵淑芬", "19900010004")],
    ("4", "2", "1001"): [("张德明", "19900010005")],
}
DEVELOPER = {("6", "1", "1301"), ("6", "1", "1302"), ("6", "2", "1201"), ("6", "2", "1301"),
             ("6", "2", "1302"), ("5", "2", "101"), ("4", "1", "101"), ("2", "2", "101"),
             ("6", "1", "101"), ("6", "2", "101")}


def main() -> None:
    rng = random.Random(2026)
    used_names = {name for owners in FIXED.values() for name, _ in owners}
    serial = iter(range(1001, 10000))

    def person() -> tuple[str, str]:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used_names:
                used_names.add(name)
                return name, f"1990001{next(serial):04d}"

    rows = []
    for building, (small, large) in LAYOUT.items():
        for entrance in ("1", "2"):
            rooms = ["101"] + [f"{floor}{n:02d}" for floor in range(2, 14) for n in (1, 2)]
            for room in rooms:
                base = small if room.endswith("1") else large
                # Ground-floor rooms were measured one by one and differ a little.
                shift = Decimal(rng.randint(-40, 40)) / 100 if room == "101" else 0
                area = format(Decimal(base) + shift, ".2f")
                roll = rng.random()
                source = "实测" if roll < 0.07 else "合同" if roll < 0.10 else "登记"
                key = (building, entrance, room)
                if key in DEVELOPER:
                    owners, developer = [], "是"
                elif key in FIXED:
                    owners, developer = FIXED[key], "否"
                elif rng.random() < 0.03:
                    owners, developer = [person(), person()], "否"
                else:
                    owners, developer = [person()], "否"
                rows.append([building, entrance, room, area, source,
                             "、".join(n for n, _ in owners), "、".join(m for _, m in owners),
                             developer])
    with OUT.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} units -> {OUT}")


if __name__ == "__main__":
    main()
