"""Candidate themes: embedders, clustering with an automatic number of clusters,
keyword labels, representative quotes and code suggestions.

Pure functions over plain data (lists of strings, numpy arrays); no database code.
"""

from themes.embedders import Embedder, available_embedders, get_embedder
from themes.cluster import available_clusterers, get_clusterer
from themes.labels import class_tfidf_keywords, representatives
from themes.proposer import Candidate, ThemeProposer
from themes.suggest import CodeSuggester

__all__ = [
    "Candidate",
    "CodeSuggester",
    "Embedder",
    "ThemeProposer",
    "available_clusterers",
    "available_embedders",
    "class_tfidf_keywords",
    "get_clusterer",
    "get_embedder",
    "representatives",
]
