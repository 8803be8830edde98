"""Recompute a fund's figures from its public JSON export, with the standard library only (no
database, nothing else of the app): anyone can copy this file and check the books.

The rules, as the fund page states them:
- an entry counts with its amount, a reversal (is_reversal) with minus its amount;
- balance = income − expense + transfer_in − transfer_out;
- a commitment's outstanding part = its amount (less its reversal) − the expenses naming it
  (commitment_seq), never below zero; committed = the sum of those parts;
- available = balance − committed;
- a statement's digest is the SHA-256 of its figures as canonical JSON (keys sorted, no
  spaces, UTF-8), and its closing balance is the balance of the entries dated up to its end.

`python -m app.funds.recompute FILE` (or `flask --app wsgi funds recompute FILE`) prints the
figures and exits 2 if anything differs from what the export states."""
import hashlib
import json
import sys

SIGN = {"income": 1, "transfer_in": 1, "expense": -1, "transfer_out": -1, "commitment": 0}
KINDS = ("income", "expense", "transfer_in", "transfer_out")


def _signed(entry: dict) -> int:
    amount = entry["amount_fen"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError(f"entry {entry.get('seq')}: amount_fen must be a positive integer")
    return -amount if entry["is_reversal"] else amount


def figures(entries: list[dict], until: str | None = None) -> dict:
    """Totals of the entries dated up to `until` (an ISO date; None: all of them)."""
    chosen = [e for e in entries if until is None or e["date"] <= until]
    totals = dict.fromkeys(KINDS, 0)
    committed: dict[int, int] = {}
    spent: dict[int, int] = {}
    for entry in chosen:
        amount = _signed(entry)
        if entry["kind"] in totals:
            totals[entry["kind"]] += amount
        if entry["kind"] == "commitment":
            key = entry["corrects_seq"] if entry["is_reversal"] else entry["seq"]
            committed[key] = committed.get(key, 0) + amount
        elif entry["kind"] == "expense" and entry.get("commitment_seq") is not None:
            key = entry["commitment_seq"]
            spent[key] = spent.get(key, 0) + amount
    outstanding = sum(max(0, committed.get(k, 0) - spent.get(k, 0))
                      for k in set(committed) | set(spent))
    balance = (totals["income"] - totals["expense"] + totals["transfer_in"]
               - totals["transfer_out"])
    return {"income_fen": totals["income"], "expense_fen": totals["expense"],
            "transfer_in_fen": totals["transfer_in"], "transfer_out_fen": totals["transfer_out"],
            "committed_fen": outstanding, "balance_fen": balance,
            "available_fen": balance - outstanding}


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def check(export: dict) -> tuple[dict, list[str]]:
    """(recomputed figures, the differences found) for a fund's export."""
    entries = sorted(export["entries"], key=lambda e: e["seq"])
    problems = []
    seqs = [e["seq"] for e in entries]
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append("entry numbers are not 1, 2, 3... without gaps")
    recomputed = figures(entries)
    for key, value in recomputed.items():
        if export["balances"].get(key) != value:
            problems.append(f"{key}: export says {export['balances'].get(key)}, "
                            f"entries give {value}")
    for statement in export.get("statements", []):
        label = f"statement {statement['year']}-{statement['month']:02d}"
        frozen = statement["figures"]
        digest = hashlib.sha256(canonical_json(frozen).encode("utf-8")).hexdigest()
        if digest != statement["digest"]:
            problems.append(f"{label}: digest does not match its figures")
        closing = figures(entries, frozen["period"]["end"])["balance_fen"]
        if closing != frozen["closing_fen"]:
            problems.append(f"{label}: closing {frozen['closing_fen']}, entries give {closing}")
    return recomputed, problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m app.funds.recompute FILE", file=sys.stderr)
        return 1
    with open(argv[0], encoding="utf-8") as fh:
        export = json.load(fh)
    recomputed, problems = check(export)
    for key, value in recomputed.items():
        print(f"{key}: {value}")
    for problem in problems:
        print(f"MISMATCH {problem}")
    print("OK" if not problems else f"{len(problems)} mismatch(es)")
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
