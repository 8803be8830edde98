"""The per-article diff: alignment by content, and character-level changes within articles."""
from app.covenants.diff import compare, summary


def test_an_inserted_article_does_not_mark_later_ones_changed():
    old = ["爱护公共设施。", "垃圾分类投放。", "文明养犬。"]
    new = ["爱护公共设施。", "节约用水用电。", "垃圾分类投放。", "文明养犬。"]
    changes = compare(old, new)
    assert [(c.kind, c.old_number, c.new_number) for c in changes] == [
        ("same", 1, 1), ("added", None, 2), ("same", 2, 3), ("same", 3, 4)]
    assert summary(changes) == {"added": 1, "removed": 0, "changed": 0}


def test_changed_and_removed_articles():
    old = ["不在楼道堆放杂物。", "不高空抛物。", "晚上十点后不扰民。"]
    new = ["不在楼道和消防通道堆放杂物。", "不高空抛物。"]
    changes = compare(old, new)
    kinds = [(c.kind, c.old_number, c.new_number) for c in changes]
    assert ("removed", 3, None) in kinds
    changed = next(c for c in changes if c.kind == "changed")
    assert "".join(t for op, t in changed.pieces if op != "ins") == old[0]
    assert "".join(t for op, t in changed.pieces if op != "del") == new[0]
    assert [op for op, _ in changed.pieces] == ["same", "ins", "same"]
    assert summary(changes) == {"added": 0, "removed": 1, "changed": 1}


def test_latin_words_and_numbers_stay_whole():
    changes = compare(["晚上10点后"], ["晚上22点后"])
    assert changes[0].pieces == [("same", "晚上"), ("del", "10"), ("ins", "22"), ("same", "点后")]
