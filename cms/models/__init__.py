from cms.models.home import HomePage
from cms.models.laws import Law, LawArticle, MustKnowEntry, MustKnowList

__all__ = ["HomePage", "Law", "LawArticle", "MustKnowEntry", "MustKnowList"]
