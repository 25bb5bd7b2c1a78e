"""Uploaded recordings: the type is read from the file's content, not trusted from
its name, and the size is checked before anything is kept."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cms.errors import CmsError

MB = 1024 * 1024
# extension: (kind, MIME type, mutagen class path)
FORMATS = {
    ".mp3": ("audio", "audio/mpeg", "mutagen.mp3.MP3"),
    ".m4a": ("audio", "audio/mp4", "mutagen.mp4.MP4"),
    ".aac": ("audio", "audio/aac", "mutagen.aac.AAC"),
    ".wav": ("audio", "audio/wav", "mutagen.wave.WAVE"),
    ".mp4": ("video", "video/mp4", "mutagen.mp4.MP4"),
}
# nginx must let these through: client_max_body_size in docs/deploy.md.
DEFAULT_LIMITS = {"audio": 50 * MB, "video": 500 * MB}
KIND_LABELS = {"audio": _("audio"), "video": _("video")}


@dataclass(frozen=True)
class MediaInfo:
    kind: str
    mime_type: str
    size: int
    duration_seconds: int | None


def max_upload_size(kind):
    """Largest accepted file of a kind, from PUFA_MAX_UPLOAD_BYTES if set."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PUFA_MAX_UPLOAD_BYTES", {})}
    return limits[kind]


def _accepted_extensions(kinds):
    return ", ".join(
        ext.lstrip(".").upper()
        for ext, (kind, _mime, _cls) in FORMATS.items()
        if kind in kinds
    )


def _mutagen_class(path):
    module_name, class_name = path.rsplit(".", 1)
    module = __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name)


def inspect_upload(upload, *, kinds=("audio",)):
    """Check an uploaded file and describe it.

    ``kinds`` is what the field accepts ("audio", "video"). Raises CmsError
    ``bad_file_type`` when the name's extension is not accepted or the content is
    not that format, ``file_too_large`` above the size limit. Reads the file's
    headers only; leaves it positioned at the start.
    """
    import mutagen

    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lower()
    kind, mime_type, class_path = FORMATS.get(extension, (None, None, None))
    if kind not in kinds:
        raise CmsError(
            "bad_file_type",
            _(
                "“%(name)s” is not a file type pufa accepts here; upload one of: "
                "%(accepted)s."
            )
            % {"name": os.path.basename(name), "accepted": _accepted_extensions(kinds)},
        )
    size = upload.size
    limit = max_upload_size(kind)
    if size > limit:
        raise CmsError(
            "file_too_large",
            _(
                "“%(name)s” is %(size)s; %(kind)s files may be at most %(limit)s. "
                "Compress it or split it, then upload it again."
            )
            % {
                "name": os.path.basename(name),
                "size": filesizeformat(size),
                "kind": KIND_LABELS[kind],
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    try:
        parsed = _mutagen_class(class_path)(upload)
    except (mutagen.MutagenError, ValueError, OSError, EOFError):
        parsed = None
    finally:
        upload.seek(0)
    length = getattr(getattr(parsed, "info", None), "length", None)
    if parsed is None or length is None:
        raise CmsError(
            "bad_file_type",
            _(
                "“%(name)s” is named %(ext)s but its content is not; export the "
                "recording again as %(ext)s and upload that file."
            )
            % {"name": os.path.basename(name), "ext": extension.lstrip(".").upper()},
        )
    duration = round(length) if length else None
    return MediaInfo(
        kind=kind, mime_type=mime_type, size=size, duration_seconds=duration or None
    )


def tone_wav_bytes(*, seconds=60, frequency=440, rate=8000):
    """A quiet sine tone as WAV bytes: the demo's recording, made at set-up."""
    import io
    import math
    import struct
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        frames = bytearray()
        for index in range(seconds * rate):
            # Fade in and out over a second so the tone does not click.
            envelope = min(1.0, index / rate, (seconds * rate - index) / rate)
            value = 128 + int(
                24 * envelope * math.sin(2 * math.pi * frequency * index / rate)
            )
            frames += struct.pack("B", value)
        wav.writeframes(bytes(frames))
    return buffer.getvalue()
