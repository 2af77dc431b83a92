"""The benchmark harness behind bench/run.

Seeds a fresh database through the store's bulk path, starts the release gateway, and drives
every scenario with wrk (fixed connections and duration, loopback), reporting requests/s, p50
and p99 latency and the server's peak RSS. In the same run it measures the limits (each read's
in-process ceiling, a bare actix handler, raw inserts) and the peers (json-server and Mockoon over
10 000 contacts), then prints one table with each scenario's ratio to its limits and to the
peers, and saves it as JSON.
"""

import argparse
import base64
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

from chart import write_chart

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
PEER_DIR = os.path.join(ROOT, "target", "bench-peer")
PEER_CONTACTS = 10_000


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def write_batches(base):
    """The group-commit batch-size histogram on the gateway's /metrics: {"sum", "count",
    "buckets": {le: cumulative count}}."""
    with urllib.request.urlopen(base + "/metrics", timeout=5) as response:
        text = response.read().decode()
    seen = {"sum": 0.0, "count": 0.0, "buckets": {}}
    for line in text.splitlines():
        if not line.startswith("contacts_gateway_write_batch_size"):
            continue
        name, value = line.rsplit(" ", 1)
        if name.endswith("_sum"):
            seen["sum"] = float(value)
        elif name.endswith("_count"):
            seen["count"] = float(value)
        elif 'le="' in name:
            seen["buckets"][name.split('le="')[1].rstrip('"}')] = float(value)
    return seen


def batches_between(before, after):
    """What the writer formed between two looks: batches per size bucket (not cumulative), and
    the mean batch."""
    count = after["count"] - before["count"]
    cumulative = [(le, after["buckets"][le] - before["buckets"].get(le, 0)) for le in after["buckets"]]
    per_bucket, below = {}, 0
    for le, total in cumulative:
        per_bucket[le] = total - below
        below = total
    return {"batches": count, "writes": after["sum"] - before["sum"],
            "mean": (after["sum"] - before["sum"]) / count if count else None, "per_bucket": per_bucket}


def cursor(payload):
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def lua_string(text):
    return json.dumps(text)


LUA = """
local paths = {PATHS}
local kind = {KIND}
local headers = {HEADERS}
local template = {TEMPLATE}
local write_share = {WRITE_SHARE}
local write_path = {WRITE_PATH}
local counter = 0
local threads = {{}}
local started = os.time()

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end

local function create()
  counter = counter + 1
  local email = string.format("load-%d-%d-%d@bench.example", tid or 0, counter, started)
  local body = string.format(template, email, email)
  return wrk.format("POST", write_path, headers, body)
end

request = function()
  if kind == "create" then
    return create()
  end
  if kind == "mix" and math.random() < write_share then
    return create()
  end
  return wrk.format("GET", paths[math.random(#paths)], headers, nil)
end
"""

# Appended to every wrk script: prints the figures as one JSON line.
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def lua_table(items):
    return "{" + ",".join(lua_string(i) for i in items) + "}"


def scenario_script(scenario):
    """The wrk script of a GET, create or mix scenario."""
    headers = {"Content-Type": "application/json"}
    if scenario.get("key"):
        headers["Authorization"] = "Bearer " + scenario["key"]
    script = LUA.format(
        PATHS=lua_table(scenario.get("paths", ["/"])),
        KIND=lua_string(scenario.get("kind", "get")),
        HEADERS="{" + ",".join(f"[{lua_string(k)}]={lua_string(v)}" for k, v in headers.items()) + "}",
        TEMPLATE=lua_string(scenario.get("template", "{}")),
        WRITE_SHARE=scenario.get("write_share", 0.0),
        WRITE_PATH=lua_string(scenario.get("write_path", "/")),
    )
    return script + REPORT_LUA


def wrk(url, script, args, workdir):
    """Runs wrk with this script against `url` and reads the figures REPORT_LUA prints."""
    path = os.path.join(workdir, "scenario.lua")
    with open(path, "w") as f:
        f.write(script)
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.seconds}s", "-s", path, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(l for l in output.splitlines() if l.startswith("BENCH "))
    raw = json.loads(line[len("BENCH "):])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests_per_second": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000.0,
        "p99_ms": raw["p99_us"] / 1000.0,
        "requests": raw["requests"],
        "errors": raw["socket_errors"] + raw["non2xx"],
    }


def reset_peak_rss(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def measure(name, base, scenario, args, workdir, pid):
    return measure_script(name, base, scenario_script(scenario), args, workdir, pid)


def measure_script(name, url, script, args, workdir, pid):
    reset_peak_rss(pid)
    result = {"scenario": name, **wrk(url, script, args, workdir), "peak_rss_mib": peak_rss_mib(pid)}
    log(f"  {name:<40} {result['requests_per_second']:>10.0f} req/s  p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  errors {result['errors']}")
    return result


def sample(db, query, count):
    with sqlite3.connect(db) as conn:
        rows = conn.execute(query).fetchall()
    random.shuffle(rows)
    return rows[:count]


def gateway_scenarios(db, key, contacts):
    """The scenarios over the seeded database, each with its wrk inputs."""
    rng = random.Random(7)
    ids = [rng.randint(1, contacts) for _ in range(2000)]
    with sqlite3.connect(db) as conn:
        uids = [r[0] for r in conn.execute(f"SELECT uid FROM contacts WHERE id IN ({','.join(map(str, ids[:1000]))})")]
        deep = int(contacts * 0.9)
        name_key, deep_id = conn.execute(
            "SELECT name_key, id FROM contacts WHERE deleted_at IS NULL ORDER BY name_key, id LIMIT 1 OFFSET ?", (deep,)
        ).fetchone()
    grow_deep_page = max(1, deep // 25)
    workshop_deep = cursor({"sort": "name", "order": "asc", "value": name_key, "id": deep_id, "limit": 50})
    pylon_cursors = [cursor({"sort": "id", "order": "asc", "value": i, "id": i}) for i in ids[:500]]
    # As many terms as the store keeps no memory of: each search runs its SQL (round 12).
    search_terms = rng.sample(range(1000, 10000), 5000)
    email_search = json.dumps({"filter": {"field": "email", "operator": "string_contains", "value": "user4242"}, "limit": 100})
    field_search = json.dumps({"filter": {"field": "department", "operator": "equals", "value": "Legal"}, "limit": 100})
    grow_create = '{"first_name":"Load","last_name":"Test","email":"%s","clientid":1,"position":"%s"}'
    pylon_create = '{"name":"Load Test","email":"%s","custom_fields":[{"slug":"note","value":"%s"}]}'
    workshop_create = '{"external_id":"%s","first_name":"Load","last_name":"Test","email":"%s"}'
    return [
        ("grow get by id", {"paths": [f"/api/contacts/{i}" for i in ids]}),
        ("pylon get by id", {"paths": [f"/contacts/{u}" for u in uids]}),
        ("workshop get by id", {"paths": [f"/v1/contacts/{u}" for u in uids]}),
        ("grow list page 1 (limit 25, total)", {"paths": ["/api/contacts?limit=25&page=1"]}),
        (f"grow list page {grow_deep_page} (deep)", {"paths": [f"/api/contacts?limit=25&page={grow_deep_page}"]}),
        ("grow search", {"paths": ["/api/contacts?search=user4242&limit=25"]}),
        ("grow search (5 000 terms)", {"paths": [f"/api/contacts?search=user{t}&limit=25" for t in search_terms]}),
        ("pylon list walk (random cursors)", {"paths": [f"/contacts?limit=100&cursor={c}" for c in pylon_cursors]}),
        ("pylon search email string_contains", {"search": email_search}),
        ("pylon search custom field equals", {"search": field_search}),
        ("workshop list first page", {"paths": ["/v1/contacts"]}),
        ("workshop list 90% deep (cursor)", {"paths": [f"/v1/contacts?cursor={workshop_deep}"]}),
        ("grow create", {"kind": "create", "write_path": "/api/contacts", "template": grow_create}),
        ("pylon create", {"kind": "create", "write_path": "/contacts", "template": pylon_create}),
        ("workshop create", {"kind": "create", "write_path": "/v1/contacts", "template": workshop_create}),
        ("mix 90% get / 10% create (workshop)", {"kind": "mix", "write_share": 0.1, "paths": [f"/v1/contacts/{u}" for u in uids],
                                                  "write_path": "/v1/contacts", "template": workshop_create}),
    ]




def is_read(scenario):
    return scenario.get("kind") not in ("create", "mix")


def measure_ceilings(scenarios, env, args, workdir):
    """Each read scenario's in-process ceiling: its requests answered by the dialects' own
    handlers over the same database, on every core, without HTTP (bench-ceiling)."""
    reads = [{"name": name, "paths": ["/contacts/search"], "body": scenario["search"]} if "search" in scenario
             else {"name": name, "paths": scenario["paths"]}
             for name, scenario in scenarios if is_read(scenario)]
    if not reads:
        return {}
    listed = os.path.join(workdir, "ceilings.json")
    with open(listed, "w") as f:
        json.dump(reads, f)
    measured = subprocess.run([os.path.join(RELEASE, "bench-ceiling"), "--scenarios", listed, "--seconds", str(args.seconds),
                               "--threads", str(os.cpu_count()), "--connections", str(args.connections)],
                              env={**os.environ, **env}, cwd=workdir, capture_output=True, text=True, check=True)
    ceilings = {c["scenario"]: c for c in json.loads(measured.stdout)}
    for name, c in ceilings.items():
        log(f"  {name:<40} {c['requests_per_second']:>10.0f} answers/s in-process  errors {c['errors']}")
    return ceilings


def run_search(base, body, key, args, workdir, pid, name):
    # A fixed-body POST: wrk's own -s script with wrk.method/body is the simplest here.
    script = f"""
wrk.method = "POST"
wrk.body = {lua_string(body)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {lua_string("Bearer " + key)}
""" + REPORT_LUA
    return measure_script(name, base + "/contacts/search", script, args, workdir, pid)


def start(command, env, cwd, stdout=subprocess.DEVNULL):
    return subprocess.Popen(command, env={**os.environ, **env}, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


class Postgres:
    """A throw-away PostgreSQL cluster on a free loopback port (initdb as the postgres user when
    run as root), for `--backend postgres`; stopped by `stop()`."""

    def __init__(self, workdir):
        root = "/usr/lib/postgresql"
        versions = sorted(d for d in os.listdir(root) if os.path.exists(f"{root}/{d}/bin/pg_ctl")) if os.path.isdir(root) else []
        if not versions:
            raise SystemExit("--backend postgres needs PostgreSQL's server (apt-get install postgresql)")
        self.bin = f"{root}/{versions[-1]}/bin"
        self.dir = os.path.join(workdir, "pg")
        os.makedirs(self.dir)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            os.chmod(workdir, 0o755)
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "--encoding=UTF8")
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "start",
                 "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "contacts")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/contacts"

    def run(self, program, *args):
        command = [f"{self.bin}/{program}", *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, cwd=self.dir, check=True, capture_output=True, text=True)

    def insert_rate(self, args):
        """PostgreSQL's own single-row insert rate into `contacts` (the same indexes and
        triggers), from as many clients as wrk has connections, by pgbench: the creates' limit
        on this backend."""
        script = os.path.join(self.dir, "insert.sql")
        with open(script, "w") as f:
            f.write("INSERT INTO contacts (uid, first_name, last_name, name_key, email, email_key, created_at, updated_at) "
                    "SELECT u, 'Load', 'Test', 'load test', u || '@pgbench.example', u || '@pgbench.example', now()::text, now()::text "
                    "FROM (SELECT gen_random_uuid()::text AS u) AS fresh;\n")
        if self.as_postgres:
            shutil.chown(script, "postgres")
        out = self.run("pgbench", "-n", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", str(args.connections),
                       "-j", str(args.threads), "-T", str(args.seconds), "-f", script, "contacts").stdout
        tps = next(line for line in out.splitlines() if line.startswith("tps = "))
        return float(tps.split()[2])

    def stop(self):
        try:
            self.run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass


def measure_bare(args, workdir):
    """The bare actix handler's rate against the same wrk: how fast HTTP alone goes here."""
    bare_port = free_port()
    bare = start([os.path.join(RELEASE, "bench-bare"), "--bind", f"127.0.0.1:{bare_port}"], {}, workdir)
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/")
        return measure("bare actix handler (fixed JSON)", f"http://127.0.0.1:{bare_port}", {"paths": ["/contact"]}, args, workdir, bare.pid)
    finally:
        stop(bare)


def run_normal_creates(env, scenarios, key, args, workdir, results):
    """The creates again with synchronous=normal, side by side with the default (full): what
    surviving power loss costs when group commit pays one sync per batch (SQLite only)."""
    creates = [(name, scenario) for name, scenario in scenarios if scenario.get("kind") == "create"]
    if not creates:
        return
    log("creates with synchronous=normal")
    port = free_port()
    gateway = start([os.path.join(RELEASE, "contacts-gateway")],
                    {**env, "CONTACTS__SERVER__BIND": f"127.0.0.1:{port}", "CONTACTS__DATABASE__SYNCHRONOUS": "normal"}, workdir)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/readyz")
        for name, scenario in creates:
            results.append(measure(f"{name} (synchronous=normal)", base, {**scenario, "key": key}, args, workdir, gateway.pid))
    finally:
        stop(gateway)


# The peers, pinned: npm packages installed under target/bench-peer.
PEER_PACKAGES = {"json-server": "json-server@0.17.4", "mockoon-cli": "@mockoon/cli@9.9.0"}
# The environment-file version Mockoon CLI 9.9 reads without migrating.
MOCKOON_MIGRATION = 33


def peer_binary(name):
    binary = os.path.join(PEER_DIR, "node_modules", ".bin", name)
    if not os.path.exists(binary):
        os.makedirs(PEER_DIR, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", PEER_DIR, PEER_PACKAGES[name]], check=True)
    return binary


def peer_contacts():
    return [
        {"id": n + 1, "first_name": "First", "last_name": f"Last{n}", "email": f"user{n}@example{n % 100}.com", "phone": f"1555{n:07}"}
        for n in range(PEER_CONTACTS)
    ]


def peer_scenarios(prefix, base, page_query, args, workdir, pid):
    """Get by id, list page 1 (25) and create against a peer, named `<prefix> ...`."""
    rng = random.Random(3)
    return [
        measure(f"{prefix} get by id", base, {"paths": [f"/contacts/{rng.randint(1, PEER_CONTACTS)}" for _ in range(1000)]}, args, workdir, pid),
        measure(f"{prefix} list page 1", base, {"paths": [f"/contacts?{page_query}"]}, args, workdir, pid),
        measure(f"{prefix} create", base, {"kind": "create", "write_path": "/contacts", "template": '{"first_name":"Load","last_name":"Test","email":"%s","note":"%s"}'}, args, workdir, pid),
    ]


def run_peer(args, workdir):
    """The peers over the same 10 000 contacts (get by id, list page, create): json-server, and
    Mockoon's CLI serving a data bucket through its CRUD route."""
    if shutil.which("npm") is None:
        log("npm not found: skipping the peers")
        return []
    return run_json_server(args, workdir) + run_mockoon(args, workdir)


def run_mockoon(args, workdir):
    binary = peer_binary("mockoon-cli")
    port = free_port()
    route = str(uuid.uuid4())
    environment = {
        "uuid": str(uuid.uuid4()), "lastMigration": MOCKOON_MIGRATION, "name": "peer", "endpointPrefix": "", "latency": 0,
        "port": port, "hostname": "127.0.0.1", "folders": [],
        "routes": [{
            "uuid": route, "type": "crud", "documentation": "", "method": "", "endpoint": "contacts",
            "responses": [{
                "uuid": str(uuid.uuid4()), "body": "{}", "latency": 0, "statusCode": 200, "label": "", "headers": [],
                "bodyType": "DATABUCKET", "filePath": "", "databucketID": "cnts", "sendFileAsBody": False, "rules": [],
                "rulesOperator": "OR", "disableTemplating": False, "fallbackTo404": False, "default": True,
                "crudKey": "id", "callbacks": [],
            }],
            "responseMode": None, "streamingMode": None, "streamingInterval": 0,
        }],
        "rootChildren": [{"type": "route", "uuid": route}],
        "proxyMode": False, "proxyHost": "", "proxyRemovePrefix": False,
        "tlsOptions": {"enabled": False, "type": "CERT", "pfxPath": "", "certPath": "", "keyPath": "", "caPath": "", "passphrase": ""},
        "cors": True, "headers": [{"key": "Content-Type", "value": "application/json"}],
        "proxyReqHeaders": [{"key": "", "value": ""}], "proxyResHeaders": [{"key": "", "value": ""}],
        "data": [{"uuid": str(uuid.uuid4()), "id": "cnts", "name": "contacts", "documentation": "", "value": json.dumps(peer_contacts())}],
        "callbacks": [],
    }
    path = os.path.join(workdir, "mockoon.json")
    with open(path, "w") as f:
        json.dump(environment, f)
    process = start([binary, "start", "--data", path, "--disable-log-to-file"], {}, workdir)
    try:
        wait_ready(f"http://127.0.0.1:{port}/contacts/1")
        return peer_scenarios("mockoon", f"http://127.0.0.1:{port}", "page=1&limit=25", args, workdir, process.pid)
    finally:
        stop(process)


def run_json_server(args, workdir):
    binary = peer_binary("json-server")
    from_seed = peer_contacts()
    db = os.path.join(workdir, "peer.json")
    with open(db, "w") as f:
        json.dump({"contacts": from_seed}, f)
    port = free_port()
    process = start([binary, "--port", str(port), "--quiet", db], {}, workdir)
    try:
        wait_ready(f"http://127.0.0.1:{port}/contacts/1")
        results = peer_scenarios("peer", f"http://127.0.0.1:{port}", "_page=1&_limit=25", args, workdir, process.pid)
    finally:
        stop(process)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--out", default=None)
    parser.add_argument("--pool", type=int, default=4,
                        help="the gateway's PostgreSQL connections (--backend postgres): more server processes than the machine has cores to spare only queue for them")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the gateway scenarios whose names contain TEXT (repeatable); for iterating on one")
    args = parser.parse_args()
    if args.out is None:
        name = "latest.json" if args.backend == "sqlite" else f"latest-{args.backend}.json"
        args.out = os.path.join(ROOT, "target", "bench", name)

    if not args.no_build:
        log("building release binaries")
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "contacts-gateway", "-p", "contacts-bench"], cwd=ROOT, check=True)

    workdir = tempfile.mkdtemp(prefix="contacts-bench-")
    postgres = None
    try:
        db = os.path.join(workdir, "contacts.db")
        log(f"seeding {args.contacts} contacts")
        seed = json.loads(subprocess.run([os.path.join(RELEASE, "bench-seed"), "--db", db, "--contacts", str(args.contacts)], capture_output=True, text=True, check=True).stdout)
        log(f"  seeded in {seed['seconds']:.1f} s ({seed['contacts_per_second']:.0f} contacts/s)")
        env = {"CONTACTS__DATABASE__URL": db, "RUST_LOG": "warn"}
        key = subprocess.run([os.path.join(RELEASE, "contacts-gateway"), "keys", "create", "--name", "bench"], env={**os.environ, **env}, cwd=workdir, capture_output=True, text=True, check=True).stdout.strip()
        if args.backend == "postgres":
            log("copying the seeded directory into a throw-away PostgreSQL cluster")
            postgres = Postgres(workdir)
            subprocess.run([os.path.join(RELEASE, "contacts-gateway"), "copy", "--from", db, "--to", postgres.url],
                           cwd=workdir, capture_output=True, text=True, check=True)
            postgres.run("psql", "-q", "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres", "-d", "contacts", "-c", "VACUUM ANALYZE")
            env = {"CONTACTS__DATABASE__URL": postgres.url, "CONTACTS__DATABASE__MAX_CONNECTIONS": str(args.pool), "RUST_LOG": "warn"}
        scenarios = [(name, scenario) for name, scenario in gateway_scenarios(db, key, args.contacts)
                     if not args.only or any(text in name for text in args.only)]
        # Before the gateway starts, over the same rows its reads will see (its creates add more).
        log("the reads' in-process ceilings")
        ceilings = measure_ceilings(scenarios, env, args, workdir)
        # The HTTP limit once before the gateway's scenarios and once after: how far apart the
        # two are is this run's own estimate of its noise (bench/compare reads it).
        log("limit before the scenarios")
        bare_before = measure_bare(args, workdir)
        port = free_port()
        gateway = start([os.path.join(RELEASE, "contacts-gateway")], {**env, "CONTACTS__SERVER__BIND": f"127.0.0.1:{port}"}, workdir)
        results = []
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/readyz")
            log("gateway scenarios")
            batches_seen = {"sum": 0.0, "count": 0.0, "buckets": {}}
            batches_before = None
            for name, scenario in scenarios:
                # The creates' group-commit batches, for the batched raw inserts below.
                is_create = scenario.get("kind") == "create"
                if is_create:
                    batches_before = write_batches(base)
                if "search" in scenario:
                    results.append(run_search(base, scenario["search"], key, args, workdir, gateway.pid, name))
                else:
                    results.append(measure(name, base, {**scenario, "key": key}, args, workdir, gateway.pid))
                if is_create:
                    after = write_batches(base)
                    batches_seen["sum"] += after["sum"] - batches_before["sum"]
                    batches_seen["count"] += after["count"] - batches_before["count"]
                    for le, total in after["buckets"].items():
                        batches_seen["buckets"][le] = batches_seen["buckets"].get(le, 0) + total - batches_before["buckets"].get(le, 0)
            overall_peak = peak_rss_mib(gateway.pid)
        finally:
            stop(gateway)

        if args.backend == "sqlite":
            run_normal_creates(env, scenarios, key, args, workdir, results)
        pg_inserts = None
        if postgres is not None:
            pg_inserts = postgres.insert_rate(args)
            log(f"  PostgreSQL single-row inserts (pgbench, {args.connections} clients): {pg_inserts:.0f}/s")
            postgres.stop()
            postgres = None

        log("limits")
        bare_get = measure_bare(args, workdir)
        batches = batches_between({"sum": 0.0, "count": 0.0, "buckets": {}}, batches_seen)
        batch = max(1, round(batches["mean"])) if batches["mean"] else 1
        raw = json.loads(subprocess.run([os.path.join(RELEASE, "bench-sqlite"), "--db", db, "--seconds", str(args.seconds), "--threads", str(args.threads),
                                         "--batch", str(batch)], capture_output=True, text=True, check=True).stdout)
        log(f"  raw SQLite: {raw['lookups_per_second']:.0f} look-ups/s, {raw['inserts_per_second']:.0f} inserts/s one at a time, "
            f"{raw['batched_inserts_per_second']:.0f}/s committed {batch} at a time (the creates' mean batch)")

        peer = [] if args.no_peer else run_peer(args, workdir)
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    peers = {p["scenario"]: p for p in peer}
    # Every dialect's get by id and create does what the peer's does; the list page with the
    # peer's page size and a total is Grow's.
    peer_for = {
        "grow get by id": "peer get by id",
        "pylon get by id": "peer get by id",
        "workshop get by id": "peer get by id",
        "grow list page 1 (limit 25, total)": "peer list page 1",
        "grow create": "peer create",
        "pylon create": "peer create",
        "workshop create": "peer create",
    }
    for result in results:
        name = result["scenario"]
        if "create" in name and "mix" not in name:
            # SQLite's writer commits creates in batches, so its ceiling is raw inserts committed
            # in batches of the size it formed; PostgreSQL commits each on its own.
            limit = pg_inserts if pg_inserts is not None else raw["batched_inserts_per_second"]
        elif name in ceilings:
            # A read's own ceiling: the same store work and serialisation in-process. Beside it,
            # the HTTP ceiling (bare actix) and both together: the rate of cores doing the
            # work of both, one after the other, for every request.
            work = ceilings[name]["requests_per_second"]
            http = bare_get["requests_per_second"]
            result["ceiling_in_process"] = work
            result["ceiling_with_http"] = 1 / (1 / work + 1 / http) if work and http else None
            result["vs_http"] = result["requests_per_second"] / http if http else None
            result["vs_both"] = result["requests_per_second"] / result["ceiling_with_http"] if result["ceiling_with_http"] else None
            limit = work
        else:
            limit = bare_get["requests_per_second"]
        result["vs_limit"] = result["requests_per_second"] / limit if limit else None
        match = peers.get(peer_for.get(name, ""))
        result["vs_peer"] = result["requests_per_second"] / match["requests_per_second"] if match and match["requests_per_second"] else None
        mockoon = peers.get(peer_for.get(name, "").replace("peer ", "mockoon ", 1))
        result["vs_mockoon"] = result["requests_per_second"] / mockoon["requests_per_second"] if mockoon and mockoon["requests_per_second"] else None

    report = {
        "backend": args.backend,
        "contacts": args.contacts,
        "seconds_per_scenario": args.seconds,
        "connections": args.connections,
        "seed": seed,
        "write_batches": batches,
        "limits": {"bare_actix": bare_get, "bare_actix_again": bare_before, "raw_sqlite": raw, "postgres_inserts_per_second": pg_inserts,
                   "in_process": list(ceilings.values())},
        "peer": peer,
        "scenarios": results,
        "gateway_peak_rss_mib": overall_peak,
        "machine": {"cpus": os.cpu_count()},
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    chart = os.path.splitext(args.out)[0] + ".svg"
    write_chart(report, chart)

    print(f"contacts-gateway benchmark ({args.backend}): {args.contacts} contacts, {args.connections} connections, {args.seconds} s per scenario, {os.cpu_count()} cores")
    print(f"seeding: {seed['seconds']:.1f} s; limits: bare actix {bare_get['requests_per_second']:.0f} req/s, raw SQLite {raw['lookups_per_second']:.0f} look-ups/s and {raw['inserts_per_second']:.0f} inserts/s "
          f"({raw['batched_inserts_per_second']:.0f}/s in batches of {raw['batch']})")
    if batches["batches"]:
        print("group-commit batches during the creates (writes per batch: batches): "
              + ", ".join(f"<={le}: {n:.0f}" for le, n in batches["per_bucket"].items() if le != "+Inf" and n)
              + f"; mean {batches['mean']:.1f}")
    print("/limit: over the read's in-process ceiling (creates: raw inserts); /http: over bare actix; "
          "/both: over the two together")
    header = (f"{'scenario':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'RSS MiB':>8} {'errors':>7} {'ceiling':>9} "
              f"{'/limit':>7} {'/http':>6} {'/both':>6} {'/peer':>7} {'/mockoon':>8}")
    print(header)
    print("-" * len(header))
    for r in results + peer:
        ratio = lambda v: f"{v:.2f}" if v is not None else "-"
        rss = f"{r['peak_rss_mib']:.0f}" if r.get("peak_rss_mib") is not None else "-"
        ceiling = f"{r['ceiling_in_process']:.0f}" if r.get("ceiling_in_process") else "-"
        print(f"{r['scenario']:<40} {r['requests_per_second']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {rss:>8} {r['errors']:>7} {ceiling:>9} "
              f"{ratio(r.get('vs_limit')):>7} {ratio(r.get('vs_http')):>6} {ratio(r.get('vs_both')):>6} {ratio(r.get('vs_peer')):>7} {ratio(r.get('vs_mockoon')):>8}")
    print(f"saved {args.out} and {chart}")


if __name__ == "__main__":
    main()
