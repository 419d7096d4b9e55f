"""revenue-funnel: the Dagster code location and the `funnel` command."""

import warnings

# Great Expectations imports PySpark when it is installed (the `spark` extra); PySpark warns on
# import that it doesn't fully support pandas 3, though nothing here hands pandas to Spark.
warnings.filterwarnings(
    "ignore",
    message="PySpark does not yet fully support pandas >= 3",
    category=FutureWarning,
)
