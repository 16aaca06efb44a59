"""Themes: family responses and ideas grouped by what they are about, across languages.

Pure numpy and scikit-learn (no Django, no database, no downloaded model), so that the
background task, the benchmark and the tests call the same functions. ``docs/themes.md``
explains the method and its limits for staff and analysts.

``find_themes`` runs these steps:

1. put each item in a *space*: the pivot space (English) when the item has a pivot rendition
   (or is written in English), otherwise the space of its own language;
2. normalise each text for its language (case folded; URLs, e-mail addresses, phone numbers and
   digits removed; accents stripped for Spanish, French and Portuguese only; Arabic-script
   vowel marks removed; Chinese and Japanese characters split one per token) and drop a short
   list of stop words; items left with no text go to ``unthemed``;
3. per space, TF-IDF features: word unigrams and bigrams plus character n-grams (3-5, within
   word boundaries) so that inflected words and unsegmented scripts still match; the two
   blocks are L2-normalised and weighted equally;
4. reduce to n // 5 dimensions (10 to 100; truncated SVD, fixed seed) and L2-normalise
   the rows, so that k-means on them groups by cosine similarity;
5. run k-means for k = 2..min(``max_themes``, sqrt(n)) and keep the k with the best silhouette
   (on a fixed-seed sample of at most ``silhouette_sample`` items); a space keeps one theme
   when it is too small or when no k reaches ``MIN_SILHOUETTE``;
6. describe each theme: top terms by class-based TF-IDF (term frequency in the theme times
   log(1 + average words per theme / frequency of the term in the space)), from the pivot text
   in the pivot space; representative quotes = the items nearest the theme's centroid, with
   their original text and language;
7. keys and staff-given names are carried over from the previous run by a Hungarian matching
   on shared members (``match_themes``), so that a renamed theme keeps its name.

Staff edits are pure functions that return a new ``ThemeRun``: ``rename_theme``,
``merge_themes``, ``split_theme`` (re-cluster one theme's items) and ``move_item``.

Everything is deterministic for a given ``seed``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

Id = int | str

PIVOT = "pivot"
PIVOT_LANGUAGE = "en"
MIXED = "mixed"

MAX_THEMES = 12
# A space with fewer items than this is one theme: there is nothing to compare.
MIN_ITEMS_TO_SPLIT = 4
# Below this best silhouette the space shows no structure worth splitting.
MIN_SILHOUETTE = 0.02
SILHOUETTE_SAMPLE = 2000
# About one dimension for five items, between these bounds.
LSA_COMPONENTS = 100
LSA_MIN_COMPONENTS = 10
CHAR_WEIGHT = 0.5
# Texts are tokenised by ``normalize_text``; the vectorizers only split on spaces.
WHITESPACE_TOKENS = r"\S+"
TOP_TERMS = 6
QUOTES = 3
# Above this many items a space uses mini-batch k-means and drops terms seen once.
LARGE_SPACE = 3000
KMEANS_N_INIT = 3


# Short stop-word lists written for this project: grammatical words only (articles,
# pronouns, prepositions, conjunctions, common auxiliaries). Where a language has none here,
# max_df (terms in more than 60% of a space are dropped) does the same job, less well.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a an the and or but of to in on at for from by with about as is are was were be been "
        "am it its this that these those there here i me my we us our you your he him his she "
        "her they them their do does did have has had not no so if than then can could would "
        "will just very also too some any all more"
    ),
    "es": _words(
        "el la los las un una unos unas de del al y e o u a en que es son por para con sin "
        "no mi mis su sus tu tus nuestro nuestra se lo le les me nos yo ella ellos pero "
        "muy mas como esta este esto estan ser hay tambien cuando porque"
    ),
    "fr": _words(
        "le la les l un une des de du d et ou a au aux en est sont que qui pour par avec "
        "sans pas ne n ce cet cette ces il elle ils elles nous vous je j mon ma mes son sa "
        "ses notre nos leur leurs se s y tres plus mais comme quand"
    ),
    "pt": _words(
        "o a os as um uma uns umas de do da dos das e ou em no na nos nas que para por com "
        "sem nao meu minha meus minhas seu sua seus suas eu ele ela eles elas se ao aos "
        "muito mais mas como quando tambem"
    ),
    "vi": _words(
        "và của là có cho các những được trong với này một thì mà để rất đã sẽ đang cũng "
        "khi ở tôi chúng không nhưng hay hoặc thể"
    ),
    "so": _words(
        "iyo ee oo waa ka ku u la in ah aan ayaa waxaa waxa waxay wuxuu ma ay uu ugu soo "
        "si kale laakiin"
    ),
    "ht": _words(
        "mwen m ou w li l nou yo la a nan ak pou se pa gen yon sa ki te ap an lan e men tou"
    ),
    "ar": _words(
        "في من على الى إلى عن أن ان و هذا هذه ذلك التي الذي مع كان لا ما هو هي او أو ثم قد لم لن كل"
    ),
    "zh": _words("的 了 是 在 和 也 很 都 就 吗 吧 呢 这 那 个 我 们 他 她 你 有"),
}

# Words that nearly every school-family response uses whatever it is about ("my child",
# "the school", "please"): in short texts they tie unrelated responses together, and in a small
# space they are too rare to be caught by max_df. Kept as short as the stop-word lists.
DOMAIN_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "school schools please child children kid kids son sons daughter daughters parent "
        "parents family families need needs want wants would like should thank thanks"
    ),
    "es": _words(
        "escuela hijo hija hijos hijas niño niña niños niñas favor padres familia necesito "
        "necesita necesitamos quiero queremos gracias"
    ),
    "fr": _words("école enfant enfants fils fille filles parents famille merci svp"),
    "pt": _words("escola filho filha filhos filhas criança crianças favor pais família obrigado"),
    "vi": _words("trường con cháu xin cần muốn cảm ơn"),
    "so": _words(
        "dugsi dugsiga ilmahayga ilmahaygu carruurta carruurtu fadlan waalidka mahadsanid"
    ),
    "ht": _words("lekol pitit timoun tanpri paran mèsi"),
    "ar": _words("مدرسة المدرسة ابني ابنتي أطفال أطفالي الأطفال فضلك شكرا"),
    "zh": _words("学 校 孩 子 请 谢"),
}

# Languages where dropping accents is safe: families often type without them, and few
# content words differ only by an accent. Not Vietnamese (tones) nor Haitian Creole.
STRIP_ACCENTS = frozenset({"es", "fr", "pt"})
ARABIC_SCRIPT = frozenset({"ar", "fa", "ps", "ur"})

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_PHONE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_DIGITS = re.compile(r"\d+")
# Word characters plus the combining marks of the scripts the demo languages use, so that a
# decomposed accent or an Indic vowel sign does not cut a word in two.
_TOKEN = re.compile(
    r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+"
)
# Han ideographs and Japanese kana: written without spaces, one token per character.
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Alef with hamza or madda -> bare alef, alef maksura -> yeh, teh marbuta -> heh.
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
    }
)


@dataclass(frozen=True)
class ThemeItem:
    """One response or idea. ``pivot_text``: its English rendition, when there is one."""

    id: Id
    text: str
    language: str
    pivot_text: str | None = None


@dataclass(frozen=True)
class Quote:
    item_id: Id
    text: str
    language: str


@dataclass(frozen=True)
class Theme:
    key: str
    # "pivot", a language code, or "mixed" after staff merged themes of different spaces.
    language: str
    item_ids: tuple[Id, ...]
    top_terms: tuple[str, ...]
    quotes: tuple[Quote, ...]
    # Given by staff; carried over to the matching theme of the next run.
    name: str | None = None

    @property
    def size(self) -> int:
        return len(self.item_ids)

    @property
    def label(self) -> str:
        """The staff name, else the top terms."""
        return self.name or ", ".join(self.top_terms[:3])


@dataclass(frozen=True)
class ThemeRun:
    themes: tuple[Theme, ...]
    # Items with no usable text (empty, only digits, links or stop words).
    unthemed: tuple[Id, ...] = ()
    # Number of themes chosen per space (after the run; edits do not change it).
    k_by_space: Mapping[str, int] = field(default_factory=dict)

    def assignment(self) -> dict[Id, str]:
        return {item_id: theme.key for theme in self.themes for item_id in theme.item_ids}

    def theme(self, key: str) -> Theme:
        for theme in self.themes:
            if theme.key == key:
                return theme
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (ids keep their type), read back by ``from_dict``."""
        return {
            "themes": [
                {
                    "key": theme.key,
                    "language": theme.language,
                    "item_ids": list(theme.item_ids),
                    "top_terms": list(theme.top_terms),
                    "quotes": [[q.item_id, q.text, q.language] for q in theme.quotes],
                    "name": theme.name,
                    "size": theme.size,
                }
                for theme in self.themes
            ],
            "unthemed": list(self.unthemed),
            "k_by_space": dict(self.k_by_space),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThemeRun:
        return cls(
            themes=tuple(
                Theme(
                    key=str(theme["key"]),
                    language=str(theme["language"]),
                    item_ids=tuple(theme["item_ids"]),
                    top_terms=tuple(theme["top_terms"]),
                    quotes=tuple(
                        Quote(item_id=i, text=t, language=lang) for i, t, lang in theme["quotes"]
                    ),
                    name=theme["name"],
                )
                for theme in data["themes"]
            ),
            unthemed=tuple(data["unthemed"]),
            k_by_space={str(k): int(v) for k, v in data["k_by_space"].items()},
        )


# --- text -------------------------------------------------------------------------------


def base_language(language: str) -> str:
    """ "es-MX" → "es", "fa_AF" → "fa", "ZH" → "zh"."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def normalize_text(text: str, language: str) -> str:
    """The text as the features see it: folded, cleaned, tokens joined by single spaces."""
    lang = base_language(language)
    text = unicodedata.normalize("NFC", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _PHONE.sub(" ", text)
    text = _DIGITS.sub(" ", text).casefold()
    if lang in STRIP_ACCENTS:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    if lang in ARABIC_SCRIPT:
        text = _ARABIC_MARKS.sub("", text)
        if lang == "ar":
            text = text.translate(_ARABIC_LETTERS)
    text = _UNSPACED.sub(r" \1 ", text)
    stop = _stop_words(lang)
    tokens = [t for t in _TOKEN.findall(text) if t not in stop and t.strip("_")]
    return " ".join(tokens)


_NORMALISED_STOP_WORDS: dict[str, frozenset[str]] = {}


def _stop_words(lang: str) -> frozenset[str]:
    if lang not in _NORMALISED_STOP_WORDS:
        words = STOP_WORDS.get(lang, frozenset()) | DOMAIN_WORDS.get(lang, frozenset())
        # Normalised like the texts, so "más" in a list matches "mas" in a stripped text.
        cleaned: set[str] = set()
        for word in words:
            folded = unicodedata.normalize("NFC", word).casefold()
            if lang in STRIP_ACCENTS:
                folded = "".join(
                    c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
                )
            if lang in ARABIC_SCRIPT:
                folded = _ARABIC_MARKS.sub("", folded)
            if lang == "ar":
                folded = folded.translate(_ARABIC_LETTERS)
            cleaned.add(folded)
        _NORMALISED_STOP_WORDS[lang] = frozenset(cleaned)
    return _NORMALISED_STOP_WORDS[lang]


def space_of(item: ThemeItem) -> str:
    """ "pivot" when the item has an English rendition (or is English), else its language."""
    lang = base_language(item.language)
    if lang == PIVOT_LANGUAGE or (item.pivot_text is not None and item.pivot_text.strip()):
        return PIVOT
    return lang


def _space_text(item: ThemeItem, space: str) -> str:
    if space == PIVOT:
        source = item.pivot_text if item.pivot_text and item.pivot_text.strip() else item.text
        return normalize_text(source, PIVOT_LANGUAGE)
    return normalize_text(item.text, space)


# --- features ---------------------------------------------------------------------------


@dataclass
class _Space:
    """One space's items and features (rows aligned with ``ids``)."""

    name: str
    ids: list[Id]
    texts: list[str]
    # Word counts (unigrams and bigrams) for the top terms, and their vocabulary.
    counts: sp.csr_matrix
    terms: NDArray[np.str_]
    # Word + character TF-IDF, rows L2-normalised.
    tfidf: sp.csr_matrix


def _featurize(name: str, ids: list[Id], texts: list[str]) -> _Space:
    # A term used by a single response links it to nothing: dropped, except in tiny spaces
    # where it may be all there is.
    min_df = 3 if len(texts) >= LARGE_SPACE else 2 if len(texts) >= 6 else 1
    # A term in more than 60% of a space says nothing about what sets a theme apart; in a tiny
    # space every term may be that common, so the bound only applies from 10 items.
    max_df = 0.6 if len(texts) >= 10 else 1.0
    words, chars = _tfidf(texts, min_df=min_df, max_df=max_df)
    if words.shape[1] + chars.shape[1] == 0:
        # Every term is too common or too rare (identical responses, say): keep them all.
        min_df, max_df = 1, 1.0
        words, chars = _tfidf(texts, min_df=min_df, max_df=max_df)
    # Words carry the topic; character n-grams catch inflections, typos and unsegmented
    # scripts, at half the weight so that shared spellings do not outvote shared words.
    tfidf = sp.hstack([words, chars * CHAR_WEIGHT], format="csr")
    if tfidf.shape[1]:
        tfidf = normalize(tfidf)
    counter = CountVectorizer(
        token_pattern=WHITESPACE_TOKENS,
        lowercase=False,
        ngram_range=(1, 2),
        min_df=min_df,
        dtype=np.float32,
    )
    try:
        counts = counter.fit_transform(texts).tocsr()
        terms = np.asarray(counter.get_feature_names_out(), dtype=np.str_)
    except ValueError:
        counts = sp.csr_matrix((len(texts), 0), dtype=np.float32)
        terms = np.asarray([], dtype=np.str_)
    return _Space(name=name, ids=ids, texts=texts, counts=counts, terms=terms, tfidf=tfidf)


def _tfidf(texts: list[str], *, min_df: int, max_df: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Word (1-2 grams) and character (3-5 grams within words) TF-IDF, rows L2-normalised.

    A block has no column when no term survives the document-frequency bounds.
    """
    blocks = []
    for kind, ngrams in (("word", (1, 2)), ("char_wb", (3, 5))):
        vectorizer = TfidfVectorizer(
            analyzer=kind,
            token_pattern=WHITESPACE_TOKENS if kind == "word" else None,
            lowercase=False,
            ngram_range=ngrams,
            sublinear_tf=True,
            min_df=min_df,
            max_df=max_df,
            dtype=np.float32,
        )
        try:
            blocks.append(normalize(vectorizer.fit_transform(texts)).tocsr())
        except ValueError:
            blocks.append(sp.csr_matrix((len(texts), 0), dtype=np.float32))
    return blocks[0], blocks[1]


def _reduce(tfidf: sp.csr_matrix, *, seed: int) -> NDArray[np.float32]:
    """Rows in at most LSA_COMPONENTS dimensions, L2-normalised (cosine geometry)."""
    n, n_features = tfidf.shape
    wanted = min(LSA_COMPONENTS, max(LSA_MIN_COMPONENTS, n // 5))
    components = min(wanted, n - 1, n_features - 1)
    if components < 2:
        dense = np.asarray(tfidf.todense(), dtype=np.float32)
    else:
        svd = TruncatedSVD(n_components=components, random_state=seed, algorithm="randomized")
        dense = np.asarray(svd.fit_transform(tfidf), dtype=np.float32)
    reduced: NDArray[np.float32] = normalize(dense).astype(np.float32)
    return reduced


# --- clustering -------------------------------------------------------------------------


def _kmeans(points: NDArray[np.float32], k: int, *, seed: int) -> NDArray[np.intp]:
    # On a shared two-core machine, k-means's OpenMP threads mostly wait for each other.
    with threadpool_limits(limits=1, user_api="openmp"):
        if len(points) >= LARGE_SPACE:
            model: Any = MiniBatchKMeans(
                n_clusters=k, n_init=KMEANS_N_INIT, random_state=seed, batch_size=2048
            )
        else:
            model = KMeans(n_clusters=k, n_init=KMEANS_N_INIT, random_state=seed)
        model.fit(points)
    return np.asarray(model.labels_, dtype=np.intp)


def _choose_clusters(
    points: NDArray[np.float32], *, seed: int, max_themes: int, silhouette_sample: int
) -> tuple[NDArray[np.intp], int]:
    """Labels 0..k-1 and k, k chosen by the (sampled) silhouette."""
    n = len(points)
    distinct = len(np.unique(np.round(points, 5), axis=0))
    # At most about sqrt(n) themes: on short texts the silhouette keeps rising with k (ever
    # smaller groups of near-identical responses), so the bound sets the granularity.
    highest = min(max_themes, math.isqrt(n), distinct, n - 1)
    if n < MIN_ITEMS_TO_SPLIT or highest < 2:
        return np.zeros(n, dtype=np.intp), 1
    sample: NDArray[np.intp] | None = None
    if n > silhouette_sample:
        sample = np.sort(
            np.random.default_rng(seed).choice(n, size=silhouette_sample, replace=False)
        )
    best: tuple[float, int, NDArray[np.intp]] | None = None
    for k in range(2, highest + 1):
        labels = _kmeans(points, k, seed=seed)
        scored_points = points if sample is None else points[sample]
        scored_labels = labels if sample is None else labels[sample]
        found = len(np.unique(scored_labels))
        if found < 2 or found >= len(scored_labels):
            continue
        score = float(silhouette_score(scored_points, scored_labels))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels)
    if best is None or best[0] < MIN_SILHOUETTE:
        return np.zeros(n, dtype=np.intp), 1
    _, k, labels = best
    # k-means can leave a cluster empty: renumber the ones in use as 0..k'-1.
    used, compact = np.unique(labels, return_inverse=True)
    return compact.astype(np.intp), len(used)


# --- describing -------------------------------------------------------------------------


def _top_terms(
    space: _Space, groups: list[NDArray[np.intp]], *, count: int
) -> list[tuple[str, ...]]:
    """Class-based TF-IDF: tf in the group x log(1 + average words per group / tf in the space)."""
    if space.counts.shape[1] == 0 or not groups:
        return [() for _ in groups]
    per_group = np.vstack(
        [np.asarray(space.counts[rows].sum(axis=0)).ravel() for rows in groups]
    ).astype(np.float64)
    total = np.asarray(space.counts.sum(axis=0)).ravel().astype(np.float64)
    average_words = max(per_group.sum() / len(groups), 1.0)
    idf = np.log1p(average_words / np.maximum(total, 1.0))
    weights = per_group / np.maximum(per_group.sum(axis=1, keepdims=True), 1.0) * idf[None, :]
    found: list[tuple[str, ...]] = []
    for row in weights:
        picked: list[str] = []
        covered: set[str] = set()
        for j in np.argsort(-row, kind="stable").tolist():
            if row[j] <= 0 or len(picked) == count:
                break
            term = str(space.terms[j])
            parts = set(term.split(" "))
            # "school bus" after "bus" and "school" adds nothing; "bus" after "school bus" neither.
            if parts <= covered:
                continue
            picked.append(term)
            covered |= parts
        found.append(tuple(picked))
    return found


def _quotes(
    space: _Space, rows: NDArray[np.intp], items: Mapping[Id, ThemeItem], *, count: int
) -> tuple[Quote, ...]:
    """The members nearest the theme's centroid (cosine on TF-IDF), distinct texts."""
    block = space.tfidf[rows]
    centroid = np.asarray(block.mean(axis=0)).ravel()
    similarity = np.asarray(block @ centroid).ravel()
    order = np.lexsort((rows, -similarity))
    quotes: list[Quote] = []
    seen: set[str] = set()
    for position in order.tolist():
        item = items[space.ids[int(rows[position])]]
        text = item.text.strip()
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        quotes.append(Quote(item_id=item.id, text=text, language=item.language))
        if len(quotes) == count:
            break
    return tuple(quotes)


def _describe_groups(
    space: _Space,
    groups: list[NDArray[np.intp]],
    items: Mapping[Id, ThemeItem],
    *,
    top_terms: int,
    quotes: int,
) -> list[tuple[tuple[str, ...], tuple[Quote, ...]]]:
    terms = _top_terms(space, groups, count=top_terms)
    return [(terms[i], _quotes(space, rows, items, count=quotes)) for i, rows in enumerate(groups)]


# --- the run ----------------------------------------------------------------------------


def _spaces(items: Iterable[ThemeItem]) -> tuple[dict[str, tuple[list[Id], list[str]]], list[Id]]:
    """Per space: (ids, normalised texts); and the items with no usable text."""
    spaces: dict[str, tuple[list[Id], list[str]]] = {}
    unthemed: list[Id] = []
    for item in items:
        space = space_of(item)
        text = _space_text(item, space)
        if not text and space == PIVOT:
            # An English rendition with nothing left: try the original in its own language.
            space = base_language(item.language)
            text = _space_text(item, space)
        if not text:
            unthemed.append(item.id)
            continue
        ids, texts = spaces.setdefault(space, ([], []))
        ids.append(item.id)
        texts.append(text)
    return spaces, unthemed


def _index(items: Sequence[ThemeItem]) -> dict[Id, ThemeItem]:
    by_id: dict[Id, ThemeItem] = {}
    for item in items:
        if item.id in by_id:
            raise ValueError(f"duplicate item id: {item.id!r}")
        by_id[item.id] = item
    return by_id


def find_themes(
    items: Sequence[ThemeItem],
    *,
    previous: ThemeRun | None = None,
    seed: int = 0,
    max_themes: int = MAX_THEMES,
    silhouette_sample: int = SILHOUETTE_SAMPLE,
    top_terms: int = TOP_TERMS,
    quotes: int = QUOTES,
) -> ThemeRun:
    """Themes of ``items``, keys and names matched to ``previous`` when given."""
    by_id = _index(items)
    spaces, unthemed = _spaces(items)
    themes: list[Theme] = []
    k_by_space: dict[str, int] = {}
    # Pivot first, then languages by name: a stable order for keys and for display.
    for name in sorted(spaces, key=lambda s: (s != PIVOT, s)):
        ids, texts = spaces[name]
        space = _featurize(name, ids, texts)
        if space.tfidf.shape[1] == 0 or len(set(texts)) < 2:
            labels, k = np.zeros(len(ids), dtype=np.intp), 1
        else:
            points = _reduce(space.tfidf, seed=seed)
            labels, k = _choose_clusters(
                points, seed=seed, max_themes=max_themes, silhouette_sample=silhouette_sample
            )
        k_by_space[name] = k
        groups = [np.flatnonzero(labels == c).astype(np.intp) for c in range(k)]
        # Largest first; ties by first member, for determinism.
        groups.sort(key=lambda rows: (-len(rows), int(rows[0])))
        described = _describe_groups(space, groups, by_id, top_terms=top_terms, quotes=quotes)
        for rows, (terms, picked) in zip(groups, described, strict=True):
            themes.append(
                Theme(
                    key="",
                    language=name,
                    item_ids=tuple(ids[int(r)] for r in rows),
                    top_terms=terms,
                    quotes=picked,
                )
            )
    fresh = match_themes(themes, previous)
    return ThemeRun(themes=tuple(fresh), unthemed=tuple(unthemed), k_by_space=k_by_space)


def match_themes(themes: Sequence[Theme], previous: ThemeRun | None) -> list[Theme]:
    """Keys (and staff names) from the previous run, by Hungarian matching on shared members.

    A new theme that shares no member with any previous theme gets a fresh key, above every
    key the previous run used (so a deleted theme's key is never reused for another topic).
    """
    keys: list[str | None] = [None] * len(themes)
    names: list[str | None] = [None] * len(themes)
    used: set[str] = set()
    if previous is not None and previous.themes and themes:
        before = previous.assignment()
        old = list(previous.themes)
        column = {theme.key: j for j, theme in enumerate(old)}
        overlap = np.zeros((len(themes), len(old)))
        for i, theme in enumerate(themes):
            for item_id in theme.item_ids:
                key = before.get(item_id)
                if key is not None:
                    overlap[i, column[key]] += 1
        if overlap.any():
            rows, cols = linear_sum_assignment(overlap, maximize=True)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if overlap[r, c] > 0:
                    keys[r] = old[c].key
                    names[r] = old[c].name
        used = {theme.key for theme in old}
    counter = _next_number(used)
    result = []
    for i, theme in enumerate(themes):
        key = keys[i]
        if key is None:
            key = f"t{counter}"
            counter += 1
        result.append(replace(theme, key=key, name=names[i]))
    return result


def _next_number(keys: Iterable[str]) -> int:
    numbers = [int(key[1:]) for key in keys if re.fullmatch(r"t\d+", key)]
    return max(numbers, default=0) + 1


# --- staff edits ------------------------------------------------------------------------


def rename_theme(run: ThemeRun, key: str, name: str | None) -> ThemeRun:
    """The staff's name for a theme (blank or None clears it); KeyError for an unknown key."""
    run.theme(key)
    cleaned = name.strip() if name else None
    return replace(
        run,
        themes=tuple(
            replace(theme, name=cleaned or None) if theme.key == key else theme
            for theme in run.themes
        ),
    )


def merge_themes(run: ThemeRun, into: str, other: str, *, items: Sequence[ThemeItem]) -> ThemeRun:
    """``other``'s items join ``into``, which keeps its key (and its name, else ``other``'s)."""
    if into == other:
        raise ValueError("a theme cannot be merged with itself")
    kept, absorbed = run.theme(into), run.theme(other)
    merged = replace(
        kept, item_ids=kept.item_ids + absorbed.item_ids, name=kept.name or absorbed.name
    )
    themes = [merged if t.key == into else t for t in run.themes if t.key != other]
    return _redescribe(run, themes, {into}, items=items)


def move_item(run: ThemeRun, item_id: Id, to: str, *, items: Sequence[ThemeItem]) -> ThemeRun:
    """The item leaves its theme (dropped if left empty) and joins ``to``."""
    target = run.theme(to)
    source = run.assignment().get(item_id)
    if source == to:
        return run
    if source is None and item_id not in run.unthemed:
        raise KeyError(item_id)
    themes: list[Theme] = []
    for theme in run.themes:
        if theme.key == source:
            remaining = tuple(i for i in theme.item_ids if i != item_id)
            if remaining:
                themes.append(replace(theme, item_ids=remaining))
        elif theme.key == to:
            themes.append(replace(target, item_ids=(*target.item_ids, item_id)))
        else:
            themes.append(theme)
    changed = {to} | ({source} if source is not None else set())
    unthemed = tuple(i for i in run.unthemed if i != item_id)
    return _redescribe(replace(run, unthemed=unthemed), themes, changed, items=items)


def split_theme(
    run: ThemeRun, key: str, *, items: Sequence[ThemeItem], into: int = 2, seed: int = 0
) -> ThemeRun:
    """Re-cluster one theme's items into ``into`` themes (k-means on that theme's own features).

    The largest part keeps the key and the name; the others get fresh keys. A theme whose
    items cannot be told apart (fewer distinct texts than ``into``) stays as it is.
    """
    if into < 2:
        raise ValueError("a theme is split into at least two")
    theme = run.theme(key)
    by_id = _index(items)
    ids = list(theme.item_ids)
    spaces, _ = _spaces(by_id[i] for i in ids)
    if not spaces:
        return run
    # Cluster the theme in its own space (the largest one, pivot first, if staff mixed them).
    name = max(spaces, key=lambda s: (len(spaces[s][0]), s == PIVOT))
    space_ids, texts = spaces[name]
    space = _featurize(name, space_ids, texts)
    if space.tfidf.shape[1] == 0:
        return run
    points = _reduce(space.tfidf, seed=seed)
    if len(np.unique(np.round(points, 5), axis=0)) < into:
        return run
    labels = _kmeans(points, into, seed=seed)
    parts = [[space_ids[r] for r in np.flatnonzero(labels == c).tolist()] for c in range(into)]
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return run
    # Items of other spaces (a mixed theme) stay with the largest part.
    in_space = set(space_ids)
    others = [i for i in ids if i not in in_space]
    parts.sort(key=lambda part: (-len(part), ids.index(part[0])))
    parts[0] = parts[0] + others
    counter = _next_number(t.key for t in run.themes)
    new_themes: list[Theme] = []
    for number, part in enumerate(parts):
        new_key = key if number == 0 else f"t{counter + number - 1}"
        new_themes.append(
            replace(
                theme,
                key=new_key,
                item_ids=tuple(part),
                name=theme.name if number == 0 else None,
            )
        )
    themes: list[Theme] = []
    for existing in run.themes:
        if existing.key == key:
            themes.extend(new_themes)
        else:
            themes.append(existing)
    return _redescribe(run, themes, {t.key for t in new_themes}, items=items)


def _redescribe(
    run: ThemeRun,
    themes: list[Theme],
    changed: set[str],
    *,
    items: Sequence[ThemeItem],
    top_terms: int = TOP_TERMS,
    quotes: int = QUOTES,
) -> ThemeRun:
    """Recompute language, top terms and quotes of the changed themes.

    The term weights are computed against every themed item of the space, as in a run.
    """
    by_id = _index(items)
    member_ids = [i for theme in themes for i in theme.item_ids]
    spaces, _ = _spaces(by_id[i] for i in member_ids)
    space_of_item = {i: s for s, (ids, _) in spaces.items() for i in ids}
    featurized: dict[str, _Space] = {}
    result: list[Theme] = []
    for theme in themes:
        if theme.key not in changed:
            result.append(theme)
            continue
        present = {space_of_item[i] for i in theme.item_ids if i in space_of_item}
        if not present:
            result.append(replace(theme, top_terms=(), quotes=()))
            continue
        language = present.pop() if len(present) == 1 else MIXED
        counts = {s: sum(1 for i in theme.item_ids if space_of_item.get(i) == s) for s in spaces}
        # Describe from the space holding most of the theme, the pivot space on a tie.
        name = max(counts, key=lambda s: (counts[s], s == PIVOT))
        if name not in featurized:
            featurized[name] = _featurize(name, *spaces[name])
        space = featurized[name]
        position = {item_id: row for row, item_id in enumerate(space.ids)}
        # Other themes of the space, for the term weights.
        groups: list[NDArray[np.intp]] = []
        own = -1
        for other in themes:
            rows = np.asarray([position[i] for i in other.item_ids if i in position], dtype=np.intp)
            if len(rows):
                if other.key == theme.key:
                    own = len(groups)
                groups.append(rows)
        terms = _top_terms(space, groups, count=top_terms)[own]
        picked = _quotes(space, groups[own], by_id, count=quotes)
        result.append(replace(theme, language=language, top_terms=terms, quotes=picked))
    return replace(run, themes=tuple(result))
