"""A custom stage for the engine tests: deterministic output from its inputs, params and seed.

Params: bytes (size of each output, default 2000), slow (fsync every 64 KiB, widening the
windows a kill can land in), sleep (seconds before writing), fail_if_file (exit 65 while that file
exists), exit_code, pid_file (write this process's pid there first). Appends the stage name to
$TEST_TRACE so tests can see what executed.
"""
import hashlib, json, os, sys, time

out = os.environ["BESPOKE_OUTPUT_DIR"]
stage = os.environ["BESPOKE_STAGE"]
params = json.loads(os.environ["BESPOKE_PARAMS"])
inputs = json.loads(os.environ["BESPOKE_INPUTS"])
outputs = json.loads(os.environ["BESPOKE_OUTPUTS"])
trace = os.environ.get("TEST_TRACE")
if trace:
    with open(trace, "a") as f:
        f.write(stage + "\n")
print("stage %s writing %s" % (stage, ", ".join(outputs)))
if params.get("pid_file"):
    with open(params["pid_file"] + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(params["pid_file"] + ".tmp", params["pid_file"])
if params.get("sleep"):
    time.sleep(params["sleep"])
flag = params.get("fail_if_file")
if flag and os.path.exists(flag):
    print("planted failure: %s exists" % flag, file=sys.stderr)
    sys.exit(params.get("exit_code", 65))

h = hashlib.sha256(json.dumps(params, sort_keys=True).encode() + os.environ["BESPOKE_SEED"].encode())
for table in sorted(inputs):
    with open(inputs[table], "rb") as f:
        h.update(f.read())
size = params.get("bytes", 2000)
for table in outputs:
    block = hashlib.sha256(h.digest() + table.encode()).digest() * 2048  # 64 KiB
    with open(os.path.join(out, table + ".bin"), "wb") as f:
        written = 0
        while written < size:
            chunk = block[: min(len(block), size - written)]
            f.write(chunk)
            written += len(chunk)
            if params.get("slow"):
                f.flush()
                os.fsync(f.fileno())
with open(os.path.join(out, "_counters.json"), "w") as f:
    json.dump({"bytes_out": size * len(outputs), "inputs": len(inputs)}, f)
