"""The knowledge app's models, a module per part: the Q&A forum and the expert roster (forum.py, roster.py),
lessons learned, the resource library and the database of standardized technologies and conforming products
(lessons.py, library.py, products.py)."""

from jalon.knowledge.models.lessons import Lesson, LessonCitation  # noqa: E402, F401
from jalon.knowledge.models.library import DownloadCount, Resource, ResourceFile  # noqa: E402, F401
from jalon.knowledge.models.products import (  # noqa: E402, F401
    ConformityClaim,
    Product,
    Technology,
    TechnologyStandard,
    TestLaboratory,
)
