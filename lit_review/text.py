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
_LATEX_HINT = re.compile(r"[\\${]")

# Escaped specials, maybe braced as BibTeX exports write them: \% \& {\%} \# \_ \$ \{ \}
_ESCAPED = re.compile(r"\{\\([%&#_$])\}|\\([%&#_${}])")
# Inline math, by pandoc's rule: no space inside either delimiter, no digit after the closing one
# (so "\$5 and \$6" stays money); only the delimiters go: Free$^2$Guide -> Free^2Guide.
_INLINE_MATH = re.compile(r"\$(?<!\\\$)(?=[^\s$])([^$\n]{0,59}[^\s$\\])\$(?!\d)|\\\((.{1,60}?)\\\)")
_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")  # \frac{1}{3} -> 1/3
# Font and text commands with an argument: \textbf{X} -> X
_FONT_ARG = re.compile(
    r"\\(?:text(?:bf|it|tt|sc|rm|sf|sl|up|normal)?|emph|math(?:rm|bf|it|sf|tt|cal|bb|frak)"
    r"|operatorname|underline|mbox|hbox)\{([^{}]*)\}"
)
# Font switches inside a group: {\em X} -> X
_FONT_SWITCH = re.compile(r"\{\\(?:em|it|bf|tt|sc|rm|sf|sl|bfseries|itshape|scshape|upshape)\s+([^{}]*)\}")
_ABBREVIATIONS = {"eg": "e.g.", "ie": "i.e.", "etc": "etc.", "etal": "et al.", "wrt": "w.r.t."}
# \eg, \etc. ... (a period right after is the abbreviation's own: \etc. -> etc.)
_ABBREV = re.compile(r"\\(" + "|".join(_ABBREVIATIONS) + r")(?![A-Za-z])(?:\\|(?<=etc)\.)?")

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
    "r": "\u030a",
}
# An accent applies to its argument only: a letter (or dotless \i, \j) directly after a symbol
# accent (\'e), after a letter accent and a space (\c c), or in braces (\'{e}, \'{\i}); the whole may
# be braced ({\'e}). No space after a symbol accent: listings escape quotes (users\' data).
_ARG = r"(?:\{\s*([A-Za-z]|\\[ij](?![A-Za-z]))\s*\}|([A-Za-z]|\\[ij](?![A-Za-z])))"
_ACC = r"(?:([\"'`^~=.])|([uvHckr])(?:\s+(?=[A-Za-z\\])|(?=\{)))"
_ACCENT = re.compile(rf"\{{\\{_ACC}{_ARG}\}}|\\{_ACC}{_ARG}")
# GPT-4o\'s, don\'t: an escaped apostrophe inside an English word, not an acute accent.
# (Lookbehinds come after the literal they follow: a leading lookbehind runs at every position.)
_APOSTROPHE = re.compile(r"\\'(?<=[^\W_]\\')(?=(?:s|t|d|m|ll|re|ve)(?![^\W\d_]))")
# Escaped quotes left over once the accents are resolved.
_QUOTE = re.compile(r"\\([\"'`])")

# Argument-less macros with a one-character Unicode meaning (Greek letters, math and text symbols,
# foreign letters), from pylatexenc's tables, plus the TeX logos and math operator names.
_LOGOS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX"}
_FOREIGN = {"L", "l", "o", "O", "ss", "ae", "AE", "oe", "OE", "aa", "AA", "i", "j", "IJ", "ij", "DH", "dh"}


def _symbol_table() -> dict[str, str]:
    from pylatexenc import latex2text, latexwalker

    walker = latexwalker.get_default_latex_context_db()
    table = {}
    for spec in latex2text.get_default_latex_context_db().iter_macro_specs():
        name, repl = spec.macroname, spec.simplify_repl
        if not (name.isascii() and name.isalpha() and isinstance(repl, str)):
            continue
        args = walker.get_macro_spec(name)
        if args is not None and getattr(args.args_parser, "argspec", ""):
            continue  # takes an argument: not a symbol
        if (len(repl) == 1 and repl.isprintable() and not repl.isspace() and repl not in "\\${}") or (
            repl == name  # \log, \max: operator names
        ):
            table[name] = repl
    return table | _LOGOS


_SYMBOLS = _symbol_table()
# {\o} or \o: a known macro, whole (the name ends at a non-letter). Foreign letters and text
# symbols eat the space after them, as LaTeX does (\L ukasz -> Łukasz); math symbols keep it.
_SYMBOL = re.compile(r"\{\\([A-Za-z]+)\}|\\([A-Za-z]+)(?![A-Za-z])( (?=[A-Za-z]))?")

# A brace group with no braces inside.
_GROUP = re.compile(r"\{([^{}\\$]*)\}")
_OWNER = re.compile(r"\\[A-Za-z]+\s*$")  # a macro name right before a group: the group is its argument
_MATHY = re.compile(r"^\S*[,=+<>|/()^_]\S*$")


def _symbol(m: re.Match) -> str:
    braced, name, space = m.groups()
    repl = _SYMBOLS.get(braced or name)
    if repl is None:  # unknown macro: kept verbatim ({\name} -> \name)
        return "\\" + braced if braced else m.group()
    if space and (name in _FOREIGN or name.startswith("text")):
        space = ""  # part of a word: \L ukasz, Marc\textquotesingle Aurelio
    return repl + (space or "")


def _group(m: re.Match) -> str:
    """Drop braces that only group or protect case; keep those that hold math structure.

    Listing abstracts are arXiv abstracts whose backslashes were stripped: their braces are
    the only trace of math (``1{3}`` was ``\\frac{1}{3}``, ``O(log n{mu})``, ``{0,1}``).
    """
    inner = m.group(1)
    text, start, end = m.string, m.start(), m.end()
    if start and (text[start - 1] in "^_}" or _OWNER.search(text, max(0, start - 40), start)):
        return m.group()  # a macro's or a superscript's argument
    if not inner:
        return ""  # \ss{} -> ß: the empty group only ends a macro name
    glued_before = start > 0 and text[start - 1].isalnum()
    if glued_before and not (end < len(text) and text[end].isalpha()):
        return m.group()  # f{x}: an argument, not case protection (De{L}ab is)
    return m.group() if _MATHY.match(inner) else inner


def clean_text(text: str) -> str:
    """Return the display form: NFC, no control characters, single spaces, known LaTeX resolved.

    Idempotent: LaTeX is resolved until nothing more changes (``{{LoRA}}`` -> ``LoRA``).
    """
    text = _plain(text)
    while _LATEX_HINT.search(text):
        decoded = _plain(_decode_fragments(text))
        if decoded == text:
            break
        text = decoded
    return text


def _plain(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # control or format characters (and any line breaks) present
        text = _CONTROL.sub("", text)
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        text = " ".join(text.split())  # (else: kept as is, no copy: large corpora share the string)
    return text


def _decode_fragments(text: str) -> str:
    if "\\" in text:
        text = _ABBREV.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
        text = _APOSTROPHE.sub("'", text)
        text = _ACCENT.sub(_accent, text)
        text = _QUOTE.sub(r"\1", text)
        text = _SYMBOL.sub(_symbol, text)
        text = _FONT_ARG.sub(r"\1", text)
        text = _FONT_SWITCH.sub(r"\1", text)
        text = _FRAC.sub(r"\1/\2", text)
    if "$" in text or "\\(" in text:
        text = _INLINE_MATH.sub(lambda m: m.group(1) or m.group(2), text)
    if "{" in text:
        text = _GROUP.sub(_group, text)
    if "\\" in text:
        text = _ESCAPED.sub(lambda m: m.group(1) or m.group(2), text)
    return text


def _accent(m: re.Match) -> str:
    groups = [g for g in m.groups() if g]  # (accent, letter) from whichever form matched
    accent, letter = groups[0], groups[1][-1]  # \i -> i: the accent takes the dot's place
    return unicodedata.normalize("NFC", letter + _ACCENTS[accent])


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
