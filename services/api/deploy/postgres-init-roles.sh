#!/bin/sh
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d), as
# the superuser. Creates the two roles of docs/operations.md, "Database roles":
#   cco_owner   owns the database and every table; the service migrates with it
#               (MIGRATIONS_DATABASE_URL) and never serves requests with it;
#   cco_service what the service connects as (DATABASE_URL): the migrations grant it what it
#               needs; it can append to the log but never update, delete, truncate it or
#               disable its triggers.
# The owner is a member of the service role (it hands the service its read models), never the
# other way round. Passwords come from the environment (docker-compose.yml).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$CCO_OWNER_PASSWORD" -v service_password="$CCO_SERVICE_PASSWORD" <<'SQL'
create role cco_owner login password :'owner_password';
create role cco_service login password :'service_password';
grant cco_service to cco_owner;
create database cco owner cco_owner;
revoke all on database cco from public;
grant connect on database cco to cco_service;
SQL
