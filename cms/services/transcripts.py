"""WebVTT transcripts: checked when saved, shown beside the player, indexed."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cms.errors import CmsError

_TIMESTAMP = r"(?:(\d{1,2}):)?(\d{2}):(\d{2})\.(\d{3})"
_CUE_TIMING = re.compile(rf"^{_TIMESTAMP}\s+-->\s+{_TIMESTAMP}(?:\s+.*)?$")
_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    @property
    def start_label(self):
        seconds = int(self.start)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _seconds(hours, minutes, seconds, millis):
    return (
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000
    )


def parse_webvtt(text):
    """The cues of a WebVTT text, in order. Raises CmsError naming the line."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise CmsError(
            "transcript_header",
            _("A WebVTT transcript must begin with the line WEBVTT."),
            field="transcript",
        )
    cues = []
    index = 1
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line or line.startswith(("NOTE", "STYLE", "REGION")):
            # Skip the block up to the next blank line.
            while line and index < len(lines) and lines[index].strip():
                index += 1
            continue
        timing = _CUE_TIMING.match(line)
        if not timing and index < len(lines):
            # An optional cue identifier comes before the timing line.
            timing = _CUE_TIMING.match(lines[index].strip())
            if timing:
                line = lines[index].strip()
                index += 1
        if not timing:
            raise CmsError(
                "transcript_timing",
                _(
                    "Line %(line)d: expected a timing such as "
                    "00:00:05.000 --> 00:00:09.000, found “%(text)s”."
                )
                % {"line": index, "text": line[:40]},
                field="transcript",
            )
        groups = timing.groups()
        start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
        if end <= start:
            raise CmsError(
                "transcript_timing",
                _("Line %(line)d: a cue must end after it starts.") % {"line": index},
                field="transcript",
            )
        body = []
        while index < len(lines) and lines[index].strip():
            body.append(_TAG.sub("", lines[index].strip()))
            index += 1
        cues.append(Cue(start=start, end=end, text=" ".join(body)))
    if not cues:
        raise CmsError(
            "transcript_empty",
            _("The transcript has no cues; add at least one timing and its words."),
            field="transcript",
        )
    return cues


def parse_clock(value):
    """Seconds of a time written mm:ss or h:mm:ss. Raises CmsError."""
    match = _CLOCK.match(str(value).strip())
    if not match or int(match.group(3)) >= 60:
        raise CmsError(
            "bad_clock",
            _("Write the time as minutes:seconds, for example 12:30."),
            field="chapter_start",
        )
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def build_webvtt(cues):
    """A WebVTT text from (start seconds, end seconds, text) triples."""

    def stamp(value):
        millis = round(value * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        seconds, millis = divmod(millis, 1000)
        return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"

    blocks = ["WEBVTT"]
    for start, end, text in cues:
        blocks.append(f"{stamp(start)} --> {stamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"
