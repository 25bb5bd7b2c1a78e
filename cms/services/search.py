"""Chinese full-text search on Wagtail's database backend.

The backend (SQLite FTS5, PostgreSQL tsvector) splits text into words at spaces and
punctuation, so a run of Chinese such as “从高空抛物致人损害” would be one "word" and
高空抛物 would never match inside it. Both sides are therefore cut into words with
jieba: ``segment()`` feeds the index (each model's ``search_text``), and
``search_site()`` cuts the query the same way and asks for all of its words.
"""

import logging
import re
import threading
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Terms of the law and of the office's work that jieba's general dictionary cuts
# apart; kept whole so that searching for them finds them.
LEGAL_TERMS = [
    "以案释法",
    "高空抛物",
    "高空坠物",
    "抛掷物品",
    "侵权责任",
    "民法典",
    "行政处罚",
    "行政许可",
    "行政复议",
    "行政诉讼",
    "国家赔偿",
    "政府信息公开",
    "逢九必讲",
    "会前学法",
    "法律明白人",
    "劳动报酬",
    "居住权",
    "物业服务",
    "电信诈骗",
    "彩礼",
    "停车泊位",
    "文明行为",
    "宅基地",
    "土地承包经营权",
    "格式条款",
    "精神损害赔偿",
]
MAX_QUERY_LENGTH = 64
_WORD = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()
_jieba = None


def _tokenizer():
    """jieba, loaded once per process (its dictionary takes a second to build)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                for term in LEGAL_TERMS:
                    jieba.add_word(term, freq=20000)
                _jieba = jieba
    return _jieba


def words(text):
    """The words of a text for searching: jieba's search-engine cut (long words and
    their shorter parts), lower-cased, without punctuation or spaces."""
    if not text:
        return []
    tokens = _tokenizer().cut_for_search(str(text))
    return [token.lower() for token in tokens if _WORD.search(token)]


def segment(text):
    """The text as space-separated words, for the search index."""
    return " ".join(words(text))


@dataclass
class SiteSearchResults:
    query: str
    episodes: list = field(default_factory=list)
    lectures: list = field(default_factory=list)
    articles: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.episodes) + len(self.lectures) + len(self.articles)


def query_words(query):
    """The query's words, de-duplicated in order; empty for an empty query."""
    seen = []
    for word in words(str(query or "")[:MAX_QUERY_LENGTH]):
        if word not in seen:
            seen.append(word)
    return seen


def search_site(*, query, limit=20):
    """Live public episodes, lectures and law articles containing every word of
    ``query``. Returns SiteSearchResults (empty for a blank query)."""
    from wagtail.search.backends import get_search_backend

    from cms.models import EpisodePage, LawArticle, LecturePage

    terms = query_words(query)
    results = SiteSearchResults(query=str(query or "").strip())
    if not terms:
        return results
    segmented = " ".join(terms)
    backend = get_search_backend()

    def find(queryset):
        return list(backend.search(segmented, queryset, operator="and")[:limit])

    results.episodes = find(EpisodePage.objects.live().public().select_related("unit"))
    results.lectures = find(LecturePage.objects.live().public())
    results.articles = find(LawArticle.objects.select_related("law"))
    return results


NO_QUERY = _("Type a word to search for, such as 高空抛物.")
