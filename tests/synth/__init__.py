"""Synthetic degraded scans of Vietnamese civil records, with ground truth, for OCR and linking tests.

    from tests.synth import make_document, generate_set, make_registry, write_registry, cer, normalize_text

Nothing here is committed as images: pages are rendered from real fonts and aged at test time.
"""

from .degrade import LEVELS
from .document import SCHEMA, SynthDocument, make_document
from .files import FORMATS, generate_set
from .forms_common import DOC_TYPES
from .metrics import cer, cer_unordered, normalize_text, reference_text
from .people import Citizen, make_registry, write_registry

__all__ = [
    "DOC_TYPES",
    "FORMATS",
    "LEVELS",
    "SCHEMA",
    "Citizen",
    "SynthDocument",
    "cer",
    "cer_unordered",
    "generate_set",
    "make_document",
    "make_registry",
    "normalize_text",
    "reference_text",
    "write_registry",
]
