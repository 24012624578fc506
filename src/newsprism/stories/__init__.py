"""Online clustering of articles into stories (see ``cluster.py``)."""

from newsprism.stories.cluster import PAIR_FEATURES, StoryClusterer, StoryModel
from newsprism.stories.features import StoryFeatures, extract_features

__all__ = ["PAIR_FEATURES", "StoryClusterer", "StoryFeatures", "StoryModel", "extract_features"]
