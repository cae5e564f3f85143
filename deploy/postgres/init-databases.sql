-- One database and one login role per service: each service owns its data, and no service can
-- read another's tables (they share facts through Kafka topics only). Runs once, when the
-- postgres container initialises an empty data volume.
-- The passwords are for the local compose topology only; real deployments inject their own.

CREATE ROLE opportunities LOGIN PASSWORD 'opportunities';
CREATE DATABASE opportunities OWNER opportunities;
REVOKE ALL ON DATABASE opportunities FROM PUBLIC;

CREATE ROLE volunteers LOGIN PASSWORD 'volunteers';
CREATE DATABASE volunteers OWNER volunteers;
REVOKE ALL ON DATABASE volunteers FROM PUBLIC;

CREATE ROLE availability LOGIN PASSWORD 'availability';
CREATE DATABASE availability OWNER availability;
REVOKE ALL ON DATABASE availability FROM PUBLIC;

CREATE ROLE search LOGIN PASSWORD 'search';
CREATE DATABASE search OWNER search;
REVOKE ALL ON DATABASE search FROM PUBLIC;

-- The gateway's own: partner API keys (hashed) and rate-limit counters.
CREATE ROLE gateway LOGIN PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;
REVOKE ALL ON DATABASE gateway FROM PUBLIC;
