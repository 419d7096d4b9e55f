"""The joint revenue review: weekly triage and monthly review pages from the published marts."""

from orchestration.review.periods import PeriodError
from orchestration.review.published import ReviewUnavailable
from orchestration.review.render import RenderedReviews, render_reviews, reviews_dir

__all__ = ["PeriodError", "RenderedReviews", "ReviewUnavailable", "render_reviews", "reviews_dir"]
