from services.common.migrations import run_env
from services.availability.adapters.orm import metadata

run_env(metadata, "availability")
