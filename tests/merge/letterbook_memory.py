"""Peak memory and time of a LetterBook run, for 1,000 against 10,000 one-page letters (the #13 target).

Run: `.venv/bin/python -m tests.merge.letterbook_memory` — each size in a fresh process, its peak RSS read
from the kernel; chunks of 250 letters kept in a temporary folder as a job's part files would be, the
combined document written to a file. docx-mailmerge2's own `merge_templates` is measured alongside.
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

CHUNK = 250


def letter_template() -> bytes:
    """A one-page letter: address block, date, greeting, body paragraphs, header and footer with fields."""
    from tests.merge.wordml import make_docx, mergefield, para, run

    body = para(mergefield("CompanyName")) + para(mergefield("MailAddress"))
    body += para(run("Roma, "), mergefield("DocumentDate", '\\@ "d MMMM yyyy"'))
    body += para(mergefield("FormalSalutation"), run(","))
    body += "".join(para(run("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 6)) for _ in range(5))
    body += para(run("Amount due: "), mergefield("Amount", '\\# "#.##0,00"'))
    body += para(mergefield("PersonalText"))
    body += para(run("Best regards,")) + para(mergefield("SalespersonName"))
    return make_docx(body, header=para(run("Contact "), mergefield("ContactNo")), footer=para(mergefield("City")))


def values(index: int) -> dict[str, str]:
    return {
        "ContactNo": f"R{index:06}",
        "CompanyName": f"Company {index}",
        "MailAddress": f"Contact {index}\nVia Roma {index}\n00100 Roma RM",
        "City": "Roma",
        "DocumentDate": "2026-11-28",
        "FormalSalutation": f"Gentile Signor Rossi {index}",
        "Amount": f"{index * 10.5}",
        "PersonalText": "",
        "SalespersonName": "Mario Bianchi",
    }


def run_segapp(count: int) -> dict:
    from segapp.merge import LetterBook

    started = time.perf_counter()
    book = LetterBook(letter_template(), locale="it")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for first in range(0, count, CHUNK):
            path = Path(folder, f"{first}.chunk")
            path.write_bytes(
                book.chunk((values(i) for i in range(first, min(first + CHUNK, count))), first_index=first)
            )
            paths.append(path)
        with open(Path(folder, "letters.docx"), "wb") as out:
            book.assemble((path.read_bytes() for path in paths), out)
        size = Path(folder, "letters.docx").stat().st_size
    return {"seconds": round(time.perf_counter() - started, 1), "output_bytes": size}


def run_library(count: int) -> dict:
    from mailmerge import MailMerge

    started = time.perf_counter()
    with MailMerge(BytesIO(letter_template())) as document:
        document.merge_templates([values(i) for i in range(count)], separator="nextPage_section")
        out = BytesIO()
        document.write(out)
    return {"seconds": round(time.perf_counter() - started, 1), "output_bytes": len(out.getvalue())}


def child(kind: str, count: int) -> None:
    result = (run_segapp if kind == "segapp" else run_library)(count)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def main() -> None:
    kinds = sys.argv[1:] or ["segapp", "library"]
    for kind in kinds:
        for count in (1000, 10000):
            done = subprocess.run(
                [sys.executable, "-m", "tests.merge.letterbook_memory", "--child", kind, str(count)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(kind, count, done.stdout.strip(), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
