"""The library's JSON event format, read with a faster parser.

A first read of a long history spent nearly half its time in Python's `json` calling the
library's object hook for each of about eight nested objects per event (issue 17). orjson
parses the same bytes to plain dicts and lists in a quarter of the time; one walk then
turns each `{"_type_": ..., "_data_": ...}` object into its value, innermost first, as the
object hook would. Writing is unchanged (the library's encoder), so the stored format, and
every digest over stored bytes, stays as it was.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from functools import partial
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding

from dsr_core.storage.sealing import Sealing


class SealingTranscoding(Transcoding):
    """A transcoding of values with personal fields, sealed with the sealing of the event
    being encoded or decoded (sealing.py), which each call is given: no ambient state."""

    @abstractmethod
    def encode_sealed(self, obj: Any, sealing: Sealing | None) -> Any: ...

    @abstractmethod
    def decode_sealed(self, data: Any, sealing: Sealing | None) -> Any: ...

    def encode(self, obj: Any) -> Any:
        return self.encode_sealed(obj, None)

    def decode(self, data: Any) -> Any:
        return self.decode_sealed(data, None)


class FastJSONTranscoder(JSONTranscoder):
    def encode_sealed(self, obj: Any, sealing: Sealing | None) -> bytes:
        """As `encode`, with value objects sealed for `sealing`'s person: the same
        encoder settings as the library's, so the stored bytes are alike."""
        encoder = json.JSONEncoder(
            default=partial(self._encode_sealed_obj, sealing),
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return encoder.encode(obj).encode("utf8")

    def _encode_sealed_obj(self, sealing: Sealing | None, obj: Any) -> dict[str, Any]:
        transcoding = self.types.get(type(obj))
        if not isinstance(transcoding, SealingTranscoding):
            return self._encode_obj(obj)
        return {"_type_": transcoding.name, "_data_": transcoding.encode_sealed(obj, sealing)}

    def decode(self, data: bytes) -> Any:
        return self.decode_sealed(data, None)

    def decode_sealed(self, data: bytes, sealing: Sealing | None) -> Any:
        """As `decode`, with value objects opened for `sealing`'s person."""
        try:
            return _revived_dict(orjson.loads(data), self.names, sealing)
        except (orjson.JSONDecodeError, _UnknownTypeError):
            # What orjson refuses and Python's json reads (NaN, integers beyond 64 bits),
            # or a type no transcoding is registered for: the library's decoder reads it
            # or gives its own error. Never written by this service.
            return super().decode(data)


class _UnknownTypeError(Exception):
    pass


def _revived(obj: dict[str, Any], names: dict[str, Transcoding], sealing: Sealing | None) -> Any:
    """A typed object's value, its data revived first."""
    data = obj["_data_"]
    kind = type(data)
    if kind is dict:
        data = _revived_dict(data, names, sealing)
    elif kind is list:
        _revive_list(data, names, sealing)
    transcoding = names.get(obj["_type_"])
    if transcoding is None:
        raise _UnknownTypeError
    if isinstance(transcoding, SealingTranscoding):
        return transcoding.decode_sealed(data, sealing)
    return transcoding.decode(data)


def _revived_dict(obj: Any, names: dict[str, Transcoding], sealing: Sealing | None) -> Any:
    """The object with every typed object in it decoded, itself included.

    Written out flat, not as one small function per step: this runs for every nested
    object of every event read, and a call costs as much as the work.
    """
    if type(obj) is not dict:
        return obj  # a stored state is always an object; anything else is left as parsed
    for key, item in obj.items():
        kind = type(item)
        if kind is dict:
            if len(item) == 2 and "_type_" in item and "_data_" in item:
                data = item["_data_"]
                if type(data) is str and (transcoding := names.get(item["_type_"])):
                    obj[key] = transcoding.decode(data)  # a date or a time: most of them
                else:
                    obj[key] = _revived(item, names, sealing)
            else:
                obj[key] = _revived_dict(item, names, sealing)
        elif kind is list and item:
            _revive_list(item, names, sealing)
    if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
        return _revived(obj, names, sealing)
    return obj


def _revive_list(items: list[Any], names: dict[str, Transcoding], sealing: Sealing | None) -> None:
    for index, item in enumerate(items):
        kind = type(item)
        if kind is dict:
            items[index] = _revived_dict(item, names, sealing)
        elif kind is list and item:
            _revive_list(item, names, sealing)
