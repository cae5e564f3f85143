from services.common.migrations import run_env
from services.search.adapters.orm import metadata

run_env(metadata, "search")
