from services.common.migrations import run_env
from services.volunteers.adapters.orm import metadata

run_env(metadata, "volunteers")
