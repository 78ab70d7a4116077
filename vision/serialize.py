"""The ``fusen extract`` JSON document of a ``PhotoResult`` (documented in the README)."""

from __future__ import annotations

from typing import Any

from vision.types import PhotoResult, Quad


def _quad(quad: Quad) -> list[list[float]]:
    return [[round(x, 1), round(y, 1)] for x, y in quad]


def to_extract_json(result: PhotoResult) -> dict[str, Any]:
    """The document, keys in the documented order; quads in upright-photo pixels."""
    return {
        "width": result.width,
        "height": result.height,
        "notes": [
            {
                "id": n.id,
                "quad": _quad(n.region.quad),
                "color": n.region.color,
                "text": n.text.text,
                "confidence": round(n.text.confidence, 3),
                "writing": n.text.writing,
            }
            for n in result.notes
        ],
        "links": [{"source": li.source, "target": li.target} for li in result.links],
        "lanes": [{"id": la.id, "label": la.label, "quad": _quad(la.quad)} for la in result.lanes],
        "notes_lane": dict(result.notes_lane),
    }
