from services.common.migrations import run_env
from services.opportunities.adapters.orm import metadata

run_env(metadata, "opportunities")
