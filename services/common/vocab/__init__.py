"""Coded lists (causes, skills, requirements, rewards, accessibility, session times) of the
UK Volunteering Data standard, shared by every service::

    from services.common.vocab import load_vocabularies

    causes = load_vocabularies().get("causes")
    causes.validate(["OlderPeople", "Fishing"])  # ["Unknown cause 'Fishing'. Valid codes: ..."]
"""

from services.common.vocab.vocabularies import (
    NAMES,
    Concept,
    Vocabularies,
    Vocabulary,
    load_vocabularies,
)

__all__ = ["NAMES", "Concept", "Vocabularies", "Vocabulary", "load_vocabularies"]
