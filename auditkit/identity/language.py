"""The language of a response, cheaply and deterministically, in langdetect's vocabulary.

Why not ``langdetect.detect``: it estimates each language's posterior by *sampling* the text's
n-grams at random (seven trials, each until one language passes 0.99999), a few milliseconds per
text whatever its length, and its answer depends on a random seed. The identity scan asks once per
finding, and at a million battles that alone took half a minute. Here the same model answers in a
fraction of a millisecond:

1. **Script first.** A histogram of the letters' writing systems (numpy over the code points).
   The text's main non-Latin script decides unless the Latin letters (names, code, URLs around
   it) outweigh it more than twice, a Han, kana or Hangul character counting as three letters
   (a syllable or a word); kanji with at least 5 % kana are Japanese. Where that script is
   written in only one of langdetect's languages (Hangul → ``ko``, kana → ``ja``, Thai, Greek,
   Hebrew, Bengali, Gurmukhi, Gujarati, Tamil, Telugu, Kannada, Malayalam), it is the answer: no
   other language's profile could win on it. Otherwise its letters alone (Latin ones dropped, as
   langdetect's own cleaning does) go to step 2.
2. **Otherwise the profiles decide** (Latin text; Han, Cyrillic, Arabic or Devanagari, shared by
   several languages): langdetect's own character normalisation and n-grams (1-3) of the first
   :data:`PREFIX_CHARS` characters, scored with langdetect's profiles and its smoothing (``α =
   0.5``): the language maximising ``Σ_w log(p_lang(w) + α / 10⁴)`` over every n-gram ``w``.
   langdetect multiplies these same factors for n-grams drawn at random until one language
   dominates; counting every n-gram once gives the ranking its draws estimate, without a seed.
   Ties go to the alphabetically first code. A text with no letters has no language (``None``).

The result is a function of the text alone (cached per prefix, so a repeated canned answer costs
one lookup, and each word's n-gram sum is cached). Agreement with ``langdetect.detect`` on the full texts of the identity test corpus
is measured in ``tests/test_identity_language.py``.

:func:`response_languages` answers the same for many texts at once (the identity scan asks it of
a chunk's findings): the scripts of all of them from one pass over their code points, each
distinct prefix scored once, each text's word rows summed in the same order as one at a time
(``tests/test_identity_batch_paths.py`` checks the answers are equal).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram

__all__ = [
    "PREFIX_CHARS",
    "SCRIPTS",
    "response_language",
    "response_languages",
    "script_counts",
    "warm_up",
]

PREFIX_CHARS = 400  # characters of the (cleaned) text the profiles score
_ALPHA = 0.5  # langdetect's ALPHA_DEFAULT
_BASE_FREQ = 10_000  # langdetect's BASE_FREQ
_KANA_SHARE = 0.05  # Han text with at least this share of kana is Japanese
_SYLLABIC = frozenset({"han", "kana", "hangul"})

# Letter ranges by script: (first code point, last code point, script). Anything else (digits,
# punctuation, symbols, other scripts) is not counted.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00C0, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"),
    (0x0A80, 0x0AFF, "gujarati"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0C00, 0x0C7F, "telugu"),
    (0x0C80, 0x0CFF, "kannada"),
    (0x0D00, 0x0D7F, "malayalam"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF21, 0xFF3A, "latin"),
    (0xFF41, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "kana"),
    (0x20000, 0x2FFFF, "han"),
)
SCRIPTS: tuple[str, ...] = tuple(sorted({script for _, _, script in _RANGES}))
# Scripts only one of langdetect's languages is written in.
_ONE_LANGUAGE = {
    "bengali": "bn",
    "greek": "el",
    "gujarati": "gu",
    "gurmukhi": "pa",
    "hangul": "ko",
    "hebrew": "he",
    "kana": "ja",
    "kannada": "kn",
    "malayalam": "ml",
    "tamil": "ta",
    "telugu": "te",
    "thai": "th",
}
# Boundaries for searchsorted: code point c is in range k when _STARTS[k] <= c <= _ENDS[k].
_STARTS = np.array([lo for lo, _, _ in _RANGES], dtype=np.int64)
_ENDS = np.array([hi for _, hi, _ in _RANGES], dtype=np.int64)
_RANGE_SCRIPT = np.array([SCRIPTS.index(s) for _, _, s in _RANGES], dtype=np.int64)
# The script of each code point below 0x10000 (_NONE: no letter); above it there is one range.
_NONE = len(SCRIPTS)
_BMP_SCRIPT = np.full(0x10000, _NONE, dtype=np.int64)
for _lo, _hi, _script in _RANGES:
    if _lo <= 0xFFFF:
        _BMP_SCRIPT[_lo : min(_hi, 0xFFFF) + 1] = SCRIPTS.index(_script)


# Every byte but the ASCII letters (in UTF-8 no other character has such a byte): deleting them
# leaves a text's ASCII letters, which are all Latin.
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (b < 128 and chr(b).isalpha()))
_ASCII_RUNS = re.compile("[\x00-\x7f]+")
_LATIN = SCRIPTS.index("latin")


def script_counts(text: str) -> dict[str, int]:
    """How many letters of ``text`` are in each script (scripts with none are left out).

    The ASCII letters are counted over the UTF-8 bytes; only the other characters (usually a
    few dashes and quotes, or a whole text in another script) go through the code-point ranges.
    """
    ascii_letters = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_LETTERS))
    if text.isascii():
        return {"latin": ascii_letters} if ascii_letters else {}
    rest = _ASCII_RUNS.sub("", text)
    points = np.frombuffer(rest.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    k = np.searchsorted(_STARTS, points.astype(np.int64), side="right") - 1
    inside = (k >= 0) & (points <= _ENDS[np.maximum(k, 0)])
    counts = np.bincount(_RANGE_SCRIPT[k[inside]], minlength=len(SCRIPTS))
    counts[_LATIN] += ascii_letters
    return {SCRIPTS[i]: int(n) for i, n in enumerate(counts) if n}


class _Profiles:
    """langdetect's profiles as one matrix of smoothed log-probabilities (n-gram × language).

    Read from langdetect's profile files as its ``DetectorFactory.add_profile`` reads them: an
    n-gram of 1-3 characters has probability ``count / n_words[len - 1]`` in its language and 0
    in the others, a longer one 0 everywhere (but it is still an n-gram of the model). Built
    with numpy per language instead of a Python list per n-gram: about 20× faster (the factory
    took about a second of every audit with text); ``tests/test_text_speed.py`` checks the matrix
    equals the factory's.
    """

    def __init__(self) -> None:
        profiles = _read_profiles(PROFILES_DIRECTORY)
        # Columns in code order, so ties and results do not depend on the directory listing.
        profiles.sort(key=lambda profile: profile[0])
        self.languages: tuple[str, ...] = tuple(name for name, _, _ in profiles)
        # Every (n-gram, language) pair of every profile, as flat arrays (C loops, not Python).
        words = [word for _, freq, _ in profiles for word in freq]
        row = dict.fromkeys(words, 0)
        for i, word in enumerate(row):
            row[word] = i
        sizes = [len(freq) for _, freq, _ in profiles]
        column = np.repeat(np.arange(len(profiles)), sizes)
        counts = np.fromiter(
            (c for _, freq, _ in profiles for c in freq.values()),
            dtype=np.float64,
            count=len(words),
        )
        length = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        # n-grams per length, per language, for each pair (0 where the length is not 1-3).
        totals = np.array([n_words[:3] for _, _, n_words in profiles], dtype=np.float64)
        counted = (length >= 1) & (length <= 3)
        rows = np.fromiter(map(row.__getitem__, words), dtype=np.int64, count=len(words))
        probs = np.zeros((len(row), len(profiles)), dtype=np.float64)
        probs[rows[counted], column[counted]] = (
            counts[counted] / totals[column[counted], length[counted] - 1]
        )
        self.log_probs = np.log(probs + _ALPHA / _BASE_FREQ)
        self.row = row


def _read_profiles(directory: str) -> list[tuple[str, dict[str, int], list[int]]]:
    """(language, n-gram counts, n-grams per length) of every profile file, as langdetect's
    ``DetectorFactory.load_profile`` finds them (hidden files and directories skipped)."""
    import json
    import os

    found: list[tuple[str, dict[str, int], list[int]]] = []
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        found.append((str(data["name"]), dict(data["freq"]), list(data["n_words"])))
    names = [name for name, _, _ in found]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate language profiles in {directory}")
    return found


_PROFILES: _Profiles | None = None
_LOCK = threading.Lock()


def _profiles() -> _Profiles:
    global _PROFILES
    if _PROFILES is None:
        with _LOCK:
            if _PROFILES is None:
                _PROFILES = _Profiles()
    return _PROFILES


class _Normal(dict[int, str]):
    """Code point -> langdetect's normalised character (``NGram.normalize``), each character
    computed the first time ``str.translate`` asks for it (``__missing__``)."""

    def __missing__(self, point: int) -> str:
        normal = self[point] = NGram.normalize(chr(point))
        return normal


_NORMAL = _Normal()


def _normalised(text: str) -> str:
    """``text`` with every character as langdetect's ``NGram.normalize`` maps it (memoised)."""
    return text.translate(_NORMAL)


def _word_rows(word: str, row: dict[str, int]) -> tuple[int, ...]:
    """Rows of the n-grams langdetect's ``Detector._extract_ngrams`` (over ``NGram.add_char``)
    takes from one normalised word and the space after it, if any: 1-3-grams with the word's
    start as a space, none while the word has had two capitals in a row. Between words its
    n-gram buffer starts afresh, so a word's n-grams do not depend on its neighbours."""
    found: list[int] = []
    grams = " "
    capital = False
    for ch in word:
        last = grams[-1]
        grams = (grams[1:] if len(grams) >= 3 else grams) + ch
        # Two capitals in a row make a capitalised word (an acronym): skipped until a lower case.
        capital = (capital or last.isupper()) if ch.isupper() else False
        if capital:
            continue
        for n in (1, 2, 3):
            if len(grams) < n:
                break
            w = grams[-n:]
            if w != " ":
                r = row.get(w)
                if r is not None:
                    found.append(r)
    return tuple(found)


def _words(text: str) -> list[str]:
    """``text``'s words as langdetect's n-gram buffer sees them: normalised, each with the space
    that ends it (the last one only if the text ends in one)."""
    words = _normalised(text).split(" ")
    last = len(words) - 1
    return [word + " " if i < last else word for i, word in enumerate(words) if word]


_MAX_WORDS = 20_000  # forget them all past this (~9 MB; words repeat, a small cache serves most)


class _WordSums:
    """Each word's Σ of its n-grams' log-probabilities (per language), one row of a matrix per
    word seen; a word without any known n-gram has row -1. Forgotten all at once when full.

    A word's n-grams depend on whether a space ends it (:func:`_words`), so a word followed by a
    space and the text's last word are looked up in two tables.
    """

    def __init__(self, languages: int) -> None:
        self.spaced: dict[str, int] = {}
        self.final: dict[str, int] = {}
        # One row more than are ever used: the last stays zero (what :meth:`_argmax` pads with).
        self.sums = np.empty((_MAX_WORDS + 1, languages), dtype=np.float64)
        self.zero = _MAX_WORDS
        self.sums[self.zero] = 0.0
        self.used = 0
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.spaced.clear()
        self.final.clear()
        self.spaced[""] = -1  # two spaces in a row: no word (langdetect reads none)
        self.used = 0

    def scores(self, normalised: str, profiles: _Profiles) -> np.ndarray | None:
        """The sum of :func:`_words` of ``normalised`` (a text as :func:`_normalised` gives it)."""
        parts = normalised.split(" ")
        with self.lock:
            if self.used + len(parts) > _MAX_WORDS:
                self.forget()
            rows = np.array(self._rows(parts, profiles), dtype=np.intp)
            rows = rows[rows >= 0]
            # The rows stacked in text order and summed down the columns: the same float
            # additions, in the same order, as summing the list of the words' arrays.
            return self.sums[rows].sum(axis=0) if len(rows) else None

    def many_languages(self, texts: Sequence[str], profiles: _Profiles) -> list[str | None]:
        """The profiles' answer on each of ``texts`` (:func:`_language_of` of each, uncached):
        every text's word rows looked up as :meth:`scores` looks them up, then all the texts'
        rows gathered at once and each text's summed down the columns in text order (the same
        float additions as :meth:`scores`), in batches the cache can hold."""
        out: list[str | None] = []
        with self.lock:
            batch: list[list[int]] = []
            for text in texts:
                parts = _normalised(text).split(" ")
                if self.used + len(parts) > _MAX_WORDS:
                    # What scores would forget: first answer the texts whose rows are cached.
                    out += self._argmax(batch, profiles)
                    batch = []
                    self.forget()
                batch.append(self._rows(parts, profiles))
            out += self._argmax(batch, profiles)
        return out

    def _rows(self, parts: list[str], profiles: _Profiles) -> list[int]:
        """The rows of the words of a normalised text split at its spaces (the last part is
        the text's final word), -1 for a word without any known n-gram; the lock is held."""
        last = parts.pop()
        found = list(map(self.spaced.get, parts, repeat(-2)))
        if -2 in found:
            for i, r in enumerate(found):
                if r == -2:
                    found[i] = self._add(parts[i], " ", self.spaced, profiles)
        if last:
            known = self.final.get(last)
            found.append(self._add(last, "", self.final, profiles) if known is None else known)
        return found

    def _argmax(self, batch: list[list[int]], profiles: _Profiles) -> list[str | None]:
        """Each text's language from its rows (None without any row), the lock held.

        :meth:`scores` sums a text's rows stacked in text order down the columns (numpy adds the
        rows one after the other; a segmented reduction such as ``np.add.reduceat`` would add
        them in another order and could round differently). Here all the texts are summed at
        once in that same order: their rows laid out side by side, padded with the zero row,
        and added column of rows by column of rows, each text's sum starting from 0. Every text
        thus gets ``((0 + r0) + r1) + …`` and then ``+ 0.0`` for each pad: the same floats
        (``0 + x`` and ``x + 0.0`` are ``x`` exactly; only ``-0.0`` would become ``+0.0``, which
        compares equal, so the ``argmax`` cannot change).
        """
        languages = profiles.languages
        n = len(batch)
        if n == 0:
            return []
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=n)
        flat = np.fromiter(chain.from_iterable(batch), dtype=np.intp, count=int(lengths.sum()))
        owner = np.repeat(np.arange(n, dtype=np.intp), lengths)
        known = flat >= 0
        flat, owner = flat[known], owner[known]
        if len(flat) == 0:
            return [None] * n
        counts = np.bincount(owner, minlength=n)
        first = np.zeros(n, dtype=np.intp)
        np.cumsum(counts[:-1], out=first[1:])
        grid = np.full((int(counts.max()), n), self.zero, dtype=np.intp)
        grid[np.arange(len(flat)) - first[owner], owner] = flat
        sums = self.sums
        total = np.zeros((n, sums.shape[1]), dtype=np.float64)
        for rows in grid:
            total += sums[rows]
        best = total.argmax(axis=1).tolist()
        return [languages[b] if c else None for b, c in zip(best, counts.tolist(), strict=True)]

    def _add(self, word: str, end: str, table: dict[str, int], profiles: _Profiles) -> int:
        r = table.get(word)  # the same word twice in one text
        if r is not None:
            return r
        grams = _word_rows(word + end, profiles.row)
        r = -1
        if grams:
            r = self.used
            self.sums[r] = profiles.log_probs[list(grams)].sum(axis=0)
            self.used += 1
        table[word] = r
        return r


_WORD_SUMS: _WordSums | None = None


def _forget_words() -> None:
    """Empty the per-word cache (the answers never depend on it; tests check that)."""
    if _WORD_SUMS is not None:
        with _WORD_SUMS.lock:
            _WORD_SUMS.forget()


def _word_sums(profiles: _Profiles) -> _WordSums:
    """The per-word sums, made on first use."""
    global _WORD_SUMS
    if _WORD_SUMS is None:
        with _LOCK:
            if _WORD_SUMS is None:
                _WORD_SUMS = _WordSums(len(profiles.languages))
    return _WORD_SUMS


def _scores(text: str, profiles: _Profiles) -> np.ndarray | None:
    """Σ over every n-gram of ``text`` of its log-probability per language; None without any.

    Summed word by word: a word's n-grams do not depend on its neighbours, and a word's sum is
    cached, so a frequent word costs one lookup. The sums do not depend on what is cached.
    """
    return _word_sums(profiles).scores(_normalised(text), profiles)


def _cleaned(text: str) -> str:
    """langdetect's input handling: URLs and e-mail addresses out, Vietnamese marks composed."""
    # Each substitution only where it can match (an address needs "@", a URL "://", a
    # Vietnamese mark a non-ASCII character): MAIL_RE alone tries 64 characters at every letter.
    if "://" in text:
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:
        text = Detector.MAIL_RE.sub(" ", text)
    if text.isascii():
        return text
    return str(NGram.normalize_vi(text))


_A_TO_Z = re.compile("[A-z]+")  # "A" to "z": the ASCII letters and the six signs between them


def _without_latin(text: str) -> str:
    """``text`` without any character from "A" to "z" (what langdetect's cleaning drops)."""
    return _A_TO_Z.sub("", text)


@lru_cache(maxsize=4096)
def _language_of(prefix: str) -> str | None:
    """The profiles' answer on ``prefix`` (cached: canned answers repeat verbatim)."""
    profiles = _profiles()
    scores = _scores(prefix, profiles)
    if scores is None:
        return None
    return profiles.languages[int(np.argmax(scores))]


def _weight(script: str) -> int:
    """Letters a character of ``script`` stands for: a Han, kana or Hangul character is a
    syllable or a word (about three Latin letters), an alphabet's letter is one."""
    return 3 if script in _SYLLABIC else 1


def response_language(text: str) -> str | None:
    """The language of ``text`` as a langdetect code (``en``, ``zh-cn``, ``ja`` …), or None.

    See the module docstring: the script decides where only one language is written in it,
    langdetect's profiles (summed, not sampled) decide otherwise. Deterministic.
    """
    text = _cleaned(text)
    decided = _by_script(text, script_counts(text))
    return _language_of(decided) if isinstance(decided, _Prefix) else decided


class _Prefix(str):
    """What :func:`_by_script` leaves to the profiles: the text they score."""


def _by_script(text: str, counts: dict[str, int]) -> str | None:
    """The language the scripts of a cleaned ``text`` (``counts``: :func:`script_counts`) decide,
    None for a text without letters, or the :class:`_Prefix` the profiles must score."""
    latin = counts.pop("latin", 0)
    if not counts and not latin:
        return None
    if counts:
        cjk = counts.get("han", 0) + counts.get("kana", 0)
        if counts.get("kana", 0) >= _KANA_SHARE * cjk > 0:
            # Japanese writes kanji among its kana: the Han characters are Japanese too.
            counts["kana"] = cjk
            counts.pop("han", None)
        script = max(sorted(counts), key=lambda s: counts[s] * _weight(s))
        # The text's own script, with names, code and URLs in Latin letters around it: it
        # decides unless the Latin letters outweigh it more than twice.
        if 2 * counts[script] * _weight(script) >= latin:
            if script in _ONE_LANGUAGE:
                return _ONE_LANGUAGE[script]
            return _Prefix(_without_latin(text)[:PREFIX_CHARS])
    return _Prefix(text[:PREFIX_CHARS])


def response_languages(texts: Sequence[str]) -> list[str | None]:
    """``[response_language(text) for text in texts]``, with the per-text numpy work done once
    for all of them (what the identity scan asks of a chunk's findings).

    The same answers, bit for bit: the letters of every text are classified in one pass over
    their code points (:func:`_script_counts_of`), and the n-gram sums of the texts the
    profiles decide are gathered from the same per-word rows and added in the same order
    (:meth:`_WordSums.many_languages`). Each distinct text the profiles score is scored once.
    """
    cleaned = [_cleaned(text) for text in texts]
    decided = [
        _by_script(text, counts)
        for text, counts in zip(cleaned, _script_counts_of(cleaned), strict=True)
    ]
    prefixes = list(dict.fromkeys(d for d in decided if isinstance(d, _Prefix)))
    if not prefixes:
        return [None if d is None else str(d) for d in decided]
    profiles = _profiles()
    scored = dict(
        zip(prefixes, _word_sums(profiles).many_languages(prefixes, profiles), strict=True)
    )
    return [scored[d] if isinstance(d, _Prefix) else d for d in decided]


def _script_counts_of(texts: Sequence[str]) -> list[dict[str, int]]:
    """``[script_counts(text) for text in texts]`` from one pass over all their code points.

    Every code point goes through the letter ranges (an ASCII letter lands in a Latin range, any
    other ASCII character and a lone surrogate in none), which counts what :func:`script_counts`
    counts over the bytes and the ranges; the ranges are read from a table of the first 65,536
    code points (:data:`_BMP_SCRIPT`) and, for the few above, searched.
    """
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    script = _BMP_SCRIPT[np.minimum(points, 0xFFFF)]
    astral = points > 0xFFFF
    if astral.any():  # the few code points past the table: through the ranges
        high = points[astral].astype(np.int64)
        k = np.searchsorted(_STARTS, high, side="right") - 1
        inside = (k >= 0) & (high <= _ENDS[np.maximum(k, 0)])
        script[astral] = np.where(inside, _RANGE_SCRIPT[k], _NONE)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    width = _NONE + 1
    counts = np.bincount(owner * width + script, minlength=len(texts) * width)
    rows = counts.reshape(len(texts), width)[:, :_NONE].tolist()
    return [{SCRIPTS[i]: n for i, n in enumerate(row) if n} for row in rows]


def warm_up() -> None:
    """Load the profiles now (about a second), not on the first finding."""
    _profiles()
