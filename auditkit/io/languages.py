"""Language names (FastChat era, from ``polyglot``/``langdetect`` labels) → ISO 639-1 codes.

FastChat logs store a language *name* ("English", "Chinese"), 2025 LMArena exports an ISO code ("en",
"zh"); the battle table keeps one form so per-language slices agree across sources.
"""

from __future__ import annotations

__all__ = ["LANGUAGE_CODES", "MISSING_LANGUAGE_VALUES", "normalise_language"]

# Names as they occur in arena logs (lower-cased) → ISO 639-1. Several spellings map to one code.
LANGUAGE_CODES: dict[str, str] = {
    "afrikaans": "af",
    "albanian": "sq",
    "amharic": "am",
    "arabic": "ar",
    "armenian": "hy",
    "assamese": "as",
    "azerbaijani": "az",
    "basque": "eu",
    "belarusian": "be",
    "bengali": "bn",
    "bangla": "bn",
    "bosnian": "bs",
    "breton": "br",
    "bulgarian": "bg",
    "burmese": "my",
    "catalan": "ca",
    "cebuano": "ceb",
    "chinese": "zh",
    "chinese (simplified)": "zh",
    "chinese (traditional)": "zh",
    "corsican": "co",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "esperanto": "eo",
    "estonian": "et",
    "faroese": "fo",
    "filipino": "tl",
    "tagalog": "tl",
    "finnish": "fi",
    "french": "fr",
    "frisian": "fy",
    "western frisian": "fy",
    "galician": "gl",
    "georgian": "ka",
    "german": "de",
    "greek": "el",
    "guarani": "gn",
    "gujarati": "gu",
    "haitian creole": "ht",
    "haitian": "ht",
    "hausa": "ha",
    "hawaiian": "haw",
    "hebrew": "he",
    "hindi": "hi",
    "hmong": "hmn",
    "hungarian": "hu",
    "icelandic": "is",
    "igbo": "ig",
    "indonesian": "id",
    "interlingua": "ia",
    "irish": "ga",
    "italian": "it",
    "japanese": "ja",
    "javanese": "jv",
    "kannada": "kn",
    "kazakh": "kk",
    "khmer": "km",
    "cambodian": "km",
    "kinyarwanda": "rw",
    "korean": "ko",
    "kurdish": "ku",
    "kyrgyz": "ky",
    "kirghiz": "ky",
    "lao": "lo",
    "latin": "la",
    "latvian": "lv",
    "lithuanian": "lt",
    "luxembourgish": "lb",
    "macedonian": "mk",
    "malagasy": "mg",
    "malay": "ms",
    "malayalam": "ml",
    "maltese": "mt",
    "maori": "mi",
    "marathi": "mr",
    "mongolian": "mn",
    "nepali": "ne",
    "norwegian": "no",
    "norwegian bokmål": "nb",
    "norwegian nynorsk": "nn",
    "nynorsk": "nn",
    "occitan": "oc",
    "oriya": "or",
    "odia": "or",
    "pashto": "ps",
    "persian": "fa",
    "farsi": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "punjabi": "pa",
    "panjabi": "pa",
    "quechua": "qu",
    "romanian": "ro",
    "romansh": "rm",
    "russian": "ru",
    "samoan": "sm",
    "sanskrit": "sa",
    "scots gaelic": "gd",
    "scottish gaelic": "gd",
    "serbian": "sr",
    "sesotho": "st",
    "shona": "sn",
    "sindhi": "sd",
    "sinhala": "si",
    "sinhalese": "si",
    "slovak": "sk",
    "slovenian": "sl",
    "somali": "so",
    "spanish": "es",
    "sundanese": "su",
    "swahili": "sw",
    "swedish": "sv",
    "tajik": "tg",
    "tamil": "ta",
    "tatar": "tt",
    "telugu": "te",
    "thai": "th",
    "tibetan": "bo",
    "turkish": "tr",
    "turkmen": "tk",
    "ukrainian": "uk",
    "urdu": "ur",
    "uyghur": "ug",
    "uighur": "ug",
    "uzbek": "uz",
    "vietnamese": "vi",
    "volapük": "vo",
    "volapuk": "vo",
    "walloon": "wa",
    "welsh": "cy",
    "xhosa": "xh",
    "yiddish": "yi",
    "yoruba": "yo",
    "zulu": "zu",
    "aragonese": "an",
    "asturian": "ast",
    "chuvash": "cv",
    "divehi": "dv",
    "ido": "io",
    "ossetian": "os",
    "sakha": "sah",
    "bashkir": "ba",
    "chechen": "ce",
    "kashmiri": "ks",
}

# Values that mean "no language recorded", not a language.
MISSING_LANGUAGE_VALUES = frozenset({"", "unknown", "und", "none", "null", "n/a", "nan", "xx"})

_CODES = frozenset(LANGUAGE_CODES.values())


def normalise_language(value: object) -> tuple[str | None, bool]:
    """Return ``(iso_code_or_None, recognised)``.

    ``recognised`` is False for a non-empty value that is neither a known name nor a known code, so the
    loader can report it instead of silently dropping it. ISO tags with a region or script ("zh-Hant",
    "pt_BR") keep their primary subtag.
    """
    if not isinstance(value, str):
        return None, value is None
    text = value.strip().lower()
    if text in MISSING_LANGUAGE_VALUES:
        return None, True
    code = LANGUAGE_CODES.get(text)
    if code is not None:
        return code, True
    primary = text.replace("_", "-").split("-", 1)[0]
    if primary in _CODES:
        return primary, True
    return None, False
