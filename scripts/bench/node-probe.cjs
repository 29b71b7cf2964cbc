// Preloaded (NODE_OPTIONS=--require) into the node processes `pulumi preview` spawns, by
// scripts/bench/run.ts. Only the language host's program process (…/@pulumi/pulumi/cmd/run) reports:
//   AZORA_BENCH_PROBE_DIR    writes <dir>/rss-<pid>.json on exit: the process's peak RSS (getrusage
//                            ru_maxrss, the kernel's VmHWM) and its own wall time.
//   AZORA_BENCH_CPU_PROFILE  also records a V8 CPU profile to <dir>/cpu-<pid>.cpuprofile
//                            (--cpu-prof is refused in NODE_OPTIONS, hence the inspector session)
//                            and a sampling heap profile of every allocation, collected or not,
//                            to <dir>/heap-<pid>.heapprofile.
"use strict";
const fs = require("fs");
const path = require("path");

const dir = process.env.AZORA_BENCH_PROBE_DIR;
const isProgram = process.argv.some((a) => /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run/.test(a));

if (dir && isProgram) {
    const started = process.hrtime.bigint();
    let session;
    if (process.env.AZORA_BENCH_CPU_PROFILE) {
        const inspector = require("inspector");
        session = new inspector.Session();
        session.connect();
        session.post("Profiler.enable");
        session.post("Profiler.setSamplingInterval", { interval: 500 });
        session.post("Profiler.start");
        session.post("HeapProfiler.enable");
        session.post("HeapProfiler.startSampling", {
            samplingInterval: 32768,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: true,
        });
    }
    let written = false;
    const report = (how) => {
        if (written) return;
        written = true;
        const out = {
            pid: process.pid,
            how,
            maxRssKb: process.resourceUsage().maxRSS,
            wallMs: Number(process.hrtime.bigint() - started) / 1e6,
        };
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `rss-${process.pid}.json`), JSON.stringify(out));
        if (session) {
            // The in-process session answers synchronously, so this works inside an exit handler.
            session.post("Profiler.stop", (err, res) => {
                if (!err) fs.writeFileSync(path.join(dir, `cpu-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
            });
            session.post("HeapProfiler.stopSampling", (err, res) => {
                if (!err) fs.writeFileSync(path.join(dir, `heap-${process.pid}.heapprofile`), JSON.stringify(res.profile));
            });
        }
    };
    process.on("exit", () => report("exit"));
    for (const sig of ["SIGINT", "SIGTERM"]) {
        process.once(sig, () => {
            report(sig);
            process.exit(128);
        });
    }
}
