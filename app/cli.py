"""The ``fusen`` command: serve, extract, eval, eval-ocr, db upgrade."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fusen", description="付せんの写真を編集できるデータに")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the web app and the background worker")
    serve.add_argument("--host", default=None, help="default 127.0.0.1 (FUSEN_HOST)")
    serve.add_argument("--port", type=int, default=None, help="default 8000 (FUSEN_PORT)")

    ext = sub.add_parser("extract", help="recognise notes on photos and print them")
    ext.add_argument("photos", nargs="+", type=Path, metavar="PHOTO")
    ext.add_argument("--json", action="store_true", help="print the JSON document (default)")
    ext.add_argument("--no-ocr", action="store_true", help="detect notes only, skip reading text")

    ev = sub.add_parser("eval", help="measure recognition against a labelled set")
    ev.add_argument("directory", type=Path, metavar="DIR", help="NAME.jpg/png + NAME.json pairs")
    ev.add_argument("--no-ocr", action="store_true", help="detection and colour only")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")

    sub.add_parser("eval-ocr", add_help=False,
                   help="compare the OCR engines on generated note crops (--help for options)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fusen`` console script."""
    args, rest = _parser().parse_known_args(argv)
    if args.command == "eval-ocr":
        from .evaluate_ocr import main as eval_ocr

        return eval_ocr(rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    from .config import get_settings

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "serve":
        return _serve(args.host or settings.host, args.port or settings.port)
    if args.command == "extract":
        return _extract(args.photos, ocr=not args.no_ocr)
    if args.command == "eval":
        from .evaluate import run_eval

        return run_eval(args.directory, ocr=not args.no_ocr, as_json=args.json)
    if args.command == "db":
        from .migrate import upgrade

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(settings.db_url)
        return 0
    return 2


def _serve(host: str, port: int) -> int:
    import uvicorn

    from .main import create_app

    uvicorn.run(create_app(), host=host, port=port, log_config=None)
    return 0


def _extract(photos: list[Path], *, ocr: bool) -> int:
    from vision.errors import VisionError
    from vision.io import decode_image
    from vision.pipeline import recognize
    from vision.serialize import to_extract_json

    from .config import get_settings
    from .ocr_setup import build_ocr_engine

    try:
        engine = build_ocr_engine(get_settings()) if ocr else None
    except VisionError as exc:
        _fail(f"{exc.message} [{exc.code}]")
        return 1
    docs = []
    try:
        for path in photos:
            try:
                data = path.read_bytes()
            except OSError as exc:
                _fail(f"{path}: ファイルを読めません ({exc.strerror})")
                return 1
            try:
                decoded = decode_image(data)
            except VisionError as exc:
                _fail(f"{path}: {exc.message} [{exc.code}]")
                return 1
            docs.append(to_extract_json(recognize(decoded.image, engine)))
    finally:
        if engine is not None:
            engine.close()
    out = docs[0] if len(docs) == 1 else docs
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    return 0


def _fail(message: str) -> None:
    sys.stderr.write(f"fusen: {message}\n")


if __name__ == "__main__":
    raise SystemExit(main())
