"""Benchmark: language detection on real short texts in the sixteen demo languages.

Reads ``benchmarks/data/short_texts/<tag>.txt`` (one real sentence a line; sources and licenses
in ``SOURCES.md`` there) and runs, on every line:

* the combination (``juntos.language.detect.detect``) three times — with no recorded language,
  with the right one, and with a wrong one (a random other language plus English; for English
  lines only the random other language, or the "wrong" record would contain the right answer);
* each detector alone, on the languages it knows (lingua: 13, py3langid: 15, CLD3: 16).

Prints a table of accuracy per language, the overall figures and the time per text; the last
line of stdout is one JSON object.

    .venv/bin/python benchmarks/detect_language.py
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "short_texts"
MODES = ("no_prior", "true_prior", "wrong_prior")


def _load(folder: Path) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.txt")):
        texts.extend(
            (path.stem, line.strip())
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
    return texts


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of <tag>.txt files")
    parser.add_argument("--seed", type=int, default=2026, help="seed for the wrong records")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from juntos.language import detect as detection

    started = time.perf_counter()
    detection.warm_up()
    load_seconds = time.perf_counter() - started

    texts = _load(args.data)
    languages = sorted({tag for tag, _ in texts})
    supported = {
        "lingua": detection.LINGUA_SLOTS,
        "py3langid": detection.PY3LANGID_SLOTS,
        "cld3": detection.CLD3_SLOTS,
    }
    rng = random.Random(args.seed)
    totals: Counter[str] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    detector_totals: Counter[tuple[str, str]] = Counter()
    detector_hits: Counter[tuple[str, str]] = Counter()
    mistakes: Counter[tuple[str, str, str | None]] = Counter()
    combined_seconds = 0.0

    for tag, text in texts:
        totals[tag] += 1
        other = rng.choice([code for code in languages if code != tag])
        records = {
            "no_prior": [],
            "true_prior": [tag],
            "wrong_prior": [other] if tag == "en" else [other, "en"],
        }
        for mode, known in records.items():
            before = time.perf_counter()
            found = detection.detect(text, known).language
            combined_seconds += time.perf_counter() - before
            if found == tag:
                hits[(mode, tag)] += 1
            else:
                mistakes[(mode, tag, found)] += 1
        guesses = detection.single_detector_guesses(text)
        slot = tag.split("-")[0]
        for name, guess in guesses.items():
            if slot in supported[name]:
                detector_totals[(name, tag)] += 1
                detector_hits[(name, tag)] += guess == tag

    count = sum(totals.values())
    per_mode = {
        mode: {tag: _ratio(hits[(mode, tag)], totals[tag]) for tag in languages} for mode in MODES
    }
    overall = {mode: _ratio(sum(hits[(mode, t)] for t in languages), count) for mode in MODES}
    detectors = {
        name: _ratio(
            sum(detector_hits[(name, t)] for t in languages),
            sum(detector_totals[(name, t)] for t in languages),
        )
        for name in supported
    }

    print(f"{count} texts in {len(languages)} languages from {args.data}")
    print(f"detectors loaded in {load_seconds:.2f} s")
    print()
    header = (
        "| language | texts | no prior | true prior | wrong prior | lingua | py3langid | cld3 |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for tag in languages:
        alone = [
            f"{_ratio(detector_hits[(name, tag)], detector_totals[(name, tag)]):.1%}"
            if detector_totals[(name, tag)]
            else "—"
            for name in supported
        ]
        cells = [f"{per_mode[mode][tag]:.1%}" for mode in MODES]
        print(f"| {tag} | {totals[tag]} | " + " | ".join(cells + alone) + " |")
    overall_cells = [f"**{overall[mode]:.1%}**" for mode in MODES]
    alone_cells = [f"{detectors[name]:.1%}" for name in supported]
    print(f"| all | {count} | " + " | ".join(overall_cells + alone_cells) + " |")
    print()
    print(
        f"{combined_seconds / (count * len(MODES)) * 1000:.2f} ms per text for the combination "
        "(three detectors and the orthographic checks)"
    )
    for mode in MODES:
        worst = [f"{tag}→{found}" for (m, tag, found), _ in mistakes.most_common() if m == mode]
        print(f"mistakes, {mode.replace('_', ' ')}: {', '.join(worst[:12]) or 'none'}")

    worst_language = min(languages, key=lambda tag: (per_mode["true_prior"][tag], tag))
    summary: dict[str, Any] = {
        "texts": count,
        "languages": len(languages),
        "accuracy_no_prior": overall["no_prior"],
        "accuracy_true_prior": overall["true_prior"],
        "accuracy_wrong_prior": overall["wrong_prior"],
        "per_language": per_mode["true_prior"],
        "per_language_no_prior": per_mode["no_prior"],
        "per_language_wrong_prior": per_mode["wrong_prior"],
        "worst_language": worst_language,
        "detectors_alone": detectors,
        "ms_per_text": round(combined_seconds / (count * len(MODES)) * 1000, 3),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
