from services.availability.adapters.orm import metadata
from services.common.migrations import run_env

run_env(metadata, "availability")
