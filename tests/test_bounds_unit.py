"""Pure functions behind the bounds on hostile input: path limits, JSON decoding, scrubbing."""

from __future__ import annotations

import json

import pytest

from ctadata import jsonitems
from ctadata.errors import InvalidPath, StorageException, register_secret, scrub
from ctadata.limits import MAX_DEPTH, check_path


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("a/\ud800", "not valid text"),
        ("a/" + "n" * 256, "longer than 255 bytes"),
        ("a/" + "\u00e9" * 128, "longer than 255 bytes"),  # 256 bytes in UTF-8
        ("/".join(["d"] * (MAX_DEPTH + 1)), "deeper than 64"),
        ("x" * 4097, "longer than 4096"),
    ],
)
def test_paths_past_the_limits_are_refused(path: str, words: str) -> None:
    with pytest.raises(InvalidPath, match=words):
        check_path(path)


def test_paths_within_the_limits_pass() -> None:
    for path in ("", "lst/DL1/run1.h5", "n" * 255, "/".join(["d"] * MAX_DEPTH), "\u65e5\u672c"):
        assert check_path(path) == path


@pytest.mark.parametrize(
    "text",
    ['[{"a": 1}, [2, 3], "x", null]', "[]", " [ ] ", '{"k": [1]}', '"s"', "[1,\n 2 ]\n"],
)
def test_json_items_decodes_as_json_does(text: str) -> None:
    assert jsonitems.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ["[1 2]", "[1,]", "[1] x", "[", "", "[{]"])
def test_json_items_refuses_what_json_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        jsonitems.loads(text)


def test_every_error_message_is_scrubbed_of_registered_tokens() -> None:
    token = "tok-0123456789abcdef"
    register_secret(token)
    error = StorageException(f"unexpected answer {{'Authorization': 'Bearer {token}'}}")
    assert token not in str(error) and "Bearer ***" in str(error)
    assert scrub(repr(token + "\n")) == "'***\\n'"
