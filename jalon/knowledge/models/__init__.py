"""The knowledge app's models, a module per part: the Q&A forum and the expert roster (forum.py, roster.py),
lessons learned, the resource library and the database of standardized technologies and conforming products
(lessons.py, library.py, products.py); the search index shared by all (search.py)."""

from jalon.knowledge.models.forum import (  # noqa: F401
    FORUM_LANGUAGES,
    Answer,
    Attachment,
    Comment,
    Flag,
    Question,
    Revision,
    Routing,
    Tag,
    Thread,
    Vote,
)
from jalon.knowledge.models.lessons import Lesson, LessonCitation  # noqa: F401
from jalon.knowledge.models.library import DownloadCount, Resource, ResourceFile  # noqa: F401
from jalon.knowledge.models.products import (  # noqa: F401
    ConformityClaim,
    Product,
    Technology,
    TechnologyStandard,
    TestLaboratory,
)
from jalon.knowledge.models.roster import READS_AT, Cefr, Competency, Expert, ExpertLanguage  # noqa: F401
from jalon.knowledge.models.search import SearchEntry  # noqa: F401
