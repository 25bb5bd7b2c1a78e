"""Contest nicknames: what may appear on a projector in front of a room.

A nickname is cleaned (NFKC, no control or invisible characters, spaces squeezed),
at most ``NICKNAME_MAX`` characters, and refused when it contains an abusive or
reserved word. Words are matched on a folded form (lower case, letters and digits
only), so "傻 逼" or "Ｆ.u.c.k" do not slip through; short Latin abbreviations
must be a whole run of Latin letters (so that "jsbach" is not taken for "sb").
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from quizzes.models.contests import NICKNAME_MAX
from quizzes.services.errors import QuizError

# Matched anywhere in the folded nickname.
BLOCKED_WORDS = (
    # insults and obscenities
    "傻逼", "傻b", "煞笔", "沙比", "傻叉", "二逼", "弱智", "脑残", "白痴", "智障",
    "草泥马", "操你", "肏", "日你", "你妈", "他妈", "尼玛", "妈逼", "狗日", "王八蛋",
    "贱人", "婊子", "去死", "滚蛋", "屌", "鸡巴", "阴道", "阴茎", "做爱", "色情",
    "fuck", "shit", "bitch", "asshole", "cunt", "dick", "pussy",
    # separatism and banned organisations
    "法轮", "东突", "疆独", "藏独", "台独", "恐怖", "圣战",
    # names that would pass for the organiser
    "管理员", "主持人", "系统消息", "admin",
)  # fmt: skip
# Matched only as a whole run of Latin letters (你是SB, not jsbach).
BLOCKED_NAMES = ("sb", "nmsl", "cnm", "tmd", "nmb", "mdzz", "wtf", "nt", "host")

_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def clean_nickname(raw):
    """The nickname as it will be shown; QuizError ``nickname_missing``,
    ``nickname_too_long`` or ``nickname_refused``."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    text = " ".join(text.split())
    if not text:
        raise QuizError("nickname_missing", _("Enter a nickname."))
    if len(text) > NICKNAME_MAX:
        raise QuizError(
            "nickname_too_long",
            _("A nickname has at most %(n)d characters; shorten it.")
            % {"n": NICKNAME_MAX},
        )
    if is_blocked(text):
        raise QuizError(
            "nickname_refused",
            _("This nickname cannot be shown on the screen; choose another one."),
        )
    return text


def fold(text):
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def is_blocked(text):
    folded = fold(text)
    if any(word in folded for word in BLOCKED_WORDS):
        return True
    return any(run in BLOCKED_NAMES for run in re.findall(r"[a-z]+", folded))


def disambiguated(nickname, taken):
    """``nickname``, or the first of 小王(2), 小王(3), … not in ``taken``."""
    if nickname not in taken:
        return nickname
    number = 2
    while f"{nickname}({number})" in taken:
        number += 1
    return f"{nickname}({number})"
