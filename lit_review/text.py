"""Text normalization: a clean display form and a matching key for titles and abstracts.

Listing pages carry LaTeX fragments pasted from papers (``Free$^2$Guide``, ``16\\%``,
``\\textbf{...}``, ``{\\em ...}``, ``{\\"o}``, stray macros such as ``\\ours``). The display
form resolves what has a known meaning and keeps the rest verbatim, so nothing is lost;
the key drops case, accents, markup and punctuation so that the same title written two
ways compares equal, while every letter and digit still counts (``GPT-3`` vs ``GPT-4``).
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_WS = re.compile(r"\s+")

# Escaped specials: \% \& \# \_ \$ \{ \}
_ESCAPED = re.compile(r"\\([%&#_${}])")
# Short inline math: $^2$ -> ^2 (the content is kept, only the delimiters go)
_INLINE_MATH = re.compile(r"(?<!\\)\$([^$\n]{1,60}?)(?<!\\)\$")
# Font commands with an argument: \textbf{X} -> X
_FONT_ARG = re.compile(
    r"\\(?:textbf|textit|texttt|textsc|textrm|textsf|emph|mathrm|mathbf|mathit)\{([^{}]*)\}"
)
# Font switches inside a group: {\em X} -> X
_FONT_SWITCH = re.compile(r"\{\\(?:em|it|bf|tt|sc|rm|sf|bfseries|itshape)\s+([^{}]*)\}")
# A lone macro wrapped in braces: {\name} -> \name
_BRACED_MACRO = re.compile(r"\{(\\[A-Za-z]+)\}")
_ABBREVIATIONS = {"eg": "e.g.", "ie": "i.e.", "etc": "etc.", "etal": "et al.", "wrt": "w.r.t."}
_ABBREV = re.compile(r"\\(" + "|".join(_ABBREVIATIONS) + r")(?![A-Za-z])\\?")

_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
}
_ACCENT = re.compile(r"\{?\\([\"'`^~=.]|[uvHck](?=[{ ]))\s*\{?([A-Za-z])\}?\}?")
_LETTERS = {
    "L": "Ł",
    "l": "ł",
    "o": "ø",
    "O": "Ø",
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "i": "ı",
}
_LETTER = re.compile(r"\{\\(" + "|".join(_LETTERS) + r")\}")


_LATEX_HINT = re.compile(r"[\\${]")


def clean_text(text: str) -> str:
    """Return the display form: NFC, no control characters, single spaces, known LaTeX resolved."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # control or format characters (and any line breaks) present
        text = _CONTROL.sub("", text)
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        text = " ".join(text.split())  # (else: kept as is, no copy: large corpora share the string)
    if _LATEX_HINT.search(text):
        text = " ".join(_decode_fragments(text).split())
    return text


def _decode_fragments(text: str) -> str:
    text = _ABBREV.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), text)
    text = _FONT_ARG.sub(r"\1", text)
    text = _FONT_SWITCH.sub(r"\1", text)
    text = _BRACED_MACRO.sub(r"\1", text)
    text = _INLINE_MATH.sub(r"\1", text)
    text = _ESCAPED.sub(r"\1", text)
    return text


_NON_ALNUM = re.compile(r"[\W_]+")


def match_key(title: str, cleaned: bool = False) -> str:
    """Key under which two spellings of the same title compare equal.

    Lower case, accents folded, and only letters and digits kept, in order:
    ``Free$^2$Guide`` and ``Free^2Guide`` give the same key, ``Llama 2`` and ``Llama 3`` do not.
    Pass ``cleaned=True`` for a title that already went through :func:`clean_text`.
    """
    text = (title if cleaned else clean_text(title)).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)  # combining accents are then non-word: dropped below
    return _NON_ALNUM.sub("", text)


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words of ``text``, accents folded (``Low-Rank`` -> ``low``, ``rank``)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", folded)


STOPWORDS = frozenset(
    """a an the of on in for to and or with without via by from at as is are be do does can
    we our your its their this that these those towards toward into over under beyond
    what when why how which who not no vs versus than more less all any one two new""".split()
)
