"""Seconds per receipt of each OCR engine, run inside the OCR image by ``make image-check``.

``python3 engine_timing.py FILE...`` (with ``/var/task`` on the path) reads every file once per engine
after one warm-up read, and prints ``{"engine": seconds per receipt}`` as JSON.
"""

import json
import sys
import time
from pathlib import Path


def main(paths: list[str]) -> None:
    """Time ``read_document`` over the files with the in-process engine and with the command line."""
    from docflow.ocr import TesseractEngine, TesserocrEngine, read_document

    found = {}
    for name, engine in (("tesserocr", TesserocrEngine()), ("tesseract-cli", TesseractEngine())):
        documents = [Path(path).read_bytes() for path in paths]
        read_document(documents[0], engine=engine)
        started = time.perf_counter()
        for data in documents:
            read_document(data, engine=engine)
        found[name] = round((time.perf_counter() - started) / len(documents), 3)
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1:])
