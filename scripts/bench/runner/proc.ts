// /proc: the processes under a pid, and a node process' VmHWM (peak RSS).
import { readdirSync, readFileSync } from "fs";

export function descendants(root: number): number[] {
    const parentOf = new Map<number, number>();
    for (const e of readdirSync("/proc")) {
        if (!/^[0-9]+$/.test(e)) continue;
        try {
            const stat = readFileSync(`/proc/${e}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parentOf.set(Number(e), ppid);
        } catch {
            // gone between readdir and read
        }
    }
    const out: number[] = [];
    const frontier = [root];
    while (frontier.length > 0) {
        const p = frontier.pop() as number;
        for (const [pid, ppid] of parentOf) {
            if (ppid === p) {
                out.push(pid);
                frontier.push(pid);
            }
        }
    }
    return out;
}

export function nodeHwmKb(pid: number): number | undefined {
    try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "node") return undefined;
        const m = /VmHWM:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}
