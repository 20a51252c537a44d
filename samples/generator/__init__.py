"""Realistic sample dossiers (Vietnamese ID cards, birth and marriage certificates, CT07, marital-status
confirmations) with ground truth, for testing and measuring the hoso pipeline. All persons are fictitious."""

from .cli import main
from .dossier import CONDITIONS, DOCUMENT_TYPES, generate

__all__ = ["CONDITIONS", "DOCUMENT_TYPES", "generate", "main"]
