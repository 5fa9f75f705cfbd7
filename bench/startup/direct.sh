#!/usr/bin/env bash
# The floor for the AppHost's start-up: starts what it starts without a container engine (postgres, redis-server,
# azurite, the embedded Temporal dev server, and the Api, TeamsBot, Worker, FlowRunner and TaskDispatcher projects)
# directly and all at once,
# waits until each answers (pg_isready, PING, an HTTP reply from each Azurite service and from Temporal's gRPC port,
# and /health returning 200 from each project), prints one line with the elapsed time, then stops them.
#
#   bench/startup/direct.sh [--data-dir DIR] [--configuration Release|Debug]
#
# The Postgres cluster (initdb, the ordersdb and flowsdb databases) is prepared once in DIR, as the AppHost's
# .apphost folder is, so both sides are timed warm. As root, postgres runs as the postgres user through setpriv, as
# the AppHost does. Cosmos DB has no local process without a container engine, so, as in the AppHost, its connection
# string is empty.
set -euo pipefail
# Job control: without it bash starts background commands with SIGINT ignored, and the servers would not stop.
set -m

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=/tmp/orderplatform-bench-direct
configuration=Release
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data=$2; shift 2 ;;
    --configuration) configuration=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
dll() { echo "$root/$1/bin/$configuration/net10.0/$2.dll"; }
api_dll=$(dll Services/OrderPlatform.Api OrderPlatform.Api)
bot_dll=$(dll Services/OrderPlatform.TeamsBot OrderPlatform.TeamsBot)
worker_dll=$(dll Services/OrderPlatform.Worker OrderPlatform.Worker)
flow_dll=$(dll Services/OrderPlatform.FlowRunner OrderPlatform.FlowRunner)
dispatcher_dll=$(dll Services/OrderPlatform.TaskDispatcher OrderPlatform.TaskDispatcher)
temporal_dll=$(dll OrderPlatform.AppHost OrderPlatform.TemporalDev)
for f in "$api_dll" "$bot_dll" "$worker_dll" "$flow_dll" "$dispatcher_dll" "$temporal_dll"; do
  [ -f "$f" ] || { echo "$f is missing: dotnet build OrderPlatform.AppHost -c $configuration" >&2; exit 1; }
done
tools=${ORDERPLATFORM_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orderplatform/tools}
azurite_js=$tools/azurite-3.37.0/node_modules/azurite/dist/src/azurite.js
[ -f "$azurite_js" ] || { echo "Azurite is not in $tools yet: run the AppHost once (it installs it)." >&2; exit 1; }
pg_bin=$(dirname "$(command -v postgres || ls /usr/lib/postgresql/*/bin/postgres | tail -1)")

as_postgres=()
if [ "$(id -u)" = 0 ]; then as_postgres=(setpriv --reuid=postgres --regid=postgres --clear-groups --); fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

prepare() {
  mkdir -p "$data"
  if [ ! -f "$data/password" ]; then
    (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$data/password")
  fi
  if [ -f "$data/pg/PG_VERSION" ]; then return; fi
  mkdir -p "$data/pg"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$data/pg" && cp "$data/password" "$data/pg.pw" && chown postgres "$data/pg.pw"
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$data/pg" -U postgres --pwfile "${data}/pg.pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  rm -f "$data/pg.pw"
  local port; port=$(free_port)
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$data/pg" -w -s -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=" start >/dev/null
  for db in ordersdb flowsdb; do
    PGPASSWORD=$(cat "$data/password") psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
  done
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$data/pg" -w -s -m fast stop >/dev/null
}

prepare
password=$(cat "$data/password")
pg_port=$(free_port); redis_port=$(free_port); blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)
temporal_port=$(free_port); api_port=$(free_port); bot_port=$(free_port); worker_port=$(free_port)
flow_port=$(free_port); dispatcher_port=$(free_port)
logs=$data/logs; mkdir -p "$logs" "$data/azurite" "$data/redis" "$data/temporal"
api_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
notify_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
flow_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
signing_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
secrets_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
(umask 077; printf 'port %s\nbind 127.0.0.1\nrequirepass %s\ndir %s\nsave 60 1\nappendonly no\n' "$redis_port" "$password" "$data/redis" > "$data/redis.conf")
account="AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

pids=()
stop_all() {
  # SIGINT: postgres's fast shutdown and Azurite's clean close; the others take it as a stop too. SIGKILL after 30 s.
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  local deadline=$(( $(now_ms) + 30000 ))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start=$(now_ms)
# Started as plain commands (not shell functions), so each $! is the server itself and gets the stop signal.
"${as_postgres[@]}" "$pg_bin/postgres" -D "$data/pg" -p "$pg_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c max_connections=200 >"$logs/postgres.log" 2>&1 &
pids+=($!)
redis-server "$data/redis.conf" >"$logs/redis.log" 2>&1 &
pids+=($!)
node "$azurite_js" --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" --location "$data/azurite" --skipApiVersionCheck --disableProductStyleUrl \
  >"$logs/azurite.log" 2>&1 &
pids+=($!)
dotnet "$temporal_dll" server start-dev --ip 127.0.0.1 --port "$temporal_port" --namespace order-processing \
  --db-filename "$data/temporal/temporal.db" --headless >"$logs/temporal.log" 2>&1 &
pids+=($!)

ordersdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=ordersdb"
blobs="DefaultEndpointsProtocol=http;$account;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
queues="DefaultEndpointsProtocol=http;$account;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"
# The environment the AppHost gives a project (specs/apphost.md section 2), plus its references.
project() {
  local name=$1 folder=$2 dll=$3 port=$4; shift 4
  (cd "$root/$folder" && exec env ASPNETCORE_URLS="http://localhost:$port" ASPNETCORE_ENVIRONMENT=Development \
    DOTNET_ENVIRONMENT=Development LOGGING__CONSOLE__FORMATTERNAME=simple OTEL_SERVICE_NAME="$name" \
    OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory "$@" dotnet "$dll") >"$logs/$name.log" 2>&1 &
  pids+=($!)
}
project api Services/OrderPlatform.Api "$api_dll" "$api_port" \
  ConnectionStrings__ordersdb="$ordersdb" ConnectionStrings__redis="127.0.0.1:$redis_port,password=$password" \
  ConnectionStrings__blobs="$blobs" ConnectionStrings__queues="$queues" ConnectionStrings__cosmos= \
  ConnectionStrings__temporal="127.0.0.1:$temporal_port" Api__Clients__teamsbot__Keys__0="$api_key" \
  Api__Clients__teamsbot__Scopes__0=orders Api__Clients__teamsbot__Scopes__1=bot Api__Clients__teamsbot__Tenants__0="*"
project teamsbot Services/OrderPlatform.TeamsBot "$bot_dll" "$bot_port" \
  services__api__http__0="http://localhost:$api_port" ConnectionStrings__ordersdb="$ordersdb" \
  Api__Key="$api_key" Notify__Key="$notify_key" Bot__AppId= Bot__AppPassword= Bot__TenantId=
project worker Services/OrderPlatform.Worker "$worker_dll" "$worker_port" \
  ConnectionStrings__ordersdb="$ordersdb" ConnectionStrings__blobs="$blobs" ConnectionStrings__cosmos= \
  ConnectionStrings__temporal="127.0.0.1:$temporal_port" services__teamsbot__internal__0="http://localhost:$bot_port" \
  ConnectionStrings__llm= Notifications__ApiKey="$notify_key" Zoho__ClientId= Zoho__ClientSecret= Zoho__RefreshToken= Zoho__OrganizationId=
project flowrunner Services/OrderPlatform.FlowRunner "$flow_dll" "$flow_port" \
  ConnectionStrings__flowsdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=flowsdb" \
  ConnectionStrings__redis="127.0.0.1:$redis_port,password=$password" ConnectionStrings__blobs="$blobs" \
  FlowRunner__Keys__0="$flow_key" FlowRunner__Connections__Key="$secrets_key"
project taskdispatcher Services/OrderPlatform.TaskDispatcher "$dispatcher_dll" "$dispatcher_port" \
  ConnectionStrings__queues="$queues" ConnectionStrings__blobs="$blobs" TaskDispatch__Webhooks__SigningKey="$signing_key" \
  TaskDispatch__Aci__SubscriptionId= TaskDispatch__Aci__ResourceGroup= TaskDispatch__Aci__Location= \
  TaskDispatch__Aci__IdentityId= TaskDispatch__Aci__RegistryServer=

# Each waiter polls every 20 ms and reports when its process answers; the run is done when all have.
wait_for() {
  local name=$1; shift
  local deadline=$(( $(now_ms) + 120000 ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(now_ms)" -gt "$deadline" ]; then echo "$name did not answer within 120 s; see $logs/$name.log" >&2; return 1; fi
    sleep 0.02
  done
  echo "  $name answers after $(( $(now_ms) - start )) ms"
}
waiters=()
wait_for postgres pg_isready -q -h 127.0.0.1 -p "$pg_port" & waiters+=($!)
wait_for redis sh -c "redis-cli -h 127.0.0.1 -p $redis_port --no-auth-warning -a '$password' ping | grep -q PONG" & waiters+=($!)
wait_for azurite sh -c "curl -s --max-time 2 -o /dev/null http://127.0.0.1:$blob_port/ && curl -s --max-time 2 -o /dev/null http://127.0.0.1:$queue_port/" & waiters+=($!)
wait_for temporal curl -s --max-time 2 -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$temporal_port/" & waiters+=($!)
wait_for api curl -sf --max-time 2 -o /dev/null "http://localhost:$api_port/health" & waiters+=($!)
wait_for teamsbot curl -sf --max-time 2 -o /dev/null "http://localhost:$bot_port/health" & waiters+=($!)
wait_for worker curl -sf --max-time 2 -o /dev/null "http://localhost:$worker_port/health" & waiters+=($!)
wait_for flowrunner curl -sf --max-time 2 -o /dev/null "http://localhost:$flow_port/health" & waiters+=($!)
wait_for taskdispatcher curl -sf --max-time 2 -o /dev/null "http://localhost:$dispatcher_port/health" & waiters+=($!)
failed=0
for w in "${waiters[@]}"; do wait "$w" || failed=1; done
[ "$failed" = 0 ] || exit 1
echo "All ${#pids[@]} processes answer after $(( $(now_ms) - start )) ms"
